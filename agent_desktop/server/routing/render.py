"""What the agent is shown: notifications and toasts rendered from templates, and the customer a
new work item is linked to (rule 9: an SMS number matching a contact's mobile phone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.model import (
    Customer,
    Notification,
    TemplateField,
    Toast,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    ContactId,
    Origin,
    Reason,
    SessionId,
)
from agent_desktop.server.config import (
    ContactConfig,
    QueueConfig,
    ServerConfig,
    TemplateConfig,
)
from agent_desktop.server.config import TemplateField as Field

ASSIGN_ACCEPT_LABEL: Final = "Open"
UNKNOWN_CUSTOMER: Final = "Unknown customer"

_FIELD_LABELS: Final[dict[Field, str]] = {
    Field.CUSTOMER_NAME: "Customer",
    Field.PHONE: "Phone",
    Field.EMAIL: "Email",
    Field.ACCOUNT: "Account",
    Field.QUEUE: "Queue",
    Field.CHANNEL: "Channel",
    Field.SUBJECT: "Subject",
    Field.CASE_NUMBER: "Case",
    Field.CASE_TITLE: "Case title",
    Field.PRIORITY: "Priority",
    Field.BOT_SUMMARY: "Bot summary",
    Field.WAIT_TIME: "Waiting",
}
_SHORT: Final = 500

_TOAST_TITLES: Final[dict[Origin, str]] = {
    Origin.TRANSFER: "Transferred to you",
    Origin.ESCALATION: "Escalated to you",
}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_value(field: Field, work: WorkItem, queue: QueueConfig, now: float) -> str | None:
    """The text a template field shows for this work item, or None when it has nothing."""
    customer = work.customer
    match field:
        case Field.CUSTOMER_NAME:
            return customer.name
        case Field.PHONE:
            return customer.phone
        case Field.EMAIL:
            return customer.email
        case Field.ACCOUNT:
            return customer.account
        case Field.QUEUE:
            return queue.name
        case Field.CHANNEL:
            return work.channel.value
        case Field.SUBJECT:
            return work.subject or None
        case Field.CASE_NUMBER:
            return work.case.case_number if work.case else None
        case Field.CASE_TITLE:
            return work.case.title if work.case else None
        case Field.PRIORITY:
            return str(work.priority)
        case Field.BOT_SUMMARY:
            return _clip(work.bot_summary, _SHORT) if work.bot_summary else None
        case Field.WAIT_TIME:
            return _waited(now - work.created_at)


def render_fields(
    fields: Iterable[Field], work: WorkItem, queue: QueueConfig, now: float
) -> list[TemplateField]:
    """Up to four label/value pairs; a field with nothing to show is left out."""
    rendered: list[TemplateField] = []
    for field in fields:
        value = field_value(field, work, queue, now)
        if value:
            rendered.append(TemplateField(label=_FIELD_LABELS[field], value=_clip(value, _SHORT)))
    return rendered[:4]


def rejectable(work: WorkItem, queue: QueueConfig, template: TemplateConfig) -> bool:
    """Rules 3-5: a case assignment and auto-accepted work cannot be rejected."""
    return (
        queue.allow_reject
        and template.allow_reject
        and traits(work.channel).rejectable
        and not queue.auto_accept
    )


def render_notification(
    work: WorkItem, queue: QueueConfig, template: TemplateConfig, now: float
) -> Notification:
    """The decision an agent is asked for (an alert offer)."""
    fixed_label = traits(work.channel).accept_label
    can_reject = rejectable(work, queue, template)
    return Notification(
        kind=template.kind,
        title=template.title,
        fields=render_fields(template.fields, work, queue, now),
        accept_label=fixed_label or template.accept_label,
        reject_label=template.reject_label if can_reject else None,
        wait_time_s=template.wait_time_s,
        show_timeout=template.show_timeout,
    )


def render_toast(
    config: ServerConfig,
    work: WorkItem,
    queue: QueueConfig,
    session_id: SessionId,
    reason: Reason,
    now: float,
) -> Toast:
    """Information for work that opened without a decision (assignment, transfer, escalation)."""
    template = config.templates.get(queue.toast_template) if queue.toast_template else None
    # The origin names a transfer or an escalation whatever the template says (one toast template
    # serves both on a queue); the template's title is for work assigned without a decision.
    origin_title = _TOAST_TITLES.get(work.origin)
    if template is not None:
        title = origin_title or template.title
        fields = render_fields(template.fields, work, queue, now)
    else:
        title = origin_title or f"Assigned: {queue.name}"
        fields = render_fields((Field.CUSTOMER_NAME, Field.QUEUE), work, queue, now)
    return Toast(
        title=_clip(title, 100),
        fields=fields,
        session_id=session_id,
        origin=work.origin,
        reason=reason,
        dismiss_after_s=config.timings.toast_dismiss_s,
    )


_PHONE_NOISE: Final = re.compile(r"[\s\-().]")


def normalise_phone(raw: str) -> str | None:
    """`+` and digits only; spaces, dashes, dots and parentheses ignored; `00` means `+`.

    None when what is left is not a phone number (letters, or no digits at all).
    """
    text = _PHONE_NOISE.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit() or not digits.isascii():
        return None
    return text


def find_contact(contacts: Iterable[ContactConfig], phone: str) -> ContactConfig | None:
    wanted = normalise_phone(phone)
    if wanted is None:
        return None
    for contact in contacts:
        if contact.mobile_phone and normalise_phone(contact.mobile_phone) == wanted:
            return contact
    return None


def customer_for(
    config: ServerConfig,
    channel: Channel,
    name: str | None,
    phone: str | None,
    email: str | None,
) -> Customer:
    """Rule 9: an SMS from a contact's mobile phone is linked to that contact."""
    if traits(channel).links_contact_by_phone and phone:
        contact = find_contact(config.contacts, phone)
        if contact is not None:
            return Customer(
                name=contact.name,
                phone=phone,
                email=contact.email,
                contact_id=ContactId(contact.id),
                account=contact.account,
            )
    display = name or phone or UNKNOWN_CUSTOMER
    return Customer(name=display, phone=phone, email=email)


def _waited(seconds: float) -> str:
    """How long the customer has waited, as a person says it (the field does not tick)."""
    if seconds < 60:
        return "just arrived"
    minutes = int(seconds // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def work_phrase(work: WorkItem) -> str:
    """How an alert names a work item: "a chat from Ana Lima", "a case for Lima Design"."""
    return traits(work.channel).phrase(work.customer.name)
