"""Every branch of the reducer: offers and their timers, sessions, outbox, alerts, link."""

from __future__ import annotations

import msgspec
from msgspec.structs import replace

from agent_desktop.protocol.messages import (
    AgentUpdated,
    AlertCleared,
    AlertRaised,
    MessageAdded,
    OfferAdded,
    OfferEnded,
    PresenceChanged,
    SessionClosed,
    SessionOpened,
    SessionUpdated,
)
from agent_desktop.protocol.model import Call
from agent_desktop.protocol.vocabulary import (
    AlertKind,
    CallState,
    ErrorCode,
    OfferId,
    OfferState,
    Presence,
    Reason,
    Role,
    Sender,
    SessionId,
    UserId,
)
from agent_desktop.session.effects import (
    AlertArrived,
    OfferArrived,
    OfferLeft,
    ToastArrived,
)
from agent_desktop.session.events import (
    AgentsListed,
    AlertRemoved,
    ClockSynced,
    CredentialsNoticed,
    LinkChanged,
    MessageQueued,
    SignedIn,
    SignedOut,
    Tick,
    ToastDismissed,
)
from agent_desktop.session.reducer import apply, next_deadline
from agent_desktop.session.state import (
    CONNECTION_LOST_ALERT,
    AgentState,
    AlertAction,
    ClientAlertKind,
    Connection,
    Identity,
    LinkStatus,
    OutboxStatus,
)
from tests.session.factories import (
    T0,
    agent_view,
    alert,
    message,
    offer,
    presence,
    session,
    toast,
)
from tests.session.reducer_helpers import ALICE, ONLINE, online, queued, run, snapshot

# --- offers ----------------------------------------------------------------------------------


def test_new_offer_is_pending_and_announced() -> None:
    state, effects = apply(online(), OfferAdded(offer=offer()), T0)
    assert [o.offer_id for o in state.offers] == ["o1"]
    assert effects == [OfferArrived(state.offers[0])]
    assert state.offers[0].remaining(T0) == 120
    assert state.offers[0].countdown(T0 + 20) == 100


def test_offer_deadline_is_corrected_by_the_clock_offset() -> None:
    # The server's clock runs 30 s ahead of ours: its expires_at is 30 s earlier for us.
    state = replace(online(), clock_offset=30.0)
    state, _ = apply(state, OfferAdded(offer=offer(expires_at=T0 + 120)), T0)
    assert state.offers[0].deadline == T0 + 90
    assert state.offers[0].remaining(T0) == 90


def test_hidden_countdown_still_runs() -> None:
    state = run(online(), OfferAdded(offer=offer(show_timeout=False)))
    pending = state.offers[0]
    assert pending.countdown(T0) is None
    assert pending.remaining(T0 + 100) == 20
    state, effects = apply(state, Tick(), T0 + 120)
    assert state.offers == ()
    assert effects == [OfferLeft(OfferId("o1"), None, None)]


def test_offer_leaves_at_its_deadline_and_not_before() -> None:
    state = run(online(), OfferAdded(offer=offer()))
    same, effects = apply(state, Tick(), T0 + 119.9)
    assert same is state
    assert effects == []
    gone, effects = apply(state, Tick(), T0 + 120)
    assert gone.offers == ()
    assert effects == [OfferLeft(OfferId("o1"), None, None)]


def test_offer_expires_locally_while_disconnected() -> None:
    state = run(
        online(), OfferAdded(offer=offer()), LinkChanged(Connection(LinkStatus.RECONNECTING))
    )
    state, effects = apply(state, Tick(), T0 + 121)
    assert state.offers == ()
    assert effects == [OfferLeft(OfferId("o1"), None, None)]


def test_duplicate_or_already_expired_offer_is_ignored() -> None:
    state = run(online(), OfferAdded(offer=offer()))
    again, effects = apply(state, OfferAdded(offer=offer()), T0)
    assert again is state
    assert effects == []
    late, effects = apply(online(), OfferAdded(offer=offer(expires_at=T0 - 1)), T0)
    assert late.offers == ()
    assert effects == []


