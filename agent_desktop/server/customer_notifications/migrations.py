"""Additive schema changes for databases written by an older server: columns added, never dropped.

`SCHEMA` creates a new file with every column; an older file keeps its tables (CREATE TABLE IF
NOT EXISTS leaves them alone), so each column added since is added here, once, on open.
"""

from __future__ import annotations

import sqlite3
from typing import Final

ADDED_COLUMNS: Final = (("cn_code", "message_id", "INTEGER"),)
"""(table, column, type) added after the first release of the tables."""

INDEXES: Final = (
    # One code per message, ever: a replayed outbox (after a crash) finds the code it minted
    # and can never mint a second one for the same message.
    "CREATE UNIQUE INDEX IF NOT EXISTS cn_code_message ON cn_code (message_id) "
    "WHERE message_id IS NOT NULL",
)


def migrate(db: sqlite3.Connection) -> None:
    for table, column, kind in ADDED_COLUMNS:
        present = {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    for statement in INDEXES:
        db.execute(statement)
