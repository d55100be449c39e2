"""What the staff's log of customer notifications shows: its filter, and the same test the
server applies, so a pushed row is kept or dropped as a new listing would."""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.bookings import (
    DeliveryState,
    NotificationChannel,
    NotificationEntry,
    NotificationType,
)


class NotificationFilter(msgspec.Struct, frozen=True):
    """What the log shows; None is "any". `since` is server time (epoch seconds)."""

    state: DeliveryState | None = None
    notification_type: NotificationType | None = None
    channel: NotificationChannel | None = None
    since: float | None = None
    booking_id: str | None = None


def shows(shown: NotificationFilter, entry: NotificationEntry) -> bool:
    """Whether the log as filtered shows this entry (the server's filter, said again here)."""
    return (
        (shown.state is None or entry.state is shown.state)
        and (shown.notification_type is None or entry.type is shown.notification_type)
        and (shown.channel is None or entry.channel is shown.channel)
        and (shown.since is None or entry.created_at >= shown.since)
        and (shown.booking_id is None or entry.booking_id == shown.booking_id)
    )