def test_offer_ended_by_the_server_carries_outcome_and_reason() -> None:
    state = run(online(), OfferAdded(offer=offer()))
    ended = OfferEnded(
        offer_id=OfferId("o1"), state=OfferState.MISSED, reason=Reason.DISPLAY_TIMEOUT
    )
    state, effects = apply(state, ended, T0 + 5)
    assert state.offers == ()
    assert effects == [OfferLeft(OfferId("o1"), OfferState.MISSED, Reason.DISPLAY_TIMEOUT)]
    again, effects = apply(state, ended, T0 + 5)
    assert again is state
    assert effects == []


def test_clock_sync_moves_deadlines_and_expires_what_is_now_past() -> None:
    state = run(online(), OfferAdded(offer=offer("o1", expires_at=T0 + 10)))
    state = run(state, OfferAdded(offer=offer("o2", work_id="w2", expires_at=T0 + 100)))
    state, effects = apply(state, ClockSynced(clock_offset=20.0), T0)
    assert state.clock_offset == 20.0
    assert [o.offer_id for o in state.offers] == ["o2"]
    assert state.offers[0].deadline == T0 + 80
    assert effects == [OfferLeft(OfferId("o1"), None, None)]


def test_next_deadline_is_the_earliest_offer_or_toast() -> None:
    assert next_deadline(online()) is None
    state = run(
        online(),
        OfferAdded(offer=offer(expires_at=T0 + 50)),
        SessionOpened(session=session(work_id="w9"), toast=toast(dismiss_after_s=8)),
    )
    assert next_deadline(state) == T0 + 8


# --- sessions and transcript -----------------------------------------------------------------


def test_accepted_offer_becomes_a_session_and_leaves_the_offers() -> None:
    state = run(online(), OfferAdded(offer=offer()))
    state, effects = apply(state, SessionOpened(session=session()), T0)
    assert [s.session_id for s in state.sessions] == ["s1"]
    assert state.offers == ()
    assert effects == [OfferLeft(OfferId("o1"), None, None)]


def test_session_opened_with_a_toast_shows_it_until_it_dismisses_itself() -> None:
    state, effects = apply(online(), SessionOpened(session=session(), toast=toast()), T0)
    assert len(state.toasts) == 1
    assert state.toasts[0].until == T0 + 8
    assert effects == [ToastArrived(state.toasts[0])]
    assert run(state, Tick(), now=T0 + 7).toasts == state.toasts
    assert run(state, Tick(), now=T0 + 8).toasts == ()


def test_toast_dismissed_by_the_agent() -> None:
    state = run(online(), SessionOpened(session=session(), toast=toast()))
    assert run(state, ToastDismissed(state.toasts[0])).toasts == ()


def test_session_opened_again_replaces_it() -> None:
    state = run(online(), SessionOpened(session=session()))
    state = run(state, SessionOpened(session=session(transcript=2)))
    assert len(state.sessions) == 1
    assert len(state.sessions[0].transcript) == 2


def test_messages_append_once() -> None:
    state = run(online(), SessionOpened(session=session()))
    added = MessageAdded(session_id=SessionId("s1"), message=message("m1", "hello"))
    state = run(state, added, added)
    assert [m.text for m in state.sessions[0].transcript] == ["hello"]
    unknown = MessageAdded(session_id=SessionId("nope"), message=message("m2", "x"))
    assert run(state, unknown) == state


def test_session_update_changes_call_and_customer_left() -> None:
    state = run(online(), SessionOpened(session=session()))
    update = SessionUpdated(
        session_id=SessionId("s1"),
        call=Call(state=CallState.ON_HOLD, muted=True),
        customer_left=True,
    )
    state = run(state, update)
    assert state.sessions[0].call == Call(state=CallState.ON_HOLD, muted=True)
    assert state.sessions[0].customer_left is True
    other = SessionUpdated(session_id=SessionId("zz"), call=None, customer_left=True)
    assert run(state, other) is state


