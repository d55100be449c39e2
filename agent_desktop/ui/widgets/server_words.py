"""The server's texts in the agent's language, rendered from the typed values sent with them.

The server writes its alerts, toast titles and template field labels in English; with each it
sends what the text is about (the alert's kind, channel and customer; the field's key and number;
the toast's origin and queue). Those are said here in the agent's language. Without them (an older
server) the English text is shown. Titles and labels an administrator wrote in a template are
shown as written, unless they are one of the server's own defaults, which are translated too.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QLocale

from agent_desktop.protocol.model import Alert, TemplateField, Toast
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    Channel,
    FieldKey,
    Origin,
    Reason,
)
from agent_desktop.session.state import ClientAlertKind, ShownAlert
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.widgets.wording import channel_label, duration_text

_CONTEXT: Final = "ServerWords"

FIELD_LABELS: Final[dict[FieldKey, str]] = {
    FieldKey.CUSTOMER_NAME: QT_TRANSLATE_NOOP("ServerWords", "Customer"),
    FieldKey.PHONE: QT_TRANSLATE_NOOP("ServerWords", "Phone"),
    FieldKey.EMAIL: QT_TRANSLATE_NOOP("ServerWords", "Email"),
    FieldKey.ACCOUNT: QT_TRANSLATE_NOOP("ServerWords", "Account"),
    FieldKey.QUEUE: QT_TRANSLATE_NOOP("ServerWords", "Queue"),
    FieldKey.CHANNEL: QT_TRANSLATE_NOOP("ServerWords", "Channel"),
    FieldKey.SUBJECT: QT_TRANSLATE_NOOP("ServerWords", "Subject"),
    FieldKey.CASE_NUMBER: QT_TRANSLATE_NOOP("ServerWords", "Case"),
    FieldKey.CASE_TITLE: QT_TRANSLATE_NOOP("ServerWords", "Case title"),
    FieldKey.PRIORITY: QT_TRANSLATE_NOOP("ServerWords", "Priority"),
    FieldKey.BOT_SUMMARY: QT_TRANSLATE_NOOP("ServerWords", "Bot summary"),
    FieldKey.WAIT_TIME: QT_TRANSLATE_NOOP("ServerWords", "Waiting"),
}

SERVER_DEFAULTS: Final = (
    # The reference server's default template titles and button labels: shown translated.
    QT_TRANSLATE_NOOP("ServerWords", "Incoming chat"),
    QT_TRANSLATE_NOOP("ServerWords", "Incoming SMS"),
    QT_TRANSLATE_NOOP("ServerWords", "Incoming call"),
    QT_TRANSLATE_NOOP("ServerWords", "Case assigned"),
    QT_TRANSLATE_NOOP("ServerWords", "New assignment"),
    QT_TRANSLATE_NOOP("ServerWords", "Transferred to you"),
    QT_TRANSLATE_NOOP("ServerWords", "Escalated to you"),
    QT_TRANSLATE_NOOP("ServerWords", "Accept"),
    QT_TRANSLATE_NOOP("ServerWords", "Reject"),
    QT_TRANSLATE_NOOP("ServerWords", "Answer"),
    QT_TRANSLATE_NOOP("ServerWords", "Decline"),
    QT_TRANSLATE_NOOP("ServerWords", "Open"),
    QT_TRANSLATE_NOOP("ServerWords", "Open item"),
    QT_TRANSLATE_NOOP("ServerWords", "Unknown customer"),
)

_TOAST_TITLES: Final[dict[Origin, str]] = {
    Origin.TRANSFER: QT_TRANSLATE_NOOP("ServerWords", "Transferred to you"),
    Origin.ESCALATION: QT_TRANSLATE_NOOP("ServerWords", "Escalated to you"),
}


def server_text(text: str) -> str:
    """A template title or button label: translated when it is one of the server's defaults."""
    return translate(_CONTEXT, text)


def work_phrase(channel: Channel, customer: str) -> str:
    """ "a chat from Ana Lima", "a case for Lima Design": how an alert names the item."""
    customer = server_text(customer)
    match channel:
        case Channel.CHAT:
            return translate("ServerWords", "a chat from {customer}").format(customer=customer)
        case Channel.SMS:
            return translate("ServerWords", "an SMS from {customer}").format(customer=customer)
        case Channel.VOICE:
            return translate("ServerWords", "a call from {customer}").format(customer=customer)
        case Channel.CASE:
            return translate("ServerWords", "a case for {customer}").format(customer=customer)


