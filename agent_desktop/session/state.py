"""The agent's desktop as one immutable value: everything a shell renders comes from here.

A new `AgentState` is made by `reducer.apply` for every event; nothing mutates one in place, so a
shell may keep any snapshot it was given and compare it with the next.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NewType

import msgspec

from agent_desktop.protocol.bookings import BookingCode, NotificationEntry
from agent_desktop.protocol.model import (
    AgentView,
    Alert,
    CustomPresence,
    NextPresence,
    Offer,
    PresenceInfo,
    QueueStats,
    QueueView,
    Session,
    Toast,
    WrapUp,
)
from agent_desktop.protocol.vocabulary import (
    AlertKind,
    Channel,
    ErrorCode,
    OfferId,
    Presence,
    Reason,
    Role,
    SessionId,
    UserId,
    WorkId,
)
from agent_desktop.session.climb import Climb
from agent_desktop.session.log_filter import NotificationFilter


class LinkStatus(StrEnum):
    OFFLINE = "offline"
    """Not started, logged out, or closed on purpose."""
    CONNECTING = "connecting"
    ONLINE = "online"
    """Signed in and resynced from the server's snapshot."""
    RECONNECTING = "reconnecting"
    """The link dropped; the next attempt is at `Connection.retry_at`."""
    AUTH_FAILED = "auth_failed"
    """The server refused the credentials; the core stops until the user logs in again."""


class Connection(msgspec.Struct, frozen=True):
    status: LinkStatus = LinkStatus.OFFLINE
    retry_at: float | None = None
    """Local clock time of the next attempt while reconnecting."""
    attempt: int = 0
    detail: str = ""
    """Why the link is not online (the last error), shown next to the status."""

    def retry_in(self, now: float) -> float | None:
        """Seconds until the next attempt ("reconnecting in N s"), or None."""
        if self.status is not LinkStatus.RECONNECTING or self.retry_at is None:
            return None
        return max(0.0, self.retry_at - now)


