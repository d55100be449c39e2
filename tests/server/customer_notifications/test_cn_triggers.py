"""Each trigger and its boundaries on an injected clock, sent through a real SMTP server and a
real SMS endpoint on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    Booking,
    BookingStatus,
    DeliveryState,
    NotificationChannel,
    NotificationReason,
    NotificationType,
)
from agent_desktop.server.customer_notifications.render import local_time
from tests.server.customer_notifications.conftest import (
    DAY,
    HOUR,
    MONDAY_0900,
    Desk,
    DeskFactory,
    Providers,
    ada,
    states,
)

N = NotificationType
TEN_UTC = MONDAY_0900 + HOUR


async def remind(desk: Desk) -> None:
    """The Monday 10:00 run, its reminders sent (Berlin is at 12:00: no quiet hours)."""
    desk.at(TEN_UTC)
    await desk.run()


# --- upcoming reminder: 10:00 UTC, 7 days, never twice --------------------------------------


async def test_the_daily_run_reminds_bookings_within_seven_days_from_10_utc(
    desk: Desk, providers: Providers
) -> None:
    await desk.run()  # the first start's catch-up run (09:00): neither booking is within 7 d
    inside = desk.book(TEN_UTC - MONDAY_0900 + 7 * DAY)
    outside = desk.book(TEN_UTC - MONDAY_0900 + 7 * DAY + 1)
    desk.at(TEN_UTC - 1)
    await desk.run()
    assert desk.messages(inside) == []
    desk.at(TEN_UTC)
    await desk.run()
    assert states(desk.messages(inside)) == [("email", "sent"), ("sms", "sent")]
    assert desk.messages(outside) == []
    desk.at(TEN_UTC + DAY)
    await desk.run()
    assert states(desk.messages(outside)) == [("email", "sent"), ("sms", "sent")]
    assert len(providers.smtp.received) == 2
    assert len(providers.sms.requests) == 2


async def test_a_reminder_is_never_sent_twice_also_across_a_restart(
    make_desk: DeskFactory, providers: Providers
) -> None:
    clock = ManualClock(MONDAY_0900)
    first = make_desk(clock=clock)
    booking = first.book(2 * DAY)
    await remind(first)
    assert first.cn.service.run_reminders("sam")[1] == 0  # "run now" finds nothing new
    first.cn.close()
    second = make_desk(clock=clock)
    await second.run()
    assert second.cn.service.run_reminders("sam")[1] == 0
    clock.advance(DAY)
    await second.run()  # Tuesday's run: the booking is still within 7 days
    assert len(second.messages(booking, N.REMINDER)) == 2
    assert len(providers.smtp.received) == 1
    assert len(providers.sms.requests) == 1


async def test_a_missed_daily_run_catches_up_when_the_server_starts(
    make_desk: DeskFactory, providers: Providers
) -> None:
    clock = ManualClock(MONDAY_0900)
    first = make_desk(clock=clock)
    await remind(first)
    booking = first.book(6 * DAY)  # within 7 days of Wednesday, not of Monday 10:00... yet
    far = first.book(9 * DAY)
    first.cn.close()
    # Down over Tuesday's and Wednesday's 10:00 runs; back on Wednesday at 15:00.
    clock.advance(2 * DAY + 5 * HOUR)
    second = make_desk(clock=clock)
    await second.run()
    assert states(second.messages(booking)) == [("email", "sent"), ("sms", "sent")]
    assert states(second.messages(far)) == [("email", "sent"), ("sms", "sent")]
    clock.advance(HOUR)
    await second.run()
    assert len(providers.sms.requests) == 2  # no second catch-up


async def test_a_reminder_waits_out_the_quiet_hours_in_the_customers_zone(
    desk: Desk, providers: Providers
) -> None:
    kiri = ada(
        name="Kiri", email="kiri@example.com", mobile_phone=None, time_zone="Pacific/Auckland"
    )
    booking = desk.book(2 * DAY, contacts=[ada(), kiri])
    await remind(desk)  # 10:00 UTC is 22:00 in Auckland (NZST, UTC+12)
    rows = desk.messages(booking)
    assert [r.state for r in rows if r.contact == "Ada"] == [DeliveryState.SENT] * 2
    held = [r for r in rows if r.contact == "Kiri" and r.channel is NotificationChannel.EMAIL]
    assert [r.state for r in held] == [DeliveryState.QUEUED]
    assert held[0].next_attempt_at == TEN_UTC + 10 * HOUR  # 08:00 NZST
    desk.at(TEN_UTC + 10 * HOUR - 1)
    await desk.run()
    assert desk.messages(booking)[held[0].id - rows[0].id].state is DeliveryState.QUEUED
    desk.at(TEN_UTC + 10 * HOUR)
    await desk.run()
    assert desk.messages(booking)[held[0].id - rows[0].id].state is DeliveryState.SENT
    assert [str(m["To"]) for m in providers.smtp.received][-1] == "Kiri <kiri@example.com>"


# --- rescheduled: only after a reminder, more than 10 minutes, coalesced ---------------------


async def test_a_move_before_any_reminder_sends_nothing(desk: Desk) -> None:
    booking = desk.book(10 * DAY)
    desk.change(booking, start=booking.start + 2 * HOUR)
    desk.at(MONDAY_0900 + HOUR)
    await desk.run()
    assert desk.messages(booking, N.RESCHEDULED) == []


async def test_a_move_of_exactly_ten_minutes_is_not_announced_eleven_is(desk: Desk) -> None:
    booking = desk.book(2 * DAY)
    await remind(desk)
    desk.change(booking, start=booking.start + 600)
    assert desk.messages(booking, N.RESCHEDULED) == []
    desk.change(booking, start=booking.start + 660)
    rows = desk.messages(booking, N.RESCHEDULED)
    assert states(rows) == [("email", "queued"), ("sms", "queued")]


async def test_several_moves_in_the_window_go_out_as_one_message_with_the_final_time(
    desk: Desk, providers: Providers
) -> None:
    booking = desk.book(2 * DAY)
    await remind(desk)
    desk.change(booking, start=booking.start + HOUR)
    desk.clock.advance(60)
    desk.change(booking, start=booking.start + 2 * HOUR)
    desk.clock.advance(60)
    final = desk.change(booking, start=booking.start + 3 * HOUR)
    await desk.run()
    assert len(providers.sms.requests) == 1  # only the reminder so far: the window is open
    desk.clock.advance(300)
    await desk.run()
    rows = desk.messages(booking, N.RESCHEDULED)
    assert states(rows) == [("email", "sent"), ("sms", "sent")]
    told = local_time(final.start, ada())
    assert told in providers.sms.requests[-1]["text"]
    assert told in str(providers.smtp.received[-1]["Subject"])
    # Told now: a further move of 5 minutes is within the threshold of the new time.
    desk.change(final, start=final.start + 300)
    assert len(desk.messages(booking, N.RESCHEDULED)) == 2


async def test_moves_that_end_back_within_ten_minutes_send_nothing(
    desk: Desk, providers: Providers
) -> None:
    booking = desk.book(2 * DAY)
    await remind(desk)
    desk.change(booking, start=booking.start + HOUR)
    desk.change(booking, start=booking.start + 300)  # back to 5 minutes after the told time
    desk.clock.advance(300)
    await desk.run()
    rows = desk.messages(booking, N.RESCHEDULED)
    assert [(r.state, r.reason) for r in rows] == [
        (DeliveryState.EXCLUDED, NotificationReason.NO_LONGER_MOVED)
    ] * 2
    assert len(providers.sms.requests) == 1


# --- canceled: only after a reminder -----------------------------------------------------------


async def test_a_cancel_before_any_reminder_sends_nothing(desk: Desk) -> None:
    booking = desk.book(10 * DAY)
    desk.change(booking, status=BookingStatus.CANCELED)
    await desk.run()
    assert desk.messages(booking) == []


async def test_a_cancel_after_the_reminder_is_sent(desk: Desk, providers: Providers) -> None:
    booking = desk.book(2 * DAY)
    await remind(desk)
    desk.change(booking, status=BookingStatus.CANCELED)
    await desk.run()
    assert states(desk.messages(booking, N.CANCELED)) == [("email", "sent"), ("sms", "sent")]
    assert "canceled" in providers.sms.requests[-1]["text"]


async def test_a_cancel_while_the_reminder_waits_for_morning_sends_neither(desk: Desk) -> None:
    kiwi = ada(time_zone="Pacific/Auckland")
    booking = desk.book(2 * DAY, contacts=[kiwi])
    await remind(desk)
    desk.change(booking, status=BookingStatus.CANCELED)
    desk.clock.advance(12 * HOUR)
    await desk.run()
    rows = desk.messages(booking)
    assert [(r.type, r.state, r.reason) for r in rows] == [
        (N.REMINDER, DeliveryState.EXCLUDED, NotificationReason.BOOKING_ENDED)
    ] * 2


# --- traveling (with ETA) and completed ------------------------------------------------------


async def test_traveling_carries_the_estimated_arrival_and_goes_only_once(
    desk: Desk, providers: Providers
) -> None:
    booking = desk.book(3 * HOUR)
    moving = desk.change(booking, status=BookingStatus.TRAVELING, distance_km=40.0)
    assert moving.eta == desk.clock.now() + 40 / 40 * 1.3 * HOUR
    again = desk.change(moving, status=BookingStatus.TRAVELING)
    assert again.eta == moving.eta
    await desk.run()
    assert states(desk.messages(booking)) == [("email", "sent"), ("sms", "sent")]
    assert local_time(moving.eta, ada()) in providers.sms.requests[0]["text"]


async def test_completed_tells_when_the_work_was_done(desk: Desk, providers: Providers) -> None:
    booking = desk.book(HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    desk.change(booking, status=BookingStatus.IN_PROGRESS)
    desk.clock.advance(2 * HOUR)
    done = desk.change(booking, status=BookingStatus.COMPLETED)
    assert done.completed_at == desk.clock.now()
    await desk.run()
    assert states(desk.messages(booking, N.COMPLETED)) == [("email", "sent"), ("sms", "sent")]
    assert local_time(desk.clock.now(), ada()) in str(providers.smtp.received[-1].get_body())


async def test_traveling_is_not_held_by_quiet_hours(desk: Desk) -> None:
    booking = desk.book(3 * HOUR, contacts=[ada(time_zone="Pacific/Auckland")])
    desk.at(TEN_UTC + HOUR)  # 23:00 in Auckland
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    assert {r.state for r in desk.messages(booking, N.TRAVELING)} == {DeliveryState.SENT}


# --- exclusions and opt-outs, for every kind ---------------------------------------------------


async def trigger(desk: Desk, booking: Booking, kind: NotificationType) -> None:
    if kind is N.REMINDER:
        desk.at(TEN_UTC)
    elif kind is N.TRAVELING:
        desk.change(booking, status=BookingStatus.TRAVELING)
    elif kind is N.COMPLETED:
        desk.change(booking, status=BookingStatus.IN_PROGRESS)
        desk.change(booking, status=BookingStatus.COMPLETED)
    elif kind is N.RUNNING_LATE:
        desk.change(booking, status=BookingStatus.TRAVELING, distance_km=0)
        desk.change(booking, distance_km=5000)  # an ETA tick days past the start
    elif kind is N.RESCHEDULED:
        desk.change(booking, start=booking.start + HOUR)
        desk.clock.advance(300)
    else:
        desk.change(booking, status=BookingStatus.CANCELED)
    await desk.run()


@pytest.mark.parametrize("kind", list(NotificationType))
@pytest.mark.parametrize(
    ("lists", "reason"),
    [
        ({"excluded_accounts": ["ACME"]}, NotificationReason.ACCOUNT_EXCLUDED),
        ({"excluded_work_order_types": ["repair"]}, NotificationReason.WORK_ORDER_TYPE_EXCLUDED),
    ],
)
async def test_exclusion_lists_hold_back_every_kind_and_log_why(
    make_desk: DeskFactory,
    providers: Providers,
    kind: NotificationType,
    lists: dict[str, list[str]],
    reason: NotificationReason,
) -> None:
    clock = ManualClock(MONDAY_0900)
    plain = make_desk(clock=clock)
    booking = plain.book(2 * DAY)
    if kind in (N.RESCHEDULED, N.CANCELED):
        await remind(plain)  # sent before the account (or type) was put on the list
    sent_before = len(providers.sms.requests)
    excluded = make_desk(clock=clock, **lists)  # the server restarted with the new lists
    await trigger(excluded, booking, kind)
    rows = excluded.messages(booking, kind)
    assert [(r.state, r.reason) for r in rows[-2:]] == [(DeliveryState.EXCLUDED, reason)] * 2
    assert len(providers.sms.requests) == sent_before


@pytest.mark.parametrize("kind", list(NotificationType))
async def test_a_contacts_email_opt_out_holds_back_email_of_every_kind(
    desk: Desk, providers: Providers, kind: NotificationType
) -> None:
    booking = desk.book(2 * DAY, contacts=[ada(email_opt_out=True)])
    if kind in (N.RESCHEDULED, N.CANCELED):
        await remind(desk)  # by SMS: the reminder counts as sent
    await trigger(desk, booking, kind)
    rows = desk.messages(booking, kind)
    email = [r for r in rows if r.channel is NotificationChannel.EMAIL]
    sms = [r for r in rows if r.channel is NotificationChannel.SMS]
    assert [(r.state, r.reason) for r in email] == [
        (DeliveryState.EXCLUDED, NotificationReason.OPTED_OUT)
    ]
    assert [r.state for r in sms] == [DeliveryState.SENT]
    assert providers.smtp.received == []


async def test_a_contact_without_a_mobile_is_logged_as_no_address(desk: Desk) -> None:
    booking = desk.book(2 * DAY, contacts=[ada(mobile_phone=None)])
    await remind(desk)
    sms = desk.messages(booking, N.REMINDER)[-1]
    assert (sms.channel, sms.state, sms.reason) == (
        NotificationChannel.SMS,
        DeliveryState.EXCLUDED,
        NotificationReason.NO_ADDRESS,
    )


async def test_channels_are_off_until_configured(make_desk: DeskFactory) -> None:
    desk = make_desk(email=None, sms=None)
    booking = desk.book(HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    assert [(r.state, r.reason) for r in desk.messages(booking)] == [
        (DeliveryState.EXCLUDED, NotificationReason.CHANNEL_OFF)
    ] * 2


def test_every_change_is_audited(desk: Desk, tmp_path: Path) -> None:
    booking = desk.book(2 * DAY)
    desk.change(booking, technician="Tom")
    desk.change(booking, status=BookingStatus.TRAVELING)
    audit = desk.cn.store.audit_of(booking.booking_id)
    assert [(by, action) for _, by, action, _ in audit] == [
        ("sam", "created"),
        ("sam", "changed"),
        ("sam", "changed"),
    ]
    assert "technician=Tess->Tom" in audit[1][3]
    assert "status=scheduled->traveling" in audit[2][3]


async def test_a_daily_run_cut_short_is_finished_after_a_restart_without_repeats(
    make_desk: DeskFactory, providers: Providers
) -> None:
    clock = ManualClock(MONDAY_0900)
    first = make_desk(clock=clock)
    bookings = [first.book(DAY + n * HOUR) for n in range(5)]
    clock.set(TEN_UTC)
    assert first.cn.service.daily_run_step(limit=2)  # more to do ...
    first.cn.close()  # ... when the server dies
    second = make_desk(clock=clock)
    await second.run()  # the run is still due: it finishes, in chunks
    for booking in bookings:
        assert states(second.messages(booking)) == [("email", "sent"), ("sms", "sent")]
    assert not second.cn.service.daily_run_step(limit=2)
    assert len(providers.sms.requests) == 5
