"""The domain put together: store, rules, channels, worker, portal; and its protocol requests.

The network layer hands every booking request to `handle` (with the caller's role, after login)
and every `GET /portal/<code>` to `portal_page`; nothing else of this package is visible there.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

from agent_desktop.clock import Clock
from agent_desktop.protocol.bookings import (
    BlockBookingCodes,
    BookingCodes,
    BookingInfo,
    BookingReply,
    BookingRequest,
    ChangeBooking,
    ChangeBookingCode,
    CreateBooking,
    DeliveryReport,
    DeliveryState,
    GetBooking,
    ListBookingCodes,
    ListNotifications,
    NotificationChannel,
    NotificationEntry,
    NotificationReason,
    Notifications,
    ReminderRun,
    RunReminders,
    SmsHandled,
    SmsReceived,
    TechnicianPosition,
)
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.vocabulary import ErrorCode, Role
from agent_desktop.server.customer_notifications import delivery
from agent_desktop.server.customer_notifications.channels import (
    ChannelAdapter,
    EmailChannel,
    SmsChannel,
)
from agent_desktop.server.customer_notifications.config import CustomerNotificationsConfig
from agent_desktop.server.customer_notifications.contact import InvalidContact, e164
from agent_desktop.server.customer_notifications.conversation import Route, route_reply
from agent_desktop.server.customer_notifications.dispatch import Dispatcher, NotificationWorker
from agent_desktop.server.customer_notifications.eta import Estimate, Estimator, EtaProvider
from agent_desktop.server.customer_notifications.eta_osrm import default_eta_provider
from agent_desktop.server.customer_notifications.portal import PORTAL_PATH, Page, Portal
from agent_desktop.server.customer_notifications.render import Renderer
from agent_desktop.server.customer_notifications.service import BookingService
from agent_desktop.server.customer_notifications.store import NotificationStore
from agent_desktop.server.customer_notifications.watch import LogWatch, Send

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
_STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})


def default_channels(
    config: CustomerNotificationsConfig,
) -> dict[NotificationChannel, ChannelAdapter]:
    """The configured channels only: a channel without its table stays off."""
    channels: dict[NotificationChannel, ChannelAdapter] = {}
    if config.email is not None:
        channels[NotificationChannel.EMAIL] = EmailChannel(config.email, config.portal.brand_name)
    if config.sms is not None:
        channels[NotificationChannel.SMS] = SmsChannel(config.sms)
    return channels


class CustomerNotifications:
    def __init__(
        self,
        config: CustomerNotificationsConfig,
        clock: Clock,
        *,
        db_path: Path | None,
        portal_base_url: str,
        channels: dict[NotificationChannel, ChannelAdapter] | None = None,
        eta: EtaProvider | None = None,
        shared_checkpointer: bool = False,
    ) -> None:
        self.config = config
        self.clock = clock
        self.store = NotificationStore(db_path, shared_checkpointer=shared_checkpointer)
        provider = default_eta_provider(config.eta) if eta is None else eta
        self.service = BookingService(config, self.store, clock, Estimator(config.eta, provider))
        self.portal = Portal(self.store, clock, config.portal)
        base = (config.portal.base_url or portal_base_url).rstrip("/")
        self.dispatcher = Dispatcher(
            self.service,
            default_channels(config) if channels is None else channels,
            Renderer(config.portal.brand_name),
            lambda row, booking: f"{base}/{self.portal.code_for(row, booking)}",
        )
        self.worker = NotificationWorker(self.service, self.dispatcher)
        self.log_watch = LogWatch(self.store)

    def close(self) -> None:
        self.store.close()

    # --- HTTP ------------------------------------------------------------------------------

    @staticmethod
    def is_portal_path(path: str) -> bool:
        return path.startswith(PORTAL_PATH)

    def portal_page(self, client: str, path: str) -> Page:
        return self.portal.page(client, path[len(PORTAL_PATH) :])

    # --- protocol --------------------------------------------------------------------------

    async def answer(
        self,
        role: Role,
        user: str,
        request: BookingRequest,
        route: Route | None = None,
        watcher: tuple[Hashable, Send] | None = None,
    ) -> BookingReply:
        """`handle`, after awaiting the ETA a change needs (the routing service's answer, or
        the distance estimate when it fails), so the rules get it as a value."""
        estimate: Estimate | None = None
        change = _as_change(request)
        if change is not None and role in self.config.dispatcher_roles:
            wanted = self.service.eta_wanted(change)
            if wanted is not None:
                estimate = await self.service.eta.estimate(*wanted, self.clock.now())
        return self.handle(role, user, request, route, watcher, estimate)

    def handle(
        self,
        role: Role,
        user: str,
        request: BookingRequest,
        route: Route | None = None,
        watcher: tuple[Hashable, Send] | None = None,
        estimate: Estimate | None = None,
    ) -> BookingReply:
        """One request of a logged-in user; refusals raise ProtocolError and change nothing.

        `route` hands a routing request to the engine as this user (an SMS reply becomes a
        conversation); without it, replies are only acknowledged. `watcher` (the connection and
        its send) starts watching the log with `list_notifications`; `log_watch.unwatch` ends it.
        """
        re = request.id
        match request:
            case CreateBooking():
                self._require(role in self.config.dispatcher_roles, "dispatchers", request)
                reply: BookingReply = BookingInfo(re=re, booking=self.service.create(user, request))
            case ChangeBooking() | TechnicianPosition():
                self._require(role in self.config.dispatcher_roles, "dispatchers", request)
                change = _as_change(request)
                assert change is not None
                reply = BookingInfo(re=re, booking=self.service.change(user, change, estimate))
            case GetBooking(booking_id=booking_id):
                self._require(
                    role in self.config.dispatcher_roles or role in _STAFF, "staff", request
                )
                reply = BookingInfo(re=re, booking=self.service.get(booking_id).booking)
            case RunReminders():
                self._require(role in self.config.dispatcher_roles, "dispatchers", request)
                run_at, queued, _ = self.service.run_reminders(user)
                reply = ReminderRun(re=re, run_at=run_at, queued=queued)
            case ListNotifications():
                self._require(role in _STAFF, "supervisors and admins", request)
                rows = self.store.messages(
                    booking_id=request.booking_id,
                    state=request.state,
                    kind=request.notification_type,
                    channel=request.channel,
                    since=request.since,
                    limit=request.limit,
                )
                reply = Notifications(re=re, entries=[row.entry() for row in rows])
                if watcher is not None:
                    self.log_watch.watch(*watcher)
            case ListBookingCodes(booking_id=booking_id):
                self._require(role is Role.ADMIN, "admins", request)
                reply = BookingCodes(re=re, codes=self.portal.codes(booking_id))
            case ChangeBookingCode(code=code, action=action, days=days):
                self._require(role is Role.ADMIN, "admins", request)
                reply = BookingCodes(re=re, codes=[self.portal.change(user, code, action, days)])
            case BlockBookingCodes(booking_id=booking_id):
                self._require(role is Role.ADMIN, "admins", request)
                self.service.get(booking_id)  # an unknown booking is refused, not "no codes"
                reply = BookingCodes(re=re, codes=self.portal.block_all(user, booking_id))
            case DeliveryReport(provider_id=provider_id, delivered=delivered, error=error):
                self._require(role in self.config.dispatcher_roles, "dispatchers", request)
                entry = self.delivery_report(provider_id, re, delivered=delivered, error=error)
                reply = Notifications(re=re, entries=[entry])
            case SmsReceived(from_number=number, text=text):
                self._require(role in self.config.dispatcher_roles, "dispatchers", request)
                reply = self.sms_received(re, user, number, text, route)
        self.worker.wake()
        return reply

    def sms_received(
        self, re: str, user: str, number: str, text: str, route: Route | None
    ) -> SmsHandled:
        """A customer's SMS (`sms_received`, or the provider's webhook): STOP/START, or a reply
        that becomes a routed conversation. A bad number raises ProtocolError, changing nothing."""
        try:
            sender = e164(number, self.config.default_region)
        except InvalidContact as exc:
            raise ProtocolError(ErrorCode.INVALID_BOOKING, str(exc), re) from None
        word = text.strip().upper()
        now = self.clock.now()
        action = "received"
        if word in STOP_WORDS or word in START_WORDS:
            action = "opted_out" if word in STOP_WORDS else "opted_in"
            with self.store.transaction():
                self.store.set_sms_stop(sender, now if word in STOP_WORDS else None)
                for booking_id in self.store.bookings_of_phone(sender):
                    self.store.audit(now, user, booking_id, f"sms_{action}", sender)
        elif route is not None and self.config.sms_reply_queue is not None:
            queue = self.config.sms_reply_queue
            work_id = route_reply(self.store, route, re, queue, sender, text.strip())
            return SmsHandled(re=re, number=sender, action="routed", work_id=work_id)
        return SmsHandled(re=re, number=sender, action=action)

    def delivery_report(
        self, provider_id: str, re: str, *, delivered: bool = True, error: str | None = None
    ) -> NotificationEntry:
        """The provider's receipt (`delivery_report`, or the webhook): the message reached the
        phone, or (`delivered` false) it never will, and staff must read it as failed."""
        row = self.store.message_by_provider_id(provider_id)
        if row is None:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "no message with that provider id", re)
        if row.state is (DeliveryState.DELIVERED if delivered else DeliveryState.FAILED):
            return row.entry()  # a provider repeating its report changes nothing
        event = (
            delivery.DeliveryEvent.DELIVERED if delivered else delivery.DeliveryEvent.UNDELIVERED
        )
        try:
            state = delivery.next_state(row.state, event)
        except delivery.IllegalDelivery as exc:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, str(exc), re) from None
        with self.store.transaction():
            if delivered:
                self.store.update_message(row.id, state=state, delivered_at=self.clock.now())
            else:
                said = "undelivered" + (f": {error}" if error else "")
                self.store.update_message(
                    row.id, state=state, reason=NotificationReason.UNDELIVERED, last_error=said
                )
        changed = self.store.message(row.id)
        assert changed is not None
        return changed.entry()

    @staticmethod
    def _require(allowed: bool, who: str, request: BookingRequest) -> None:
        if not allowed:
            raise ProtocolError(ErrorCode.FORBIDDEN, f"only {who} may do this", request.id)


def _as_change(request: BookingRequest) -> ChangeBooking | None:
    """A technician's position is a change of the booking that carries only that."""
    if isinstance(request, TechnicianPosition):
        return ChangeBooking(
            id=request.id, booking_id=request.booking_id, technician_position=request.position
        )
    return request if isinstance(request, ChangeBooking) else None
