"""Durable state of customer notifications: its own tables in the server's SQLite file.

A connection of its own (WAL lets it share the file with the routing store), every command in
one transaction. The outbox table is the sent-notification log: a message is a row from the
moment it is queued, with a UNIQUE key so the same reminder can never be queued twice, and an
idempotency key that goes to the provider with every attempt.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import msgspec

from agent_desktop.protocol.bookings import (
    Booking,
    BookingCode,
    BookingId,
    DeliveryState,
    NotificationChannel,
    NotificationReason,
    NotificationType,
)
from agent_desktop.server.customer_notifications.migration import migrate
from agent_desktop.server.customer_notifications.records import (
    BOOKING_COLUMNS,
    MESSAGE_COLUMNS,
    SCHEMA,
    BookingRecord,
    MessageRow,
    NewMessage,
    booking_record,
    code_row,
    message_row,
    place_columns,
)

__all__ = ["BookingRecord", "MessageRow", "NewMessage", "NotificationStore"]
_json = msgspec.json.Encoder()


class NotificationStore:
    def __init__(self, path: Path | None, *, shared_checkpointer: bool = False) -> None:
        """path None: an in-memory database (a server started without a data directory).
        `shared_checkpointer`: the routing store's checkpointer thread copies the shared log
        into the file, so a commit here must not do it on the event loop (it stalled the loop
        37-137 ms when commits checkpointed)."""
        self._db = sqlite3.connect(
            ":memory:" if path is None else path, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        if shared_checkpointer:
            self._db.execute("PRAGMA wal_autocheckpoint=0")
        self._db.executescript(SCHEMA)
        migrate(self._db)
        self.on_message_changed: Callable[[int], None] | None = None
        """Told the id of each message row added or changed (the log's push to staff)."""

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a refused command (an exception) leaves no trace."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- meta ------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM cn_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO cn_meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def inbound_answer(self, provider_id: str) -> str | None:
        """The answer given to the provider's SMS with this id, while it is remembered."""
        row = self._db.execute(
            "SELECT answer FROM cn_inbound WHERE provider_id = ?", (provider_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def remember_inbound(self, provider_id: str, answer: str, now: float, keep_s: float) -> None:
        """Keep this answer for a retry, and forget answers older than `keep_s` (one row per
        inbound SMS would otherwise grow the file for as long as the server runs)."""
        self._db.execute("DELETE FROM cn_inbound WHERE seen_at < ?", (now - keep_s,))
        self._db.execute(
            "INSERT OR REPLACE INTO cn_inbound (provider_id, answer, seen_at) VALUES (?, ?, ?)",
            (provider_id, answer, now),
        )

    def next_booking_id(self) -> BookingId:
        number = int(self.meta("booking_seq") or "1000") + 1
        self.set_meta("booking_seq", str(number))
        return BookingId(f"BK{number}")

    # --- bookings --------------------------------------------------------------------------

    def put_booking(self, booking: Booking, *, created_at: float) -> None:
        self._db.execute(
            "INSERT INTO cn_booking (id, account, work_order_type, technician, start, end, "
            "status, contacts, eta, completed_at, created_at, "
            "site_lat, site_lon, tech_lat, tech_lon, tech_at, eta_source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
            "SET technician = excluded.technician, start = excluded.start, end = excluded.end, "
            "status = excluded.status, contacts = excluded.contacts, eta = excluded.eta, "
            "completed_at = excluded.completed_at, site_lat = excluded.site_lat, "
            "site_lon = excluded.site_lon, tech_lat = excluded.tech_lat, "
            "tech_lon = excluded.tech_lon, tech_at = excluded.tech_at, "
            "eta_source = excluded.eta_source",
            (
                booking.booking_id,
                booking.account,
                booking.work_order_type,
                booking.technician,
                booking.start,
                booking.end,
                booking.status.value,
                _json.encode(booking.contacts),
                booking.eta,
                booking.completed_at,
                created_at,
                *place_columns(booking),
                None if booking.eta_source is None else booking.eta_source.value,
            ),
        )

    def booking(self, booking_id: str) -> BookingRecord | None:
        row = self._db.execute(
            f"SELECT {BOOKING_COLUMNS} FROM cn_booking WHERE id = ?", (booking_id,)
        ).fetchone()
        return None if row is None else booking_record(row)

    def reminder_candidates(
        self, after: float, until: float, limit: int | None = None
    ) -> list[BookingRecord]:
        rows = self._db.execute(
            f"SELECT {BOOKING_COLUMNS} FROM cn_booking WHERE status = 'scheduled' "
            "AND reminder_start IS NULL AND start > ? AND start <= ? ORDER BY start LIMIT ?",
            (after, until, -1 if limit is None else limit),
        )
        return [booking_record(row) for row in rows.fetchall()]

    def set_reminder_start(self, booking_id: str, start: float) -> None:
        self._db.execute(
            "UPDATE cn_booking SET reminder_start = ? WHERE id = ?", (start, booking_id)
        )

    def set_told_start(self, booking_id: str, start: float) -> None:
        self._db.execute("UPDATE cn_booking SET told_start = ? WHERE id = ?", (start, booking_id))

    def set_phones(self, booking_id: str, numbers: set[str]) -> None:
        self._db.execute("DELETE FROM cn_phone WHERE booking_id = ?", (booking_id,))
        self._db.executemany(
            "INSERT INTO cn_phone (e164, booking_id) VALUES (?, ?)",
            [(number, booking_id) for number in sorted(numbers)],
        )

    def bookings_of_phone(self, e164: str) -> list[str]:
        rows = self._db.execute("SELECT booking_id FROM cn_phone WHERE e164 = ?", (e164,))
        return [str(row[0]) for row in rows]

    def set_sms_stop(self, e164: str, at: float | None) -> None:
        if at is None:
            self._db.execute("DELETE FROM cn_sms_stop WHERE e164 = ?", (e164,))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO cn_sms_stop (e164, at) VALUES (?, ?)", (e164, at)
            )

    def sms_stopped(self, e164: str) -> bool:
        row = self._db.execute("SELECT 1 FROM cn_sms_stop WHERE e164 = ?", (e164,)).fetchone()
        return row is not None

    # --- messages (the outbox and sent log) ------------------------------------------------

    def add_message(self, message: NewMessage) -> int | None:
        """The new row's id, or None when a message with the same key exists (never twice)."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO cn_message (key, booking_id, account, contact, contact_index, "
            "type, channel, address, state, reason, created_at, next_attempt_at, told_start) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                message.key,
                message.booking_id,
                message.account,
                message.contact,
                message.contact_index,
                message.type.value,
                message.channel.value,
                message.address,
                message.state.value,
                None if message.reason is None else message.reason.value,
                message.created_at,
                message.next_attempt_at,
                message.told_start,
            ),
        )
        added = cursor.lastrowid
        if cursor.rowcount != 1 or added is None:
            return None
        if self.on_message_changed is not None:
            self.on_message_changed(added)
        return added

    def message(self, message_id: int) -> MessageRow | None:
        row = self._db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM cn_message WHERE id = ?", (message_id,)
        ).fetchone()
        return None if row is None else message_row(row)

    def due_messages(self, now: float, limit: int) -> list[MessageRow]:
        rows = self._db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM cn_message WHERE state = 'queued' "
            "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (now, limit),
        )
        return [message_row(row) for row in rows]

    def message_by_provider_id(self, provider_id: str) -> MessageRow | None:
        row = self._db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM cn_message WHERE provider_id = ?", (provider_id,)
        ).fetchone()
        return None if row is None else message_row(row)

    def next_due(self) -> float | None:
        row = self._db.execute(
            "SELECT MIN(next_attempt_at) FROM cn_message WHERE state = 'queued'"
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def queued_of(self, booking_id: str, kind: NotificationType) -> list[MessageRow]:
        rows = self._db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM cn_message WHERE booking_id = ? AND type = ? "
            "AND state = 'queued'",
            (booking_id, kind.value),
        )
        return [message_row(row) for row in rows]

    def update_message(self, message_id: int, **fields: object) -> None:
        names = list(fields)
        values = [v.value if isinstance(v, DeliveryState | NotificationReason) else v
                  for v in fields.values()]  # fmt: skip
        assignments = ", ".join(f"{name} = ?" for name in names)
        self._db.execute(f"UPDATE cn_message SET {assignments} WHERE id = ?", (*values, message_id))
        if self.on_message_changed is not None:
            self.on_message_changed(message_id)

    def messages_by_id(self, message_ids: list[int]) -> list[MessageRow]:
        rows = self._db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM cn_message WHERE id IN "
            f"({', '.join('?' * len(message_ids))}) ORDER BY id DESC",
            message_ids,
        )
        return [message_row(row) for row in rows]

    def messages(
        self,
        *,
        booking_id: str | None = None,
        state: DeliveryState | None = None,
        kind: NotificationType | None = None,
        channel: NotificationChannel | None = None,
        since: float | None = None,
        limit: int = 100,
    ) -> list[MessageRow]:
        where, params = ["1 = 1"], list[object]()
        for column, value in (
            ("booking_id", booking_id),
            ("state", state),
            ("type", kind),
            ("channel", channel),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(str(value))
        if since is not None:
            where.append("created_at >= ?")
            params.append(since)
        rows = self._db.execute(
            f"SELECT {MESSAGE_COLUMNS} FROM cn_message WHERE {' AND '.join(where)} "
            "ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [message_row(row) for row in rows]

    # --- portal codes ----------------------------------------------------------------------

    def mint_code(
        self, booking_id: str, message_id: int, created_at: float, expires_at: float
    ) -> str:
        """A new unguessable code (192 random bits) for the link of one message; inside the
        transaction that queues the message (or, for one queued by an older server, before
        its first attempt). The unique index on message_id makes a second one impossible."""
        code = secrets.token_urlsafe(CODE_BYTES)
        self._db.execute(
            "INSERT INTO cn_code (code, booking_id, created_at, expires_at, message_id) "
            "VALUES (?, ?, ?, ?, ?)",
            (code, booking_id, created_at, expires_at, message_id),
        )
        return code

    def code(self, code: str, now: float) -> BookingCode | None:
        row = self._db.execute(
            f"SELECT {_CODE_COLUMNS} FROM {_CODE_FROM} WHERE c.code = ?", (code,)
        ).fetchone()
        return None if row is None else _code_sent_in(row, now)

    def code_of_message(self, message_id: int) -> str | None:
        row = self._db.execute(
            "SELECT code FROM cn_code WHERE message_id = ?", (message_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def codes(self, booking_id: str | None, now: float) -> list[BookingCode]:
        sql = f"SELECT {_CODE_COLUMNS} FROM {_CODE_FROM}"
        rows = (
            self._db.execute(sql + " ORDER BY c.created_at, c.rowid")
            if booking_id is None
            else self._db.execute(
                sql + " WHERE c.booking_id = ? ORDER BY c.created_at, c.rowid", (booking_id,)
            )
        )
        return [_code_sent_in(row, now) for row in rows]

    def update_code(self, code: str, *, expires_at: float, blocked_at: float | None) -> None:
        self._db.execute(
            "UPDATE cn_code SET expires_at = ?, blocked_at = ? WHERE code = ?",
            (expires_at, blocked_at, code),
        )

    def block_codes(self, booking_id: str, at: float) -> None:
        """Every code of the booking not blocked yet, in one statement."""
        self._db.execute(
            "UPDATE cn_code SET blocked_at = ? WHERE booking_id = ? AND blocked_at IS NULL",
            (at, booking_id),
        )

    # --- audit -----------------------------------------------------------------------------

    def audit(self, at: float, by: str, booking_id: str | None, action: str, detail: str) -> None:
        self._db.execute(
            "INSERT INTO cn_audit (at, by, booking_id, action, detail) VALUES (?, ?, ?, ?, ?)",
            (at, by, booking_id, action, detail),
        )

    def audit_of(self, booking_id: str) -> list[tuple[float, str, str, str]]:
        rows = self._db.execute(
            "SELECT at, by, action, detail FROM cn_audit WHERE booking_id = ? ORDER BY seq",
            (booking_id,),
        )
        return [(float(a), str(b), str(c), str(d)) for a, b, c, d in rows]


CODE_BYTES: Final = 24
"""A portal code's random bytes: 192 bits (32 URL-safe characters), not guessable."""
_CODE_COLUMNS: Final = (
    "c.code, c.booking_id, c.created_at, c.expires_at, c.blocked_at, c.message_id, m.type, "
    "m.channel, m.contact"
)
_CODE_FROM: Final = "cn_code c LEFT JOIN cn_message m ON m.id = c.message_id"


def _code_sent_in(row: tuple[Any, ...], now: float) -> BookingCode:
    """A code (`_CODE_COLUMNS`) and the message it was sent in (None: a booking-wide code)."""
    message_id, kind, channel, contact = row[5:]
    return msgspec.structs.replace(
        code_row(row[:5], now),
        message_id=message_id,
        notification_type=None if kind is None else NotificationType(kind),
        channel=None if channel is None else NotificationChannel(channel),
        contact=contact,
    )
