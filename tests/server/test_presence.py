"""Presence: capacity (rule 10), vanished clients and goodbyes (rule 8), resets, timeline (11)."""

from __future__ import annotations

from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CloseSession,
    CustomerEnd,
    GetPresenceTimeline,
    OfferEnded,
    PresenceChanged,
    PresenceTimeline,
    ResetPresence,
    SessionClosed,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    Channel,
    ErrorCode,
    OfferState,
    Presence,
    PresenceSource,
    Reason,
    Role,
    UserId,
    WorkState,
)
from agent_desktop.server.config import Timings
from agent_desktop.server.routing.presence_table import capacity_presence, follows_capacity
from tests.server.engine_fixtures import harness, make_config, queue, user

T0 = 1_800_000_000.0
FAST = Timings(offer_reroute_grace_s=60, session_reclaim_s=300, presence_restore_window_s=150)


def test_capacity_presence_rule() -> None:
    assert capacity_presence(0, 100, 0) is Presence.AVAILABLE
    assert capacity_presence(10, 100, 1) is Presence.BUSY
    assert capacity_presence(100, 100, 10) is Presence.BUSY_DND
    # Rule 7 is not capacity: at 10 sessions with capacity left the agent stays busy until
    # work comes in for them (then the max-sessions alert sets busy_dnd).
    assert capacity_presence(0, 100, 10) is Presence.BUSY
    assert follows_capacity(Presence.AVAILABLE, False)
    assert follows_capacity(Presence.BUSY, False)
    assert follows_capacity(Presence.BUSY_DND, True)
    assert not follows_capacity(Presence.BUSY_DND, False)
    assert not follows_capacity(Presence.AWAY, False)
    assert not follows_capacity(Presence.INACTIVE, False)


def test_login_sets_available() -> None:
    h = harness(login=["sam"])
    snapshot = h.connect("alice")
    info = snapshot.presence
    assert (info.presence, info.source, info.reason) == (
        Presence.AVAILABLE,
        PresenceSource.SYSTEM,
        Reason.LOGIN,
    )
    assert snapshot.server_time == T0


def test_presence_follows_capacity_free_partly_full() -> None:
    h = harness(make_config(capacity=20), login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.accept("alice")
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.reason) == (Presence.BUSY, Reason.CAPACITY)
    h.create(Channel.CHAT)
    h.accept("alice")
    assert h.presence("alice") is Presence.BUSY_DND
    assert h.engine.presences.agents[UserId("alice")].auto_dnd
    for session_id in sorted(h.engine.sessions.open[UserId("alice")]):
        h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    assert h.presence("alice") is Presence.AVAILABLE
    reasons = [c.presence.reason for c in h.events("alice", PresenceChanged)]
    # busy, busy_dnd, then busy and available as the two sessions close.
    assert reasons == [Reason.CAPACITY] * 4
    h.ok()


def test_presence_the_agent_chose_stays_while_load_changes() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.accept("alice")
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY_DND))
    session_id = next(iter(h.engine.sessions.open[UserId("alice")]))
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    assert h.presence("alice") is Presence.BUSY_DND
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("alice"))
    assert h.presence("alice") is Presence.AWAY


def test_agents_cannot_set_inactive() -> None:
    h = harness(login=["sam", "alice"])
    code = h.refused("alice", SetPresence(id="p", presence=Presence.INACTIVE))
    assert code is ErrorCode.INVALID_PRESENCE


def test_set_presence_records_source_previous_and_by() -> None:
    h = harness(login=["sam", "alice"])
    h.clock.advance(5)
    assert isinstance(h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY)), Ack)
    [changed] = h.events("alice", PresenceChanged)
    info = changed.presence
    assert (info.presence, info.source, info.reason, info.previous, info.changed_at) == (
        Presence.AWAY,
        PresenceSource.AGENT,
        Reason.MANUAL,
        Presence.AVAILABLE,
        T0 + 5,
    )
    reply = h.call("alice", GetPresenceTimeline(id=h.rid()))
    assert isinstance(reply, PresenceTimeline)
    assert reply.agent == "alice"
    assert [(c.presence, c.reason, c.by) for c in reply.changes][-2:] == [
        (Presence.AVAILABLE, Reason.LOGIN, None),
        (Presence.AWAY, Reason.MANUAL, "alice"),
    ]


def test_supervisor_resets_presence_and_clears_alerts() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.tick(120)
    assert h.presence("alice") is Presence.INACTIVE
    h.clear()
    reply = h.call("sam", ResetPresence(id=h.rid(), agent=UserId("alice")))
    assert isinstance(reply, Ack)
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.source, info.reason, info.previous) == (
        Presence.AVAILABLE,
        PresenceSource.SUPERVISOR,
        Reason.SUPERVISOR,
        Presence.INACTIVE,
    )
    assert h.engine.alerts.of(UserId("alice")) == []
    assert h.offer_id("alice")  # work flows again
    timeline = h.call("sam", GetPresenceTimeline(id=h.rid(), agent=UserId("alice")))
    assert isinstance(timeline, PresenceTimeline)
    assert timeline.changes[-1].by == "sam"
    kinds = [row[2] for row in h.store.audit(0, 10_000)]
    assert "supervisor" in kinds
    assert "presence" in kinds
    assert "offer" in kinds


