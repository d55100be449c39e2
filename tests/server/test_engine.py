"""A long day: closed work, ended offers and cleared alerts leave memory after the retention,
stay on disk, and still answer (GetWork, a late accept or dismiss); a restart loads open work."""

from __future__ import annotations

from pathlib import Path

import msgspec

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import (
    Ack,
    CloseSession,
    CustomerMessage,
    DismissAlert,
    GetWork,
    RejectOffer,
    SendMessage,
    SetPresence,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    AlertId,
    Channel,
    ErrorCode,
    OfferId,
    Presence,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.config import Timings
from agent_desktop.server.routing.records import (
    KIND_ALERT,
    KIND_ALERT_CLEARED,
    KIND_MESSAGE,
    KIND_META,
    KIND_OFFER,
    KIND_OFFER_ENDED,
    KIND_SESSION,
    KIND_WORK,
    KIND_WORK_CLOSED,
    META_COUNTERS,
    Counters,
    MessageRecord,
    SessionRecord,
    WorkRecord,
    decode_record,
    encode_record,
)
from agent_desktop.server.store import SqliteStore
from tests.server.engine_fixtures import EngineHarness, harness, make_config

RETENTION = 600.0
CONFIG = make_config(timings=Timings(closed_retention_s=RETENTION))


class Day(msgspec.Struct):
    closed: WorkId
    open: WorkId
    accepted_offer: OfferId
    rejected_offer: OfferId
    alert: AlertId


def _day(h: EngineHarness) -> Day:
    """alice takes a chat, talks and closes it; bob rejects one (alert, then Available clears
    it) and it goes to alice, who keeps it open."""
    first = h.create(Channel.CHAT, agent=UserId("alice"), customer_name="Ann")
    accepted_offer = h.offer_id("alice")
    h.accept("alice")
    session = h.work(first.work_id).session_id
    assert session is not None
    h.call("alice", SendMessage(id=h.rid(), session_id=session, text="hi", client_msg_id="c1"))
    h.call("sam", CustomerMessage(id=h.rid(), work_id=first.work_id, text="hello"))
    h.call("alice", CloseSession(id=h.rid(), session_id=session))
    second = h.create(Channel.CHAT, agent=UserId("bob"), customer_name="Ben")
    rejected_offer = h.offer_id("bob")
    h.call("bob", RejectOffer(id=h.rid(), offer_id=rejected_offer))
    [alert] = h.engine.alerts.shown[UserId("bob")]
    h.call("bob", SetPresence(id=h.rid(), presence=Presence.AVAILABLE))  # clears the alert
    h.accept("alice")
    session = h.work(second.work_id).session_id
    assert session is not None
    h.call("alice", SendMessage(id=h.rid(), session_id=session, text="on it", client_msg_id="c2"))
    h.call("sam", CustomerMessage(id=h.rid(), work_id=second.work_id, text="still here"))
    h.ok()
    return Day(first.work_id, second.work_id, accepted_offer, rejected_offer, alert)


def _get_work(h: EngineHarness, work_id: WorkId) -> WorkInfo:
    info = h.call("sam", GetWork(id="get", work_id=work_id))
    assert isinstance(info, WorkInfo)
    return info


def _in_memory(h: EngineHarness) -> tuple[set[str], set[str], set[str]]:
    engine = h.engine
    return set(engine.works.items), set(engine.offers.records), set(engine.alerts.records)


def test_finished_things_leave_memory_after_the_retention_and_still_answer(
    tmp_path: Path,
) -> None:
    h = harness(CONFIG, SqliteStore(tmp_path / "state.sqlite3"), login=["sam", "alice", "bob"])
    day = _day(h)
    closed_info = _get_work(h, day.closed)
    assert [m.text for m in closed_info.transcript] == ["hi", "hello"]
    assert closed_info.work.state is WorkState.CLOSED
    accounting = h.engine.accounting()
    assert accounting == {"queued": 0, "offered": 0, "assigned": 1, "closed": 1}
    open_offer = h.work(day.open).offer_id
    assert open_offer is None  # accepted: nothing pending is left

    h.tick(RETENTION - 1)
    works, offers, alerts = _in_memory(h)
    assert works == {day.closed, day.open}
    assert len(offers) == 3
    assert alerts == {day.alert}

    h.tick(1)
    assert _in_memory(h) == ({day.open}, set(), set())
    h.ok()
    assert h.engine.accounting() == accounting
    # History is on disk: the same answer as before it left memory.
    assert _get_work(h, day.closed) == closed_info
    # A late answer to a finished offer gets what it got before.
    assert isinstance(h.accept("alice", day.accepted_offer), Ack)
    assert h.refused("bob", RejectOffer(id="r", offer_id=day.rejected_offer)) is (
        ErrorCode.OFFER_NOT_PENDING
    )
    assert h.refused("bob", RejectOffer(id="r", offer_id=day.accepted_offer)) is (
        ErrorCode.FORBIDDEN
    )
    assert isinstance(h.call("bob", DismissAlert(id=h.rid(), alert_id=day.alert)), Ack)
    assert h.refused("alice", DismissAlert(id="d", alert_id=day.alert)) is ErrorCode.FORBIDDEN
    closed_message = CustomerMessage(id="m", work_id=day.closed, text="late")
    assert h.refused("sam", closed_message) is ErrorCode.WORK_CLOSED
    # Reading history back does not bring it into memory.
    assert _in_memory(h) == ({day.open}, set(), set())
    # The open item keeps its whole transcript.
    assert [m.text for m in _get_work(h, day.open).transcript] == ["on it", "still here"]
    h.ok()


def test_each_finished_thing_leaves_on_its_own_clock() -> None:
    h = harness(CONFIG, login=["sam", "alice"])
    first = h.create(Channel.CHAT, agent=UserId("alice"))
    h.accept("alice")
    session = h.work(first.work_id).session_id
    assert session is not None
    h.call("alice", CloseSession(id=h.rid(), session_id=session))
    h.tick(RETENTION / 2)
    second = h.create(Channel.CHAT, agent=UserId("alice"))
    h.accept("alice")
    session = h.work(second.work_id).session_id
    assert session is not None
    h.call("alice", CloseSession(id=h.rid(), session_id=session))
    h.tick(RETENTION / 2)
    assert set(h.engine.works.items) == {second.work_id}
    h.tick(RETENTION / 2)
    assert set(h.engine.works.items) == set()
    assert h.engine.accounting()["closed"] == 2
    h.ok()


def test_a_restart_loads_only_open_work(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old = harness(CONFIG, SqliteStore(path), login=["sam", "alice", "bob"])
    day = _day(old)
    closed_info = _get_work(old, day.closed)
    open_info = _get_work(old, day.open)
    accounting = old.engine.accounting()
    # Within the retention, so the old engine still holds the closed item: the restart does not.
    h = harness(CONFIG, SqliteStore(path), clock=ManualClock(old.clock.now()), login=["sam"])
    assert _in_memory(h) == ({day.open}, set(), set())
    assert h.engine.accounting() == accounting
    assert _get_work(h, day.closed) == closed_info
    reopened = _get_work(h, day.open)
    assert reopened.transcript == open_info.transcript
    assert reopened.session_id == open_info.session_id
    h.ok()


def test_a_message_is_on_disk_when_it_is_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old = harness(CONFIG, SqliteStore(path), login=["sam", "alice"])
    item = old.create(Channel.CHAT, agent=UserId("alice"))
    old.accept("alice")
    session = old.work(item.work_id).session_id
    assert session is not None
    for n in range(3):
        request = SendMessage(id=old.rid(), session_id=session, text=f"m{n}", client_msg_id=f"c{n}")
        assert isinstance(old.call("alice", request), Ack)
    # Read by another connection to the file: committed, not just in the engine's transaction.
    other = SqliteStore(path)
    stored = [decode_record(v, MessageRecord) for _, v in other.load_prefix(KIND_MESSAGE, "W")]
    assert [(r.session_id, r.message.text) for r in stored] == [
        (session, "m0"),
        (session, "m1"),
        (session, "m2"),
    ]
    # The work and session records do not carry them (each message is written once).
    work = decode_record(other.get(KIND_WORK, item.work_id) or b"", WorkRecord)
    assert work.transcript == []
    stored_session = decode_record(other.get(KIND_SESSION, session) or b"", SessionRecord)
    assert stored_session.client_msg_ids == []
    other.close()
    # After a kill, a resend of an acknowledged message is still recognised.
    h = harness(CONFIG, SqliteStore(path), clock=ManualClock(old.clock.now()), login=["alice"])
    resend = SendMessage(id=h.rid(), session_id=session, text="m2", client_msg_id="c2")
    assert isinstance(h.call("alice", resend), Ack)
    assert [m.text for m in h.work(item.work_id).transcript] == ["m0", "m1", "m2"]
    h.ok()


def _make_legacy(path: Path) -> None:
    """Rewrite the file as the previous version stored it: transcripts and message ids inline,
    closed work, ended offers and cleared alerts beside the open ones, no closed counter."""
    store = SqliteStore(path)
    messages: dict[str, list[MessageRecord]] = {}
    for key, data in list(store.load(KIND_MESSAGE)):
        messages.setdefault(key.split(":")[0], []).append(decode_record(data, MessageRecord))
        store.delete(KIND_MESSAGE, key)
    sessions = {k: decode_record(v, SessionRecord) for k, v in store.load(KIND_SESSION)}
    for kind in (KIND_WORK, KIND_WORK_CLOSED):
        for key, data in list(store.load(kind)):
            work = decode_record(data, WorkRecord)
            work.transcript = [r.message for r in messages.get(key, [])]
            if work.session_id is not None:
                sessions[work.session_id].client_msg_ids = [
                    r.message.client_msg_id
                    for r in messages.get(key, [])
                    if r.session_id == work.session_id and r.message.client_msg_id
                ]
            store.delete(kind, key)
            store.put(KIND_WORK, key, encode_record(work))
    for key, session in sessions.items():
        store.put(KIND_SESSION, key, encode_record(session))
    for finished, kind in ((KIND_OFFER_ENDED, KIND_OFFER), (KIND_ALERT_CLEARED, KIND_ALERT)):
        for key, data in list(store.load(finished)):
            store.delete(finished, key)
            store.put(kind, key, data)
    counters = decode_record(store.get(KIND_META, META_COUNTERS) or b"", Counters)
    counters.closed = 0
    store.put(KIND_META, META_COUNTERS, encode_record(counters))
    store.commit()
    store.close()


def test_a_file_from_the_previous_version_is_moved_to_the_new_records(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old = harness(CONFIG, SqliteStore(path), login=["sam", "alice", "bob"])
    day = _day(old)
    closed_info = _get_work(old, day.closed)
    open_info = _get_work(old, day.open)
    accounting = old.engine.accounting()
    old.store.close()
    _make_legacy(path)
    clock = ManualClock(old.clock.now())
    for _ in range(2):  # migrated once, then loaded as it is
        h = harness(CONFIG, SqliteStore(path), clock=clock, login=["sam", "alice"])
        assert _in_memory(h) == ({day.open}, set(), set())
        assert h.engine.accounting() == accounting
        assert _get_work(h, day.closed) == closed_info
        assert _get_work(h, day.open).transcript == open_info.transcript
        session = open_info.session_id
        assert session is not None
        assert h.engine.sessions.records[session].client_msg_ids == ["c2"]
        resend = SendMessage(id=h.rid(), session_id=session, text="on it", client_msg_id="c2")
        assert isinstance(h.call("alice", resend), Ack)
        assert _get_work(h, day.open).transcript == open_info.transcript  # stored once
        assert h.refused("alice", DismissAlert(id="d", alert_id=day.alert)) is ErrorCode.FORBIDDEN
        h.ok()
        h.store.close()
