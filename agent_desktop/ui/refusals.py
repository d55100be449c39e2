"""Why a request was refused, by its stable error code, in the agent's language.

The server's and the core's `message` is English; a code listed here is said from the catalogue
instead. Codes whose message carries details the code does not (an invalid message, a locked-out
sign-in that says when to try again) keep the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP

REFUSALS: Final[Mapping[ErrorCode, str]] = {
    ErrorCode.FORBIDDEN: QT_TRANSLATE_NOOP("Tasks", "You are not allowed to do that."),
    ErrorCode.UNKNOWN_OFFER: QT_TRANSLATE_NOOP(
        "Tasks", "That offer is gone (answered or expired)."
    ),
    ErrorCode.UNKNOWN_SESSION: QT_TRANSLATE_NOOP("Tasks", "That session is not open any more."),
    ErrorCode.UNKNOWN_AGENT: QT_TRANSLATE_NOOP("Tasks", "That agent is not known to the server."),
    ErrorCode.UNKNOWN_QUEUE: QT_TRANSLATE_NOOP("Tasks", "That queue is not known to the server."),
    ErrorCode.UNKNOWN_ALERT: QT_TRANSLATE_NOOP("Tasks", "That alert is gone."),
    ErrorCode.OFFER_EXPIRED: QT_TRANSLATE_NOOP("Tasks", "The offer had already expired."),
    ErrorCode.OFFER_NOT_PENDING: QT_TRANSLATE_NOOP(
        "Tasks", "The offer was already answered, missed or withdrawn."
    ),
    ErrorCode.NOT_REJECTABLE: QT_TRANSLATE_NOOP("Tasks", "This offer cannot be rejected."),
    ErrorCode.SESSION_LIMIT: QT_TRANSLATE_NOOP(
        "Tasks", "You already have the most sessions allowed; close one first."
    ),
    ErrorCode.INVALID_PRESENCE: QT_TRANSLATE_NOOP(
        "Tasks", "That presence cannot be set (Inactive is set by the system only)."
    ),
    ErrorCode.WRONG_CHANNEL: QT_TRANSLATE_NOOP("Tasks", "That does not fit this kind of work."),
    ErrorCode.WORK_CLOSED: QT_TRANSLATE_NOOP("Tasks", "That work is already closed."),
    ErrorCode.UNKNOWN_WRAP_UP: QT_TRANSLATE_NOOP("Tasks", "That wrap-up is already over."),
    ErrorCode.DISPOSITION_REQUIRED: QT_TRANSLATE_NOOP(
        "Tasks", "This queue needs a disposition and a note, as asked, to finish the wrap-up."
    ),
    ErrorCode.INTERNAL_ERROR: QT_TRANSLATE_NOOP(
        "Tasks", "The server hit an internal error; nothing was changed."
    ),
}