def test_reset_presence_refusals() -> None:
    h = harness(login=["sam", "alice", "bob"])
    assert h.refused("alice", ResetPresence(id="r", agent=UserId("bob"))) is ErrorCode.FORBIDDEN
    assert h.refused("sam", ResetPresence(id="r", agent=UserId("zed"))) is ErrorCode.UNKNOWN_AGENT
    code = h.refused("sam", ResetPresence(id="r", agent=UserId("bob"), presence=Presence.INACTIVE))
    assert code is ErrorCode.INVALID_PRESENCE
    code = h.refused("sam", ResetPresence(id="r", agent=UserId("carol")))  # not connected
    assert code is ErrorCode.INVALID_PRESENCE


def test_timeline_of_another_agent_needs_a_supervisor() -> None:
    h = harness(login=["sam", "alice", "admin"])
    code = h.refused("alice", GetPresenceTimeline(id="t", agent=UserId("bob")))
    assert code is ErrorCode.FORBIDDEN
    code = h.refused("sam", GetPresenceTimeline(id="t", agent=UserId("zed")))
    assert code is ErrorCode.UNKNOWN_AGENT
    reply = h.call("admin", GetPresenceTimeline(id=h.rid(), agent=UserId("alice"), limit=1))
    assert isinstance(reply, PresenceTimeline)
    assert len(reply.changes) == 1


def test_vanished_agent_goes_offline_at_once_and_gets_no_work() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice", "bob"])
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY))
    h.disconnect("alice")
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.source, info.reason) == (
        Presence.OFFLINE,
        PresenceSource.SYSTEM,
        Reason.DISCONNECT,
    )
    h.create(Channel.CHAT)
    assert h.offer_id("bob")
    # Back within the window: the presence from before comes back.
    h.clock.advance(100)
    snapshot = h.connect("alice")
    assert (snapshot.presence.presence, snapshot.presence.reason) == (
        Presence.BUSY,
        Reason.RECONNECT,
    )
    h.ok()


def test_reconnect_after_the_window_is_a_fresh_login() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.disconnect("alice")
    h.clock.advance(151)
    snapshot = h.connect("alice")
    assert (snapshot.presence.presence, snapshot.presence.reason) == (
        Presence.AVAILABLE,
        Reason.LOGIN,
    )


def test_inactive_survives_a_quick_reconnect() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.tick(120)
    h.disconnect("alice")
    snapshot = h.connect("alice")
    assert snapshot.presence.presence is Presence.INACTIVE
    assert [a.kind for a in snapshot.alerts] == [AlertKind.MISSED]


def test_offer_of_a_vanished_agent_is_held_not_missed_then_rerouted_after_grace() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    item = h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.disconnect("alice")
    h.tick(120)
    offer = h.offer(offer_id)
    assert offer.state is OfferState.PENDING
    assert offer.held
    assert h.engine.presences.agents[UserId("alice")].presence.presence is Presence.OFFLINE
    assert h.engine.alerts.of(UserId("alice")) == []
    assert h.engine.next_deadline() == T0 + 120 + 60
    h.connect("bob")
    assert h.work(item.work_id).item.state is WorkState.OFFERED  # still alice's
    h.tick(60)
    ended = h.offer(offer_id)
    assert (ended.state, ended.reason) == (OfferState.WITHDRAWN, Reason.DISCONNECT)
    h.connect("alice")
    code = h.refused("alice", AcceptOffer(id="late", offer_id=offer_id))
    assert code is ErrorCode.OFFER_EXPIRED
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    h.ok()


def test_held_offer_is_offered_again_with_a_fresh_countdown_on_reconnect() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    item = h.create(Channel.CHAT, customer_name="Ann")
    offer_id = h.offer_id("alice")
    h.disconnect("alice")
    h.tick(150)
    snapshot = h.connect("alice")
    [offer] = snapshot.offers
    assert offer.offer_id == offer_id
    assert offer.expires_at == T0 + 150 + 120
    assert offer.work.work_id == item.work_id
    assert h.engine.next_deadline() == T0 + 270
    assert isinstance(h.accept("alice", offer_id), Ack)
    h.ok()


def test_pending_offer_within_its_timeout_survives_a_blip() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.disconnect("alice")
    h.clock.advance(10)
    snapshot = h.connect("alice")
    assert [o.offer_id for o in snapshot.offers] == [offer_id]
    assert snapshot.offers[0].expires_at == T0 + 120


