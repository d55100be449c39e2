"""Rule 7, max sessions: work that comes in for an agent with 10 open sessions (by queue routing,
direct assignment, transfer or escalation alike) raises the max-sessions alert and sets
`busy_dnd`; the item is not lost. Capacity and the 10-session limit are different things."""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.messages import (
    Agents,
    AlertRaised,
    CreateWork,
    Escalate,
    GetWork,
    ListAgents,
    OfferAdded,
    SessionOpened,
    Transfer,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.model import AgentView
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    Channel,
    Presence,
    QueueId,
    Reason,
    Role,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.runner import RunningServer
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, template, user
from tests.wire import logged_in

ALICE = UserId("alice")


def _config(cost: int = 0, capacity: int = 100) -> object:
    """chat (offers), chat_vip (auto-accept) and chat_esc; `cost` per item, alice's capacity."""
    return make_config(
        queues=[
            queue("chat", Channel.CHAT, capacity_cost=cost),
            queue("chat_vip", Channel.CHAT, capacity_cost=cost, auto_accept=True),
            queue("chat_esc", Channel.CHAT, template_name="chat", toast_template="transfer"),
        ],
        users=[
            user("alice", ["chat", "chat_vip", "chat_esc"], capacity=capacity),
            user("bob", ["chat", "chat_vip", "chat_esc"], capacity=capacity),
            user("sam", role=Role.SUPERVISOR),
        ],
    )


def _row(h: EngineHarness, name: str) -> AgentView:
    reply = h.call("sam", ListAgents(id=h.rid()))
    assert isinstance(reply, Agents)
    return next(row for row in reply.agents if row.agent == name)


def _state(h: EngineHarness, work_id: WorkId) -> WorkState:
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    return info.work.state


def _fill(h: EngineHarness, name: str, count: int = MAX_SESSIONS) -> list[SessionId]:
    for _ in range(count):
        h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId(name))
    sessions = [e.session.session_id for e in h.events(name, SessionOpened)]
    assert _row(h, name).sessions == len(sessions) == count
    return sessions


def _told(h: EngineHarness, name: str) -> None:
    """The max-sessions alert, and busy_dnd for the session limit."""
    [alert] = [e.alert for e in h.events(name, AlertRaised)]
    assert alert.kind is AlertKind.MAX_SESSIONS
    row = _row(h, name)
    assert (row.presence.presence, row.presence.reason) == (
        Presence.BUSY_DND,
        Reason.QUEUE_LIMIT_EXCEEDED,
    )
    assert row.sessions == MAX_SESSIONS


