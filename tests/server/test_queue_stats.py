"""Queue position, estimated wait and the supervisor's queue statistics (rule 16)."""

from __future__ import annotations

from pathlib import Path

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import (
    Ack,
    CloseSession,
    CreateWork,
    GetWork,
    ListQueues,
    Queues,
    QueueUpdated,
    RejectOffer,
    SetPresence,
    WorkInfo,
)
from agent_desktop.protocol.model import QueueStats
from agent_desktop.protocol.vocabulary import (
    Channel,
    ErrorCode,
    Presence,
    QueueId,
    Role,
    UserId,
    WorkId,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.routing.queue_stats import COALESCE_S
from agent_desktop.server.runner import running_server
from agent_desktop.server.store import SqliteStore
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user
from tests.wire import logged_in

ALICE, BOB = UserId("alice"), UserId("bob")
ALL_BUT_AWAY = [Presence.AVAILABLE, Presence.BUSY, Presence.BUSY_DND]


def config() -> ServerConfig:
    return make_config(
        queues=[
            queue("chat", Channel.CHAT, allowed_presences=ALL_BUT_AWAY, expected_handle_s=300),
            queue("sms", Channel.SMS),
        ],
        users=[
            user("alice", ["chat", "sms"], capacity=10),
            user("bob", ["chat"], capacity=20),
            user("sam", role=Role.SUPERVISOR),
        ],
    )


def waiting(h: EngineHarness, work_id: WorkId) -> tuple[int | None, float | None]:
    info = h.call("sam", GetWork(id=h.rid(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    return info.queue_position, info.estimated_wait_s


def test_position_and_estimate_follow_the_queue_and_handle_times() -> None:
    h = harness(config(), login=["sam"])
    first = h.create(Channel.CHAT)
    assert waiting(h, first.work_id) == (1, None)  # nobody staffs the queue: no estimate
    h.connect("alice")
    h.accept("alice")  # alice's capacity is full now (one chat)
    second, third = h.create(Channel.CHAT), h.create(Channel.CHAT)
    # One slot (alice: capacity 10 / cost 10), no handle time yet: 300 s per item.
    assert waiting(h, second.work_id) == (1, 300.0)
    assert waiting(h, third.work_id) == (2, 600.0)
    urgent = h.create(Channel.CHAT, priority=5)
    assert waiting(h, urgent.work_id) == (1, 300.0)
    assert waiting(h, third.work_id) == (3, 900.0)
    h.tick(100)
    session_id = h.work(first.work_id).session_id
    assert session_id is not None
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    # The urgent one went to alice; the average handle time is now 100 s.
    assert waiting(h, second.work_id) == (1, 100.0)
    h.connect("bob")  # two slots more: both waiting items go to bob
    assert waiting(h, third.work_id) == (None, None)
    h.ok()


def row(h: EngineHarness, queue_id: str = "chat") -> QueueStats:
    """The latest row sam was sent, once the coalescing second has passed."""
    h.tick(COALESCE_S)
    return [u.queue for u in h.events("sam", QueueUpdated) if u.queue.queue == queue_id][-1]


def listed(h: EngineHarness, queue_id: str = "chat") -> QueueStats:
    """The queue's row as `list_queues` answers it now (and sam subscribed to its deltas)."""
    reply = h.call("sam", ListQueues(id=h.rid()))
    assert isinstance(reply, Queues)
    return next(q for q in reply.queues if q.queue == queue_id)


def test_changes_go_out_at_once_then_at_most_once_a_second() -> None:
    h = harness(config(), login=["sam", "alice"])
    h.call("sam", ListQueues(id=h.rid()))
    h.create(Channel.SMS)
    sent = [u.queue.waiting for u in h.events("sam", QueueUpdated) if u.queue.queue == "sms"]
    assert sent == [0]  # at once: offered to alice, nothing waits
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.create(Channel.SMS)
    h.create(Channel.SMS)
    assert len(h.events("sam", QueueUpdated)) == 1  # within the second: held back
    h.tick(COALESCE_S)
    sms = [u.queue for u in h.events("sam", QueueUpdated) if u.queue.queue == "sms"]
    assert [q.waiting for q in sms] == [0, 2]  # one row with both changes
    assert h.engine.next_deadline() is not None


def test_the_supervisor_gets_rows_then_deltas() -> None:
    h = harness(config(), login=["sam", "alice", "bob"])
    listed = h.call("sam", ListQueues(id=h.rid()))
    assert isinstance(listed, Queues)
    chat = next(q for q in listed.queues if q.queue == "chat")
    assert (chat.waiting, chat.agents_available, chat.agents_busy, chat.agents_away) == (
        0,
        2,
        0,
        0,
    )
    assert chat.estimated_wait_s == 300.0 * 1 / 3  # 1 + 2 slots
    work = h.create(Channel.CHAT)
    assert row(h).offers_in_flight == 1
    offered_to = h.offer(h.work(work.work_id).offer_id)  # type: ignore[arg-type]
    h.call(offered_to.agent, RejectOffer(id=h.rid(), offer_id=offered_to.offer_id))
    assert row(h).rejected_last_hour == 1
    h.call("bob", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    assert (row(h).agents_away, row(h).offers_in_flight) == (2, 1)
    h.tick(120)  # the other agent misses it too: it waits, and nobody staffs the queue
    assert (row(h).waiting, row(h).missed_last_hour) == (1, 1)
    assert row(h).oldest_waiting_since == work.created_at
    assert row(h).estimated_wait_s is None
    h.tick(3600 - 120)  # the reject's hour is over: a delta, not a poll
    assert (row(h).rejected_last_hour, row(h).missed_last_hour) == (0, 1)
    h.ok()


def test_misses_count_for_an_hour() -> None:
    h = harness(config(), login=["sam", "alice"])
    h.call("sam", ListQueues(id=h.rid()))
    h.create(Channel.CHAT)
    h.tick(120)  # the chat template's timeout
    assert row(h).missed_last_hour == 1
    h.tick(3600)
    assert row(h).missed_last_hour == 0


def test_only_supervisors_list_queues_and_only_they_get_deltas() -> None:
    h = harness(config(), login=["sam", "alice"])
    assert h.refused("alice", ListQueues(id=h.rid())) is ErrorCode.FORBIDDEN
    h.create(Channel.CHAT)
    assert h.events("sam", QueueUpdated) == []  # sam never asked
    assert h.events("alice", QueueUpdated) == []


async def test_queue_statistics_over_real_sockets(demo_config: ServerConfig) -> None:
    async with (
        running_server(demo_config) as server,
        logged_in(server.url, "sam") as sam,
    ):
        listed = await sam.request(ListQueues(id=sam.next_id()))
        assert isinstance(listed, Queues)
        assert {q.queue for q in listed.queues} >= {"chat", "sms", "voice"}
        created = await sam.request(
            CreateWork(id=sam.next_id(), channel=Channel.CHAT, queue=QueueId("chat"))
        )
        assert not isinstance(created, Ack)
        while True:
            update = (await sam.next_event(QueueUpdated)).queue
            if update.queue == "chat" and update.waiting == 1:
                break
        assert update.estimated_wait_s is None  # nobody is logged in
        assert update.oldest_waiting_since is not None


def test_handle_times_and_the_last_hours_misses_survive_a_restart(tmp_path: Path) -> None:
    """The estimate a supervisor sees must not fall back to the configured guess, nor the
    missed/rejected counts to zero, because the server restarted (`kill -9`: no flush)."""
    path = tmp_path / "state.sqlite3"
    h = harness(config(), SqliteStore(path), login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.accept("alice")
    h.tick(100)
    [session_id] = h.engine.sessions.open[ALICE]
    h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    h.create(Channel.CHAT)
    offer = h.offer_id("alice")
    h.call("alice", RejectOffer(id=h.rid(), offer_id=offer))
    before = listed(h)
    assert (before.average_handle_s, before.rejected_last_hour) == (100.0, 1)

    restarted = harness(
        config(), SqliteStore(path), clock=ManualClock(h.clock.now() + 60), login=["sam"]
    )
    after = listed(restarted)
    assert (after.average_handle_s, after.rejected_last_hour) == (100.0, 1)
    restarted.tick(3600)  # the reject's hour ends after the restart as it would have before
    assert row(restarted).rejected_last_hour == 0
    restarted.ok()
