"""Durable state: a small record store the routing engine writes through.

The engine keeps its working set in memory and, for each command it accepts, writes the records
that changed and commits once before any reply leaves the server. So what a client was told
happened is on disk, and a restart (even after SIGKILL) loads exactly that.

Records are opaque bytes (msgspec-encoded by the engine) in named kinds ("work", "offer",
"session", "agent", "token", "meta", ...); the audit log is append-only. Keys are ordered within a
kind, so a key prefix (e.g. one work item's messages, "W1001:") reads back as a range.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sortedcontainers import SortedDict

from agent_desktop.server.checkpointer import INTERVAL_S as CHECKPOINT_INTERVAL_S
from agent_desktop.server.checkpointer import Checkpointer

AuditRow = tuple[int, float, str, bytes]
"""(sequence, at, kind, body)"""


class Store(Protocol):
    def put(self, kind: str, key: str, value: bytes) -> None: ...
    def delete(self, kind: str, key: str) -> None: ...
    def get(self, kind: str, key: str) -> bytes | None: ...
    def load(self, kind: str) -> Iterator[tuple[str, bytes]]: ...
    def load_prefix(self, kind: str, prefix: str) -> Iterator[tuple[str, bytes]]:
        """The records of `kind` whose key starts with `prefix`, in key order."""
        ...

    def append_audit(self, at: float, kind: str, body: bytes) -> None: ...
    def audit(self, since_seq: int = 0, limit: int = 1000) -> list[AuditRow]: ...
    def commit(self) -> None: ...
    def close(self) -> None: ...


class MemoryStore:
    """Keeps nothing across restarts: for tests of pure rules and the durability benchmark."""

    def __init__(self) -> None:
        # Sorted per kind, so a prefix is a range (as in SQLite's primary key).
        self._records: dict[str, SortedDict[str, bytes]] = {}
        self._audit: list[AuditRow] = []

    def put(self, kind: str, key: str, value: bytes) -> None:
        records = self._records.get(kind)
        if records is None:
            records = self._records[kind] = SortedDict()
        records[key] = value

    def delete(self, kind: str, key: str) -> None:
        records = self._records.get(kind)
        if records is not None:
            records.pop(key, None)

    def get(self, kind: str, key: str) -> bytes | None:
        records = self._records.get(kind)
        return None if records is None else records.get(key)

    def load(self, kind: str) -> Iterator[tuple[str, bytes]]:
        yield from list(self._records.get(kind, {}).items())

    def load_prefix(self, kind: str, prefix: str) -> Iterator[tuple[str, bytes]]:
        records = self._records.get(kind)
        if records is None:
            return
        keys = list(records.irange(prefix, _prefix_end(prefix), inclusive=(True, False)))
        yield from [(key, records[key]) for key in keys]

    def append_audit(self, at: float, kind: str, body: bytes) -> None:
        self._audit.append((len(self._audit) + 1, at, kind, body))

    def audit(self, since_seq: int = 0, limit: int = 1000) -> list[AuditRow]:
        return [row for row in self._audit if row[0] > since_seq][:limit]

    def commit(self) -> None:
        pass

    def close(self) -> None:
        pass


def _prefix_end(prefix: str) -> str:
    """The smallest key above every key that starts with `prefix`."""
    if not prefix:
        raise ValueError("a key prefix must not be empty")
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS record (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    body BLOB NOT NULL
);
"""


class SqliteStore:
    """SQLite in WAL mode, one transaction per accepted command.

    `synchronous=NORMAL` in WAL mode survives a killed process (the OS has the pages); only a
    power cut can lose the last transactions. That is the trade the reference server makes for
    throughput; a deployment that needs more sets `synchronous_full=True`.

    Calls are synchronous on purpose: each commit is tens of microseconds, far cheaper than a
    hop to a thread, and the engine must not reply before the commit anyway.

    Writes wait in memory until `commit` (or a read, which must see them) and then go to SQLite
    in one transaction with one `executemany` per statement: a command that changes a dozen
    records costs a handful of calls into SQLite, and a record written twice is written once.
    """

    _UPSERT = (
        "INSERT INTO record (kind, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value"
    )

    def __init__(
        self,
        path: Path,
        *,
        synchronous_full: bool = False,
        checkpoint_interval_s: float = CHECKPOINT_INTERVAL_S,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if synchronous_full else 'NORMAL'}")
        # No checkpoint inside a commit (a stall of the loop): the checkpointer's thread does
        # them (server/checkpointer.py).
        self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._db.executescript(_SCHEMA)
        self.checkpointer = Checkpointer(path, checkpoint_interval_s)
        self._in_tx = False
        self._writes: dict[tuple[str, str], bytes | None] = {}
        """(kind, key) -> value, or None to delete: the last write of each record wins."""
        self._audits: list[tuple[float, str, bytes]] = []

    def _write(self) -> None:
        """Send the waiting writes to SQLite, inside the open transaction."""
        if not self._writes and not self._audits:
            return
        if not self._in_tx:
            self._db.execute("BEGIN")
            self._in_tx = True
        writes, self._writes = self._writes, {}
        audits, self._audits = self._audits, []
        deletes = [key for key, value in writes.items() if value is None]
        if deletes:
            self._db.executemany("DELETE FROM record WHERE kind = ? AND key = ?", deletes)
        puts = [(kind, key, value) for (kind, key), value in writes.items() if value is not None]
        if puts:
            self._db.executemany(self._UPSERT, puts)
        if audits:
            self._db.executemany("INSERT INTO audit (at, kind, body) VALUES (?, ?, ?)", audits)

    def put(self, kind: str, key: str, value: bytes) -> None:
        self._writes[(kind, key)] = value

    def delete(self, kind: str, key: str) -> None:
        self._writes[(kind, key)] = None

    def get(self, kind: str, key: str) -> bytes | None:
        self._write()
        row = self._db.execute(
            "SELECT value FROM record WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def load(self, kind: str) -> Iterator[tuple[str, bytes]]:
        self._write()
        rows = self._db.execute("SELECT key, value FROM record WHERE kind = ?", (kind,))
        return ((str(key), bytes(value)) for key, value in rows)

    def load_prefix(self, kind: str, prefix: str) -> Iterator[tuple[str, bytes]]:
        self._write()
        rows = self._db.execute(
            "SELECT key, value FROM record WHERE kind = ? AND key >= ? AND key < ? ORDER BY key",
            (kind, prefix, _prefix_end(prefix)),
        ).fetchall()
        return ((str(key), bytes(value)) for key, value in rows)

    def append_audit(self, at: float, kind: str, body: bytes) -> None:
        self._audits.append((at, kind, body))

    def audit(self, since_seq: int = 0, limit: int = 1000) -> list[AuditRow]:
        self._write()
        rows = self._db.execute(
            "SELECT seq, at, kind, body FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
            (since_seq, limit),
        )
        return [(int(s), float(a), str(k), bytes(b)) for s, a, k, b in rows]

    def commit(self) -> None:
        self._write()
        if self._in_tx:
            self._db.execute("COMMIT")
            self._in_tx = False

    def close(self) -> None:
        """Anything not committed is dropped, as a crash would drop it."""
        self._writes.clear()
        self._audits.clear()
        if self._in_tx:
            self._db.execute("ROLLBACK")
            self._in_tx = False
        self.checkpointer.stop()
        self._db.close()
