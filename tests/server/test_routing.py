"""Rule 1: who gets work. The per-queue index and the engine's idle-longest choice."""

from __future__ import annotations

from agent_desktop.protocol.messages import CloseSession, SetPresence
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    Channel,
    Presence,
    QueueId,
    Role,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.routing.queue_index import QueueIndex
from tests.server.engine_fixtures import harness, make_config, queue, user


def test_index_orders_agents_idle_longest_then_by_name() -> None:
    index = QueueIndex(QueueId("chat"))
    index.set_agent(UserId("bob"), 5.0)
    index.set_agent(UserId("alice"), 5.0)
    index.set_agent(UserId("carol"), 1.0)
    assert list(index.eligible_agents()) == ["carol", "alice", "bob"]
    index.set_agent(UserId("carol"), 9.0)  # re-keyed, not duplicated
    index.set_agent(UserId("alice"), None)  # no longer eligible
    assert list(index.eligible_agents()) == ["bob", "carol"]
    assert index.agent_count() == 2


def test_index_orders_items_by_priority_then_age_then_arrival() -> None:
    index = QueueIndex(QueueId("chat"))
    index.add_item(WorkId("W1"), priority=0, created_at=1.0, seq=1)
    index.add_item(WorkId("W2"), priority=5, created_at=3.0, seq=2)
    index.add_item(WorkId("W3"), priority=5, created_at=2.0, seq=3)
    index.add_item(WorkId("W4"), priority=0, created_at=1.0, seq=0)
    index.add_item(WorkId("W4"), priority=0, created_at=1.0, seq=0)  # idempotent
    assert index.waiting() == ["W3", "W2", "W4", "W1"]
    index.remove_item(WorkId("W3"))
    index.remove_item(WorkId("W3"))
    assert index.head() == (-5, 3.0, 2, "W2")
    assert index.item_count() == 3


def test_work_goes_to_the_agent_idle_longest() -> None:
    h = harness(login=["sam"])
    h.connect("carol")
    h.clock.advance(1)
    h.connect("alice")
    h.clock.advance(1)
    h.connect("bob")
    first = h.create(Channel.CHAT)
    assert h.work(first.work_id).item.state is WorkState.OFFERED
    assert h.offer_id("carol")
    h.clock.advance(1)
    h.create(Channel.CHAT)
    assert h.offer_id("alice")  # carol just got work: alice is now idle longest
    h.clock.advance(1)
    h.create(Channel.CHAT)
    assert h.offer_id("bob")
    h.ok()


def test_ties_in_idle_time_go_by_user_id() -> None:
    h = harness(login=["sam", "bob", "alice"])  # same clock reading
    h.create(Channel.CHAT)
    assert h.offer_id("alice")


def test_closing_a_session_counts_as_work_for_idle_time() -> None:
    h = harness(login=["sam", "alice", "bob"])
    h.create(Channel.CHAT)
    h.accept("alice")
    h.clock.advance(10)
    session_id = next(iter(h.engine.sessions.open[UserId("alice")]))
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    h.clock.advance(10)
    h.create(Channel.CHAT)
    assert h.offer_id("bob")  # bob logged in before alice closed her session


def test_waiting_items_leave_by_priority_then_age() -> None:
    h = harness(make_config(capacity=10), login=["sam"])
    low = h.create(Channel.CHAT, subject="low")
    h.clock.advance(1)
    high = h.create(Channel.CHAT, subject="high", priority=5)
    assert h.engine.accounting()["queued"] == 2
    h.connect("alice")
    offered = h.offer(h.offer_id("alice"))
    assert offered.work_id == high.work_id
    assert h.work(low.work_id).item.state is WorkState.QUEUED
    h.ok()


def test_only_connected_agents_in_allowed_presence_get_work() -> None:
    h = harness(login=["sam", "alice"])
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    item = h.create(Channel.CHAT)
    assert h.work(item.work_id).item.state is WorkState.QUEUED
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY_DND))
    assert h.work(item.work_id).item.state is WorkState.QUEUED
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AVAILABLE))
    assert h.work(item.work_id).item.state is WorkState.OFFERED
    h.ok()


def test_queue_allowed_presences_are_honoured() -> None:
    config = make_config(
        queues=[
            queue("chat", Channel.CHAT, allowed_presences=[Presence.AVAILABLE]),
        ],
        users=[user("alice", ["chat"]), user("sam", role=Role.SUPERVISOR)],
    )
    h = harness(config, login=["sam", "alice"])
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY))
    item = h.create(Channel.CHAT)
    assert h.work(item.work_id).item.state is WorkState.QUEUED
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AVAILABLE))
    assert h.work(item.work_id).item.state is WorkState.OFFERED


def test_capacity_counts_pending_offers() -> None:
    # capacity 25 and cost 10: two items fit, the third waits even though nothing is accepted.
    h = harness(make_config(capacity=25), login=["sam", "alice"])
    items = [h.create(Channel.CHAT) for _ in range(3)]
    states = [h.work(i.work_id).item.state for i in items]
    assert states == [WorkState.OFFERED, WorkState.OFFERED, WorkState.QUEUED]
    h.ok()


def test_freed_capacity_routes_waiting_work() -> None:
    h = harness(make_config(capacity=10), login=["sam", "alice"])
    first = h.create(Channel.CHAT)
    second = h.create(Channel.CHAT)
    h.accept("alice")
    assert h.work(second.work_id).item.state is WorkState.QUEUED
    session_id = h.work(first.work_id).session_id
    assert session_id is not None
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    assert h.work(second.work_id).item.state is WorkState.OFFERED
    h.ok()


def test_routing_stops_below_the_session_limit() -> None:
    config = make_config(
        queues=[queue("chat", Channel.CHAT, capacity_cost=0)],
        users=[user("alice", ["chat"]), user("sam", role=Role.SUPERVISOR)],
    )
    h = harness(config, login=["sam", "alice"])
    items = [h.create(Channel.CHAT) for _ in range(MAX_SESSIONS + 2)]
    offered = [i for i in items if h.work(i.work_id).item.state is WorkState.OFFERED]
    assert len(offered) == MAX_SESSIONS
    h.ok()


def test_a_user_without_queues_gets_no_work() -> None:
    h = harness(login=["sam", "admin"])
    item = h.create(Channel.CHAT)
    assert h.work(item.work_id).item.state is WorkState.QUEUED
    assert h.engine.offers.pending.get(UserId("sam"), set()) == set()


def test_an_agent_becoming_eligible_tries_all_its_queues_best_item_first() -> None:
    h = harness(make_config(capacity=10), login=["sam"])
    sms = h.create(Channel.SMS, phone="+1 555 999")
    h.clock.advance(1)
    chat = h.create(Channel.CHAT, priority=3)
    h.clock.advance(1)
    older_low = h.work(sms.work_id)
    h.connect("alice")
    offer = h.offer(h.offer_id("alice"))
    assert offer.work_id == chat.work_id  # priority beats age across queues
    assert older_low.item.state is WorkState.QUEUED
    h.ok()
