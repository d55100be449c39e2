"""The intents (`AgentIntents`: accept, reject, presence, calls, transfer, ...) against the real
server on 127.0.0.1: offers become sessions, refusals arrive typed."""

from __future__ import annotations

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import (
    CustomerMessage,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    CallState,
    Channel,
    ErrorCode,
    OfferId,
    OfferState,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    Role,
    Sender,
    SessionId,
    UserId,
)
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import (
    NotConnectedError,
    OfferArrived,
    OfferLeft,
    RequestError,
)
from tests.session.live import (
    WAIT_S,
    create_work,
    has_offer,
    make_core,
    quick_chat_config,
    recorder,
    started,
)
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration


async def test_login_offer_accept_and_messages_both_ways(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    announcements = recorder(core)
    async with started(core):
        state = core.state
        assert state.identity is not None
        assert (state.identity.user, state.identity.role) == ("alice", Role.AGENT)
        assert state.shown_presence is Presence.AVAILABLE
        assert abs(state.clock_offset) < 1.0  # same machine, same clock

        work_id = await create_work(sam)
        state = await core.wait_for(has_offer, WAIT_S)
        [pending] = state.offers
        assert pending.offer.work.work_id == work_id
        assert pending.offer.notification.accept_label == "Accept"
        countdown = pending.countdown(core.clock.now())
        assert countdown is not None
        assert 100 < countdown <= 120
        [arrived] = [a for a in announcements if isinstance(a.effect, OfferArrived)]
        assert arrived.decision is not None
        assert arrived.decision.in_app

        await core.accept(pending.offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions) and not s.offers, WAIT_S)
        session_id = state.sessions[0].session_id
        left = [a.effect for a in announcements if isinstance(a.effect, OfferLeft)]
        assert left == [OfferLeft(pending.offer_id, OfferState.ACCEPTED, Reason.ACCEPT)]

        await core.send_message(session_id, "Hello, how can I help?")
        await sam.call(CustomerMessage(id=sam.next_id(), work_id=work_id, text="My parcel!"))
        state = await core.wait_for(
            lambda s: (
                [m.sender for m in s.sessions[0].transcript] == [Sender.AGENT, Sender.CUSTOMER]
            ),
            WAIT_S,
        )
        assert [m.text for m in state.sessions[0].transcript] == [
            "Hello, how can I help?",
            "My parcel!",
        ]
        assert state.outbox == ()

        await core.close_session(session_id)
        await core.wait_for(lambda s: not s.sessions, WAIT_S)


