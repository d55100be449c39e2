"""Sessions: messages, customer messages and leaving, voice controls, transfer and escalation."""

from __future__ import annotations

from agent_desktop.protocol.messages import (
    Ack,
    CallControl,
    CloseSession,
    CustomerEnd,
    CustomerMessage,
    Escalate,
    GetWork,
    MessageAdded,
    OfferAdded,
    OfferEnded,
    SendMessage,
    SessionClosed,
    SessionOpened,
    SessionUpdated,
    SetPresence,
    Transfer,
    WorkInfo,
)
from agent_desktop.protocol.model import Call
from agent_desktop.protocol.vocabulary import (
    CallAction,
    CallState,
    Channel,
    ErrorCode,
    OfferState,
    Origin,
    Presence,
    QueueId,
    Reason,
    Sender,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from tests.server.engine_fixtures import EngineHarness, harness, make_config


def _session(h: EngineHarness, name: str, channel: Channel = Channel.CHAT) -> SessionId:
    item = h.create(channel, agent=UserId(name))
    h.accept(name)
    session_id = h.work(item.work_id).session_id
    assert session_id is not None
    return session_id


def test_send_message_is_stored_once_and_delivered() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice")
    h.connect("alice")  # a second window of the same agent
    h.clear()
    request = SendMessage(id="m1", session_id=session_id, text="Hello", client_msg_id="c-1")
    assert isinstance(h.call("alice", request), Ack)
    [added] = h.events("alice", MessageAdded)
    assert added.session_id == session_id
    assert (added.message.sender, added.message.text, added.message.client_msg_id) == (
        Sender.AGENT,
        "Hello",
        "c-1",
    )
    h.clear()
    before = h.state()
    retry = SendMessage(id="m2", session_id=session_id, text="Hello", client_msg_id="c-1")
    assert isinstance(h.call("alice", retry), Ack)
    assert h.inbox == {}
    assert h.state() == before
    work_id = h.engine.sessions.records[session_id].work_id
    assert [m.text for m in h.work(work_id).transcript] == ["Hello"]


def test_customer_messages_wait_in_the_offer_and_flow_into_the_session() -> None:
    h = harness(login=["sam"])
    item = h.create(Channel.CHAT)
    h.call("sam", CustomerMessage(id=h.rid(), work_id=item.work_id, text="Anyone there?"))
    snapshot = h.connect("alice")
    assert snapshot.offers == []  # routed right after the snapshot, as an event
    [added] = h.events("alice", OfferAdded)
    assert [m.text for m in added.offer.transcript] == ["Anyone there?"]
    h.accept("alice")
    [opened] = h.events("alice", SessionOpened)
    assert [m.sender for m in opened.session.transcript] == [Sender.CUSTOMER]
    h.clear()
    h.call("sam", CustomerMessage(id=h.rid(), work_id=item.work_id, text="Hi!"))
    [message] = h.events("alice", MessageAdded)
    assert (message.message.sender, message.message.text) == (Sender.CUSTOMER, "Hi!")


def test_customer_end_withdraws_a_pending_offer() -> None:
    h = harness(login=["sam", "alice"])
    item = h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.clear()
    assert isinstance(h.call("sam", CustomerEnd(id=h.rid(), work_id=item.work_id)), Ack)
    [ended] = h.events("alice", OfferEnded)
    assert (ended.offer_id, ended.state, ended.reason) == (
        offer_id,
        OfferState.WITHDRAWN,
        Reason.CUSTOMER_LEFT,
    )
    assert h.work(item.work_id).item.state is WorkState.CLOSED
    code = h.refused("sam", CustomerEnd(id="e", work_id=item.work_id))
    assert code is ErrorCode.WORK_CLOSED
    code = h.refused("sam", CustomerMessage(id="e", work_id=item.work_id, text="late"))
    assert code is ErrorCode.WORK_CLOSED
    h.ok()


def test_customer_end_closes_a_queued_item() -> None:
    h = harness(login=["sam"])
    item = h.create(Channel.CHAT)
    h.call("sam", CustomerEnd(id=h.rid(), work_id=item.work_id))
    assert h.engine.accounting() == {"queued": 0, "offered": 0, "assigned": 0, "closed": 1}
    h.connect("alice")
    assert h.engine.offers.pending.get(UserId("alice"), set()) == set()
    h.ok()


def test_customer_end_marks_an_open_session_and_the_agent_closes_it() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice")
    work_id = h.engine.sessions.records[session_id].work_id
    h.clear()
    h.call("sam", CustomerEnd(id=h.rid(), work_id=work_id))
    [updated] = h.events("alice", SessionUpdated)
    assert updated.customer_left
    [added] = h.events("alice", MessageAdded)
    assert added.message.sender is Sender.SYSTEM
    assert h.work(work_id).item.state is WorkState.ASSIGNED
    assert isinstance(h.call("sam", CustomerEnd(id=h.rid(), work_id=work_id)), Ack)
    code = h.refused("sam", CustomerMessage(id="x", work_id=work_id, text="?"))
    assert code is ErrorCode.WORK_CLOSED
    h.clear()
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    [closed] = h.events("alice", SessionClosed)
    assert closed.reason is Reason.CLOSED_BY_AGENT
    assert h.work(work_id).item.state is WorkState.CLOSED
    h.ok()


def test_voice_call_controls_follow_the_transition_table() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice", Channel.VOICE)
    assert h.engine.sessions.records[session_id].call == Call(state=CallState.CONNECTED)
    steps = [
        (CallAction.MUTE, Call(state=CallState.CONNECTED, muted=True)),
        (CallAction.HOLD, Call(state=CallState.ON_HOLD, muted=True)),
        (CallAction.UNMUTE, Call(state=CallState.ON_HOLD, muted=False)),
        (CallAction.RESUME, Call(state=CallState.CONNECTED)),
        (CallAction.END, Call(state=CallState.ENDED)),
    ]
    for action, expected in steps:
        h.clear()
        reply = h.call("alice", CallControl(id=h.rid(), session_id=session_id, action=action))
        assert isinstance(reply, Ack)
        [updated] = h.events("alice", SessionUpdated)
        assert updated.call == expected, action


def test_invalid_call_moves_are_refused_with_a_clear_message() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice", Channel.VOICE)
    code = h.refused("alice", CallControl(id="c", session_id=session_id, action=CallAction.RESUME))
    assert code is ErrorCode.INVALID_MESSAGE
    code = h.refused("alice", CallControl(id="c", session_id=session_id, action=CallAction.UNMUTE))
    assert code is ErrorCode.INVALID_MESSAGE
    h.call("alice", CallControl(id=h.rid(), session_id=session_id, action=CallAction.END))
    for action in CallAction:
        code = h.refused("alice", CallControl(id="c", session_id=session_id, action=action))
        assert code is ErrorCode.INVALID_MESSAGE


def test_call_control_on_a_chat_is_the_wrong_channel() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice")
    code = h.refused("alice", CallControl(id="c", session_id=session_id, action=CallAction.HOLD))
    assert code is ErrorCode.WRONG_CHANNEL


def test_transfer_to_a_queue_assigns_to_the_idle_longest_other_agent() -> None:
    h = harness(login=["sam", "alice", "bob"])
    session_id = _session(h, "alice")
    work_id = h.engine.sessions.records[session_id].work_id
    h.call("alice", SendMessage(id=h.rid(), session_id=session_id, text="Hi", client_msg_id="1"))
    h.clear()
    reply = h.call("alice", Transfer(id=h.rid(), session_id=session_id, to_queue=QueueId("chat")))
    assert isinstance(reply, Ack)
    [closed] = h.events("alice", SessionClosed)
    assert closed.reason is Reason.TRANSFER
    [opened] = h.events("bob", SessionOpened)
    assert opened.session.work.work_id == work_id
    assert opened.session.work.origin is Origin.TRANSFER
    assert opened.session.opened_reason is Reason.TRANSFER
    assert opened.toast is not None
    assert opened.toast.origin is Origin.TRANSFER
    assert opened.toast.title == "Transferred to you"
    assert [m.text for m in opened.session.transcript] == ["Hi"]
    h.ok()


def test_escalation_to_an_agent_opens_with_a_toast_and_keeps_the_call() -> None:
    h = harness(login=["sam", "alice", "bob"])
    session_id = _session(h, "alice", Channel.VOICE)
    h.call("alice", CallControl(id=h.rid(), session_id=session_id, action=CallAction.HOLD))
    h.clear()
    reply = h.call("alice", Escalate(id=h.rid(), session_id=session_id, to_agent=UserId("bob")))
    assert isinstance(reply, Ack)
    [closed] = h.events("alice", SessionClosed)
    assert closed.reason is Reason.ESCALATION
    [opened] = h.events("bob", SessionOpened)
    assert opened.session.work.origin is Origin.ESCALATION
    assert opened.session.call == Call(state=CallState.ON_HOLD)
    assert opened.toast is not None
    assert opened.toast.reason is Reason.ESCALATION


def test_transfer_waits_in_the_queue_and_is_assigned_later() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice")
    work_id = h.engine.sessions.records[session_id].work_id
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.call("alice", Transfer(id=h.rid(), session_id=session_id, to_queue=QueueId("chat")))
    assert h.work(work_id).item.state is WorkState.QUEUED
    h.connect("bob")
    assert h.work(work_id).item.state is WorkState.ASSIGNED
    [opened] = h.events("bob", SessionOpened)
    assert opened.toast is not None
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    events = [e.event for e in info.history]
    assert events[0] == "created"
    assert "transfer" in events
    assert events[-1] == "assigned"
    assert info.agent == "bob"
    h.ok()


def test_supervisor_may_transfer_and_close_any_session() -> None:
    h = harness(login=["sam", "alice", "bob"])
    first = _session(h, "alice")
    second = _session(h, "alice")
    h.call("sam", Transfer(id=h.rid(), session_id=first, to_agent=UserId("bob")))
    assert first not in h.engine.sessions.records
    h.clear()
    h.call("sam", CloseSession(id=h.rid(), session_id=second))
    [closed] = h.events("alice", SessionClosed)
    assert closed.reason is Reason.SUPERVISOR
    h.ok()


def test_transfer_refusals() -> None:
    h = harness(login=["sam", "alice", "bob"])
    session_id = _session(h, "alice")
    both = Transfer(id="t", session_id=session_id, to_queue=QueueId("chat"), to_agent=UserId("bob"))
    assert h.refused("alice", both) is ErrorCode.INVALID_MESSAGE
    assert h.refused("alice", Transfer(id="t", session_id=session_id)) is ErrorCode.INVALID_MESSAGE
    code = h.refused("alice", Transfer(id="t", session_id=session_id, to_queue=QueueId("nope")))
    assert code is ErrorCode.UNKNOWN_QUEUE
    code = h.refused("alice", Transfer(id="t", session_id=session_id, to_queue=QueueId("voice")))
    assert code is ErrorCode.WRONG_CHANNEL
    code = h.refused("alice", Escalate(id="t", session_id=session_id, to_agent=UserId("zed")))
    assert code is ErrorCode.UNKNOWN_AGENT
    code = h.refused("alice", Transfer(id="t", session_id=session_id, to_agent=UserId("alice")))
    assert code is ErrorCode.INVALID_MESSAGE
    code = h.refused("bob", Transfer(id="t", session_id=session_id, to_agent=UserId("carol")))
    assert code is ErrorCode.FORBIDDEN
    code = h.refused("bob", Escalate(id="t", session_id=SessionId("S9"), to_agent=UserId("carol")))
    assert code is ErrorCode.UNKNOWN_SESSION


def test_session_refusals() -> None:
    h = harness(login=["sam", "alice", "bob"])
    session_id = _session(h, "alice")
    message = SendMessage(id="m", session_id=session_id, text="x", client_msg_id="1")
    assert h.refused("bob", message) is ErrorCode.FORBIDDEN
    assert h.refused("sam", message) is ErrorCode.FORBIDDEN  # supervisors do not chat as agents
    unknown = SendMessage(id="m", session_id=SessionId("S1"), text="x", client_msg_id="1")
    assert h.refused("alice", unknown) is ErrorCode.UNKNOWN_SESSION
    assert h.refused("bob", CloseSession(id="c", session_id=session_id)) is ErrorCode.FORBIDDEN
    code = h.refused("alice", CloseSession(id="c", session_id=SessionId("S77")))
    assert code is ErrorCode.UNKNOWN_SESSION
    code = h.refused("bob", CallControl(id="c", session_id=session_id, action=CallAction.END))
    assert code is ErrorCode.FORBIDDEN
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    assert h.refused("alice", CloseSession(id="c", session_id=session_id)) is (
        ErrorCode.UNKNOWN_SESSION
    )
    assert h.refused("sam", CustomerEnd(id="c", work_id=WorkId("W1"))) is ErrorCode.UNKNOWN_WORK


def test_transfer_to_a_full_agent_waits_in_the_queue() -> None:
    h = harness(make_config(capacity=10), login=["sam", "alice", "bob"])
    session_id = _session(h, "alice")
    work_id = h.engine.sessions.records[session_id].work_id
    _session(h, "bob")  # bob is full (capacity 10)
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.call("alice", Transfer(id=h.rid(), session_id=session_id, to_agent=UserId("bob")))
    assert h.work(work_id).item.state is WorkState.QUEUED
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    assert ("queued", "bob") in [(e.event, e.agent) for e in info.history]
    h.connect("carol")
    assert h.work(work_id).item.state is WorkState.ASSIGNED
    assert h.engine.sessions.records[h.work(work_id).session_id or SessionId("")].agent == "carol"
    h.ok()


def test_transfer_to_a_disconnected_agent_waits_in_the_queue() -> None:
    h = harness(login=["sam", "alice"])
    session_id = _session(h, "alice")
    work_id = h.engine.sessions.records[session_id].work_id
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.call("alice", Escalate(id=h.rid(), session_id=session_id, to_agent=UserId("carol")))
    assert h.work(work_id).item.state is WorkState.QUEUED
    h.connect("carol")
    [opened] = h.events("carol", SessionOpened)
    assert opened.session.work.work_id == work_id
    assert opened.session.opened_reason is Reason.ESCALATION
    h.ok()
