"""The log as the filter shows it, with pushed rows merged in (pure)."""

from __future__ import annotations

from agent_desktop.protocol.bookings import (
    BookingId,
    DeliveryState,
    NotificationChannel,
    NotificationEntry,
    NotificationsUpdated,
    NotificationType,
)
from agent_desktop.session.log_filter import NotificationFilter
from agent_desktop.session.notification_log import NotificationsListed, apply, merge
from agent_desktop.session.state import AgentState


def entry(message_id: int, state: DeliveryState = DeliveryState.QUEUED) -> NotificationEntry:
    return NotificationEntry(
        message_id=message_id,
        booking_id=BookingId("BK1001"),
        account="ACME",
        contact="Ada",
        type=NotificationType.REMINDER,
        channel=NotificationChannel.EMAIL,
        address="ada@example.com",
        state=state,
        reason=None,
        attempts=0,
        created_at=1000.0 + message_id,
        next_attempt_at=None,
        sent_at=None,
        delivered_at=None,
        provider_id=None,
        last_error=None,
    )


def test_a_row_the_filter_no_longer_shows_leaves_and_a_new_one_joins_newest_first() -> None:
    queued_only = NotificationFilter(state=DeliveryState.QUEUED)
    listed = (entry(2), entry(1))
    merged = merge(listed, [entry(1, DeliveryState.SENT), entry(3)], queued_only)
    assert [e.message_id for e in merged] == [3, 2]


def test_a_changed_row_replaces_itself_and_the_limit_holds() -> None:
    merged = merge(
        (entry(2), entry(1)),
        [entry(1, DeliveryState.FAILED), entry(3)],
        NotificationFilter(),
        limit=2,
    )
    assert [(e.message_id, e.state) for e in merged] == [(3, "queued"), (2, "queued")]
    merged = merge((entry(1),), [entry(1, DeliveryState.FAILED)], NotificationFilter())
    assert merged == (entry(1, DeliveryState.FAILED),)


def test_a_push_before_any_listing_changes_nothing() -> None:
    state = AgentState()
    assert apply(state, NotificationsUpdated(entries=[entry(1)])) is state
    listed = apply(state, NotificationsListed((), NotificationFilter(since=1002.0)))
    later = apply(listed, NotificationsUpdated(entries=[entry(1), entry(5)]))
    assert [e.message_id for e in later.notifications or ()] == [5], "older than `since`"
