"""Customer notifications for staff (issue 14): the sent log and the portal codes, pure.

The intents ask the server (`list_notifications`, `list_booking_codes`, `change_booking_code`,
`block_booking_codes`)
and hand the replies to the reducer, which keeps them in `AgentState.notifications` /
`AgentState.booking_codes`. Listing the log subscribes this connection to the server's
`notifications_updated`: each pushed row is merged into the list as the filter shows it (`merge`).
"""

from __future__ import annotations

from typing import Final, TypeVar

import msgspec
from msgspec.structs import replace

from agent_desktop.protocol.bookings import (
    BlockBookingCodes,
    BookingCode,
    BookingCodes,
    BookingId,
    ChangeBookingCode,
    CodeAction,
    DeliveryState,
    ListBookingCodes,
    ListNotifications,
    NotificationEntry,
    Notifications,
    NotificationsUpdated,
)
from agent_desktop.protocol.messages import ClientMessage
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.session.errors import RequestError
from agent_desktop.session.log_filter import NotificationFilter, shows
from agent_desktop.session.state import AgentState

R = TypeVar("R")

LOG_LIMIT: Final = 500


class NotificationsListed(msgspec.Struct, frozen=True):
    """The `notifications` reply: the log as the filter shows it, newest first."""

    entries: tuple[NotificationEntry, ...]
    shown: NotificationFilter
    limit: int = LOG_LIMIT


class BookingCodesListed(msgspec.Struct, frozen=True):
    """The `booking_codes` reply to `list_booking_codes` (every code the admin may change)."""

    codes: tuple[BookingCode, ...]


class BookingCodeChanged(msgspec.Struct, frozen=True):
    """The `booking_codes` reply to `change_booking_code`: one code, as it is now."""

    code: BookingCode


NotificationLogEvent = NotificationsListed | BookingCodesListed | BookingCodeChanged


def apply(state: AgentState, event: NotificationLogEvent | NotificationsUpdated) -> AgentState:
    match event:
        case NotificationsListed(entries=entries, shown=shown):
            return replace(state, notifications=entries, notification_filter=shown)
        case NotificationsUpdated(entries=entries):
            if state.notifications is None or state.notification_filter is None:
                return state  # not listed here: nothing to keep up to date
            rows = merge(state.notifications, entries, state.notification_filter)
            return replace(state, notifications=rows)
        case BookingCodesListed(codes=codes):
            return replace(state, booking_codes=codes)
        case BookingCodeChanged(code=code):
            if state.booking_codes is None:
                return replace(state, booking_codes=(code,))
            if not any(c.code == code.code for c in state.booking_codes):
                return replace(state, booking_codes=(*state.booking_codes, code))
            codes = tuple(code if c.code == code.code else c for c in state.booking_codes)
            return replace(state, booking_codes=codes)


def merge(
    listed: tuple[NotificationEntry, ...],
    changed: list[NotificationEntry],
    shown: NotificationFilter,
    limit: int = LOG_LIMIT,
) -> tuple[NotificationEntry, ...]:
    """The listed log with pushed rows applied: a changed row replaces its old self, a new one
    joins, a row the filter no longer shows (a queued one now sent, under "Queued") leaves;
    newest first, at most `limit` rows, as the server would list it."""
    rows = {entry.message_id: entry for entry in listed}
    for entry in changed:
        if shows(shown, entry):
            rows[entry.message_id] = entry
        else:
            rows.pop(entry.message_id, None)
    return tuple(sorted(rows.values(), key=lambda e: e.message_id, reverse=True)[:limit])


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
        self, shown: NotificationFilter | None = None, limit: int = LOG_LIMIT
    ) -> None:
        """Supervisors and admins: fill `state.notifications` (newest first) with the log, and
        keep it live with the server's `notifications_updated` pushes on this connection."""
        shown = shown or NotificationFilter()
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
        self._record(NotificationsListed(tuple(reply.entries), shown, limit))

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

    async def block_booking_codes(self, booking_id: str) -> None:
        """Admins: block every portal code of one booking (each link it was sent with)."""
        reply = await self._call(
            BlockBookingCodes(id=self._next_id(), booking_id=BookingId(booking_id)), BookingCodes
        )
        for changed in reply.codes:
            self._record(BookingCodeChanged(changed))
