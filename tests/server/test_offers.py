"""Offers: rendering, accept, missed (rule 2), reject (3), case (4), auto-accept (5), limit (7)."""

from __future__ import annotations

from typing import Any

from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    AlertRaised,
    Error,
    OfferAdded,
    OfferEnded,
    PresenceChanged,
    RejectOffer,
    SessionOpened,
    SetPresence,
    Transfer,
)
from agent_desktop.protocol.model import TemplateField
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    Channel,
    ErrorCode,
    FieldKey,
    NotificationKind,
    OfferId,
    OfferState,
    Origin,
    Presence,
    PresenceSource,
    Reason,
    Role,
    SessionId,
    UserId,
    WorkState,
)
from agent_desktop.server.config import Timings
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user

T0 = 1_800_000_000.0


def _only_alice(**queue_overrides: Any) -> EngineHarness:
    config = make_config(
        queues=[queue("chat", Channel.CHAT, **queue_overrides)],
        users=[user("alice", ["chat"]), user("bob", ["chat"]), user("sam", role=Role.SUPERVISOR)],
    )
    return harness(config, login=["sam", "alice"])


def test_an_offer_is_rendered_from_the_queue_template() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT, customer_name="Ann", subject="Refund")
    [added] = h.events("alice", OfferAdded)
    offer = added.offer
    assert offer.agent == "alice"
    assert offer.expires_at == T0 + 120
    assert offer.state is OfferState.PENDING
    note = offer.notification
    assert note.kind is NotificationKind.ALERT
    assert note.title == "Incoming chat"
    assert note.fields == [
        # The key lets a client label the field in its own language (the label is English).
        TemplateField(label="Customer", value="Ann", key=FieldKey.CUSTOMER_NAME),
        TemplateField(label="Queue", value="Chat", key=FieldKey.QUEUE),
        TemplateField(label="Subject", value="Refund", key=FieldKey.SUBJECT),
    ]
    assert (note.accept_label, note.reject_label) == ("Accept", "Reject")
    assert note.wait_time_s == 120
    assert note.show_timeout is True
    assert offer.rejectable


def test_accept_opens_a_session_once() -> None:
    h = harness(login=["sam", "alice"])
    item = h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.clear()
    assert isinstance(h.accept("alice", offer_id), Ack)
    [ended] = h.events("alice", OfferEnded)
    assert (ended.state, ended.reason) == (OfferState.ACCEPTED, Reason.ACCEPT)
    [opened] = h.events("alice", SessionOpened)
    assert opened.toast is None
    assert opened.session.opened_reason is Reason.ACCEPT
    assert opened.session.work.work_id == item.work_id
    # A retry after a reconnect: Ack, nothing new.
    h.clear()
    before = h.state()
    assert isinstance(h.accept("alice", offer_id), Ack)
    assert h.inbox == {}
    assert h.state() == before
    assert len(h.engine.sessions.open[UserId("alice")]) == 1
    h.ok()


def test_accept_after_expiry_is_refused_even_before_the_tick() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.clock.advance(120)
    assert h.refused("alice", AcceptOffer(id="a1", offer_id=offer_id)) is ErrorCode.OFFER_EXPIRED
    h.tick()
    assert h.refused("alice", AcceptOffer(id="a2", offer_id=offer_id)) is ErrorCode.OFFER_EXPIRED
    assert h.refused("alice", RejectOffer(id="a3", offer_id=offer_id)) is ErrorCode.OFFER_EXPIRED


def test_accept_after_another_outcome_is_not_pending() -> None:
    h = harness(login=["sam", "alice", "bob"])
    h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.call("alice", RejectOffer(id=h.rid(), offer_id=offer_id))
    code = h.refused("alice", AcceptOffer(id="a1", offer_id=offer_id))
    assert code is ErrorCode.OFFER_NOT_PENDING
    code = h.refused("alice", RejectOffer(id="a2", offer_id=offer_id))
    assert code is ErrorCode.OFFER_NOT_PENDING


