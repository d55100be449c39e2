"""The words the agent reads: presence names, typed reasons as phrases, times and countdowns.

One place for wording keeps every widget saying the same thing the same way.
"""

from __future__ import annotations

import math
from typing import Final

from PySide6.QtCore import QDateTime, QLocale

from agent_desktop.protocol.model import PresenceChange, PresenceInfo
from agent_desktop.protocol.vocabulary import (
    CallState,
    Channel,
    Presence,
    PresenceSource,
    Reason,
)
from agent_desktop.session.state import Connection, LinkStatus
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate

_CONTEXT: Final = "Wording"


def _t(text: str) -> str:
    return translate(_CONTEXT, text)


PRESENCE_LABELS: Final[dict[Presence, str]] = {
    Presence.AVAILABLE: QT_TRANSLATE_NOOP("Wording", "Available"),
    Presence.BUSY: QT_TRANSLATE_NOOP("Wording", "Busy"),
    Presence.BUSY_DND: QT_TRANSLATE_NOOP("Wording", "Do not disturb"),
    Presence.AWAY: QT_TRANSLATE_NOOP("Wording", "Away"),
    Presence.OFFLINE: QT_TRANSLATE_NOOP("Wording", "Offline"),
    Presence.INACTIVE: QT_TRANSLATE_NOOP("Wording", "Inactive"),
}

CHOOSABLE_PRESENCES: Final = (
    Presence.AVAILABLE,
    Presence.BUSY,
    Presence.BUSY_DND,
    Presence.AWAY,
    Presence.OFFLINE,
)
"""`inactive` is set by the system only (rule 10), so nobody picks it."""

CHANNEL_LABELS: Final[dict[Channel, str]] = {
    Channel.CHAT: QT_TRANSLATE_NOOP("Wording", "Chat"),
    Channel.SMS: QT_TRANSLATE_NOOP("Wording", "SMS"),
    Channel.VOICE: QT_TRANSLATE_NOOP("Wording", "Voice call"),
    Channel.CASE: QT_TRANSLATE_NOOP("Wording", "Case"),
}
"""The channels' names (the protocol's `CHANNEL_TRAITS` labels), marked for translation."""

REASON_PHRASES: Final[dict[Reason, str]] = {
    Reason.ACCEPT: QT_TRANSLATE_NOOP("Wording", "work was accepted"),
    Reason.AUTO_ACCEPT: QT_TRANSLATE_NOOP("Wording", "work was assigned automatically"),
    Reason.ASSIGNED_AT_TIMEOUT: QT_TRANSLATE_NOOP("Wording", "a case was assigned at its timeout"),
    Reason.DECLINED_BY_AGENT: QT_TRANSLATE_NOOP("Wording", "an offer was rejected"),
    Reason.DISPLAY_TIMEOUT: QT_TRANSLATE_NOOP("Wording", "an offer was missed"),
    Reason.QUEUE_LIMIT_EXCEEDED: QT_TRANSLATE_NOOP("Wording", "the session limit was reached"),
    Reason.MANUAL: QT_TRANSLATE_NOOP("Wording", "chosen by hand"),
    Reason.SUPERVISOR: QT_TRANSLATE_NOOP("Wording", "reset by a supervisor"),
    Reason.CAPACITY: QT_TRANSLATE_NOOP("Wording", "it follows your open work"),
    Reason.DISCONNECT: QT_TRANSLATE_NOOP("Wording", "the connection was lost"),
    Reason.RECONNECT: QT_TRANSLATE_NOOP("Wording", "reconnected"),
    Reason.LOGIN: QT_TRANSLATE_NOOP("Wording", "signed in"),
    Reason.LOGOUT: QT_TRANSLATE_NOOP("Wording", "signed out"),
    Reason.CUSTOMER_LEFT: QT_TRANSLATE_NOOP("Wording", "the customer left"),
    Reason.TRANSFER: QT_TRANSLATE_NOOP("Wording", "transferred"),
    Reason.ESCALATION: QT_TRANSLATE_NOOP("Wording", "escalated"),
    Reason.CLOSED_BY_AGENT: QT_TRANSLATE_NOOP("Wording", "closed by the agent"),
    Reason.NEXT_STATUS: QT_TRANSLATE_NOOP("Wording", "as you chose, after your last session"),
    Reason.REPEAT_MISSES: QT_TRANSLATE_NOOP("Wording", "several offers were missed in a row"),
    Reason.WRAP_UP_DONE: QT_TRANSLATE_NOOP("Wording", "wrap-up was finished"),
    Reason.WRAP_UP_TIMEOUT: QT_TRANSLATE_NOOP("Wording", "wrap-up time ran out"),
}