class Identity(msgspec.Struct, frozen=True):
    user: UserId
    role: Role
    display_name: str
    queues: tuple[QueueView, ...] = ()
    """Every queue on the server: where a session can be transferred or escalated."""

    @property
    def supervises(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


class AnswerStatus(StrEnum):
    """Where the agent's accept of an offer is (the offer id is its idempotency key: the server
    applies an accept of one offer once, however often it is sent)."""

    WAITING_FOR_LINK = "waiting_for_link"
    """Pressed while the link was down: sent once it is back, if the offer's deadline allows
    ("Accepting… reconnecting"); dropped with a reason at the deadline."""
    SENDING = "sending"
    """Sent; the server's reply is on its way ("Accepting…")."""


class PendingOffer(msgspec.Struct, frozen=True):
    """An offer waiting for the agent, with its deadline on the local clock."""

    offer: Offer
    deadline: float
    """`expires_at` minus the clock offset: when the offer leaves the desktop, locally."""
    answer: AnswerStatus | None = None
    """The agent's accept, once pressed; None while the offer waits for a decision."""

    @property
    def accepting(self) -> bool:
        """An accept was pressed: show "Accepting…" instead of the buttons."""
        return self.answer is not None

    @property
    def waiting_for_link(self) -> bool:
        """The accept waits for the connection: show "Accepting… reconnecting"."""
        return self.answer is AnswerStatus.WAITING_FOR_LINK

    @property
    def offer_id(self) -> OfferId:
        return self.offer.offer_id

    @property
    def rejectable(self) -> bool:
        return self.offer.rejectable

    @property
    def show_countdown(self) -> bool:
        return self.offer.notification.show_timeout

    def remaining(self, now: float) -> float:
        return max(0.0, self.deadline - now)

    def countdown(self, now: float) -> float | None:
        """Seconds to show, or None when the template hides the countdown (it still runs)."""
        return self.remaining(now) if self.show_countdown else None


class ClientAlertKind(StrEnum):
    """Alerts the client raises itself, next to the server's `AlertKind`s."""

    CONNECTION_LOST = "connection_lost"


class AlertAction(StrEnum):
    """What resolves an alert, offered as its button."""

    SET_AVAILABLE = "set_available"
    RECONNECT = "reconnect"


CONNECTION_LOST_ALERT = "client:connection_lost"


class ShownAlert(msgspec.Struct, frozen=True):
    alert_id: str
    kind: AlertKind | ClientAlertKind
    message: str
    raised_at: float
    work_id: WorkId | None = None
    channel: Channel | None = None
    """The work's channel and customer, when the server sent them: the shell words the alert
    in the agent's language from these and `kind`, and shows `message` (English) without."""
    customer: str | None = None
    reason: Reason | None = None
    """Why, where the kind alone does not say: `repeat_misses` marks the penalty's alert."""
    until: float | None = None
    """When the alert's condition ends by itself (the penalty's end, server time)."""

    @property
    def penalty(self) -> bool:
        """The repeat-miss penalty's alert: true while the penalty lasts, whatever the presence."""
        return self.reason is Reason.REPEAT_MISSES

    @property
    def from_server(self) -> bool:
        return isinstance(self.kind, AlertKind)

    @property
    def action(self) -> AlertAction:
        if self.kind is ClientAlertKind.CONNECTION_LOST:
            return AlertAction.RECONNECT
        return AlertAction.SET_AVAILABLE

    @staticmethod
    def of(alert: Alert) -> ShownAlert:
        return ShownAlert(
            alert_id=alert.alert_id,
            kind=alert.kind,
            message=alert.message,
            raised_at=alert.raised_at,
            work_id=alert.work_id,
            channel=alert.channel,
            customer=alert.customer,
            reason=alert.reason,
            until=alert.until,
        )


ToastId = NewType("ToastId", str)
"""The key of a shown toast: its own kind of id, never passed off as an `OfferId`."""


class ShownToast(msgspec.Struct, frozen=True):
    toast: Toast
    until: float
    """Local clock time at which the toast dismisses itself."""

    @property
    def toast_id(self) -> ToastId:
        """Stable and unique on this desktop: one session gets at most one toast an instant
        (the wire's toast carries no id of its own)."""
        return ToastId(f"toast:{self.toast.session_id}:{self.until!r}")


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    """Typed but not yet acknowledged; resent with the same client_msg_id after a resume."""
    SENDING = "sending"
    """On the wire, waiting for the server's ack (one at a time, so the order typed holds)."""
    FAILED = "failed"
    """Reported as not sent (the session closed, or the server refused it)."""


class OutgoingMessage(msgspec.Struct, frozen=True):
    client_msg_id: str
    session_id: SessionId
    text: str
    typed_at: float
    status: OutboxStatus = OutboxStatus.QUEUED
    error_code: ErrorCode | None = None
    error: str = ""


class AgentState(msgspec.Struct, frozen=True):
    connection: Connection = Connection()
    identity: Identity | None = None
    presence: PresenceInfo | None = None
    offers: tuple[PendingOffer, ...] = ()
    sessions: tuple[Session, ...] = ()
    """Open sessions in the order they opened; the server keeps them at MAX_SESSIONS or fewer."""
    alerts: tuple[ShownAlert, ...] = ()
    toasts: tuple[ShownToast, ...] = ()
    outbox: tuple[OutgoingMessage, ...] = ()
    agents: tuple[AgentView, ...] | None = None
    """Supervisors: the live agent table once listed (sorted by agent id); None before."""
    clock_offset: float = 0.0
    """server time - local time, measured at welcome, login and SyncClock."""
    credentials_notice: str | None = None
    """Why the token is not kept (no safe keyring), shown once to the user."""
    dismissals: tuple[str, ...] = ()
    """Server alerts dropped here because they are no longer true (`alerts.drop_untrue`): the
    server is told to drop them too, once online."""
    custom_presences: tuple[CustomPresence, ...] = ()
    """The admin-defined presences this agent may choose (from the snapshot)."""
    wrap_ups: tuple[WrapUp, ...] = ()
    """Closed sessions being wrapped up, in the order they started; `ends_at` is server time."""
    next_presence: NextPresence | None = None
    """The presence taken when the last session and wrap-up end ("Away after these sessions")."""
    penalty_until: float | None = None
    """Server time the repeat-miss penalty ends; None without one."""
    queue_stats: tuple[QueueStats, ...] | None = None
    """Supervisors: the live queue table once listed (in the server's order); None before."""
    notifications: tuple[NotificationEntry, ...] | None = None
    """Staff: the customer-notification log as last listed (newest first); None before."""
    notification_filter: NotificationFilter | None = None
    """What the listed log shows: pushed rows are kept or dropped by it."""
    booking_codes: tuple[BookingCode, ...] | None = None
    """Admins: the portal codes as last listed or changed; None before."""
    climbs: tuple[Climb, ...] = ()
    """The escalation ladder's progress per waiting offer (`ladder.climb`)."""

    @property
    def online(self) -> bool:
        return self.connection.status is LinkStatus.ONLINE

    @property
    def shown_presence(self) -> Presence | None:
        """The presence to display: never "Available" over a dead link."""
        if self.presence is None:
            return None
        return self.presence.presence if self.online else Presence.OFFLINE

    def offer(self, offer_id: OfferId) -> PendingOffer | None:
        return next((o for o in self.offers if o.offer_id == offer_id), None)

    def session(self, session_id: SessionId) -> Session | None:
        return next((s for s in self.sessions if s.session_id == session_id), None)

    def toast(self, toast_id: ToastId) -> ShownToast | None:
        return next((t for t in self.toasts if t.toast_id == toast_id), None)

    def alert(self, alert_id: str) -> ShownAlert | None:
        return next((a for a in self.alerts if a.alert_id == alert_id), None)

    def wrap_up(self, work_id: WorkId) -> WrapUp | None:
        return next((w for w in self.wrap_ups if w.work_id == work_id), None)

    def local_time(self, server_time: float) -> float:
        """A server time on the local clock (deadlines, countdowns)."""
        return server_time - self.clock_offset

    def wrap_up_remaining(self, wrap_up: WrapUp, now: float) -> float:
        return max(0.0, self.local_time(wrap_up.ends_at) - now)

    def penalty_remaining(self, now: float) -> float | None:
        """Seconds left of the repeat-miss penalty, or None without one."""
        if self.penalty_until is None:
            return None
        return max(0.0, self.local_time(self.penalty_until) - now)

    def custom_presence(self, name: str) -> CustomPresence | None:
        return next((p for p in self.custom_presences if p.name == name), None)

    def unsent(self, session_id: SessionId) -> tuple[OutgoingMessage, ...]:
        """Messages typed in a session that the server has not acknowledged (queued or failed)."""
        return tuple(m for m in self.outbox if m.session_id == session_id)
