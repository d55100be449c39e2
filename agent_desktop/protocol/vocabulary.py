"""The domain's words as wire values: ids, enums and typed reasons.

Every enum is a `StrEnum` whose values are what travels in JSON, so a value never needs mapping.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NewType

UserId = NewType("UserId", str)
"""A user's login name; agents, supervisors and admins share one namespace."""
WorkId = NewType("WorkId", str)
OfferId = NewType("OfferId", str)
SessionId = NewType("SessionId", str)
AlertId = NewType("AlertId", str)
QueueId = NewType("QueueId", str)
ContactId = NewType("ContactId", str)
RequestId = NewType("RequestId", str)


class Channel(StrEnum):
    CHAT = "chat"
    SMS = "sms"
    VOICE = "voice"
    CASE = "case"


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Presence(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    BUSY_DND = "busy_dnd"
    AWAY = "away"
    OFFLINE = "offline"
    INACTIVE = "inactive"


class PresenceSource(StrEnum):
    AGENT = "agent"
    SYSTEM = "system"
    SUPERVISOR = "supervisor"


class Origin(StrEnum):
    NEW = "new"
    TRANSFER = "transfer"
    ESCALATION = "escalation"
    BOT_ESCALATION = "bot_escalation"


class WorkState(StrEnum):
    QUEUED = "queued"
    OFFERED = "offered"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class OfferState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"


class Reason(StrEnum):
    """Why an offer ended, a presence changed, or a session opened or closed.

    "Why am I Inactive?" is always answered by one of these.
    """

    ACCEPT = "accept"
    AUTO_ACCEPT = "auto_accept"
    ASSIGNED_AT_TIMEOUT = "assigned_at_timeout"
    DECLINED_BY_AGENT = "declined_by_agent"
    DISPLAY_TIMEOUT = "display_timeout"
    QUEUE_LIMIT_EXCEEDED = "queue_limit_exceeded"
    MANUAL = "manual"
    SUPERVISOR = "supervisor"
    CAPACITY = "capacity"
    DISCONNECT = "disconnect"
    RECONNECT = "reconnect"
    LOGIN = "login"
    LOGOUT = "logout"
    CUSTOMER_LEFT = "customer_left"
    TRANSFER = "transfer"
    ESCALATION = "escalation"
    CLOSED_BY_AGENT = "closed_by_agent"
    # Routing depth (issue 11):
    NEXT_STATUS = "next_status"
    """The presence the agent picked for when their last session and wrap-up ended."""
    REPEAT_MISSES = "repeat_misses"
    """Too many missed offers in the window: out of routing for the penalty time."""
    WRAP_UP_DONE = "wrap_up_done"
    WRAP_UP_TIMEOUT = "wrap_up_timeout"


class NotificationKind(StrEnum):
    ALERT = "alert"
    """Accept/Reject (or Open) buttons; gone at the timeout."""
    TOAST = "toast"
    """Information only; dismisses itself."""


class AlertKind(StrEnum):
    MISSED = "missed"
    REJECTED = "rejected"
    MAX_SESSIONS = "max_sessions"


class FieldKey(StrEnum):
    """What a notification template field shows, so a client can label it in its own language."""

    CUSTOMER_NAME = "customer_name"
    PHONE = "phone"
    EMAIL = "email"
    ACCOUNT = "account"
    QUEUE = "queue"
    CHANNEL = "channel"
    SUBJECT = "subject"
    CASE_NUMBER = "case_number"
    CASE_TITLE = "case_title"
    PRIORITY = "priority"
    BOT_SUMMARY = "bot_summary"
    WAIT_TIME = "wait_time"


class Sender(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class CallState(StrEnum):
    RINGING = "ringing"
    CONNECTED = "connected"
    ON_HOLD = "on_hold"
    ENDED = "ended"


class CallAction(StrEnum):
    HOLD = "hold"
    RESUME = "resume"
    MUTE = "mute"
    UNMUTE = "unmute"
    END = "end"


class ErrorCode(StrEnum):
    """Stable, machine-readable error codes. Never renamed; new ones may be added."""

    INVALID_MESSAGE = "invalid_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    UNSUPPORTED_VERSION = "unsupported_version"
    NOT_NEGOTIATED = "not_negotiated"
    AUTH_FAILED = "auth_failed"
    TOKEN_EXPIRED = "token_expired"
    NOT_LOGGED_IN = "not_logged_in"
    FORBIDDEN = "forbidden"
    UNKNOWN_OFFER = "unknown_offer"
    UNKNOWN_SESSION = "unknown_session"
    UNKNOWN_WORK = "unknown_work"
    UNKNOWN_AGENT = "unknown_agent"
    UNKNOWN_QUEUE = "unknown_queue"
    UNKNOWN_ALERT = "unknown_alert"
    UNKNOWN_MESSAGE = "unknown_message"
    OFFER_EXPIRED = "offer_expired"
    OFFER_NOT_PENDING = "offer_not_pending"
    NOT_REJECTABLE = "not_rejectable"
    SESSION_LIMIT = "session_limit"
    INVALID_PRESENCE = "invalid_presence"
    WRONG_CHANNEL = "wrong_channel"
    WORK_CLOSED = "work_closed"
    UNKNOWN_BOOKING = "unknown_booking"
    INVALID_BOOKING = "invalid_booking"
    """Impossible times, a malformed address or number, a status change the rules forbid."""
    UNKNOWN_CODE = "unknown_code"
    UNKNOWN_WRAP_UP = "unknown_wrap_up"
    DISPOSITION_REQUIRED = "disposition_required"
    INTERNAL_ERROR = "internal_error"


MAX_SESSIONS = 10
"""An agent never has more than this many open sessions (rule 7)."""