def test_missed_offer_is_rerouted_and_the_agent_goes_inactive() -> None:
    h = harness(login=["sam", "alice", "bob"])
    item = h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    assert h.engine.next_deadline() == T0 + 120
    h.clear()
    h.tick(119.9)
    assert h.offer(offer_id).state is OfferState.PENDING
    h.tick(0.1)
    [ended] = h.events("alice", OfferEnded)
    assert (ended.state, ended.reason) == (OfferState.MISSED, Reason.DISPLAY_TIMEOUT)
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.source, info.reason) == (
        Presence.INACTIVE,
        PresenceSource.SYSTEM,
        Reason.DISPLAY_TIMEOUT,
    )
    assert info.previous is Presence.AVAILABLE
    [alert] = h.events("alice", AlertRaised)
    assert alert.alert.kind is AlertKind.MISSED
    assert alert.alert.work_id == item.work_id
    # What a client needs to say the alert in its own language.
    assert (alert.alert.channel, alert.alert.customer) == (Channel.CHAT, item.customer.name)
    # Rerouted to bob; alice gets nothing new while inactive.
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    h.create(Channel.CHAT)
    assert h.engine.offers.pending[UserId("alice")] == set()
    h.ok()


def test_missed_without_alerts_keeps_presence() -> None:
    h = _only_alice(missed_alerts=False)
    h.create(Channel.CHAT)
    h.clear()
    h.tick(120)
    assert h.presence("alice") is Presence.AVAILABLE
    assert h.events("alice", AlertRaised) == []
    # Nobody else is eligible: it comes back to alice.
    assert h.offer_id("alice")
    h.ok()


def test_setting_available_after_missing_resumes_work_and_clears_the_alert() -> None:
    h = _only_alice()
    item = h.create(Channel.CHAT)
    h.tick(120)
    assert h.presence("alice") is Presence.INACTIVE
    assert h.work(item.work_id).item.state is WorkState.QUEUED
    [alert] = h.engine.alerts.of(UserId("alice"))
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AVAILABLE))
    assert h.engine.alerts.of(UserId("alice")) == []
    assert h.work(item.work_id).item.state is WorkState.OFFERED
    assert alert.kind is AlertKind.MISSED
    h.ok()


def test_reject_reroutes_to_someone_else_and_sets_busy_dnd() -> None:
    h = harness(login=["sam", "alice", "bob"])
    item = h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.clear()
    assert isinstance(h.call("alice", RejectOffer(id=h.rid(), offer_id=offer_id)), Ack)
    [ended] = h.events("alice", OfferEnded)
    assert (ended.state, ended.reason) == (OfferState.REJECTED, Reason.DECLINED_BY_AGENT)
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.source, info.reason) == (
        Presence.BUSY_DND,
        PresenceSource.SYSTEM,
        Reason.DECLINED_BY_AGENT,
    )
    [alert] = h.events("alice", AlertRaised)
    assert alert.alert.kind is AlertKind.REJECTED
    assert alert.alert.channel is Channel.CHAT
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    h.ok()


def test_reject_without_alerts_prefers_another_agent_even_if_idle_less() -> None:
    config = make_config(
        queues=[queue("chat", Channel.CHAT, reject_alerts=False)],
        users=[user("alice", ["chat"]), user("bob", ["chat"]), user("sam", role=Role.SUPERVISOR)],
    )
    h = harness(config, login=["sam", "alice"])
    h.clock.advance(5)
    h.connect("bob")
    item = h.create(Channel.CHAT)
    h.call("alice", RejectOffer(id=h.rid(), offer_id=h.offer_id("alice")))
    assert h.presence("alice") is Presence.AVAILABLE
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    # Bob rejects too; with everyone having declined, it goes to the idle-longest again.
    h.call("bob", RejectOffer(id=h.rid(), offer_id=h.offer_id("bob")))
    assert h.offer_id("alice") or h.offer_id("bob")
    h.ok()


def test_reject_comes_back_to_the_same_agent_only_when_nobody_else_is_eligible() -> None:
    h = _only_alice(reject_alerts=False)
    item = h.create(Channel.CHAT)
    first = h.offer_id("alice")
    h.call("alice", RejectOffer(id=h.rid(), offer_id=first))
    second = h.offer_id("alice")
    assert second != first
    assert h.offer(second).work_id == item.work_id


