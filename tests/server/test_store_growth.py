"""What a long day costs the server: bytes written per chat message, memory per closed item.

Run as a module to print the figures (the report's before/after numbers):

    .venv/bin/python -m tests.server.test_store_growth

The tests assert the shapes on byte counts and record counts (never on time): each message
writes about the same number of bytes however long the chat is, and closed work leaves memory.
"""

from __future__ import annotations

import gc
import tempfile
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from agent_desktop.protocol.messages import (
    CloseSession,
    CustomerMessage,
    SendMessage,
)
from agent_desktop.protocol.vocabulary import Channel, SessionId, WorkId
from agent_desktop.server.config import Timings
from agent_desktop.server.store import AuditRow, MemoryStore, SqliteStore, Store
from tests.server.engine_fixtures import EngineHarness, harness, make_config

RETENTION = 600.0
CONFIG = make_config(agents=("alice",), timings=Timings(closed_retention_s=RETENTION))


@dataclass
class RecordingStore:
    """A `Store` that passes everything on and counts the bytes each kind was sent to disk."""

    inner: Store
    written: dict[str, int] = field(default_factory=dict)

    def total(self) -> int:
        return sum(self.written.values())

    def put(self, kind: str, key: str, value: bytes) -> None:
        self.written[kind] = self.written.get(kind, 0) + len(key) + len(value)
        self.inner.put(kind, key, value)

    def delete(self, kind: str, key: str) -> None:
        self.inner.delete(kind, key)

    def get(self, kind: str, key: str) -> bytes | None:
        return self.inner.get(kind, key)

    def load(self, kind: str) -> Iterator[tuple[str, bytes]]:
        return self.inner.load(kind)

    def load_prefix(self, kind: str, prefix: str) -> Iterator[tuple[str, bytes]]:
        return self.inner.load_prefix(kind, prefix)

    def append_audit(self, at: float, kind: str, body: bytes) -> None:
        self.written["audit"] = self.written.get("audit", 0) + len(kind) + len(body)
        self.inner.append_audit(at, kind, body)

    def audit(self, since_seq: int = 0, limit: int = 1000) -> list[AuditRow]:
        return self.inner.audit(since_seq, limit)

    def commit(self) -> None:
        self.inner.commit()

    def close(self) -> None:
        self.inner.close()


def open_chat(h: EngineHarness) -> tuple[WorkId, SessionId]:
    item = h.create(Channel.CHAT, customer_name="Ann")
    h.accept("alice")
    session_id = h.work(item.work_id).session_id
    assert session_id is not None
    return item.work_id, session_id


def chat(h: EngineHarness, work_id: WorkId, session_id: SessionId, count: int, start: int) -> None:
    """`count` messages, customer and agent in turn, each a separate accepted request."""
    for n in range(start, start + count):
        if n % 2:
            request = CustomerMessage(id=h.rid(), work_id=work_id, text=f"customer line {n:06d}")
            h.call("sam", request)
        else:
            text = f"agent line {n:06d}"
            h.call(
                "alice",
                SendMessage(id=h.rid(), session_id=session_id, text=text, client_msg_id=f"c{n}"),
            )


def bytes_per_message(counts: tuple[int, ...]) -> dict[int, float]:
    """Bytes sent to the store per message, averaged over a chat of each length."""
    result: dict[int, float] = {}
    for count in counts:
        store = RecordingStore(MemoryStore())
        h = harness(CONFIG, store, login=["sam", "alice"])
        work_id, session_id = open_chat(h)
        before = store.total()
        chat(h, work_id, session_id, count, 0)
        result[count] = (store.total() - before) / count
    return result


def wal_bytes_per_message(count: int, folder: Path) -> float:
    """What SQLite itself appends to its write-ahead log per message (checkpoints off)."""
    store = SqliteStore(folder / "state.sqlite3")
    store._db.execute("PRAGMA wal_autocheckpoint=0")
    h = harness(CONFIG, store, login=["sam", "alice"])
    work_id, session_id = open_chat(h)
    wal = folder / "state.sqlite3-wal"
    before = wal.stat().st_size
    chat(h, work_id, session_id, count, 0)
    grown = wal.stat().st_size - before
    store.close()
    return grown / count


def close_items(h: EngineHarness, count: int) -> None:
    """`count` chats, each offered, accepted, given two messages and closed."""
    for _ in range(count):
        work_id, session_id = open_chat(h)
        chat(h, work_id, session_id, 2, 0)
        h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
        h.inbox.clear()  # what the harness kept for the test is not the engine's memory


def memory_after_closed(count: int, folder: Path) -> tuple[int, int, int]:
    """(Python bytes the engine holds after `count` closed chats and the retention, then the
    work items and offers it still holds in memory). SQLite keeps the records on disk."""
    store = SqliteStore(folder / "state.sqlite3")
    h = harness(CONFIG, store, login=["sam", "alice"])
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    close_items(h, count)
    h.tick(RETENTION + 1)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    figures = (held, len(h.engine.works.items), len(h.engine.offers.records))
    store.close()
    return figures


def test_each_message_writes_about_the_same_bytes_however_long_the_chat() -> None:
    store = RecordingStore(MemoryStore())
    h = harness(CONFIG, store, login=["sam", "alice"])
    work_id, session_id = open_chat(h)
    start = store.total()
    chat(h, work_id, session_id, 1000, 0)
    first_thousand = store.total() - start
    chat(h, work_id, session_id, 1000, 1000)
    second_thousand = store.total() - start - first_thousand
    # Re-writing the whole transcript would make the second thousand ~3x the first.
    assert second_thousand <= first_thousand * 1.05
    # A message costs its own record: far less than a transcript of them.
    assert first_thousand / 1000 < 250
    assert len(h.work(work_id).transcript) == 2000
    h.ok()


def test_memory_figures_are_measured() -> None:
    with tempfile.TemporaryDirectory() as folder:
        held, work, offers = memory_after_closed(50, Path(folder))
    assert (work, offers) == (0, 0)
    assert held > 0


def main() -> None:
    for count, per in bytes_per_message((100, 1000)).items():
        print(f"chat of {count:>5} messages: {per:>8.0f} bytes written per message")
    for count in (100, 1000):
        with tempfile.TemporaryDirectory() as folder:
            per = wal_bytes_per_message(count, Path(folder))
        print(f"chat of {count:>5} messages: {per:>8.0f} bytes of SQLite WAL per message")
    for count in (200, 2000):
        with tempfile.TemporaryDirectory() as folder:
            held, work, offers = memory_after_closed(count, Path(folder))
        print(
            f"{count:>5} closed chats, after the retention: engine holds {held / 1024:>8.0f} KiB, "
            f"{work} work items, {offers} offers in memory"
        )


if __name__ == "__main__":
    main()
