"""Work creation (ids, SMS contact linking, cases, bot escalations), supervisors' live table,
alerts, and the requests only supervisors may make."""

from __future__ import annotations

import msgspec
import pytest

from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    AgentUpdated,
    AlertCleared,
    ClockReading,
    CreateWork,
    CustomerEnd,
    CustomerMessage,
    DismissAlert,
    GetPresenceTimeline,
    GetWork,
    Hello,
    ListAgents,
    PresenceTimeline,
    RejectOffer,
    SetPresence,
    SyncClock,
    WorkInfo,
)
from agent_desktop.protocol.model import CaseRecord, Customer, WorkItem
from agent_desktop.protocol.vocabulary import (
    AlertId,
    AlertKind,
    Channel,
    ContactId,
    ErrorCode,
    Origin,
    Presence,
    QueueId,
    Role,
    UserId,
    WorkId,
)
from agent_desktop.server.config import TemplateField as Field
from agent_desktop.server.engine import ConnId, Principal
from agent_desktop.server.routing.presence import TIMELINE_KEEP
from agent_desktop.server.routing.render import field_value, normalise_phone, render_fields
from tests.server.engine_fixtures import harness, make_config

T0 = 1_800_000_000.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+1 (555) 010-2030", "+15550102030"),
        ("0015550102030", "+15550102030"),
        ("555.010.2030", "5550102030"),
        ("  +44 20 7946 0000 ", "+442079460000"),
        ("call me", None),
        ("", None),
        ("+", None),
    ],
)
def test_phone_normalisation(raw: str, expected: str | None) -> None:
    assert normalise_phone(raw) == expected


def test_ids_count_up_from_1001_and_cases_get_numbers() -> None:
    h = harness(login=["sam"])
    first = h.create(Channel.CHAT)
    case = h.create(Channel.CASE, subject="Leaking tap")
    assert (first.work_id, case.work_id) == ("W1001", "W1002")
    assert case.case is not None
    assert (case.case.case_number, case.case.title) == ("CAS-01001", "Leaking tap")
    assert first.created_at == T0
    assert first.origin is Origin.NEW


def test_sms_from_a_known_mobile_links_the_contact() -> None:
    h = harness(login=["sam"])
    item = h.create(Channel.SMS, phone="001 555 010 2030")
    assert item.customer == Customer(
        name="Dana Contact",
        phone="001 555 010 2030",
        email="dana@example.com",
        contact_id=ContactId("c1"),
        account="Acme",
    )


def test_sms_from_an_unknown_number_shows_the_number() -> None:
    h = harness(login=["sam"])
    item = h.create(Channel.SMS, phone="+1 555 999 0000")
    assert item.customer == Customer(name="+1 555 999 0000", phone="+1 555 999 0000")
    nameless = h.create(Channel.SMS)
    assert nameless.customer.name == "Unknown customer"
    named = h.create(Channel.SMS, phone="+1 555 999 0001", customer_name="Walk-in")
    assert (named.customer.name, named.customer.contact_id) == ("Walk-in", None)


def test_bot_escalation_carries_the_summary() -> None:
    h = harness(login=["sam"])
    item = h.create(Channel.VOICE, bot_summary="Caller wants to cancel")
    assert item.origin is Origin.BOT_ESCALATION
    assert item.bot_summary == "Caller wants to cancel"


def test_get_work_shows_transcript_and_history() -> None:
    h = harness(login=["sam", "alice", "bob"])
    item = h.create(Channel.CHAT)
    h.call("sam", CustomerMessage(id=h.rid(), work_id=item.work_id, text="hello"))
    h.call("alice", RejectOffer(id=h.rid(), offer_id=h.offer_id("alice")))
    h.accept("bob")
    info = h.call("sam", GetWork(id=h.rid(), work_id=item.work_id))
    assert isinstance(info, WorkInfo)
    assert [m.text for m in info.transcript] == ["hello"]
    assert [(e.event, e.agent) for e in info.history] == [
        ("created", "sam"),
        ("offered", "alice"),
        ("rejected", "alice"),
        ("offered", "bob"),
        ("accepted", "bob"),
        ("assigned", "bob"),
    ]
    assert info.agent == "bob"
    assert info.session_id is not None
    assert info.offer_id is None