def test_not_rejectable_offers_refuse_reject() -> None:
    h = _only_alice(allow_reject=False)
    h.create(Channel.CHAT)
    [added] = h.events("alice", OfferAdded)
    assert added.offer.notification.reject_label is None
    code = h.refused("alice", RejectOffer(id="x", offer_id=h.offer_id("alice")))
    assert code is ErrorCode.NOT_REJECTABLE


def test_template_can_forbid_reject() -> None:
    config = make_config()
    templates = dict(config.templates)
    templates["chat"] = type(templates["chat"])(title="No reject", allow_reject=False)
    config = type(config)(
        timings=config.timings,
        templates=templates,
        queues=config.queues,
        users=config.users,
        contacts=config.contacts,
    )
    h = harness(config, login=["sam", "alice"])
    h.create(Channel.CHAT)
    code = h.refused("alice", RejectOffer(id="x", offer_id=h.offer_id("alice")))
    assert code is ErrorCode.NOT_REJECTABLE


def test_case_offer_opens_item_and_is_assigned_at_timeout_without_penalty() -> None:
    h = harness(login=["sam", "alice", "bob"])
    item = h.create(Channel.CASE, case_title="Broken boiler")
    assert item.case is not None
    assert item.case.case_number == "CAS-01001"
    assert item.case.title == "Broken boiler"
    [added] = h.events("alice", OfferAdded)
    note = added.offer.notification
    assert (note.accept_label, note.reject_label) == ("Open item", None)
    assert not added.offer.rejectable
    code = h.refused("alice", RejectOffer(id="x", offer_id=added.offer.offer_id))
    assert code is ErrorCode.NOT_REJECTABLE
    h.clear()
    h.tick(120)
    [ended] = h.events("alice", OfferEnded)
    assert (ended.state, ended.reason) == (OfferState.ACCEPTED, Reason.ASSIGNED_AT_TIMEOUT)
    [opened] = h.events("alice", SessionOpened)
    assert opened.session.opened_reason is Reason.ASSIGNED_AT_TIMEOUT
    assert opened.toast is not None
    # The server's own title names its queue, so a client can say it in its language.
    title = opened.toast.title
    assert opened.toast.queue_name == (
        title.removeprefix("Assigned: ") if title.startswith("Assigned: ") else None
    )
    assert h.presence("alice") is not Presence.INACTIVE
    assert h.events("alice", AlertRaised) == []
    assert h.work(item.work_id).item.state is WorkState.ASSIGNED
    # A late accept of the assigned case is simply acknowledged.
    assert isinstance(h.accept("alice", added.offer.offer_id), Ack)
    h.ok()


def test_auto_accept_queue_opens_the_session_with_a_toast() -> None:
    h = harness(login=["sam", "alice"])
    item = h.create(Channel.CHAT, queue_id="chat_vip", customer_name="Vic")
    assert h.events("alice", OfferAdded) == []
    [opened] = h.events("alice", SessionOpened)
    assert opened.session.opened_reason is Reason.AUTO_ACCEPT
    assert opened.toast is not None
    assert opened.toast.reason is Reason.AUTO_ACCEPT
    assert opened.toast.title == "Work assigned to you"
    assert opened.toast.queue_name is None  # a template's title is shown as written
    assert opened.toast.session_id == opened.session.session_id
    assert h.work(item.work_id).item.state is WorkState.ASSIGNED
    h.ok()


def _fill_sessions(h: EngineHarness, name: str, count: int) -> list[SessionId]:
    """Give `name` `count` open sessions through the auto-accept queue."""
    for _ in range(count):
        h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId(name))
    return sorted(h.engine.sessions.open[UserId(name)])


def _zero_cost_config() -> object:
    return make_config(
        queues=[
            queue("chat", Channel.CHAT, capacity_cost=0),
            queue("chat_vip", Channel.CHAT, capacity_cost=0, auto_accept=True),
        ],
        users=[
            user("alice", ["chat", "chat_vip"]),
            user("bob", ["chat", "chat_vip"]),
            user("sam", role=Role.SUPERVISOR),
        ],
    )


