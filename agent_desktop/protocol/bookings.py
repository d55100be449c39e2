"""Wire messages of customer notifications: field-service bookings, the sent log, portal codes.

A sibling of the routing messages in `messages.py`, which only adds these to its unions. Times are
seconds since the Unix epoch (UTC), as everywhere on the wire; a contact's `time_zone` is an IANA
name ("Europe/Berlin") used to show and send in the customer's local time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final, NewType, TypeGuard, get_args

import msgspec

from agent_desktop.protocol.envelope import Message, Reply, Request
from agent_desktop.protocol.model import ShortText

BookingId = NewType("BookingId", str)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Address = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Phone = Annotated[str, msgspec.Meta(min_length=3, max_length=40)]
TimeZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
EpochSeconds = Annotated[float, msgspec.Meta(ge=0)]
PortalCode = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
"""WGS 84 degrees, north positive."""
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
"""WGS 84 degrees, east positive."""


class BookingStatus(StrEnum):
    SCHEDULED = "scheduled"
    TRAVELING = "traveling"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELED = "canceled"


class NotificationType(StrEnum):
    REMINDER = "reminder"
    """Upcoming booking, queued by the daily run."""
    TRAVELING = "traveling"
    COMPLETED = "completed"
    RESCHEDULED = "rescheduled"
    CANCELED = "canceled"
    RUNNING_LATE = "running_late"
    """While traveling, the ETA moved past the scheduled start by more than the margin."""


class NotificationChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    """Only where the provider reports delivery."""
    FAILED = "failed"
    EXCLUDED = "excluded"


class NotificationReason(StrEnum):
    """Why a message was excluded (never sent) or failed; None on a message that went out."""

    ACCOUNT_EXCLUDED = "account_excluded"
    WORK_ORDER_TYPE_EXCLUDED = "work_order_type_excluded"
    OPTED_OUT = "opted_out"
    """The contact opted out of this channel."""
    SMS_STOP = "sms_stop"
    """The number replied STOP."""
    NO_ADDRESS = "no_address"
    CHANNEL_OFF = "channel_off"
    """The channel is not configured on this server."""
    BOOKING_ENDED = "booking_ended"
    """A reminder still waiting when its booking was canceled or completed."""
    NO_LONGER_MOVED = "no_longer_moved"
    """Coalesced moves ended within the threshold of the time the customer was told."""
    PERMANENT_FAILURE = "permanent_failure"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    UNDELIVERED = "undelivered"
    """The provider accepted the message but reported that it did not reach the phone."""


class CodeState(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    BLOCKED = "blocked"


class CodeAction(StrEnum):
    EXTEND = "extend"
    EXPIRE = "expire"
    BLOCK = "block"


class _Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class Contact(_Struct, frozen=True, kw_only=True):
    """A contact of the booking's account; every message goes to each contact on each channel."""

    name: Name
    email: Address | None = None
    mobile_phone: Phone | None = None
    """Normalised to E.164 by the server (a local number uses the configured default region)."""
    time_zone: TimeZoneName = "UTC"
    email_opt_out: bool = False
    sms_opt_out: bool = False


class Location(_Struct, frozen=True, kw_only=True):
    """A point on the map: the booking's service site, or where the technician is."""

    latitude: Latitude
    longitude: Longitude


class EtaSource(StrEnum):
    """Where a booking's ETA came from."""

    DISTANCE = "distance"
    """The configured distance estimate (the default provider)."""
    ROUTING = "routing"
    """The routing service (e.g. OSRM) answered."""
    FALLBACK = "fallback"
    """The routing service failed (timeout, error, no route): the distance estimate instead."""


class Booking(_Struct, frozen=True, kw_only=True):
    booking_id: BookingId
    account: Name
    work_order_type: Name
    technician: Name
    start: EpochSeconds
    end: EpochSeconds
    status: BookingStatus
    contacts: list[Contact]
    eta: EpochSeconds | None = None
    """Estimated arrival, set when the status became traveling."""
    completed_at: EpochSeconds | None = None
    location: Location | None = None
    """The service site, when known: the routing ETA needs it (and the technician's position)."""
    technician_position: Location | None = None
    """Where the technician last reported being (a dispatcher's `technician_position`)."""
    technician_position_at: EpochSeconds | None = None
    eta_source: EtaSource | None = None
    """How `eta` was estimated; `fallback` says the routing service failed."""


class NotificationEntry(_Struct, frozen=True, kw_only=True):
    """One row of the read-only sent-notification log (the outbox)."""

    message_id: int
    booking_id: BookingId
    account: str
    contact: str
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


class BookingCode(_Struct, frozen=True, kw_only=True):
    code: str
    booking_id: BookingId
    state: CodeState
    created_at: float
    expires_at: float
    blocked_at: float | None = None
    message_id: int | None = None
    """The message this code was sent in (each message carries its own code); None: a code
    from before codes were per message, shared by the booking's earlier messages."""
    notification_type: NotificationType | None = None
    channel: NotificationChannel | None = None
    contact: str | None = None


# --- requests (client -> server) -------------------------------------------------------------