def test_create_work_refusals() -> None:
    h = harness(login=["sam", "alice"])
    chat = CreateWork(id="c", channel=Channel.CHAT, queue=QueueId("chat"))
    assert h.refused("alice", chat) is ErrorCode.FORBIDDEN
    bad_queue = CreateWork(id="c", channel=Channel.CHAT, queue=QueueId("nope"))
    assert h.refused("sam", bad_queue) is ErrorCode.UNKNOWN_QUEUE
    wrong = CreateWork(id="c", channel=Channel.VOICE, queue=QueueId("chat"))
    assert h.refused("sam", wrong) is ErrorCode.WRONG_CHANNEL
    nobody = CreateWork(id="c", channel=Channel.CHAT, queue=QueueId("chat"), agent=UserId("zed"))
    assert h.refused("sam", nobody) is ErrorCode.UNKNOWN_AGENT
    item = h.create(Channel.CHAT)
    for request in (
        CustomerMessage(id="c", work_id=item.work_id, text="x"),
        CustomerEnd(id="c", work_id=item.work_id),
        GetWork(id="c", work_id=item.work_id),
        ListAgents(id="c"),
    ):
        assert h.refused("alice", request) is ErrorCode.FORBIDDEN
    assert h.refused("sam", GetWork(id="c", work_id=WorkId("W9"))) is ErrorCode.UNKNOWN_WORK
    code = h.refused("sam", CustomerMessage(id="c", work_id=WorkId("W9"), text="x"))
    assert code is ErrorCode.UNKNOWN_WORK


def test_list_agents_and_live_updates() -> None:
    h = harness(login=["sam", "alice"])
    reply = h.call("sam", ListAgents(id=h.rid()))
    assert isinstance(reply, Agents)
    rows = {row.agent: row for row in reply.agents}
    assert sorted(rows) == ["alice", "bob", "carol"]
    assert rows[UserId("alice")].connected
    assert not rows[UserId("bob")].connected
    assert rows[UserId("alice")].presence.presence is Presence.AVAILABLE
    assert rows[UserId("alice")].queues == ("chat", "sms", "voice", "case", "chat_vip")
    assert (rows[UserId("alice")].capacity_used, rows[UserId("alice")].capacity) == (0, 100)
    h.clear()
    h.create(Channel.CHAT)
    [update] = h.events("sam", AgentUpdated)
    assert update.agent.agent == "alice"
    assert update.agent.pending_offers == 1
    assert update.agent.capacity_used == 10
    h.clear()
    h.tick(120)  # missed: presence and alert change
    updates = h.events("sam", AgentUpdated)
    assert updates[-1].agent.presence.presence is Presence.INACTIVE
    assert updates[-1].agent.alerts == (AlertKind.MISSED,)
    h.clear()
    h.connect("bob")
    assert [u.agent.agent for u in h.events("sam", AgentUpdated)][:1] == ["bob"]
    # A supervisor who left gets no more updates.
    h.disconnect("sam")
    h.clear()
    h.call("bob", SetPresence(id=h.rid(), presence=Presence.AWAY))
    assert h.events("sam", AgentUpdated) == []


def test_dismiss_alert() -> None:
    h = harness(login=["sam", "alice", "bob"])
    h.create(Channel.CHAT)
    h.tick(120)
    [alert] = h.engine.alerts.of(UserId("alice"))
    assert h.refused("bob", DismissAlert(id="d", alert_id=alert.alert_id)) is ErrorCode.FORBIDDEN
    code = h.refused("alice", DismissAlert(id="d", alert_id=AlertId("A1")))
    assert code is ErrorCode.UNKNOWN_ALERT
    h.clear()
    assert isinstance(h.call("alice", DismissAlert(id=h.rid(), alert_id=alert.alert_id)), Ack)
    assert [e.alert_id for e in h.events("alice", AlertCleared)] == [alert.alert_id]
    assert h.presence("alice") is Presence.INACTIVE  # dismissing is not resolving
    h.ok()


def test_sync_clock_reads_the_server_clock() -> None:
    h = harness(login=["sam", "alice"])
    h.clock.advance(2.5)
    reply = h.call("alice", SyncClock(id="s"))
    assert reply == ClockReading(re="s", server_time=T0 + 2.5)


def test_connection_layer_requests_and_strangers_are_refused() -> None:
    h = harness(login=["sam", "alice"])
    code = h.refused("alice", Hello(id="h", versions=[1]))
    assert code is ErrorCode.INVALID_MESSAGE
    with pytest.raises(ProtocolError) as raised:
        h.engine.handle(Principal(UserId("bob"), Role.AGENT), ConnId(999), SyncClock(id="s"))
    assert raised.value.code is ErrorCode.NOT_LOGGED_IN


