"""The customer-notification tables and the rows they hold, as typed records.

The schema is created by `NotificationStore` on open (IF NOT EXISTS); columns added later are
in `migration.py` (added on open to a database made by an earlier server).
"""

from __future__ import annotations

import hashlib
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
    EtaSource,
    Location,
    NotificationChannel,
    NotificationEntry,
    NotificationReason,
    NotificationType,
)

SCHEMA = """
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
CREATE INDEX IF NOT EXISTS cn_message_provider ON cn_message (provider_id)
    WHERE provider_id IS NOT NULL;
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
CREATE TABLE IF NOT EXISTS cn_inbound (
    provider_id TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS cn_inbound_seen ON cn_inbound (seen_at);
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


MESSAGE_COLUMNS = ", ".join(MessageRow.__struct_fields__)
BOOKING_COLUMNS = (
    "id, account, work_order_type, technician, start, end, status, contacts, eta, completed_at, "
    "reminder_start, told_start, site_lat, site_lon, tech_lat, tech_lon, tech_at, eta_source"
)


def message_row(row: tuple[Any, ...]) -> MessageRow:
    return msgspec.convert(dict(zip(MessageRow.__struct_fields__, row, strict=True)), MessageRow)


def booking_record(row: tuple[Any, ...]) -> BookingRecord:
    (bid, account, wot, tech, start, end, status, contacts, eta, done, reminder, told) = row[:12]
    site_lat, site_lon, tech_lat, tech_lon, tech_at, eta_source = row[12:]
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
        location=_place(site_lat, site_lon),
        technician_position=_place(tech_lat, tech_lon),
        technician_position_at=tech_at,
        eta_source=None if eta_source is None else EtaSource(eta_source),
    )
    return BookingRecord(booking=booking, reminder_start=reminder, told_start=told)


def _place(latitude: float | None, longitude: float | None) -> Location | None:
    if latitude is None or longitude is None:
        return None
    return Location(latitude=latitude, longitude=longitude)


def place_columns(booking: Booking) -> tuple[float | None, ...]:
    """(site_lat, site_lon, tech_lat, tech_lon, tech_at) of a booking, as stored."""
    site, tech = booking.location, booking.technician_position
    return (
        None if site is None else site.latitude,
        None if site is None else site.longitude,
        None if tech is None else tech.latitude,
        None if tech is None else tech.longitude,
        booking.technician_position_at,
    )


def code_row(row: tuple[Any, ...], now: float) -> BookingCode:
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
