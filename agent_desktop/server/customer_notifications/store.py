"""Durable state of customer notifications: its own tables in the server's SQLite file.

A connection of its own (WAL lets it share the file with the routing store), every command in
one transaction. The outbox table is the sent-notification log: a message is a row from the
moment it is queued, with a UNIQUE key so the same reminder can never be queued twice, and an
idempotency key that goes to the provider with every attempt.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

from agent_desktop.protocol.bookings import (
    Booking,
    BookingCode,
    BookingId,
    BookingStatus,
    CodeState,
    Contact,
    DeliveryState,
    NotificationChannel,
    NotificationEntry,
    NotificationReason,
    NotificationType,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cn_booking (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    work_order_type TEXT NOT NULL,
    technician TEXT NOT NULL,
    start REAL NOT NULL,
    end REAL NOT NULL,
    status TEXT NOT NULL,
    contacts BLOB NOT NULL,
    eta REAL,
    completed_at REAL,
    reminder_start REAL,  -- the start a reminder was queued for; NULL: none yet
    told_start REAL,      -- the start the customer was last told (reminder/rescheduled sent)
    created_at REAL NOT NULL
);
-- Only bookings still waiting for their reminder: a chunk of the daily run reads the next ones,
-- not past all those already done.
CREATE INDEX IF NOT EXISTS cn_booking_unreminded ON cn_booking (start)
    WHERE status = 'scheduled' AND reminder_start IS NULL;
CREATE TABLE IF NOT EXISTS cn_phone (
    e164 TEXT NOT NULL,
    booking_id TEXT NOT NULL,
    PRIMARY KEY (e164, booking_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cn_sms_stop (e164 TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS cn_message (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    booking_id TEXT NOT NULL,
    account TEXT NOT NULL,
    contact TEXT NOT NULL,
    contact_index INTEGER NOT NULL,
    type TEXT NOT NULL,
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    next_attempt_at REAL,
    sent_at REAL,
    delivered_at REAL,
    provider_id TEXT,
    last_error TEXT,
    told_start REAL
);
CREATE INDEX IF NOT EXISTS cn_message_due ON cn_message (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS cn_message_booking ON cn_message (booking_id, type);
CREATE TABLE IF NOT EXISTS cn_code (
    code TEXT PRIMARY KEY,
    booking_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    blocked_at REAL
);
CREATE INDEX IF NOT EXISTS cn_code_booking ON cn_code (booking_id);
CREATE TABLE IF NOT EXISTS cn_audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    by TEXT NOT NULL,
    booking_id TEXT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cn_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_contacts = msgspec.json.Decoder(list[Contact])
_json = msgspec.json.Encoder()


class BookingRecord(msgspec.Struct, frozen=True, kw_only=True):
    booking: Booking
    reminder_start: float | None
    told_start: float | None


class MessageRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    key: str
    booking_id: BookingId
    account: str
    contact: str
    contact_index: int
    type: NotificationType
    channel: NotificationChannel
    address: str
    state: DeliveryState
    reason: NotificationReason | None
    attempts: int
    created_at: float
    next_attempt_at: float | None
    sent_at: float | None
    delivered_at: float | None
    provider_id: str | None
    last_error: str | None
    told_start: float | None

    @property
    def idempotency_key(self) -> str:
        """Sent with every attempt: a provider (or mail reader) drops a repeat of the same one.

        Derived from the row alone, so the attempt after a crash carries the same key; only
        letters, digits, dots and dashes, so it is also a valid Message-ID local part.
        """
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:20]
        return f"cn-{self.id}.{digest}"

    def entry(self) -> NotificationEntry:
        return NotificationEntry(
            message_id=self.id,
            booking_id=self.booking_id,
            account=self.account,
            contact=self.contact,
            type=self.type,
            channel=self.channel,
            address=self.address,
            state=self.state,
            reason=self.reason,
            attempts=self.attempts,
            created_at=self.created_at,
            next_attempt_at=self.next_attempt_at,
            sent_at=self.sent_at,
            delivered_at=self.delivered_at,
            provider_id=self.provider_id,
            last_error=self.last_error,
        )


class NewMessage(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    booking_id: str
    account: str
    contact: str
    contact_index: int
    type: NotificationType
    channel: NotificationChannel
    address: str
    state: DeliveryState
    reason: NotificationReason | None
    created_at: float
    next_attempt_at: float | None
    told_start: float | None = None
    """Until sent: the start the customer knew when this was queued (what a move is measured
    from); once sent: the start this message told."""


_MESSAGE_COLUMNS = ", ".join(MessageRow.__struct_fields__)
_BOOKING_COLUMNS = (
    "id, account, work_order_type, technician, start, end, status, contacts, eta, completed_at, "
    "reminder_start, told_start"
)


def _message(row: tuple[Any, ...]) -> MessageRow:
    return msgspec.convert(dict(zip(MessageRow.__struct_fields__, row, strict=True)), MessageRow)


def _booking(row: tuple[Any, ...]) -> BookingRecord:
    (bid, account, wot, tech, start, end, status, contacts, eta, done, reminder, told) = row
    booking = Booking(
        booking_id=BookingId(bid),
        account=account,
        work_order_type=wot,
        technician=tech,
        start=start,
        end=end,
        status=BookingStatus(status),
        contacts=_contacts.decode(contacts),
        eta=eta,
        completed_at=done,
    )
    return BookingRecord(booking=booking, reminder_start=reminder, told_start=told)


class NotificationStore:
    def __init__(self, path: Path | None) -> None:
        """path None: an in-memory database (a server started without a data directory)."""
        self._db = sqlite3.connect(
            ":memory:" if path is None else path, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

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

    def next_booking_id(self) -> BookingId:
        number = int(self.meta("booking_seq") or "1000") + 1
        self.set_meta("booking_seq", str(number))
        return BookingId(f"BK{number}")

    # --- bookings --------------------------------------------------------------------------

    def put_booking(self, booking: Booking, *, created_at: float) -> None:
        self._db.execute(
            "INSERT INTO cn_booking (id, account, work_order_type, technician, start, end, "
            "status, contacts, eta, completed_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "technician = excluded.technician, start = excluded.start, end = excluded.end, "
            "status = excluded.status, contacts = excluded.contacts, eta = excluded.eta, "
            "completed_at = excluded.completed_at",
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
            ),
        )

    def booking(self, booking_id: str) -> BookingRecord | None:
        row = self._db.execute(
            f"SELECT {_BOOKING_COLUMNS} FROM cn_booking WHERE id = ?", (booking_id,)
        ).fetchone()
        return None if row is None else _booking(row)

    def reminder_candidates(
        self, after: float, until: float, limit: int | None = None
    ) -> list[BookingRecord]:
        rows = self._db.execute(
            f"SELECT {_BOOKING_COLUMNS} FROM cn_booking WHERE status = 'scheduled' "
            "AND reminder_start IS NULL AND start > ? AND start <= ? ORDER BY start LIMIT ?",
            (after, until, -1 if limit is None else limit),
        )
        return [_booking(row) for row in rows.fetchall()]

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
        return cursor.lastrowid if cursor.rowcount == 1 else None

    def message(self, message_id: int) -> MessageRow | None:
        row = self._db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM cn_message WHERE id = ?", (message_id,)
        ).fetchone()
        return None if row is None else _message(row)

    def due_messages(self, now: float, limit: int) -> list[MessageRow]:
        rows = self._db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM cn_message WHERE state = 'queued' "
            "AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (now, limit),
        )
        return [_message(row) for row in rows]

    def next_due(self) -> float | None:
        row = self._db.execute(
            "SELECT MIN(next_attempt_at) FROM cn_message WHERE state = 'queued'"
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def queued_of(self, booking_id: str, kind: NotificationType) -> list[MessageRow]:
        rows = self._db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM cn_message WHERE booking_id = ? AND type = ? "
            "AND state = 'queued'",
            (booking_id, kind.value),
        )
        return [_message(row) for row in rows]

    def update_message(self, message_id: int, **fields: object) -> None:
        names = list(fields)
        values = [v.value if isinstance(v, DeliveryState | NotificationReason) else v
                  for v in fields.values()]  # fmt: skip
        assignments = ", ".join(f"{name} = ?" for name in names)
        self._db.execute(f"UPDATE cn_message SET {assignments} WHERE id = ?", (*values, message_id))

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
            f"SELECT {_MESSAGE_COLUMNS} FROM cn_message WHERE {' AND '.join(where)} "
            "ORDER BY id DESC LIMIT ?",
            (*params, limit),
        )
        return [_message(row) for row in rows]

    # --- portal codes ----------------------------------------------------------------------

    def add_code(self, code: str, booking_id: str, created_at: float, expires_at: float) -> None:
        self._db.execute(
            "INSERT INTO cn_code (code, booking_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (code, booking_id, created_at, expires_at),
        )

    def code(self, code: str, now: float) -> BookingCode | None:
        row = self._db.execute(
            "SELECT code, booking_id, created_at, expires_at, blocked_at FROM cn_code "
            "WHERE code = ?",
            (code,),
        ).fetchone()
        return None if row is None else _code(row, now)

    def codes(self, booking_id: str | None, now: float) -> list[BookingCode]:
        sql = "SELECT code, booking_id, created_at, expires_at, blocked_at FROM cn_code"
        rows = (
            self._db.execute(sql + " ORDER BY created_at")
            if booking_id is None
            else self._db.execute(sql + " WHERE booking_id = ? ORDER BY created_at", (booking_id,))
        )
        return [_code(row, now) for row in rows]

    def update_code(self, code: str, *, expires_at: float, blocked_at: float | None) -> None:
        self._db.execute(
            "UPDATE cn_code SET expires_at = ?, blocked_at = ? WHERE code = ?",
            (expires_at, blocked_at, code),
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


def _code(row: tuple[Any, ...], now: float) -> BookingCode:
    code, booking_id, created_at, expires_at, blocked_at = row
    if blocked_at is not None:
        state = CodeState.BLOCKED
    elif expires_at <= now:
        state = CodeState.EXPIRED
    else:
        state = CodeState.ACTIVE
    return BookingCode(
        code=code,
        booking_id=BookingId(booking_id),
        state=state,
        created_at=created_at,
        expires_at=expires_at,
        blocked_at=blocked_at,
    )