def test_unknown_connection_disconnect_is_harmless() -> None:
    h = harness(login=["sam"])
    assert h.engine.disconnect(ConnId(12345), goodbye=False) == []
    h.ok()


def test_every_template_field_renders_and_long_values_are_clipped() -> None:
    config = make_config()
    chat = config.queue(QueueId("chat"))
    assert chat is not None
    item = WorkItem(
        work_id=WorkId("W1"),
        channel=Channel.CASE,
        queue=QueueId("chat"),
        customer=Customer(name="Ann", phone="+1 5", email="a@x", account="Acme"),
        subject="S" * 600,
        priority=3,
        bot_summary="B",
        case=CaseRecord(case_number="CAS-01001", title="Boiler"),
        created_at=T0,
    )
    values = {f: field_value(f, item, chat, T0 + 42.7) for f in Field}
    assert values == {
        Field.CUSTOMER_NAME: "Ann",
        Field.PHONE: "+1 5",
        Field.EMAIL: "a@x",
        Field.ACCOUNT: "Acme",
        Field.QUEUE: "Chat",
        Field.CHANNEL: "case",
        Field.SUBJECT: "S" * 600,
        Field.CASE_NUMBER: "CAS-01001",
        Field.CASE_TITLE: "Boiler",
        Field.PRIORITY: "3",
        Field.BOT_SUMMARY: "B",
        Field.WAIT_TIME: "just arrived",
    }
    assert field_value(Field.WAIT_TIME, item, chat, T0 + 185) == "3 min"
    assert field_value(Field.WAIT_TIME, item, chat, T0 + 2 * 3600 + 300) == "2 h 5 min"
    [subject, bare] = render_fields([Field.SUBJECT, Field.CUSTOMER_NAME], item, chat, T0)
    assert len(subject.value) == 500
    assert subject.value.endswith("…")
    assert (bare.label, bare.value) == ("Customer", "Ann")
    # Empty fields are left out, and never more than four are shown.
    plain = msgspec.structs.replace(item, subject="", case=None)
    shown = render_fields(list(Field), plain, chat, T0)
    assert len(shown) == 4
    assert [f.label for f in render_fields([Field.SUBJECT], plain, chat, T0)] == []


def test_a_supervisor_may_dismiss_an_agents_alert() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.tick(120)
    [alert] = h.engine.alerts.of(UserId("alice"))
    assert isinstance(h.call("sam", DismissAlert(id=h.rid(), alert_id=alert.alert_id)), Ack)
    assert h.engine.alerts.of(UserId("alice")) == []
    assert [e.alert_id for e in h.events("alice", AlertCleared)] == [alert.alert_id]


def test_presence_timeline_keeps_the_latest_entries_in_memory_and_store() -> None:
    h = harness(login=["sam", "alice"])
    for n in range(TIMELINE_KEEP + 10):
        presence = Presence.AWAY if n % 2 else Presence.BUSY
        h.call("alice", SetPresence(id=h.rid(), presence=presence))
    reply = h.call("alice", GetPresenceTimeline(id=h.rid(), limit=500))
    assert isinstance(reply, PresenceTimeline)
    assert len(reply.changes) == TIMELINE_KEEP
    assert reply.changes[-1].presence is Presence.AWAY
    stored = [k for k, _ in h.store.load("timeline")]
    # alice's kept entries plus sam's login.
    assert len(stored) == TIMELINE_KEEP + 1


def test_dismissing_an_alert_already_resolved_is_acknowledged_once() -> None:
    """The client's "Set me Available" sets presence (which resolves the alert), then dismisses."""
    h = harness(login=["sam", "alice", "bob"])
    h.create(Channel.CHAT)
    h.tick(120)
    [alert] = h.engine.alerts.of(UserId("alice"))
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AVAILABLE))
    assert h.engine.alerts.of(UserId("alice")) == []
    h.clear()
    before = h.state()
    assert isinstance(h.call("alice", DismissAlert(id=h.rid(), alert_id=alert.alert_id)), Ack)
    assert h.inbox == {}
    assert h.state() == before
    # Still the owner's only.
    assert h.refused("bob", DismissAlert(id="d", alert_id=alert.alert_id)) is ErrorCode.FORBIDDEN
