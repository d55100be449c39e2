"""Issue 10, item 6 at the core: after every (re)login the alerts shown are the server's current
ones, and an alert whose condition is gone goes (here and on the server).

Real server on 127.0.0.1 with a ManualClock; the agent misses an offer (Inactive + the missed
alert), quits, and signs in again: the server says Available (a fresh login) and still lists
the alert that says "you were set to Inactive".
"""

from __future__ import annotations

import asyncio

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import Agents, AgentUpdated, ListAgents
from agent_desktop.protocol.vocabulary import AlertKind, Presence, UserId
from agent_desktop.server.runner import running_server
from agent_desktop.session import AgentState
from tests.session.live import WAIT_S, create_work, has_offer, make_core, started
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration


def presence_is(presence: Presence) -> object:
    def check(state: AgentState) -> bool:
        return state.presence is not None and state.presence.presence is presence

    return check


async def server_alerts(sam: WireClient, agent: str) -> list[AlertKind]:
    reply = await sam.call(ListAgents(id=sam.next_id()))
    assert isinstance(reply, Agents)
    [view] = [a for a in reply.agents if a.agent == UserId(agent)]
    return list(view.alerts)


async def test_a_stale_missed_alert_goes_when_the_agent_is_no_longer_inactive() -> None:
    clock = ManualClock()
    async with running_server(clock=clock) as server, logged_in(server.url, "sam") as sam:
        first = make_core(server.url, clock=clock)
        async with started(first):
            await create_work(sam)
            [pending] = (await first.wait_for(has_offer, WAIT_S)).offers
            clock.advance(pending.remaining(clock.now()) + 0.5)
            server.wake()
            state = await first.wait_for(
                lambda s: bool(s.alerts) and s.shown_presence is Presence.INACTIVE, WAIT_S
            )
            assert [a.kind for a in state.alerts] == [AlertKind.MISSED]  # condition holds
            await first.quit()
            assert await server_alerts(sam, "alice") == [AlertKind.MISSED]  # subscribes sam

        again = make_core(server.url, clock=clock)
        async with started(again):
            state = again.state
            assert state.presence is not None
            assert state.presence.presence is Presence.AVAILABLE  # a fresh login
            assert state.alerts == ()  # "you were set to Inactive" is not true any more
            # ...and the server is told to forget it too (agent_updated says so).
            async with asyncio.timeout(WAIT_S):
                while True:
                    update = await sam.next_event(AgentUpdated, WAIT_S)
                    if (
                        update.agent.agent == "alice"
                        and update.agent.presence.presence is Presence.AVAILABLE
                        and not update.agent.alerts
                    ):
                        break
        assert await server_alerts(sam, "alice") == []