def test_session_closed_fails_its_unsent_messages() -> None:
    state = run(
        online(),
        SessionOpened(session=session()),
        SessionOpened(session=session("s2", work_id="w2")),
        MessageQueued(queued("c1", "s1")),
        MessageQueued(queued("c2", "s2")),
        SessionClosed(session_id=SessionId("s1"), reason=Reason.CUSTOMER_LEFT),
    )
    assert [s.session_id for s in state.sessions] == ["s2"]
    by_id = {m.client_msg_id: m for m in state.outbox}
    assert by_id["c1"].status is OutboxStatus.FAILED
    assert by_id["c1"].error_code is ErrorCode.UNKNOWN_SESSION
    assert by_id["c2"].status is OutboxStatus.QUEUED


# --- snapshot (resync after login or resume) -------------------------------------------------


def test_snapshot_replaces_desktop_and_announces_only_new_things() -> None:
    before = run(
        online(),
        OfferAdded(offer=offer("o1")),
        OfferAdded(offer=offer("o2", work_id="w2")),
        AlertRaised(alert=alert("a1")),
    )
    snap = snapshot(
        presence=presence(Presence.BUSY),
        offers=[offer("o2", work_id="w2"), offer("o3", work_id="w3")],
        sessions=[session()],
        alerts=[alert("a1"), alert("a2", AlertKind.MAX_SESSIONS)],
    )
    state, effects = apply(before, snap, T0)
    assert state.presence == presence(Presence.BUSY)
    assert [o.offer_id for o in state.offers] == ["o2", "o3"]
    assert [s.session_id for s in state.sessions] == ["s1"]
    assert [a.alert_id for a in state.alerts] == ["a1", "a2"]
    assert OfferLeft(OfferId("o1"), None, None) in effects
    assert [type(e) for e in effects].count(OfferArrived) == 1
    assert [type(e) for e in effects].count(AlertArrived) == 1


def test_snapshot_skips_offers_already_past_their_local_deadline() -> None:
    state = run(online(), snapshot(offers=[offer(expires_at=T0 - 1)]))
    assert state.offers == ()


def test_snapshot_settles_the_outbox() -> None:
    state = run(
        online(),
        SessionOpened(session=session()),
        SessionOpened(session=session("s2", work_id="w2")),
        MessageQueued(queued("delivered", "s1")),
        MessageQueued(queued("pending", "s1")),
        MessageQueued(queued("orphan", "s2")),
    )
    s1 = session()
    s1 = msgspec.structs.replace(
        s1, transcript=[message("m1", "hi", sender=Sender.AGENT, client_msg_id="delivered")]
    )
    state = run(state, snapshot(sessions=[s1]))
    by_id = {m.client_msg_id: m for m in state.outbox}
    assert "delivered" not in by_id
    assert by_id["pending"].status is OutboxStatus.QUEUED
    assert by_id["orphan"].status is OutboxStatus.FAILED
    assert "closed" in by_id["orphan"].error


def test_snapshot_keeps_the_client_side_connection_alert() -> None:
    state = run(online(), LinkChanged(Connection(LinkStatus.RECONNECTING)))
    state = run(state, snapshot(alerts=[alert("a1")]))
    assert [a.alert_id for a in state.alerts] == ["a1", CONNECTION_LOST_ALERT]


# --- presence, alerts and the link -----------------------------------------------------------


def test_presence_change_keeps_source_reason_and_previous() -> None:
    info = presence(Presence.INACTIVE, reason=Reason.DISPLAY_TIMEOUT, previous=Presence.AVAILABLE)
    state = run(online(), PresenceChanged(presence=info))
    assert state.presence == info
    assert state.shown_presence is Presence.INACTIVE


