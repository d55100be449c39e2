"""The outbox worker: sends what is due, records each outcome, retries with capped backoff.

Crash safety: the attempt is committed BEFORE the provider is called, and the outcome after. A
process killed in between leaves the message queued with the attempt counted; the next start
sends it again with the same idempotency key (the email's Message-ID, the SMS request's
Idempotency-Key), so the provider or mail reader sees one message, not two, and nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Final

from agent_desktop.protocol.bookings import (
    Booking,
    BookingStatus,
    DeliveryState,
    NotificationChannel,
    NotificationReason,
    NotificationType,
)
from agent_desktop.server.customer_notifications import delivery, triggers
from agent_desktop.server.customer_notifications.channels import (
    ChannelAdapter,
    Outgoing,
    PermanentFailure,
    TransientFailure,
)
from agent_desktop.server.customer_notifications.delivery import DeliveryEvent
from agent_desktop.server.customer_notifications.exclusion import exclusion
from agent_desktop.server.customer_notifications.render import Renderer
from agent_desktop.server.customer_notifications.service import BookingService
from agent_desktop.server.customer_notifications.store import BookingRecord, MessageRow

log = logging.getLogger(__name__)

N = NotificationType
MAX_IDLE_S: Final = 60.0
"""The worker looks again at least this often, whatever the next deadline says."""
AFTER_ERROR_S: Final = 1.0
_STOP_RECHECK_S: Final = 1.0


class Dispatcher:
    def __init__(
        self,
        service: BookingService,
        channels: Mapping[NotificationChannel, ChannelAdapter],
        renderer: Renderer,
        portal_url: Callable[[MessageRow, Booking], str],
    ) -> None:
        self.service = service
        self.channels = channels
        self.renderer = renderer
        self.portal_url = portal_url
        """A message of a booking -> the link it carries (with the message's own code)."""
        self._lock = asyncio.Lock()

    async def dispatch_due(self, stopping: Callable[[], bool] = lambda: False) -> int:
        """Send every message due now (one batch); how many were handled. Ends early, between
        two messages, once `stopping()` says so."""
        async with self._lock:
            service = self.service
            rows = service.store.due_messages(service.clock.now(), service.config.dispatch_batch)
            for handled, row in enumerate(rows):
                if stopping():
                    # A stop whose cancel a client library swallowed (see the worker's
                    # request_stop) still ends here: nothing new goes out after a stop.
                    return handled
                try:
                    await self._one(row)
                except Exception as exc:
                    # A defect (a template error, say) must not hold up every message behind
                    # this one, nor retry it every second: it fails, visibly, and is logged.
                    log.exception("customer notifications: message %s could not be sent", row.id)
                    self._fail_for_good(row, f"internal error: {exc!r}")
            return len(rows)

    def _fail_for_good(self, row: MessageRow, error: str) -> None:
        store = self.service.store
        with store.transaction():
            store.update_message(
                row.id,
                state=DeliveryState.FAILED,
                reason=NotificationReason.PERMANENT_FAILURE,
                last_error=error[:500],
                next_attempt_at=None,
            )

    def _withdrawn(
        self, row: MessageRow, record: BookingRecord | None
    ) -> NotificationReason | None:
        if record is None:
            return NotificationReason.BOOKING_ENDED
        booking = record.booking
        if (
            row.type in (N.REMINDER, N.RESCHEDULED)
            and booking.status is not BookingStatus.SCHEDULED
        ):
            return NotificationReason.BOOKING_ENDED
        # Measured from what the customer knew when the move was queued: the first channel's
        # message going out must not make the other channel's look like no move at all.
        baseline = record.told_start if row.told_start is None else row.told_start
        if row.type is N.RESCHEDULED and (
            baseline is None
            or not triggers.moved_enough(baseline, booking.start, self.service.config)
        ):
            return NotificationReason.NO_LONGER_MOVED
        contact = booking.contacts[row.contact_index]
        return exclusion(self.service.recipient(booking, contact, row.channel), self.service.config)

    async def _one(self, row: MessageRow) -> None:
        service, store = self.service, self.service.store
        now = service.clock.now()
        record = store.booking(row.booking_id)
        withdrawn = self._withdrawn(row, record)
        if withdrawn is not None:
            with store.transaction():
                state = delivery.next_state(row.state, DeliveryEvent.WITHDRAWN)
                store.update_message(row.id, state=state, reason=withdrawn, next_attempt_at=None)
            return
        assert record is not None
        booking = record.booking
        contact = booking.contacts[row.contact_index]
        release = service.release_at(row.type, contact, now)
        if release > now:  # a retry that fell into the quiet hours waits for their end
            with store.transaction():
                store.update_message(row.id, next_attempt_at=release)
            return
        adapter = self.channels[row.channel]
        rendered = self.renderer.render(row.type, booking, contact, self.portal_url(row, booking))
        attempts = row.attempts + 1
        with store.transaction():
            store.update_message(row.id, attempts=attempts)
        try:
            sent = await adapter.send(
                Outgoing(row.idempotency_key, row.address, contact.name, rendered, now)
            )
        except TransientFailure as exc:
            event = delivery.failure_event(attempts, service.config.retry)
            state = delivery.next_state(row.state, event)
            failed = state is DeliveryState.FAILED
            with store.transaction():
                store.update_message(
                    row.id,
                    state=state,
                    reason=NotificationReason.ATTEMPTS_EXHAUSTED if failed else None,
                    last_error=str(exc),
                    next_attempt_at=(
                        None if failed
                        else service.clock.now() + delivery.backoff(attempts, service.config.retry)
                    ),
                )  # fmt: skip
            return
        except PermanentFailure as exc:
            with store.transaction():
                store.update_message(
                    row.id,
                    state=delivery.next_state(row.state, DeliveryEvent.PERMANENT_FAILURE),
                    reason=NotificationReason.PERMANENT_FAILURE,
                    last_error=str(exc),
                    next_attempt_at=None,
                )
            return
        done = service.clock.now()
        state = delivery.next_state(row.state, DeliveryEvent.SENT)
        if sent.delivered:
            state = delivery.next_state(state, DeliveryEvent.DELIVERED)
        with store.transaction():
            store.update_message(
                row.id,
                state=state,
                sent_at=done,
                delivered_at=done if sent.delivered else None,
                provider_id=sent.provider_id,
                next_attempt_at=None,
                last_error=None,
                told_start=booking.start,
            )
            if row.type in (N.REMINDER, N.RESCHEDULED):
                store.set_told_start(booking.booking_id, booking.start)


class NotificationWorker:
    """Runs the daily reminder run and the outbox on their deadlines; `wake()` looks again now."""

    def __init__(self, service: BookingService, dispatcher: Dispatcher) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def run_once(self) -> int:
        """The daily run if due, then one batch of the outbox; messages handled."""
        more = self.service.daily_run_step()
        while more and not self._stopping:
            await asyncio.sleep(0)  # let the routing engine's traffic through between chunks
            more = self.service.daily_run_step()
        return await self.dispatcher.dispatch_due(lambda: self._stopping)

    def next_deadline(self) -> float:
        due = self.service.store.next_due()
        run = self.service.next_daily_run()
        return run if due is None else min(due, run)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="notifications")

    def wake(self) -> None:
        self._wake.set()

    def request_stop(self) -> None:
        """Stop sending (at once, or after the send in flight); `stop()` waits for it."""
        # The flag ends the loop even when a library swallows the cancel (a wait_for racing
        # with its own result loses the cancel on Python 3.11, and SMTP and HTTP clients await
        # inside wait_for): seen as a server shutdown hanging for a minute after a send.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()

    async def stop(self) -> None:
        self.request_stop()
        task, self._task = self._task, None
        if task is None:
            return
        while not task.done():
            task.cancel()  # again, should the last one have been swallowed
            await asyncio.wait({task}, timeout=_STOP_RECHECK_S)
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        clock = self.service.clock
        while not self._stopping:
            self._wake.clear()
            try:
                handled = await self.run_once()
                delay = (
                    0.0
                    if handled >= self.service.config.dispatch_batch
                    else max(0.0, min(MAX_IDLE_S, self.next_deadline() - clock.now()))
                )
            except Exception:
                log.exception("customer notifications: the worker's round failed")
                delay = AFTER_ERROR_S
            if delay > 0:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
                # that races with the wake-up (python/cpython#86296), and stop() then hangs.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
