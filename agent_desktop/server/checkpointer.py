"""Copy SQLite's write-ahead log back into the database file on a thread, not on the loop.

In WAL mode each commit appends to the log; a *checkpoint* copies the log's pages into the
database file and syncs both. SQLite runs one automatically inside the commit that makes the
log pass `wal_autocheckpoint` pages, so one commit in a few thousand stalled the server's loop:
tens of milliseconds (up to ~90 ms measured under load) in the middle of routing. The store
turns the automatic checkpoint off and this thread checkpoints every `interval_s` on a
connection of its own instead. A PASSIVE checkpoint never waits for the writer, and the writer
never waits for it: the sqlite3 module releases the GIL while SQLite works, so the loop goes on.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

INTERVAL_S: Final = 2.0
"""At 200 items/s (~600 commits/s) the log grows by a few thousand pages a second, so it stays
around ten to twenty MB. Checkpointing more often costs CPU: a page rewritten between two
checkpoints is copied at each, and each syncs both files (engine driven in-process, process CPU
per item, all threads: every 0.5 s 0.59-0.60 ms, every 2 s 0.52-0.56 ms, SQLite's automatic
checkpoint in the commits 0.47-0.53 ms)."""


class Checkpointer:
    """One daemon thread that checkpoints `path`'s log until `stop`."""

    def __init__(self, path: Path, interval_s: float = INTERVAL_S) -> None:
        self.path = path
        self.interval_s = interval_s
        self.checkpointed = threading.Event()
        """Set after each checkpoint (tests clear it and wait)."""
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for a checkpoint under way (the store's close checkpoints the rest)."""
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            while not self._stopping.wait(self.interval_s):
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpointed.set()
                except sqlite3.OperationalError as exc:
                    # Another connection's checkpoint holds the lock: the next turn catches up.
                    log.debug("checkpoint skipped: %s", exc)
        finally:
            db.close()