class CreateBooking(Request, frozen=True, tag="create_booking", kw_only=True):
    """Dispatcher: a new booking, status `scheduled`."""

    account: Name
    work_order_type: Name
    technician: Name
    start: EpochSeconds
    end: EpochSeconds
    contacts: Annotated[list[Contact], msgspec.Meta(min_length=1, max_length=10)]
    location: Location | None = None
    """The service site (optional): with it, a routing ETA can be computed."""


class ChangeBooking(Request, frozen=True, tag="change_booking", kw_only=True):
    """Dispatcher: move, reassign or advance a booking. Unset fields stay as they are."""

    booking_id: BookingId
    start: EpochSeconds | None = None
    end: EpochSeconds | None = None
    technician: Name | None = None
    status: BookingStatus | None = None
    distance_km: Annotated[float, msgspec.Meta(ge=0, le=5000)] | None = None
    """With status `traveling` (or while traveling: a new ETA tick), the technician's distance,
    for the ETA estimate."""
    location: Location | None = None
    """A new service site."""
    technician_position: Location | None = None
    """Where the technician is now; with status `traveling` (or while traveling: a new ETA
    tick) the ETA is estimated from here."""


class TechnicianPosition(Request, frozen=True, tag="technician_position", kw_only=True):
    """Dispatcher (or a fleet tracker logged in as one): where the technician of a booking is
    now. While the booking is traveling this is an ETA tick (the ETA is estimated again, and a
    running-late update may follow); otherwise the position is only recorded."""

    booking_id: BookingId
    position: Location


class GetBooking(Request, frozen=True, tag="get_booking", kw_only=True):
    booking_id: BookingId


class ListNotifications(Request, frozen=True, tag="list_notifications", kw_only=True):
    """Supervisor/admin: the sent-notification log, newest first, filtered."""

    booking_id: BookingId | None = None
    state: DeliveryState | None = None
    notification_type: NotificationType | None = None
    channel: NotificationChannel | None = None
    since: EpochSeconds | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 100


class RunReminders(Request, frozen=True, tag="run_reminders", kw_only=True):
    """Dispatcher: run the daily reminder run now (it never queues a reminder twice)."""


class ListBookingCodes(Request, frozen=True, tag="list_booking_codes", kw_only=True):
    """Admin: portal codes, of one booking or all."""

    booking_id: BookingId | None = None


class ChangeBookingCode(Request, frozen=True, tag="change_booking_code", kw_only=True):
    """Admin: extend (by `days`), expire (now) or block a portal code."""

    code: PortalCode
    action: CodeAction
    days: Annotated[float, msgspec.Meta(gt=0, le=365)] | None = None


class BlockBookingCodes(Request, frozen=True, tag="block_booking_codes", kw_only=True):
    """Admin: block every portal code of one booking (all the links it was ever sent with)."""

    booking_id: BookingId


class SmsReceived(Request, frozen=True, tag="sms_received", kw_only=True):
    """The SMS provider's gateway (or a tester): a customer's reply. STOP / START change the
    number's SMS opt-out; any other text is acknowledged."""

    from_number: Phone
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=1600)]


class DeliveryReport(Request, frozen=True, tag="delivery_report", kw_only=True):
    """The provider's gateway: a message it accepted earlier reached the customer's phone, or
    (`delivered` false) never will: the message is then failed, `undelivered`, with `error`."""

    provider_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    delivered: bool = True
    error: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    """The provider's own words or code for an undelivered message, kept as its last error."""


BookingRequest = (
    CreateBooking
    | ChangeBooking
    | GetBooking
    | ListNotifications
    | RunReminders
    | ListBookingCodes
    | ChangeBookingCode
    | BlockBookingCodes
    | SmsReceived
    | DeliveryReport
    | TechnicianPosition
)

_BOOKING_REQUESTS: Final = get_args(BookingRequest)


def is_booking_request(message: object) -> TypeGuard[BookingRequest]:
    return isinstance(message, _BOOKING_REQUESTS)


# --- replies (server -> client) --------------------------------------------------------------


class BookingInfo(Reply, frozen=True, tag="booking_info", kw_only=True):
    booking: Booking


class Notifications(Reply, frozen=True, tag="notifications", kw_only=True):
    entries: list[NotificationEntry]


class ReminderRun(Reply, frozen=True, tag="reminder_run", kw_only=True):
    run_at: float
    queued: int
    """Messages queued (one per contact and channel, excluded ones included)."""


class BookingCodes(Reply, frozen=True, tag="booking_codes", kw_only=True):
    codes: list[BookingCode]


class SmsHandled(Reply, frozen=True, tag="sms_handled", kw_only=True):
    number: str
    """The sender's number in E.164."""
    action: ShortText
    """"opted_out", "opted_in", "routed" (an agent gets it) or "received" (not routed)."""
    work_id: str | None = None
    """With "routed": the SMS conversation's work item."""


BookingReply = BookingInfo | Notifications | ReminderRun | BookingCodes | SmsHandled


# --- pushed events (server -> client) ---------------------------------------------------------


class NotificationsUpdated(Message, frozen=True, tag="notifications_updated", kw_only=True):
    """Pushed to staff who listed the log (`list_notifications`) on this connection: the rows
    queued or changed since the last push, as they are now (one push per server loop turn, so
    a reminder run of thousands arrives in a few pushes, not thousands)."""

    entries: list[NotificationEntry]


BookingEvent = NotificationsUpdated
"""The customer-notification events; `messages.PushedEvent` joins them."""