async def test_reject_sets_do_not_disturb_and_the_alert_sets_me_available(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    announcements = recorder(core)
    async with started(core):
        await create_work(sam)
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        await core.reject(pending.offer_id)
        state = await core.wait_for(
            lambda s: not s.offers and any(a.kind is AlertKind.REJECTED for a in s.alerts), WAIT_S
        )
        assert state.presence is not None
        assert state.presence.presence is Presence.BUSY_DND
        assert state.presence.reason is Reason.DECLINED_BY_AGENT
        assert state.presence.source is PresenceSource.SYSTEM
        left = [a.effect for a in announcements if isinstance(a.effect, OfferLeft)]
        assert left == [OfferLeft(pending.offer_id, OfferState.REJECTED, Reason.DECLINED_BY_AGENT)]

        [alert] = state.alerts
        await core.respond_to_alert(alert.alert_id)
        state = await core.wait_for(
            lambda s: (
                not s.alerts
                and s.presence is not None
                and s.presence.presence is Presence.AVAILABLE
            ),
            WAIT_S,
        )
        timeline = await core.presence_timeline()
        assert [c.presence for c in timeline[-2:]] == [Presence.BUSY_DND, Presence.AVAILABLE]
        assert timeline[-2].reason is Reason.DECLINED_BY_AGENT


async def test_a_case_cannot_be_rejected_and_opens_as_an_item(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        await create_work(sam, queue="case", channel=Channel.CASE, case_title="Broken router")
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        assert not pending.rejectable
        with pytest.raises(RequestError) as refused:
            await core.reject(pending.offer_id)
        assert refused.value.code is ErrorCode.NOT_REJECTABLE
        assert refused.value.local
        assert core.state.offers == (pending,)  # nothing changed

        await core.open_item(pending.offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
        case = state.sessions[0].work.case
        assert case is not None
        assert case.title == "Broken router"


async def test_server_refusals_raise_typed_errors_with_the_servers_message(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        await create_work(sam, queue="voice", channel=Channel.VOICE)
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        await core.accept(pending.offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
        session_id = state.sessions[0].session_id

        with pytest.raises(RequestError) as refused:
            await core.transfer(session_id, to_queue=QueueId("no-such-queue"))
        assert refused.value.code is ErrorCode.UNKNOWN_QUEUE
        assert not refused.value.local
        assert refused.value.message

        with pytest.raises(RequestError) as refused:
            await core.reset_presence(UserId("bob"))
        assert refused.value.code is ErrorCode.FORBIDDEN

        await core.hold(session_id)
        state = await core.wait_for(
            lambda s: (
                s.sessions[0].call is not None and s.sessions[0].call.state is CallState.ON_HOLD
            ),
            WAIT_S,
        )
        await core.mute(session_id)
        await core.wait_for(
            lambda s: s.sessions[0].call is not None and s.sessions[0].call.muted, WAIT_S
        )


async def test_missed_offer_leaves_at_expiry_and_sets_inactive() -> None:
    clock = ManualClock()
    async with running_server(clock=clock) as server, logged_in(server.url, "sam") as sam:
        core = make_core(server.url, clock=clock)
        announcements = recorder(core)
        async with started(core):
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            clock.advance(pending.remaining(clock.now()) + 0.5)
            # The client's own timer removes the offer at expiry, before the server says so.
            core.wake()
            assert core.state.offers == ()
            assert OfferLeft(pending.offer_id, None, None) in [a.effect for a in announcements]
            server.wake()
            state = await core.wait_for(
                lambda s: s.presence is not None and s.presence.presence is Presence.INACTIVE,
                WAIT_S,
            )
            assert state.presence is not None
            assert state.presence.reason is Reason.DISPLAY_TIMEOUT
            assert [a.kind for a in state.alerts] == [AlertKind.MISSED]


async def test_offer_expires_on_the_client_while_the_link_is_down() -> None:
    clock = ManualClock()
    async with running_server(clock=clock) as server, logged_in(server.url, "sam") as sam:
        core = make_core(server.url, clock=clock)
        async with started(core):
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        # close() dropped the link without a goodbye: the offer is still shown until expiry.
        assert core.state.offers == (pending,)
        clock.advance(pending.remaining(clock.now()))
        core.wake()
        after = core.state
        assert after.offers == ()


async def test_a_hidden_countdown_still_removes_the_offer_at_expiry_on_real_time() -> None:
    async with (
        running_server(quick_chat_config(0.5, show_timeout=False)) as server,
        logged_in(server.url, "sam") as sam,
    ):
        core = make_core(server.url)
        announcements = recorder(core)
        async with started(core):
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            assert pending.countdown(core.clock.now()) is None  # hidden...
            assert pending.remaining(core.clock.now()) > 0  # ...but running
            await core.wait_for(lambda s: not s.offers, WAIT_S)
            left = [a.effect for a in announcements if isinstance(a.effect, OfferLeft)]
            assert left[0].offer_id == pending.offer_id


async def test_the_eleventh_session_raises_the_max_sessions_alert(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        for _ in range(MAX_SESSIONS):
            await create_work(sam, queue="chat_vip")
        state = await core.wait_for(lambda s: len(s.sessions) == MAX_SESSIONS, WAIT_S)
        assert len(state.toasts) == MAX_SESSIONS  # auto-accepted: a toast each, no decision
        await create_work(sam, queue="chat_vip")
        state = await core.wait_for(
            lambda s: any(a.kind is AlertKind.MAX_SESSIONS for a in s.alerts), WAIT_S
        )
        assert len(state.sessions) == MAX_SESSIONS
        assert state.presence is not None
        assert state.presence.presence is Presence.BUSY_DND


async def test_transfer_and_escalate_hand_the_session_over(
    server: RunningServer, sam: WireClient
) -> None:
    alice = make_core(server.url)
    bob = make_core(server.url, "bob")
    async with started(alice), started(bob):
        await create_work(sam)
        [pending] = (await alice.wait_for(has_offer, WAIT_S)).offers
        await alice.accept(pending.offer_id)
        session_id = (
            (await alice.wait_for(lambda s: bool(s.sessions), WAIT_S)).sessions[0].session_id
        )

        await alice.transfer(session_id, to_agent=UserId("bob"))
        await alice.wait_for(lambda s: not s.sessions, WAIT_S)
        state = await bob.wait_for(lambda s: bool(s.sessions) and bool(s.toasts), WAIT_S)
        assert state.toasts[0].toast.reason is Reason.TRANSFER
        bob.dismiss_toast(state.toasts[0])
        assert bob.state.toasts == ()

        await bob.escalate(state.sessions[0].session_id, to_agent=UserId("alice"))
        state = await alice.wait_for(lambda s: bool(s.sessions), WAIT_S)
        assert state.toasts[-1].toast.reason is Reason.ESCALATION


async def test_not_connected_intents_fail_fast_and_inactive_is_refused(
    server: RunningServer,
) -> None:
    core = make_core(server.url)
    with pytest.raises(NotConnectedError):
        await core.set_presence(Presence.AWAY)
    async with started(core):
        with pytest.raises(RequestError) as refused:
            await core.set_presence(Presence.INACTIVE)
        assert refused.value.local
        with pytest.raises(RequestError) as refused:
            await core.transfer(SessionId("s1"))  # no target named
        assert refused.value.code is ErrorCode.INVALID_MESSAGE
        assert refused.value.local
        with pytest.raises(RequestError) as refused:
            await core.accept(OfferId("gone"))
        assert refused.value.code is ErrorCode.UNKNOWN_OFFER