def test_case_offer_of_a_vanished_agent_is_still_assigned_at_timeout() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    item = h.create(Channel.CASE, subject="Leak")
    h.disconnect("alice")
    h.tick(120)
    assert h.work(item.work_id).item.state is WorkState.ASSIGNED
    snapshot = h.connect("alice")
    assert [s.work.work_id for s in snapshot.sessions] == [item.work_id]
    assert snapshot.sessions[0].opened_reason is Reason.ASSIGNED_AT_TIMEOUT


def test_sessions_stay_for_a_returning_agent_and_are_reclaimed_after_the_window() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    kept = h.create(Channel.CHAT)
    h.accept("alice")
    lost = h.create(Channel.CHAT)
    h.accept("alice")
    h.disconnect("alice")
    h.tick(299)
    snapshot = h.connect("alice")
    assert sorted(s.work.work_id for s in snapshot.sessions) == [kept.work_id, lost.work_id]
    assert snapshot.sessions[0].transcript == []
    h.disconnect("alice")
    h.tick(299)
    assert h.work(kept.work_id).item.state is WorkState.ASSIGNED
    h.tick(1)
    assert h.engine.sessions.open.get(UserId("alice"), set()) == set()
    assert h.work(kept.work_id).item.state is WorkState.QUEUED
    assert h.work(lost.work_id).item.state is WorkState.QUEUED
    h.connect("bob")
    assert h.engine.accounting()["offered"] == 2
    h.ok()


def test_goodbye_reroutes_offers_at_once_and_keeps_sessions() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice", "bob"])
    h.create(Channel.CHAT)
    h.accept("alice")
    h.clock.advance(1)
    item = h.create(Channel.CHAT, agent=UserId("alice"))
    offer_id = h.offer_id("alice")
    h.disconnect("alice", goodbye=True)
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.source, info.reason) == (
        Presence.OFFLINE,
        PresenceSource.AGENT,
        Reason.LOGOUT,
    )
    offer = h.offer(offer_id)
    assert (offer.state, offer.reason) == (OfferState.WITHDRAWN, Reason.LOGOUT)
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    assert len(h.engine.sessions.open[UserId("alice")]) == 1
    snapshot = h.connect("alice")
    # A fresh login (available), at once busy because a session is still open.
    assert (snapshot.presence.presence, snapshot.presence.reason) == (
        Presence.BUSY,
        Reason.CAPACITY,
    )
    assert len(snapshot.sessions) == 1
    h.ok()


def test_a_second_connection_changes_nothing_and_the_last_one_counts() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.connect("alice")
    h.disconnect("alice")
    assert h.presence("alice") is Presence.AVAILABLE
    h.disconnect("alice")
    assert h.presence("alice") is Presence.OFFLINE


def test_events_reach_a_connected_agent_and_not_a_disconnected_one() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.create(Channel.CHAT)
    assert h.events("alice", OfferEnded) == []
    h.clear()
    h.disconnect("alice", goodbye=True)  # the offer ends, but nobody is left to tell
    assert UserId("alice") not in h.inbox
    h.create(Channel.CHAT, agent=UserId("alice"))
    h.tick(1000)
    assert UserId("alice") not in h.inbox


def test_reclaim_closes_sessions_with_disconnect_reason() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.accept("alice")
    session_id = next(iter(h.engine.sessions.open[UserId("alice")]))
    h.connect("alice")  # a second connection that stays
    h.disconnect("alice")
    h.tick(1000)
    assert session_id in h.engine.sessions.records
    assert h.events("alice", SessionClosed) == []


def test_reclaimed_session_whose_customer_left_is_closed_not_requeued() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    item = h.create(Channel.CHAT)
    h.accept("alice")
    h.call("sam", CustomerEnd(id=h.rid(), work_id=item.work_id))
    h.disconnect("alice")
    h.tick(300)
    assert h.work(item.work_id).item.state is WorkState.CLOSED
    h.ok()


def test_case_at_timeout_for_a_vanished_agent_at_the_limit_is_rerouted_and_presence_stays() -> None:
    config = make_config(
        queues=[
            queue("case", Channel.CASE, allow_reject=False, capacity_cost=0),
            queue("chat_vip", Channel.CHAT, auto_accept=True, capacity_cost=0),
        ],
        users=[user("alice", ["case", "chat_vip"]), user("sam", role=Role.SUPERVISOR)],
        timings=FAST,
    )
    h = harness(config, login=["sam", "alice"])
    for _ in range(MAX_SESSIONS - 1):
        h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("alice"))
    case = h.create(Channel.CASE)
    h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("alice"))  # the 10th session
    assert len(h.engine.sessions.open[UserId("alice")]) == MAX_SESSIONS
    h.disconnect("alice")
    h.tick(120)
    assert h.presence("alice") is Presence.OFFLINE
    assert h.work(case.work_id).item.state is WorkState.QUEUED
    assert [a.kind for a in h.engine.alerts.of(UserId("alice"))] == [AlertKind.MAX_SESSIONS]
    h.ok()
