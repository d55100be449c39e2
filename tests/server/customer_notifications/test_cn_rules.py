"""The pure rules of customer notifications, each boundary pinned (no I/O, no clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from agent_desktop.protocol.bookings import BookingStatus, DeliveryState, NotificationType
from agent_desktop.server.customer_notifications import delivery, schedule, status, triggers
from agent_desktop.server.customer_notifications.config import (
    CustomerNotificationsConfig,
    QuietHours,
    RetryPolicy,
)

CONFIG = CustomerNotificationsConfig()
S = BookingStatus


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> float:
    return datetime(y, m, d, hh, mm, ss, tzinfo=UTC).timestamp()


def local(zone: str, y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> float:
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(zone)).timestamp()


# --- the daily run at 10:00 UTC ---------------------------------------------------------------


def test_the_daily_run_is_due_from_10_00_utc_not_a_second_before() -> None:
    assert schedule.latest_run(utc(2027, 5, 3, 9, 59, 59), "10:00") == utc(2027, 5, 2, 10, 0, 0)
    assert schedule.latest_run(utc(2027, 5, 3, 10, 0, 0), "10:00") == utc(2027, 5, 3, 10, 0, 0)
    yesterday = utc(2027, 5, 2, 10, 0, 0)
    assert schedule.due_run(yesterday, utc(2027, 5, 3, 9, 59, 59), "10:00") is None
    assert schedule.due_run(yesterday, utc(2027, 5, 3, 10, 0, 0), "10:00") == utc(2027, 5, 3, 10)


def test_a_server_down_for_days_does_one_catch_up_run_and_then_waits_for_the_next() -> None:
    last = utc(2027, 5, 1, 10, 0, 0)
    now = utc(2027, 5, 4, 15, 30, 0)
    assert schedule.due_run(last, now, "10:00") == utc(2027, 5, 4, 10, 0, 0)
    assert schedule.due_run(utc(2027, 5, 4, 10, 0, 0), now, "10:00") is None
    assert schedule.next_run(now, "10:00") == utc(2027, 5, 5, 10, 0, 0)


def test_the_reminder_horizon_is_seven_days_inclusive() -> None:
    run = utc(2027, 5, 3, 10, 0, 0)
    seven_days = 7 * 86_400
    assert triggers.within_reminder_horizon(run + seven_days, run, CONFIG)
    assert not triggers.within_reminder_horizon(run + seven_days + 1, run, CONFIG)
    assert not triggers.within_reminder_horizon(run, run, CONFIG)  # already started
    assert triggers.within_reminder_horizon(run + 1, run, CONFIG)


@pytest.mark.parametrize("booking_status", [s for s in S if s is not S.SCHEDULED])
def test_only_a_scheduled_booking_gets_a_reminder(booking_status: BookingStatus) -> None:
    run = utc(2027, 5, 3, 10, 0, 0)
    assert triggers.reminder_due(S.SCHEDULED, run + 3600, False, run, CONFIG)
    assert not triggers.reminder_due(booking_status, run + 3600, False, run, CONFIG)
    assert not triggers.reminder_due(S.SCHEDULED, run + 3600, True, run, CONFIG)


# --- rescheduled: more than 10 minutes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("moved_s", "counts"),
    [(0, False), (599, False), (600, False), (601, True), (660, True), (-600, False), (-660, True)],
)
def test_a_move_counts_only_when_more_than_ten_minutes(moved_s: int, counts: bool) -> None:
    told = utc(2027, 5, 3, 9, 0, 0)
    assert triggers.moved_enough(told, told + moved_s, CONFIG) is counts


@pytest.mark.parametrize("kind", [NotificationType.RESCHEDULED, NotificationType.CANCELED])
def test_rescheduled_and_canceled_need_a_reminder_first(kind: NotificationType) -> None:
    assert not triggers.allowed(kind, reminder_sent=False)
    assert triggers.allowed(kind, reminder_sent=True)


@pytest.mark.parametrize(
    "kind", [NotificationType.TRAVELING, NotificationType.COMPLETED, NotificationType.REMINDER]
)
def test_the_other_notifications_need_no_reminder(kind: NotificationType) -> None:
    assert triggers.allowed(kind, reminder_sent=False)


# --- booking lifecycle --------------------------------------------------------------------------


def test_the_lifecycle_table_and_what_each_step_notifies() -> None:
    assert status.transition(S.SCHEDULED, S.TRAVELING).notifies is NotificationType.TRAVELING
    assert status.transition(S.TRAVELING, S.IN_PROGRESS).notifies is None
    assert status.transition(S.IN_PROGRESS, S.COMPLETED).notifies is NotificationType.COMPLETED
    for open_status in (S.SCHEDULED, S.TRAVELING, S.IN_PROGRESS):
        step = status.transition(open_status, S.CANCELED)
        assert step == (S.CANCELED, NotificationType.CANCELED)


@pytest.mark.parametrize(
    ("current", "requested"),
    [
        (S.SCHEDULED, S.COMPLETED),
        (S.COMPLETED, S.CANCELED),
        (S.CANCELED, S.SCHEDULED),
        (S.IN_PROGRESS, S.TRAVELING),
        (S.COMPLETED, S.TRAVELING),
    ],
)
def test_anything_not_in_the_table_is_refused(
    current: BookingStatus, requested: BookingStatus
) -> None:
    with pytest.raises(status.IllegalTransition, match=f"{current}.*{requested}"):
        status.transition(current, requested)


# --- quiet hours in the customer's time zone ----------------------------------------------------

QUIET = QuietHours(start="21:00", end="08:00")


@pytest.mark.parametrize(
    ("zone", "at", "released"),
    [
        # 10:00 UTC is 11:00 in Berlin (winter): goes at once.
        ("Europe/Berlin", (2027, 1, 12, 11, 0), (2027, 1, 12, 11, 0)),
        # ... and 23:00 in Auckland (summer, UTC+13): waits until 08:00 the next morning.
        ("Pacific/Auckland", (2027, 1, 12, 23, 0), (2027, 1, 13, 8, 0)),
        # ... and 02:00 in Los Angeles: waits until 08:00 the same day.
        ("America/Los_Angeles", (2027, 1, 12, 2, 0), (2027, 1, 12, 8, 0)),
        # Boundaries: 20:59 goes, 21:00 waits, 07:59 waits, 08:00 goes.
        ("Europe/Berlin", (2027, 1, 12, 20, 59), (2027, 1, 12, 20, 59)),
        ("Europe/Berlin", (2027, 1, 12, 21, 0), (2027, 1, 13, 8, 0)),
        ("Europe/Berlin", (2027, 1, 12, 7, 59), (2027, 1, 12, 8, 0)),
        ("Europe/Berlin", (2027, 1, 12, 8, 0), (2027, 1, 12, 8, 0)),
    ],
)
def test_quiet_hours_hold_a_message_until_the_local_morning(
    zone: str, at: tuple[int, int, int, int, int], released: tuple[int, int, int, int, int]
) -> None:
    assert schedule.quiet_release(local(zone, *at), ZoneInfo(zone), QUIET) == local(zone, *released)


def test_across_the_spring_dst_change_the_release_is_08_00_local_one_utc_hour_earlier() -> None:
    # Berlin moves to summer time in the night of 27/28 March 2027 (02:00 -> 03:00).
    berlin = ZoneInfo("Europe/Berlin")
    held = local("Europe/Berlin", 2027, 3, 27, 22, 0)  # 21:00 UTC, winter time
    release = schedule.quiet_release(held, berlin, QUIET)
    assert release == utc(2027, 3, 28, 6, 0, 0)  # 08:00 CEST, not 07:00 UTC
    assert datetime.fromtimestamp(release, berlin).hour == 8
    assert release - held == 9 * 3600  # ten hours on the wall clock, nine really


def test_across_the_autumn_dst_change_in_new_york() -> None:
    # New York leaves summer time on 7 November 2027 (02:00 -> 01:00).
    held = local("America/New_York", 2027, 11, 6, 23, 30)
    release = schedule.quiet_release(held, ZoneInfo("America/New_York"), QUIET)
    assert release == utc(2027, 11, 7, 13, 0, 0)  # 08:00 EST
    assert release - held == 9.5 * 3600  # 8.5 hours on the wall clock: the night had one more


def test_no_quiet_hours_configured_sends_at_once() -> None:
    at = local("Pacific/Auckland", 2027, 1, 12, 3, 0)
    assert schedule.quiet_release(at, ZoneInfo("Pacific/Auckland"), None) == at


def test_quiet_hours_within_one_day_also_work() -> None:
    lunch = QuietHours(start="12:00", end="13:30")
    zone = ZoneInfo("UTC")
    assert schedule.quiet_release(utc(2027, 1, 12, 12, 15, 0), zone, lunch) == utc(
        2027, 1, 12, 13, 30, 0
    )
    assert schedule.quiet_release(utc(2027, 1, 12, 13, 30, 0), zone, lunch) == utc(
        2027, 1, 12, 13, 30, 0
    )


# --- delivery states and backoff ----------------------------------------------------------------


def test_backoff_doubles_and_is_capped() -> None:
    policy = RetryPolicy(first_delay_s=30, max_delay_s=300, max_attempts=8)
    assert [delivery.backoff(n, policy) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_the_last_allowed_attempt_fails_the_message_for_good() -> None:
    policy = RetryPolicy(max_attempts=3)
    q = DeliveryState.QUEUED
    assert delivery.next_state(q, delivery.failure_event(2, policy)) is q
    assert delivery.next_state(q, delivery.failure_event(3, policy)) is DeliveryState.FAILED


def test_a_sent_message_cannot_fail_or_be_withdrawn_afterwards() -> None:
    for event in (delivery.DeliveryEvent.PERMANENT_FAILURE, delivery.DeliveryEvent.WITHDRAWN):
        with pytest.raises(delivery.IllegalDelivery):
            delivery.next_state(DeliveryState.SENT, event)
