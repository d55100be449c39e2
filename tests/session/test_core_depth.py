"""The core with the routing-depth events (issue 11) against the real server on 127.0.0.1.

The reducer matched only the original `ServerEvent`s: `wrap_up_changed` after closing a session
on a queue with wrap-up time, or `next_presence_changed`, hit its `assert_never` and the core's
reader died with it (the app lost its link on every close).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Presence, UserId
from agent_desktop.server.config import CustomPresenceConfig, RepeatMisses, ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import LinkStatus
from tests.session.live import WAIT_S, create_work, has_offer, make_core, started
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration


def depth_config() -> ServerConfig:
    """The demo with wrap-up on the chat queue, a custom presence and the repeat-miss rule."""
    config = demo_config()
    queues = [
        msgspec.structs.replace(
            q,
            wrap_up_s=120.0,
            dispositions=["Resolved", "Call back"],
            disposition_required=True,
        )
        if q.id == "chat"
        else q
        for q in config.queues
    ]
    lunch = CustomPresenceConfig(name="Lunch", base=Presence.AWAY, colour="#e0a030")
    return msgspec.structs.replace(
        config,
        queues=queues,
        presences=[lunch],
        repeat_misses=RepeatMisses(count=2, window_s=600, penalty_s=300),
    )


@pytest.fixture
async def depth_server() -> AsyncIterator[RunningServer]:
    async with running_server(depth_config()) as running:
        yield running


@pytest.fixture
async def tester(depth_server: RunningServer) -> AsyncIterator[WireClient]:
    async with logged_in(depth_server.url, "sam") as client:
        yield client


async def test_closing_a_session_with_wrap_up_keeps_the_core_online(
    depth_server: RunningServer, tester: WireClient
) -> None:
    core = make_core(depth_server.url)
    async with started(core):
        await create_work(tester)
        state = await core.wait_for(has_offer, WAIT_S)
        await core.accept(state.offers[0].offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
        attempts = state.connection.attempt
        await core.close_session(state.sessions[0].session_id)
        await core.wait_for(lambda s: not s.sessions, WAIT_S)
        # The wrap-up's event came with the close: the core must still be reading the link.
        await core.set_presence(Presence.BUSY)
        state = await core.wait_for(
            lambda s: s.presence is not None and s.presence.presence is Presence.BUSY, WAIT_S
        )
        assert state.connection.status is LinkStatus.ONLINE
        assert state.connection.attempt == attempts


async def test_wrap_up_next_status_and_custom_presences_reach_the_state(
    depth_server: RunningServer, tester: WireClient
) -> None:
    core = make_core(depth_server.url)
    async with started(core):
        assert [(p.name, p.base) for p in core.state.custom_presences] == [("Lunch", Presence.AWAY)]
        work_id = await create_work(tester)
        state = await core.wait_for(has_offer, WAIT_S)
        await core.accept(state.offers[0].offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)

        await core.set_next_presence(Presence.AWAY, "Lunch")
        state = await core.wait_for(lambda s: s.next_presence is not None, WAIT_S)
        assert state.next_presence is not None
        assert state.next_presence.custom == "Lunch"

        await core.close_session(state.sessions[0].session_id)
        state = await core.wait_for(lambda s: bool(s.wrap_ups), WAIT_S)
        [wrap_up] = state.wrap_ups
        assert wrap_up.work_id == work_id
        assert wrap_up.dispositions == ["Resolved", "Call back"]
        assert wrap_up.disposition_required
        assert 100 < state.wrap_up_remaining(wrap_up, core.clock.now()) <= 120

        await core.extend_wrap_up(work_id, 60)
        state = await core.wait_for(
            lambda s: bool(s.wrap_ups) and s.wrap_ups[0].ends_at > wrap_up.ends_at + 59, WAIT_S
        )
        await core.finish_wrap_up(work_id, "Resolved", "refund sent")
        state = await core.wait_for(
            lambda s: (
                not s.wrap_ups
                and s.next_presence is None
                and s.presence is not None
                and s.presence.custom == "Lunch"
            ),
            WAIT_S,
        )
        assert state.presence is not None
        assert state.presence.presence is Presence.AWAY


async def test_the_supervisor_sees_queues_live(
    depth_server: RunningServer, tester: WireClient
) -> None:
    supervisor = make_core(depth_server.url, "sam")
    bob = make_core(depth_server.url, "bob")
    async with started(supervisor), started(bob):
        await supervisor.list_queues()
        state = supervisor.state
        assert state.queue_stats is not None
        chat = next(q for q in state.queue_stats if q.queue == "chat")
        assert chat.agents_available >= 1  # bob
        await bob.set_presence(Presence.AWAY)
        await supervisor.wait_for(
            lambda s: (
                s.queue_stats is not None
                and any(
                    q.queue == "chat" and q.agents_away > chat.agents_away for q in s.queue_stats
                )
            ),
            WAIT_S,
        )


async def test_a_penalty_shows_its_end_and_a_supervisor_clears_it(
    demo_clocked: tuple[RunningServer, ManualClock],
) -> None:
    server, clock = demo_clocked
    bob = make_core(server.url, "bob")
    supervisor = make_core(server.url, "sam")
    async with started(bob), started(supervisor), logged_in(server.url, "sam") as tester:
        for _ in range(2):  # the config's count: the second miss starts the penalty
            await create_work(tester, agent="bob")
            await bob.wait_for(has_offer, WAIT_S)
            clock.advance(121)
            server.wake()
            await bob.wait_for(lambda s: not s.offers, WAIT_S)
        state = await bob.wait_for(lambda s: s.penalty_until is not None, WAIT_S)
        [alert] = [a for a in state.alerts if a.penalty]
        assert state.penalty_until == server_time_of(clock) + 300
        await bob.set_presence(Presence.AVAILABLE)  # does not lift it: the alert stays
        state = await bob.wait_for(
            lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE, WAIT_S
        )
        assert state.alert(alert.alert_id) is not None

        await supervisor.clear_penalty(UserId("bob"))
        state = await bob.wait_for(lambda s: s.penalty_until is None, WAIT_S)
        assert state.alert(alert.alert_id) is None


def server_time_of(clock: ManualClock) -> float:
    return clock.now()


@pytest.fixture
async def demo_clocked() -> AsyncIterator[tuple[RunningServer, ManualClock]]:
    clock = ManualClock()
    async with running_server(depth_config(), clock=clock) as running:
        yield running, clock
