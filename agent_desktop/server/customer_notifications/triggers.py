"""When a booking change becomes a customer notification: one rule per notification type.

Each rule is data: does it need an earlier reminder, and may quiet hours hold it back. The
boundaries live in the small functions below, so a test can pin each one (exactly 10 minutes is
not a move; 7 days counts, 7 days and a second does not).
"""

from __future__ import annotations

from typing import Final, NamedTuple

from agent_desktop.protocol.bookings import BookingStatus, NotificationType
from agent_desktop.server.customer_notifications.config import CustomerNotificationsConfig

N = NotificationType


class Rule(NamedTuple):
    needs_reminder: bool
    """Only sent when the customer already got a reminder for this booking."""
    once_per_booking: bool
    """Queued at most once per booking (a repeated status flip never sends a second)."""


RULES: Final[dict[NotificationType, Rule]] = {
    N.REMINDER: Rule(needs_reminder=False, once_per_booking=True),
    N.TRAVELING: Rule(needs_reminder=False, once_per_booking=True),
    N.COMPLETED: Rule(needs_reminder=False, once_per_booking=True),
    N.RESCHEDULED: Rule(needs_reminder=True, once_per_booking=False),
    N.CANCELED: Rule(needs_reminder=True, once_per_booking=True),
    N.RUNNING_LATE: Rule(needs_reminder=False, once_per_booking=True),
}


def moved_enough(told_start: float, new_start: float, config: CustomerNotificationsConfig) -> bool:
    """A move counts only when it is MORE than the threshold (exactly 10 minutes does not)."""
    return abs(new_start - told_start) > config.reschedule_threshold_min * 60.0


def late(start: float, eta: float | None, config: CustomerNotificationsConfig) -> bool:
    """An ETA MORE than the margin past the scheduled start (exactly the margin is on time)."""
    return eta is not None and eta - start > config.running_late_margin_min * 60.0


def became_late(
    start: float, eta_before: float | None, eta_after: float | None,
    config: CustomerNotificationsConfig,
) -> bool:  # fmt: skip
    """The ETA crossed into lateness with this tick: one update, not one per tick."""
    return late(start, eta_after, config) and not late(start, eta_before, config)


def within_reminder_horizon(
    start: float, run_at: float, config: CustomerNotificationsConfig
) -> bool:
    """Starting after the run and no later than the horizon (7 days) after it."""
    return run_at < start <= run_at + config.reminder_horizon_days * 86_400.0


def reminder_due(
    status: BookingStatus,
    start: float,
    reminder_queued: bool,
    run_at: float,
    config: CustomerNotificationsConfig,
) -> bool:
    """Whether the daily run at `run_at` queues this booking's reminder."""
    return (
        status is BookingStatus.SCHEDULED
        and not reminder_queued
        and within_reminder_horizon(start, run_at, config)
    )


def allowed(notification: NotificationType, reminder_sent: bool) -> bool:
    """The rule's precondition on the customer's history with this booking."""
    return reminder_sent or not RULES[notification].needs_reminder