def test_accepting_an_eleventh_session_is_refused_and_rerouted() -> None:
    h = harness(_zero_cost_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    _fill_sessions(h, "alice", MAX_SESSIONS - 1)
    item = h.create(Channel.CHAT)  # offered: 9 sessions + this offer = 10
    offer_id = h.offer_id("alice")
    # bob hands alice a session directly: now she has 10 and a pending offer.
    h.connect("bob")
    h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("bob"))
    bob_session = next(iter(h.engine.sessions.open[UserId("bob")]))
    h.call("bob", Transfer(id=h.rid(), session_id=bob_session, to_agent=UserId("alice")))
    assert len(h.engine.sessions.open[UserId("alice")]) == MAX_SESSIONS
    h.clear()
    reply = h.call("alice", AcceptOffer(id="acc", offer_id=offer_id))
    assert isinstance(reply, Error)
    assert reply.code is ErrorCode.SESSION_LIMIT
    assert reply.re == "acc"
    assert len(h.engine.sessions.open[UserId("alice")]) == MAX_SESSIONS
    [alert] = h.events("alice", AlertRaised)
    assert alert.alert.kind is AlertKind.MAX_SESSIONS
    info = h.engine.presences.agents[UserId("alice")].presence
    assert (info.presence, info.reason) == (Presence.BUSY_DND, Reason.QUEUE_LIMIT_EXCEEDED)
    assert h.offer(offer_id).reason is Reason.QUEUE_LIMIT_EXCEEDED
    # Not lost: bob (after his transfer) gets it.
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    h.ok()


def test_assignment_straight_to_an_agent_at_the_limit_is_refused_and_queued() -> None:
    h = harness(_zero_cost_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    _fill_sessions(h, "alice", MAX_SESSIONS)
    h.clear()
    item = h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("alice"))
    assert len(h.engine.sessions.open[UserId("alice")]) == MAX_SESSIONS
    assert h.work(item.work_id).item.state is WorkState.QUEUED
    [alert] = h.events("alice", AlertRaised)
    assert alert.alert.kind is AlertKind.MAX_SESSIONS
    assert h.presence("alice") is Presence.BUSY_DND
    changes = h.events("alice", PresenceChanged)
    assert changes[-1].presence.reason is Reason.QUEUE_LIMIT_EXCEEDED
    h.connect("bob")
    assert h.work(item.work_id).item.state is WorkState.ASSIGNED
    h.ok()


def test_offer_to_a_named_agent_ignores_presence_but_not_connection() -> None:
    h = harness(login=["sam", "alice", "bob"])
    h.call("bob", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.create(Channel.CHAT, agent=UserId("bob"))
    assert h.offer_id("bob")
    item = h.create(Channel.CHAT, agent=UserId("carol"))  # not connected: routed normally
    assert h.offer(h.offer_id("alice")).work_id == item.work_id


def test_wait_time_and_show_timeout_come_from_the_template() -> None:
    config = make_config(timings=Timings(offer_reroute_grace_s=10))
    h = harness(config, login=["sam", "alice"])
    h.create(Channel.VOICE, customer_name="Caller", bot_summary="wants a refund")
    [added] = h.events("alice", OfferAdded)
    assert added.offer.expires_at == T0 + 30
    assert added.offer.work.origin is Origin.BOT_ESCALATION
    assert added.offer.work.bot_summary == "wants a refund"
    bot = TemplateField(label="Bot summary", value="wants a refund", key=FieldKey.BOT_SUMMARY)
    assert bot in (added.offer.notification.fields)


def test_unknown_and_foreign_offers_are_refused() -> None:
    h = harness(login=["sam", "alice", "bob"])
    h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    assert h.refused("alice", AcceptOffer(id="x", offer_id=OfferId("O9"))) is (
        ErrorCode.UNKNOWN_OFFER
    )
    assert h.refused("bob", AcceptOffer(id="x", offer_id=offer_id)) is ErrorCode.FORBIDDEN
    assert h.refused("bob", RejectOffer(id="x", offer_id=offer_id)) is ErrorCode.FORBIDDEN
    assert h.refused("sam", AcceptOffer(id="x", offer_id=offer_id)) is ErrorCode.FORBIDDEN