def alert_text(alert: Alert | ShownAlert) -> str:
    """The alert's sentence in the agent's language; the server's English without the values."""
    if alert.kind is ClientAlertKind.CONNECTION_LOST:
        return translate(
            "ServerWords",
            "The connection to the server was lost. You get no new work until it is back.",
        )
    penalty = alert.reason is Reason.REPEAT_MISSES
    if alert.channel is None or alert.customer is None:
        fallback = _PENALTY_FALLBACK if penalty else _FALLBACK_SENTENCES[alert.kind]
        return alert.message.strip() or translate(_CONTEXT, fallback)
    work = work_phrase(alert.channel, alert.customer)
    if penalty:
        # Not the plain miss's "set yourself Available": that does not lift the penalty (rule 14).
        if alert.until is None:
            return translate(
                "ServerWords",
                "You missed {work}, one missed offer too many in a short time, so you get no new "
                "work for a while. A supervisor can lift this.",
            ).format(work=work)
        # The penalty's length as the server counts it (its `penalty_s`, in whole minutes).
        minutes = max(1, round((alert.until - alert.raised_at) / 60))
        return translate(
            "ServerWords",
            "You missed {work}, one missed offer too many in a short time, so you get no new "
            "work for {minutes} min. A supervisor can lift this.",
        ).format(work=work, minutes=QLocale().toString(minutes))
    match alert.kind:
        case AlertKind.MISSED:
            text = translate(
                "ServerWords",
                "You missed {work}, so you were set to Inactive. "
                "Set yourself Available to get new work.",
            )
        case AlertKind.REJECTED:
            text = translate(
                "ServerWords",
                "You rejected {work}, so you were set to Do not disturb. "
                "Set yourself Available when you are ready for new work.",
            )
        case AlertKind.MAX_SESSIONS:
            text = translate(
                "ServerWords",
                "{Work} could not open: you already have {count} sessions, so you were set to "
                "Do not disturb. Close a session and set yourself Available to take new work.",
            )
    return text.format(work=work, Work=work[:1].upper() + work[1:], count=MAX_SESSIONS)


_FALLBACK_SENTENCES: Final[dict[AlertKind, str]] = {
    AlertKind.MISSED: QT_TRANSLATE_NOOP(
        "ServerWords", "You missed an offer, so you are Inactive and get no new work."
    ),
    AlertKind.REJECTED: QT_TRANSLATE_NOOP(
        "ServerWords", "You rejected an offer, so you are on Do not disturb."
    ),
    AlertKind.MAX_SESSIONS: QT_TRANSLATE_NOOP(
        "ServerWords", "You have the maximum number of sessions open, so you are on Do not disturb."
    ),
}
"""Said when the server sent neither the values nor a message."""

_PENALTY_FALLBACK: Final = QT_TRANSLATE_NOOP(
    "ServerWords",
    "You missed too many offers in a short time, so you get no new work for a while. "
    "A supervisor can lift this.",
)


def field_label(field: TemplateField) -> str:
    return translate(_CONTEXT, FIELD_LABELS[field.key]) if field.key else field.label


def field_value(field: TemplateField) -> str:
    """The value as the agent's locale writes it: channel names, waiting times, priorities."""
    if field.key is FieldKey.CHANNEL:
        try:
            return channel_label(Channel(field.value))
        except ValueError:
            return field.value
    if field.key is FieldKey.WAIT_TIME and field.number is not None:
        return duration_text(field.number)
    if field.key is FieldKey.PRIORITY and field.number is not None:
        return QLocale().toString(int(field.number))
    if field.key is FieldKey.CUSTOMER_NAME:
        return server_text(field.value)
    return field.value


def toast_title(toast: Toast) -> str:
    origin_title = _TOAST_TITLES.get(toast.origin)
    if origin_title is not None:
        return translate(_CONTEXT, origin_title)
    if toast.queue_name is not None:
        return translate("ServerWords", "Assigned: {queue}").format(queue=toast.queue_name)
    return server_text(toast.title)
