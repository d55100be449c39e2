"""Additive schema changes for databases made by an earlier server: columns added when missing.

`CREATE TABLE IF NOT EXISTS` leaves an existing table as it was, so a column that a later
version needs is added here, on open, with `ALTER TABLE ... ADD COLUMN` (nullable, no default:
old rows read as "unknown", which every reader handles). Never a rename or a drop, so an older
server can still open the file.
"""

from __future__ import annotations

import sqlite3
from typing import Final

ADDED_COLUMNS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "cn_booking": (
        ("site_lat", "REAL"),  # the service site (Booking.location)
        ("site_lon", "REAL"),
        ("tech_lat", "REAL"),  # the technician's last reported position
        ("tech_lon", "REAL"),
        ("tech_at", "REAL"),
        ("eta_source", "TEXT"),  # how the ETA was estimated (EtaSource)
    ),
    "cn_code": (
        ("message_id", "INTEGER"),  # the message the code was sent in; NULL: booking-wide (older)
    ),
}
INDEXES: Final = (
    # One code per message, ever: a replayed outbox (after a crash) finds the code it minted
    # and can never mint a second one for the same message.
    "CREATE UNIQUE INDEX IF NOT EXISTS cn_code_message ON cn_code (message_id) "
    "WHERE message_id IS NOT NULL",
)
MOVES: Final = (
    # The webhook's answers to inbound SMS ids were kept in cn_meta ("sms_in:<id>"), forever;
    # they move to cn_inbound, where they are kept for a while, counted from the move.
    "INSERT OR IGNORE INTO cn_inbound (provider_id, answer, seen_at) "
    "SELECT substr(key, 8), value, CAST(strftime('%s', 'now') AS REAL) FROM cn_meta "
    "WHERE key LIKE 'sms\\_in:%' ESCAPE '\\'",
    "DELETE FROM cn_meta WHERE key LIKE 'sms\\_in:%' ESCAPE '\\'",
)


def migrate(db: sqlite3.Connection) -> list[str]:
    """Add what is missing (in one transaction); the "table.column" names added."""
    added: list[str] = []
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, columns in ADDED_COLUMNS.items():
            present = {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns:
                if name not in present:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
                    added.append(f"{table}.{name}")
        for statement in (*INDEXES, *MOVES):
            db.execute(statement)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return added
