"""Issue 10, item 3: an accept pressed during a short outage is queued, sent on the resume while
the offer's deadline allows, shown as waiting for the link, and dropped with a reason after.

Real server on 127.0.0.1 behind a relay that cuts the connection; one ManualClock for server
and client, so "before the deadline" and "after" are exact.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import GetWork, WorkInfo
from agent_desktop.protocol.vocabulary import ErrorCode, OfferState, Presence, WorkState
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import AgentState, LinkStatus, RequestError
from agent_desktop.session.state import AnswerStatus
from tests.session.live import WAIT_S, create_work, has_offer, make_core
from tests.session.relay import Relay
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def server(clock: ManualClock) -> AsyncIterator[RunningServer]:
    async with running_server(clock=clock) as running:
        yield running


@pytest.fixture
async def sam(server: RunningServer) -> AsyncIterator[WireClient]:
    async with logged_in(server.url, "sam") as client:
        yield client


def reconnecting(state: AgentState) -> bool:
    return state.connection.status is LinkStatus.RECONNECTING


def waiting_for_link(state: AgentState) -> bool:
    return any(o.answer is AnswerStatus.WAITING_FOR_LINK for o in state.offers)


async def test_an_accept_pressed_offline_is_sent_on_the_resume_and_opens_the_session(
    server: RunningServer, sam: WireClient, clock: ManualClock
) -> None:
    async with Relay(server.port) as relay:
        core = make_core(relay.url, clock=clock)
        await core.start()
        try:
            await core.wait_for(lambda s: s.online, WAIT_S)
            work_id = await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            relay.cut()
            await core.wait_for(reconnecting, WAIT_S)

            accepting = asyncio.create_task(core.accept(pending.offer_id))
            state = await core.wait_for(waiting_for_link, WAIT_S)
            [shown] = state.offers
            assert shown.offer_id == pending.offer_id
            assert shown.accepting  # the card says "Accepting… reconnecting"

            clock.advance(pending.remaining(clock.now()) / 2)  # well before the deadline
            relay.restore()
            core.reconnect_now()
            async with asyncio.timeout(WAIT_S):
                await accepting
            state = await core.wait_for(lambda s: bool(s.sessions) and not s.offers, WAIT_S)
            assert state.sessions[0].work.work_id == work_id

            # The original deadline passes: nothing is missed, the agent is not Inactive.
            clock.advance(pending.remaining(clock.now()) + 1)
            server.wake()
            core.wake()
            info = await sam.call(GetWork(id=sam.next_id(), work_id=work_id))
            assert isinstance(info, WorkInfo)
            assert info.work.state is WorkState.ASSIGNED
            assert info.session_id is not None
            ended = [h.event for h in info.history if h.event in set(OfferState)]
            assert ended == [OfferState.ACCEPTED]
            assert core.state.presence is not None
            assert core.state.presence.presence is not Presence.INACTIVE
        finally:
            await core.close()


async def test_an_accept_still_offline_at_the_deadline_is_dropped_with_a_reason(
    server: RunningServer, sam: WireClient, clock: ManualClock
) -> None:
    async with Relay(server.port) as relay:
        core = make_core(relay.url, clock=clock)
        await core.start()
        try:
            await core.wait_for(lambda s: s.online, WAIT_S)
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            relay.cut()
            await core.wait_for(reconnecting, WAIT_S)
            accepting = asyncio.create_task(core.accept(pending.offer_id))
            await core.wait_for(waiting_for_link, WAIT_S)

            clock.advance(pending.remaining(clock.now()) + 0.1)
            core.wake()
            with pytest.raises(RequestError) as dropped:
                async with asyncio.timeout(WAIT_S):
                    await accepting
            assert dropped.value.code is ErrorCode.OFFER_EXPIRED
            assert dropped.value.local
            assert "not accepted" in dropped.value.message
            assert core.state.offers == ()
        finally:
            await core.close()


async def test_an_accept_the_link_loses_before_the_reply_is_sent_again(
    server: RunningServer, sam: WireClient, clock: ManualClock
) -> None:
    """Sent, then the link dropped before the ack: the same accept again is applied once."""
    async with Relay(server.port) as relay:
        core = make_core(relay.url, clock=clock)
        await core.start()
        try:
            await core.wait_for(lambda s: s.online, WAIT_S)
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            relay.silent = True  # the accept goes nowhere; the heartbeat notices
            accepting = asyncio.create_task(core.accept(pending.offer_id))
            await core.wait_for(waiting_for_link, WAIT_S)
            relay.silent = False
            core.reconnect_now()
            async with asyncio.timeout(WAIT_S):
                await accepting
            state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
            assert len(state.sessions) == 1
        finally:
            await core.close()


async def test_an_accept_pressed_while_the_server_restarts_opens_the_session(
    tmp_path: Path, clock: ManualClock
) -> None:
    """The outage is the server itself (killed and started again on its stored state)."""
    async with running_server(data_dir=tmp_path, clock=clock) as first:
        url, port = first.url, first.port
        core = make_core(url, clock=clock)
        await core.start()
        await core.wait_for(lambda s: s.online, WAIT_S)
        async with logged_in(url, "sam") as sam:
            work_id = await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
    try:
        await core.wait_for(reconnecting, WAIT_S)
        accepting = asyncio.create_task(core.accept(pending.offer_id))
        await core.wait_for(waiting_for_link, WAIT_S)
        clock.advance(5)
        async with running_server(data_dir=tmp_path, clock=clock, port=port) as second:
            core.reconnect_now()
            async with asyncio.timeout(WAIT_S):
                await accepting
            state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
            assert state.sessions[0].work.work_id == work_id
            clock.advance(pending.remaining(clock.now()) + 1)
            second.wake()
            async with logged_in(second.url, "sam") as sam:
                info = await sam.call(GetWork(id=sam.next_id(), work_id=work_id))
                assert isinstance(info, WorkInfo)
                assert info.work.state is WorkState.ASSIGNED
            assert core.state.shown_presence is not Presence.INACTIVE
    finally:
        await core.close()
