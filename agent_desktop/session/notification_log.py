"""Customer notifications for staff (issue 14): the sent log and the portal codes, pure.

The intents ask the server (`list_notifications`, `list_booking_codes`, `change_booking_code`)
and hand the replies to the reducer, which keeps them in `AgentState.notifications` /
`AgentState.booking_codes`. The server pushes no change of the
log, so a view that shows it lists again every `POLL_INTERVAL_S` while it is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, TypeVar

from agent_desktop.protocol.bookings import (
    BookingCode,
    BookingCodes,
    BookingId,
    ChangeBookingCode,
    CodeAction,
    DeliveryState,
    ListBookingCodes,
    ListNotifications,
    NotificationChannel,
    NotificationEntry,
    Notifications,
    NotificationType,
)
from agent_desktop.protocol.messages import ClientMessage
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.session.errors import RequestError
from agent_desktop.session.state import AgentState

R = TypeVar("R")

POLL_INTERVAL_S: Final = 5.0
"""How often an open log view lists again: a message goes from queued to sent within one worker
round, and five seconds is as fresh as a person watching the table needs."""
LOG_LIMIT: Final = 500


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    """What the log shows; None is "any". `since` is server time (epoch seconds)."""

    state: DeliveryState | None = None
    notification_type: NotificationType | None = None
    channel: NotificationChannel | None = None
    since: float | None = None
    booking_id: str | None = None


@dataclass(frozen=True, slots=True)
class NotificationsListed:
    """The `notifications` reply: the log as the filter shows it, newest first."""

    entries: tuple[NotificationEntry, ...]


@dataclass(frozen=True, slots=True)
class BookingCodesListed:
    """The `booking_codes` reply to `list_booking_codes` (every code the admin may change)."""

    codes: tuple[BookingCode, ...]


@dataclass(frozen=True, slots=True)
class BookingCodeChanged:
    """The `booking_codes` reply to `change_booking_code`: one code, as it is now."""

    code: BookingCode


NotificationLogEvent = NotificationsListed | BookingCodesListed | BookingCodeChanged


def apply(state: AgentState, event: NotificationLogEvent) -> AgentState:
    match event:
        case NotificationsListed(entries=entries):
            return replace(state, notifications=entries)
        case BookingCodesListed(codes=codes):
            return replace(state, booking_codes=codes)
        case BookingCodeChanged(code=code):
            if state.booking_codes is None:
                return replace(state, booking_codes=(code,))
            if not any(c.code == code.code for c in state.booking_codes):
                return replace(state, booking_codes=(*state.booking_codes, code))
            codes = tuple(code if c.code == code.code else c for c in state.booking_codes)
            return replace(state, booking_codes=codes)


def failed_count(entries: tuple[NotificationEntry, ...]) -> int:
    """Failed messages among those listed: what a supervisor must see at a glance."""
    return sum(1 for entry in entries if entry.state is DeliveryState.FAILED)


class NotificationLogIntents:
    """Staff intents on customer notifications; needs `_call` and `_next_id` (AgentIntents)."""

    async def _call(self, request: ClientMessage, expect: type[R]) -> R:
        raise NotImplementedError  # pragma: no cover - AgentIntents provides it

    def _next_id(self) -> str:
        raise NotImplementedError  # pragma: no cover - AgentIntents provides it

    def _record(self, event: NotificationLogEvent) -> None:
        raise NotImplementedError  # pragma: no cover - AgentCore provides it

    async def list_notifications(
        self, shown: NotificationFilter = NotificationFilter(), limit: int = LOG_LIMIT
    ) -> None:
        """Supervisors and admins: fill `state.notifications` (newest first) with the log."""
        reply = await self._call(
            ListNotifications(
                id=self._next_id(),
                booking_id=BookingId(shown.booking_id) if shown.booking_id else None,
                state=shown.state,
                notification_type=shown.notification_type,
                channel=shown.channel,
                since=shown.since,
                limit=limit,
            ),
            Notifications,
        )
        self._record(NotificationsListed(tuple(reply.entries)))

    async def list_booking_codes(self) -> None:
        """Admins: fill `state.booking_codes` with every portal code."""
        reply = await self._call(ListBookingCodes(id=self._next_id()), BookingCodes)
        self._record(BookingCodesListed(tuple(reply.codes)))

    async def change_booking_code(
        self, code: str, action: CodeAction, days: float | None = None
    ) -> None:
        """Admins: extend (by `days`, default the server's 7), expire or block a portal code."""
        if days is not None and action is not CodeAction.EXTEND:
            raise RequestError(
                ErrorCode.INVALID_MESSAGE, "Only Extend takes a number of days.", local=True
            )
        if days is not None and not 0 < days <= 365:
            raise RequestError(
                ErrorCode.INVALID_MESSAGE, "Extend by 1 to 365 days at a time.", local=True
            )
        reply = await self._call(
            ChangeBookingCode(id=self._next_id(), code=code, action=action, days=days), BookingCodes
        )
        for changed in reply.codes:
            self._record(BookingCodeChanged(changed))