CALL_STATE_LABELS: Final[dict[CallState, str]] = {
    CallState.RINGING: QT_TRANSLATE_NOOP("Wording", "Ringing…"),
    CallState.CONNECTED: QT_TRANSLATE_NOOP("Wording", "Call connected"),
    CallState.ON_HOLD: QT_TRANSLATE_NOOP("Wording", "Call on hold"),
    CallState.ENDED: QT_TRANSLATE_NOOP("Wording", "Call ended"),
}


def presence_label(presence: Presence) -> str:
    return _t(PRESENCE_LABELS[presence])


def channel_label(channel: Channel) -> str:
    return _t(CHANNEL_LABELS[channel])


def call_state_label(state: CallState) -> str:
    return _t(CALL_STATE_LABELS[state])


def reason_phrase(reason: Reason) -> str:
    # A reason added to the protocol before the app has words for it must not crash a widget;
    # tests/ui/test_wording_depth.py keeps the table complete.
    phrase = REASON_PHRASES.get(reason)
    return _t(phrase) if phrase else reason.value.replace("_", " ")


def presence_name(info: PresenceInfo | PresenceChange) -> str:
    """The admin-defined name ("Lunch") where one was chosen, else the presence's own."""
    return info.custom or presence_label(info.presence)


def source_phrase(source: PresenceSource, by: str | None = None) -> str:
    if source is PresenceSource.SYSTEM:
        return translate("Wording", "set by system")
    if source is PresenceSource.SUPERVISOR:
        if by:
            return translate("Wording", "set by supervisor {name}").format(name=by)
        return translate("Wording", "set by a supervisor")
    if by:
        return translate("Wording", "set by {name}").format(name=by)
    return translate("Wording", "set by you")


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
        if by:
            return translate("Wording", "reset by supervisor {name}").format(name=by)
        return translate("Wording", "reset by a supervisor")
    return f"{source_phrase(source, by)}: {reason_phrase(reason)}"


def timeline_sentence(change: PresenceChange) -> str:
    """One readable line of the presence timeline, saying what changed, who did it and why."""
    label = presence_name(change)
    if change.source is PresenceSource.SUPERVISOR:
        what = (
            translate("Wording", "Supervisor {name} reset your presence").format(name=change.by)
            if change.by
            else translate("Wording", "A supervisor reset your presence")
        )
    elif change.source is PresenceSource.AGENT and change.reason is Reason.MANUAL:
        what = translate("Wording", "You chose it")
    else:
        what = _capital(reason_phrase(change.reason))
    if change.previous is None:
        return f"{label}: {what}"
    return translate("Wording", "{presence}: {what} (was {previous})").format(
        presence=label, what=what, previous=presence_label(change.previous)
    )


def changed_by(change: PresenceChange) -> str:
    """Who changed a presence, for the timeline's "Who" column."""
    if change.source is PresenceSource.SYSTEM:
        return translate("Wording", "System")
    if change.source is PresenceSource.SUPERVISOR:
        if change.by:
            return translate("Wording", "Supervisor {name}").format(name=change.by)
        return translate("Wording", "A supervisor")
    return change.by or translate("Wording", "You")


def countdown_text(seconds: float) -> str:
    """mm:ss, rounded up so "0:00" is only ever shown at expiry (digits in the locale's own)."""
    whole = max(0, math.ceil(seconds))
    locale = QLocale()
    seconds_text = locale.toString(whole % 60).rjust(2, locale.zeroDigit())
    return f"{locale.toString(whole // 60)}:{seconds_text}"


def clock_text(at: float) -> str:
    """A wall-clock time in the local zone, in the locale's short format, e.g. "14:05"."""
    moment = QDateTime.fromMSecsSinceEpoch(round(at * 1000))
    return QLocale().toString(moment.time(), QLocale.FormatType.ShortFormat)


def duration_text(seconds: float) -> str:
    """How long something has lasted, as a person says it: "just arrived", "3 min", "1 h 5 min"."""
    if seconds < 60:
        return translate("Wording", "just arrived")
    minutes = int(seconds // 60)
    if minutes < 60:
        return translate("Wording", "{minutes} min").format(minutes=QLocale().toString(minutes))
    return translate("Wording", "{hours} h {minutes} min").format(
        hours=QLocale().toString(minutes // 60), minutes=QLocale().toString(minutes % 60)
    )


def connection_text(connection: Connection, now: float) -> str:
    status = connection.status
    if status is LinkStatus.ONLINE:
        return translate("Wording", "Online")
    if status is LinkStatus.CONNECTING:
        return translate("Wording", "Connecting…")
    if status is LinkStatus.RECONNECTING:
        retry_in = connection.retry_in(now)
        if retry_in is None or retry_in < 0.5:
            return translate("Wording", "Reconnecting…")
        return translate("Wording", "Reconnecting in {seconds} s").format(
            seconds=QLocale().toString(math.ceil(retry_in))
        )
    if status is LinkStatus.AUTH_FAILED:
        return translate("Wording", "Sign-in failed")
    return translate("Wording", "Offline")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
