"""The record stores: what is committed is there after a reopen, what is not is gone, and a key
prefix reads back one work item's messages in order (and nobody else's)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_desktop.server.store import MemoryStore, SqliteStore, Store


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "s.db")
    yield opened
    opened.close()


def test_reads_see_writes_of_the_open_transaction(store: Store) -> None:
    store.put("work", "W1", b"one")
    store.put("work", "W1", b"two")
    store.put("work", "W2", b"x")
    store.delete("work", "W2")
    store.delete("work", "W3")  # deleting what is not there is fine
    assert store.get("work", "W1") == b"two"
    assert store.get("work", "W2") is None
    assert dict(store.load("work")) == {"W1": b"two"}
    store.commit()
    assert dict(store.load("work")) == {"W1": b"two"}
    assert store.get("offer", "W1") is None


def test_a_prefix_is_one_work_items_messages_in_order(store: Store) -> None:
    for work in ("W1", "W10", "W2"):
        for seq in (10, 2, 1):
            store.put("message", f"{work}:{seq:08d}", f"{work}-{seq}".encode())
    store.put("work", "W1:00000001", b"another kind")
    store.commit()
    assert [v for _, v in store.load_prefix("message", "W1:")] == [b"W1-1", b"W1-2", b"W1-10"]
    assert [k for k, _ in store.load_prefix("message", "W10:")] == [
        "W10:00000001",
        "W10:00000002",
        "W10:00000010",
    ]
    assert list(store.load_prefix("message", "W3:")) == []
    with pytest.raises(ValueError, match="prefix"):
        list(store.load_prefix("message", ""))


def test_audit_is_appended_in_order(store: Store) -> None:
    store.append_audit(1.0, "a", b"1")
    store.append_audit(2.0, "b", b"2")
    store.commit()
    store.append_audit(3.0, "c", b"3")
    rows = store.audit(0, 10)
    assert [(seq, kind) for seq, _, kind, _ in rows] == [(1, "a"), (2, "b"), (3, "c")]
    assert [kind for _, _, kind, _ in store.audit(1, 1)] == ["b"]


def test_sqlite_keeps_what_was_committed_and_drops_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    store.put("work", "W1", b"kept")
    store.append_audit(1.0, "work", b"{}")
    store.commit()
    store.put("work", "W2", b"never committed")
    store.delete("work", "W1")
    store.append_audit(2.0, "work", b"{}")
    assert store.get("work", "W2") == b"never committed"  # in the open transaction
    store.close()
    again = SqliteStore(path)
    assert dict(again.load("work")) == {"W1": b"kept"}
    assert len(again.audit(0, 10)) == 1
    again.close()


def test_sqlite_commit_is_visible_to_another_connection(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    writer, reader = SqliteStore(path), SqliteStore(path)
    writer.put("message", "W1:00000001", b"hello")
    assert reader.get("message", "W1:00000001") is None
    writer.commit()
    assert reader.get("message", "W1:00000001") == b"hello"
    writer.close()
    reader.close()


def _fill(store: SqliteStore, pages: int) -> None:
    """About `pages` pages of the log, in commits of 50 records of ~4 KB."""
    for batch in range(pages // 50):
        for i in range(50):
            store.put("work", f"{batch:05d}-{i:02d}", bytes(4000))
        store.commit()


def test_a_commit_never_checkpoints_the_log_into_the_database_file(tmp_path: Path) -> None:
    # A checkpoint inside a commit stalls the server's loop; SQLite's automatic one ran once
    # the log passed 10,000 pages. Here the checkpointer's thread stays idle for the test.
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path, checkpoint_interval_s=3600)
    try:
        _fill(store, 12_000)
        assert path.stat().st_size < 1_000_000  # nothing was copied out of the ~48 MB log
    finally:
        store.close()


def test_the_checkpointer_copies_the_log_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path, checkpoint_interval_s=0.05)
    try:
        _fill(store, 200)
        deadline = time.monotonic() + 10
        while path.stat().st_size < 600_000:  # the ~800 KB of records reached the file
            store.checkpointer.checkpointed.clear()
            left = deadline - time.monotonic()
            assert left > 0, "the log did not reach the file within 10 s"
            assert store.checkpointer.checkpointed.wait(left), "no checkpoint within 10 s"
        assert store.get("work", "00003-49") == bytes(4000)
    finally:
        store.close()
