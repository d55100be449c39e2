"""Who must not be told: checked in this order, the first that applies is the logged reason.

Exclusions are checked when a message is queued and again right before it is sent, so a STOP,
an opt-out or a new exclusion list entry also holds back what is already waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, NamedTuple

from agent_desktop.protocol.bookings import Contact, NotificationChannel, NotificationReason
from agent_desktop.server.customer_notifications.config import CustomerNotificationsConfig

R = NotificationReason


class Recipient(NamedTuple):
    account: str
    work_order_type: str
    contact: Contact
    channel: NotificationChannel
    address: str | None
    """E.164 number or email address; None when the contact has none for this channel."""
    sms_stopped: bool
    """The number replied STOP (and not START since)."""


Check = Callable[[Recipient, CustomerNotificationsConfig], bool]


def _channel_off(r: Recipient, c: CustomerNotificationsConfig) -> bool:
    return (c.email if r.channel is NotificationChannel.EMAIL else c.sms) is None


def _opted_out(r: Recipient, c: CustomerNotificationsConfig) -> bool:
    if r.channel is NotificationChannel.EMAIL:
        return r.contact.email_opt_out
    return r.contact.sms_opt_out


CHECKS: Final[list[tuple[NotificationReason, Check]]] = [
    (R.ACCOUNT_EXCLUDED, lambda r, c: r.account in c.excluded_accounts),
    (R.WORK_ORDER_TYPE_EXCLUDED, lambda r, c: r.work_order_type in c.excluded_work_order_types),
    (R.OPTED_OUT, _opted_out),
    (R.SMS_STOP, lambda r, c: r.channel is NotificationChannel.SMS and r.sms_stopped),
    (R.NO_ADDRESS, lambda r, c: r.address is None),
    (R.CHANNEL_OFF, _channel_off),
]


def exclusion(
    recipient: Recipient, config: CustomerNotificationsConfig
) -> NotificationReason | None:
    return next((reason for reason, check in CHECKS if check(recipient, config)), None)