def test_alerts_raise_once_clear_and_offer_their_action() -> None:
    state, effects = apply(online(), AlertRaised(alert=alert("a1", AlertKind.REJECTED)), T0)
    assert len(effects) == 1
    assert state.alerts[0].action is AlertAction.SET_AVAILABLE
    assert state.alerts[0].from_server
    again, effects = apply(state, AlertRaised(alert=alert("a1", AlertKind.REJECTED)), T0)
    assert again is state
    assert effects == []
    assert run(state, AlertCleared(alert_id=alert("a1").alert_id)).alerts == ()
    assert run(state, AlertRemoved("a1")).alerts == ()


def test_link_lost_raises_the_connection_alert_once_and_online_clears_it() -> None:
    reconnecting = LinkChanged(Connection(LinkStatus.RECONNECTING, retry_at=T0 + 2))
    state, effects = apply(online(), reconnecting, T0)
    assert state.connection.retry_in(T0 + 0.5) == 1.5
    assert state.shown_presence is Presence.OFFLINE  # never "Available" over a dead link
    [lost] = state.alerts
    assert lost.kind is ClientAlertKind.CONNECTION_LOST
    assert not lost.from_server
    assert lost.action is AlertAction.RECONNECT
    assert effects == [AlertArrived(lost)]
    again, effects = apply(state, reconnecting, T0 + 2)
    assert len(again.alerts) == 1
    assert effects == []
    back = run(state, LinkChanged(ONLINE))
    assert back.alerts == ()
    assert back.shown_presence is Presence.AVAILABLE


def test_first_connection_attempts_raise_no_connection_alert() -> None:
    state = run(AgentState(), LinkChanged(Connection(LinkStatus.RECONNECTING)))
    assert state.alerts == ()
    assert state.connection.retry_in(T0) is None  # no retry_at known
    assert Connection(LinkStatus.ONLINE).retry_in(T0) is None


def test_auth_failed_and_offline_clear_the_connection_alert() -> None:
    lost = run(online(), LinkChanged(Connection(LinkStatus.RECONNECTING)))
    for status in (LinkStatus.AUTH_FAILED, LinkStatus.OFFLINE):
        assert run(lost, LinkChanged(Connection(status))).alerts == ()
    connecting = run(lost, LinkChanged(Connection(LinkStatus.CONNECTING)))
    assert len(connecting.alerts) == 1


def test_signed_in_sets_identity_and_offset() -> None:
    state = run(AgentState(), SignedIn(ALICE, clock_offset=-3.5))
    assert state.identity == ALICE
    assert state.clock_offset == -3.5
    assert state.shown_presence is None
    assert not ALICE.supervises
    assert Identity(UserId("sam"), Role.SUPERVISOR, "Sam").supervises


def test_signed_out_empties_the_desktop_and_withdraws_offers() -> None:
    state = run(
        online(),
        OfferAdded(offer=offer()),
        CredentialsNoticed("no keyring"),
    )
    assert state.credentials_notice == "no keyring"
    state, effects = apply(state, SignedOut(), T0)
    assert state == AgentState(credentials_notice="no keyring")
    assert effects == [OfferLeft(OfferId("o1"), None, None)]


# --- supervisors -----------------------------------------------------------------------------


def test_agent_table_is_listed_then_kept_live() -> None:
    state = run(online(), AgentUpdated(agent=agent_view("bob")))
    assert state.agents is None  # not listed yet: updates are not a table
    state = run(state, AgentsListed((agent_view("carol"), agent_view("alice"))))
    assert [a.agent for a in state.agents or ()] == ["alice", "carol"]
    state = run(
        state,
        AgentUpdated(agent=agent_view("bob")),
        AgentUpdated(agent=agent_view("alice", Presence.AWAY)),
    )
    agents = state.agents or ()
    assert [a.agent for a in agents] == ["alice", "bob", "carol"]
    assert agents[0].presence.presence is Presence.AWAY
