"""The words the agent reads: presence names, typed reasons as phrases, times and countdowns.

One place for wording keeps every widget saying the same thing the same way.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Final

from agent_desktop.protocol.channel import CHANNEL_TRAITS
from agent_desktop.protocol.model import PresenceChange, PresenceInfo
from agent_desktop.protocol.vocabulary import (
    CallState,
    Channel,
    Presence,
    PresenceSource,
    Reason,
)
from agent_desktop.session.state import Connection, LinkStatus

PRESENCE_LABELS: Final[dict[Presence, str]] = {
    Presence.AVAILABLE: "Available",
    Presence.BUSY: "Busy",
    Presence.BUSY_DND: "Do not disturb",
    Presence.AWAY: "Away",
    Presence.OFFLINE: "Offline",
    Presence.INACTIVE: "Inactive",
}

CHOOSABLE_PRESENCES: Final = (
    Presence.AVAILABLE,
    Presence.BUSY,
    Presence.BUSY_DND,
    Presence.AWAY,
    Presence.OFFLINE,
)
"""`inactive` is set by the system only (rule 10), so nobody picks it."""

CHANNEL_LABELS: Final[dict[Channel, str]] = {c: t.label for c, t in CHANNEL_TRAITS.items()}

REASON_PHRASES: Final[dict[Reason, str]] = {
    Reason.ACCEPT: "work was accepted",
    Reason.AUTO_ACCEPT: "work was assigned automatically",
    Reason.ASSIGNED_AT_TIMEOUT: "a case was assigned at its timeout",
    Reason.DECLINED_BY_AGENT: "an offer was rejected",
    Reason.DISPLAY_TIMEOUT: "an offer was missed",
    Reason.QUEUE_LIMIT_EXCEEDED: "the session limit was reached",
    Reason.MANUAL: "chosen by hand",
    Reason.SUPERVISOR: "reset by a supervisor",
    Reason.CAPACITY: "it follows your open work",
    Reason.DISCONNECT: "the connection was lost",
    Reason.RECONNECT: "reconnected",
    Reason.LOGIN: "signed in",
    Reason.LOGOUT: "signed out",
    Reason.CUSTOMER_LEFT: "the customer left",
    Reason.TRANSFER: "transferred",
    Reason.ESCALATION: "escalated",
    Reason.CLOSED_BY_AGENT: "closed by the agent",
    Reason.NEXT_STATUS: "as you chose, after your last session",
    Reason.REPEAT_MISSES: "several offers were missed in a row",
    Reason.WRAP_UP_DONE: "wrap-up was finished",
    Reason.WRAP_UP_TIMEOUT: "wrap-up time ran out",
}

CALL_STATE_LABELS: Final[dict[CallState, str]] = {
    CallState.RINGING: "Ringing…",
    CallState.CONNECTED: "Call connected",
    CallState.ON_HOLD: "Call on hold",
    CallState.ENDED: "Call ended",
}


def presence_label(presence: Presence) -> str:
    return PRESENCE_LABELS[presence]


def reason_phrase(reason: Reason) -> str:
    # A reason added to the protocol before the app has words for it must not crash a widget;
    # tests/ui/test_wording_depth.py keeps the table complete.
    return REASON_PHRASES.get(reason) or reason.value.replace("_", " ")


def presence_name(info: PresenceInfo | PresenceChange) -> str:
    """The admin-defined name ("Lunch") where one was chosen, else the presence's own."""
    return info.custom or presence_label(info.presence)


def source_phrase(source: PresenceSource, by: str | None = None) -> str:
    if source is PresenceSource.SYSTEM:
        return "set by system"
    if source is PresenceSource.SUPERVISOR:
        return f"set by supervisor {by}" if by else "set by a supervisor"
    return f"set by {by}" if by else "set by you"


def presence_explanation(info: PresenceInfo | PresenceChange) -> str:
    """ "Inactive — set by system: an offer was missed"; just the name when the agent chose it."""
    label = presence_name(info)
    if info.source is PresenceSource.AGENT:
        if info.reason is Reason.NEXT_STATUS:
            return f"{label} — {reason_phrase(info.reason)}"
        return label
    by = info.by if isinstance(info, PresenceChange) else None
    return f"{label} — {why_phrase(info.source, info.reason, by)}"


def why_phrase(source: PresenceSource, reason: Reason, by: str | None = None) -> str:
    """ "set by system: an offer was missed"; a supervisor's reset is said once, not twice
    ("reset by a supervisor", never "set by a supervisor: reset by a supervisor")."""
    if source is PresenceSource.SUPERVISOR and reason is Reason.SUPERVISOR:
        return f"reset by supervisor {by}" if by else "reset by a supervisor"
    return f"{source_phrase(source, by)}: {reason_phrase(reason)}"


def timeline_sentence(change: PresenceChange) -> str:
    """One readable line of the presence timeline, saying what changed, who did it and why."""
    label = presence_name(change)
    was = f" (was {presence_label(change.previous)})" if change.previous is not None else ""
    if change.source is PresenceSource.SYSTEM:
        return f"{label}: {_capital(reason_phrase(change.reason))}{was}"
    if change.source is PresenceSource.SUPERVISOR:
        who = f"Supervisor {change.by}" if change.by else "A supervisor"
        return f"{label}: {who} reset your presence{was}"
    if change.reason is Reason.MANUAL:
        return f"{label}: You chose it{was}"
    return f"{label}: {_capital(reason_phrase(change.reason))}{was}"


def changed_by(change: PresenceChange) -> str:
    """Who changed a presence, for the timeline's "Who" column."""
    if change.source is PresenceSource.SYSTEM:
        return "System"
    if change.source is PresenceSource.SUPERVISOR:
        return f"Supervisor {change.by}" if change.by else "A supervisor"
    return change.by or "You"


def countdown_text(seconds: float) -> str:
    """mm:ss, rounded up so "0:00" is only ever shown at expiry."""
    whole = max(0, math.ceil(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def clock_text(at: float) -> str:
    """A wall-clock time in the local zone, e.g. "14:05"."""
    return datetime.fromtimestamp(at).strftime("%H:%M")


def connection_text(connection: Connection, now: float) -> str:
    status = connection.status
    if status is LinkStatus.ONLINE:
        return "Online"
    if status is LinkStatus.CONNECTING:
        return "Connecting…"
    if status is LinkStatus.RECONNECTING:
        retry_in = connection.retry_in(now)
        if retry_in is None or retry_in < 0.5:
            return "Reconnecting…"
        return f"Reconnecting in {math.ceil(retry_in)} s"
    if status is LinkStatus.AUTH_FAILED:
        return "Sign-in failed"
    return "Offline"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