def test_the_tenth_session_does_not_set_do_not_disturb_when_capacity_is_left() -> None:
    h = harness(_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    _fill(h, "alice")
    row = _row(h, "alice")
    assert row.presence.presence is Presence.BUSY
    assert h.events("alice", AlertRaised) == []
    h.ok()


def test_queue_routing_to_an_agent_at_ten_sessions_raises_the_alert_and_keeps_the_item() -> None:
    h = harness(_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    _fill(h, "alice")
    h.clear()
    item = h.create(Channel.CHAT, customer_name="Ana Lima")
    _told(h, "alice")
    assert _state(h, item.work_id) is WorkState.QUEUED
    h.connect("bob")
    assert h.events("bob", OfferAdded)[0].offer.work.work_id == item.work_id
    h.ok()


def test_capacity_is_not_the_session_limit() -> None:
    """A queue whose cost fills capacity only at 20 sessions: at 10 the alert still comes."""
    h = harness(_config(cost=5), login=["sam", "alice"])  # type: ignore[arg-type]
    _fill(h, "alice")
    assert _row(h, "alice").capacity_used == 50
    h.clear()
    h.create(Channel.CHAT)
    _told(h, "alice")
    h.ok()


def test_direct_assignment_to_an_agent_at_ten_sessions_raises_the_alert() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    _fill(h, "alice")
    h.clear()
    reply = h.call(
        "sam", CreateWork(id=h.rid(), channel=Channel.CHAT, queue=QueueId("chat"), agent=ALICE)
    )
    assert isinstance(reply, WorkCreated)
    _told(h, "alice")
    # Not lost: rerouted to bob.
    assert h.events("bob", OfferAdded)[0].offer.work.work_id == reply.work.work_id
    h.ok()


def test_transfer_and_escalation_to_an_agent_at_ten_sessions_raise_the_alert() -> None:
    for kind in (Transfer, Escalate):
        h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
        _fill(h, "alice")
        [bob_session] = _fill(h, "bob", 1)
        h.clear()
        h.call("bob", kind(id=h.rid(), session_id=bob_session, to_agent=ALICE))
        _told(h, "alice")
        h.ok()


def test_escalation_through_a_queue_to_the_only_agent_at_ten_sessions_raises_the_alert() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    _fill(h, "alice")
    [bob_session] = _fill(h, "bob", 1)
    h.clear()
    h.call("bob", Escalate(id=h.rid(), session_id=bob_session, to_queue=QueueId("chat_esc")))
    _told(h, "alice")
    h.ok()


def test_pending_offers_count_toward_the_ten_for_routing_but_raise_no_alert() -> None:
    h = harness(_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    _fill(h, "alice", MAX_SESSIONS - 1)
    h.create(Channel.CHAT)
    assert len(h.events("alice", OfferAdded)) == 1
    h.clear()
    waiting = h.create(Channel.CHAT)
    assert h.events("alice", OfferAdded) == []
    assert h.events("alice", AlertRaised) == []
    assert _state(h, waiting.work_id) is WorkState.QUEUED
    h.ok()


def test_the_alert_keeps_the_customers_name_as_written() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    _fill(h, "alice")
    h.create(Channel.CHAT, queue_id="chat_vip", customer_name="Ana Lima", agent=UserId("bob"))
    [bob_session] = [e.session.session_id for e in h.events("bob", SessionOpened)]
    h.clear()
    h.call("bob", Transfer(id=h.rid(), session_id=bob_session, to_agent=ALICE))
    [alert] = h.events("alice", AlertRaised)
    assert alert.alert.message.startswith("A chat from Ana Lima could not open"), alert


def test_an_escalation_toast_is_not_titled_transferred() -> None:
    """The queue's toast template (titled "Transferred to you") serves transfers and escalations."""
    config = make_config(
        queues=[
            queue("chat", Channel.CHAT, toast_template="transfer"),
            queue("chat_vip", Channel.CHAT, auto_accept=True, toast_template="assignment"),
        ],
        users=[
            user("alice", ["chat", "chat_vip"]),
            user("bob", ["chat", "chat_vip"]),
            user("sam", role=Role.SUPERVISOR),
        ],
    )
    transfer = template("Transferred to you", kind="toast")
    config = msgspec.structs.replace(config, templates={**config.templates, "transfer": transfer})
    h = harness(config, login=["sam", "alice", "bob"])
    h.create(Channel.CHAT, agent=UserId("bob"))
    h.accept("bob")
    [bob_session] = [e.session.session_id for e in h.events("bob", SessionOpened)]
    h.clear()
    h.call("bob", Escalate(id=h.rid(), session_id=bob_session, to_agent=ALICE))
    [opened] = h.events("alice", SessionOpened)
    assert opened.toast is not None
    assert opened.toast.title == "Escalated to you"


async def test_over_sockets_direct_work_for_an_agent_at_ten_sessions_raises_the_alert(
    server: RunningServer,
) -> None:
    url = server.url
    async with logged_in(url, "sam") as sam, logged_in(url, "alice") as alice:
        for _ in range(MAX_SESSIONS):
            await sam.call(
                CreateWork(
                    id=sam.next_id(), channel=Channel.CHAT, queue=QueueId("chat_vip"), agent=ALICE
                )
            )
            await alice.next_event(SessionOpened)
        created = await sam.call(
            CreateWork(
                id=sam.next_id(),
                channel=Channel.CHAT,
                queue=QueueId("chat"),
                customer_name="Ana Lima",
                agent=ALICE,
            )
        )
        assert isinstance(created, WorkCreated)
        alert = (await alice.next_event(AlertRaised)).alert
        assert alert.kind is AlertKind.MAX_SESSIONS
        assert "Ana Lima" in alert.message
        info = await sam.call(GetWork(id=sam.next_id(), work_id=created.work.work_id))
        assert isinstance(info, WorkInfo)
        assert info.work.state is WorkState.QUEUED  # nobody else is logged in: it waits
        assert info.agent is None
        assert not [e for e in alice.events if isinstance(e, OfferAdded)]
