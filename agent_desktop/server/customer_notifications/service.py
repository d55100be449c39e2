"""Commands on bookings and the daily run: validate, apply the rule tables, write, commit.

Each command runs in one transaction of the notification store: a refused command raises
`ProtocolError` and leaves nothing behind; an accepted one is audited and queues its messages in
the same commit, so no change is ever recorded without the notifications it triggers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.bookings import (
    Booking,
    BookingStatus,
    ChangeBooking,
    Contact,
    CreateBooking,
    DeliveryState,
    EtaSource,
    NotificationChannel,
    NotificationType,
)
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.customer_notifications import schedule, status, triggers
from agent_desktop.server.customer_notifications.config import CustomerNotificationsConfig
from agent_desktop.server.customer_notifications.contact import InvalidContact, normalised, zone
from agent_desktop.server.customer_notifications.eta import (
    Estimate,
    Estimator,
    Origin,
    needs_eta,
)
from agent_desktop.server.customer_notifications.exclusion import Recipient, exclusion
from agent_desktop.server.customer_notifications.location import InvalidLocation, checked
from agent_desktop.server.customer_notifications.placement import origin_of, placed
from agent_desktop.server.customer_notifications.store import (
    BookingRecord,
    NewMessage,
    NotificationStore,
)

LAST_RUN: Final = "last_daily_run"
MAX_BOOKING_S: Final = 30 * 86_400.0
DAILY_RUN_CHUNK: Final = 500
"""Bookings per transaction of the daily run; the worker yields to the loop between chunks."""
PAST_TOLERANCE_S: Final = 86_400.0
"""A new booking may start at most a day in the past (entered late); earlier is a typo."""

N = NotificationType


def refuse(code: ErrorCode, message: str) -> ProtocolError:
    return ProtocolError(code, message)


class BookingService:
    def __init__(
        self,
        config: CustomerNotificationsConfig,
        store: NotificationStore,
        clock: Clock,
        eta: Estimator | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.eta = eta if eta is not None else Estimator(config.eta)
        """Awaited by the caller (`eta_wanted`) before a change; `change` takes the result."""

    # --- bookings --------------------------------------------------------------------------

    def create(self, by: str, request: CreateBooking) -> Booking:
        now = self.clock.now()
        self._check_times(request.start, request.end, now)
        contacts = self._contacts(request.contacts)
        with _location_refused():
            site = (
                None if request.location is None else checked(request.location, "the service site")
            )
        with self.store.transaction():
            booking = Booking(
                booking_id=self.store.next_booking_id(),
                account=request.account,
                work_order_type=request.work_order_type,
                technician=request.technician,
                start=request.start,
                end=request.end,
                status=BookingStatus.SCHEDULED,
                contacts=contacts,
                location=site,
            )
            self.store.put_booking(booking, created_at=now)
            self._index_phones(booking)
            self.store.audit(now, by, booking.booking_id, "created", _describe(booking))
        return booking

    def _origin(self, booking: Booking, request: ChangeBooking, now: float) -> Origin:
        return origin_of(booking, request, now, self.eta.config.position_max_age_min * 60.0)

    def get(self, booking_id: str) -> BookingRecord:
        record = self.store.booking(booking_id)
        if record is None:
            raise refuse(ErrorCode.UNKNOWN_BOOKING, f"no booking {booking_id!r}")
        return record

    def eta_wanted(self, request: ChangeBooking) -> tuple[Booking, Origin] | None:
        """The booking (as this change would place it) and the technician's origin when the
        change needs an ETA; None when it does not, or will be refused anyway. The caller
        awaits `self.eta.estimate` with them and hands the result to `change`."""
        record = self.store.booking(request.booking_id)
        if record is None:
            return None
        before = record.booking
        try:
            after_status, _ = _next_status(before.status, request)
        except status.IllegalTransition:
            return None
        if not needs_eta(before.status, after_status, _ticked(request)):
            return None
        try:
            booking = placed(before, request, self.clock.now())
        except InvalidLocation:
            return None
        return booking, self._origin(booking, request, self.clock.now())

    def change(self, by: str, request: ChangeBooking, estimate: Estimate | None = None) -> Booking:
        """`estimate`: the ETA the caller awaited (`eta_wanted`); without it, a change that
        needs one gets the distance estimate (which needs no I/O)."""
        now = self.clock.now()
        record = self.get(request.booking_id)
        with _location_refused():
            before = placed(record.booking, request, now)
        start = before.start if request.start is None else request.start
        end = before.end if request.end is None else request.end
        if request.start is not None and request.end is None:
            end = start + (before.end - before.start)  # a move keeps the duration
        moved = start != before.start or end != before.end
        placing = request.location is not None or request.technician_position is not None
        if (moved or placing or request.technician is not None) and (
            before.status not in status.OPEN
        ):
            raise refuse(ErrorCode.INVALID_BOOKING, f"a {before.status} booking cannot change")
        if moved:
            self._check_times(start, end, now, new=False)
        try:
            new_status, notifies = _next_status(before.status, request)
        except status.IllegalTransition as exc:
            raise refuse(ErrorCode.INVALID_BOOKING, str(exc)) from None
        eta: float | None
        eta_source: EtaSource | None
        if needs_eta(before.status, new_status, _ticked(request)):
            if estimate is None:
                estimate = self.eta.fallback(before, self._origin(before, request, now), now)
            eta, eta_source = estimate.at, estimate.source
        else:
            eta, eta_source, estimate = before.eta, before.eta_source, None
        after = msgspec.structs.replace(
            before,
            start=start,
            end=end,
            technician=before.technician if request.technician is None else request.technician,
            status=new_status,
            eta=eta,
            eta_source=eta_source,
            completed_at=now if new_status is BookingStatus.COMPLETED else before.completed_at,
        )
        with self.store.transaction():
            self.store.put_booking(after, created_at=now)
            detail = _changes(record.booking, after)
            if estimate is not None and estimate.why is not None:
                detail += f" eta_fallback={estimate.why!r}"
            self.store.audit(now, by, after.booking_id, "changed", detail)
            reminder_sent = record.told_start is not None
            if notifies is not None and triggers.allowed(notifies, reminder_sent):
                self.queue(after, notifies, now)
            if (
                before.status is BookingStatus.TRAVELING
                and new_status is BookingStatus.TRAVELING
                and triggers.became_late(after.start, before.eta, after.eta, self.config)
            ):
                self.queue(after, N.RUNNING_LATE, now)
            if (
                moved
                and new_status is BookingStatus.SCHEDULED
                and record.told_start is not None
                and triggers.moved_enough(record.told_start, start, self.config)
                and not self.store.queued_of(after.booking_id, N.RESCHEDULED)
            ):
                # Later moves within the window ride on this message: it is rendered when
                # sent, with the final time (and dropped if that ends up within the threshold).
                self.queue(
                    after,
                    N.RESCHEDULED,
                    now,
                    delay_s=self.config.reschedule_coalesce_s,
                    told_start=record.told_start,
                )
        return after

    # --- the daily reminder run ------------------------------------------------------------

    def run_reminders(
        self, by: str = "system", run_at: float | None = None, *, limit: int | None = None
    ) -> tuple[float, int, bool]:
        """Queue the reminders of bookings starting within the horizon, at most `limit` of them
        per call (each call one transaction); (run_at, queued, finished)."""
        now = self.clock.now()
        run_at = now if run_at is None else run_at
        horizon = self.config.reminder_horizon_days * 86_400.0
        queued = 0
        with self.store.transaction():
            candidates = self.store.reminder_candidates(run_at, run_at + horizon, limit)
            for record in candidates:
                booking = record.booking
                if not triggers.reminder_due(
                    booking.status, booking.start, record.reminder_start is not None, run_at,
                    self.config,
                ):  # fmt: skip
                    continue
                self.store.set_reminder_start(booking.booking_id, booking.start)
                queued += self.queue(booking, N.REMINDER, now, key=str(booking.start))
            finished = limit is None or len(candidates) < limit
            if finished:  # a run cut short by a crash is done again (and skips what it did)
                self.store.set_meta(LAST_RUN, repr(run_at))
            self.store.audit(now, by, None, "reminder_run", f"run_at={run_at} queued={queued}")
        return run_at, queued, finished

    def daily_run_step(self, limit: int = DAILY_RUN_CHUNK) -> bool:
        """One chunk of the scheduled (or missed) daily run when it is due; True while more
        chunks remain. Chunks keep a run over 100,000 bookings from stalling the event loop."""
        last = self.store.meta(LAST_RUN)
        run_at = schedule.due_run(
            None if last is None else float(last), self.clock.now(), self.config.daily_run_utc
        )
        if run_at is None:
            return False
        return not self.run_reminders(run_at=max(run_at, self.clock.now()), limit=limit)[2]

    def next_daily_run(self) -> float:
        return schedule.next_run(self.clock.now(), self.config.daily_run_utc)

    # --- queueing --------------------------------------------------------------------------

    def queue(
        self, booking: Booking, kind: NotificationType, now: float, *, key: str = "",
        delay_s: float = 0.0, told_start: float | None = None,
    ) -> int:  # fmt: skip
        """One message per contact and channel; an excluded one is logged with its reason."""
        if not key and not triggers.RULES[kind].once_per_booking:
            key = repr(now)
        count = 0
        for index, contact in enumerate(booking.contacts):
            for channel in NotificationChannel:
                recipient = self.recipient(booking, contact, channel)
                reason = exclusion(recipient, self.config)
                release = self.release_at(kind, contact, now + delay_s)
                added = self.store.add_message(
                    NewMessage(
                        key=f"{kind}:{booking.booking_id}:{index}:{channel}:{key}",
                        booking_id=booking.booking_id,
                        account=booking.account,
                        contact=contact.name,
                        contact_index=index,
                        type=kind,
                        channel=channel,
                        address=recipient.address or "",
                        state=DeliveryState.QUEUED if reason is None else DeliveryState.EXCLUDED,
                        reason=reason,
                        created_at=now,
                        next_attempt_at=release if reason is None else None,
                        told_start=told_start,
                    )
                )
                count += added is not None
                if added is not None and reason is None:  # its link gets its own code
                    expires_at = self.config.portal.code_expires_at(booking.end)
                    self.store.mint_code(booking.booking_id, added, now, expires_at)
        return count

    def recipient(
        self, booking: Booking, contact: Contact, channel: NotificationChannel
    ) -> Recipient:
        if channel is NotificationChannel.EMAIL:
            address, stopped = contact.email, False
        else:
            address = contact.mobile_phone
            stopped = address is not None and self.store.sms_stopped(address)
        return Recipient(
            account=booking.account,
            work_order_type=booking.work_order_type,
            contact=contact,
            channel=channel,
            address=address,
            sms_stopped=stopped,
        )

    def release_at(self, kind: NotificationType, contact: Contact, at: float) -> float:
        quiet = self.config.quiet_hours
        if quiet is None or kind not in quiet.applies_to:
            return at
        return schedule.quiet_release(at, zone(contact.time_zone), quiet)

    # --- validation ------------------------------------------------------------------------

    def _check_times(self, start: float, end: float, now: float, *, new: bool = True) -> None:
        if end <= start:
            raise refuse(ErrorCode.INVALID_BOOKING, "the booking must end after it starts")
        if end - start > MAX_BOOKING_S:
            raise refuse(ErrorCode.INVALID_BOOKING, "a booking lasts at most 30 days")
        if start < now - PAST_TOLERANCE_S:
            what = "a new booking" if new else "a booking"
            raise refuse(ErrorCode.INVALID_BOOKING, f"{what} cannot start more than a day ago")

    def _contacts(self, contacts: list[Contact]) -> list[Contact]:
        try:
            return [normalised(c, self.config.default_region) for c in contacts]
        except InvalidContact as exc:
            raise refuse(ErrorCode.INVALID_BOOKING, str(exc)) from None

    def _index_phones(self, booking: Booking) -> None:
        numbers = {c.mobile_phone for c in booking.contacts if c.mobile_phone is not None}
        self.store.set_phones(booking.booking_id, numbers)


def _next_status(
    current: BookingStatus, request: ChangeBooking
) -> tuple[BookingStatus, NotificationType | None]:
    """The status after the change and what it tells the customer; raises
    `status.IllegalTransition` for a move the rules forbid."""
    if request.status is None or request.status is current:
        return current, None
    step = status.transition(current, request.status)
    return step.next, step.notifies


def _ticked(request: ChangeBooking) -> bool:
    """A new distance or position: an ETA tick while the technician is on the way."""
    return request.distance_km is not None or request.technician_position is not None


@contextmanager
def _location_refused() -> Iterator[None]:
    """A bad site or position is refused as an invalid booking, changing nothing."""
    try:
        yield
    except InvalidLocation as exc:
        raise refuse(ErrorCode.INVALID_BOOKING, str(exc)) from None


def _describe(booking: Booking) -> str:
    return (
        f"account={booking.account} type={booking.work_order_type} "
        f"technician={booking.technician} start={booking.start} end={booking.end} "
        f"contacts={len(booking.contacts)}"
    )


def _changes(before: Booking, after: Booking) -> str:
    fields = (
        "start", "end", "technician", "status", "eta", "completed_at", "location",
        "technician_position", "eta_source",
    )  # fmt: skip
    return " ".join(
        f"{name}={getattr(before, name)}->{getattr(after, name)}"
        for name in fields
        if getattr(before, name) != getattr(after, name)
    )
