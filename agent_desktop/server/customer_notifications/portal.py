"""Booking notification codes and the customer's portal page.

Every link carries an unguessable code (`secrets.token_urlsafe`, 192 bits). A code shows its own
booking and nothing else; an unknown code, a malformed one and one of another booking all get
the same "not valid" page. Admins extend, expire or block a code. Lookups are rate limited per
client address, counted before the code is looked at, so guessing is slow whatever the answer.
"""

from __future__ import annotations

import http
import re
from collections import deque
from typing import Final, NamedTuple

import jinja2

from agent_desktop.clock import Clock
from agent_desktop.protocol.bookings import Booking, BookingCode, CodeAction, CodeState
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.customer_notifications.config import PortalConfig
from agent_desktop.server.customer_notifications.render import local_time
from agent_desktop.server.customer_notifications.store import MessageRow, NotificationStore

PORTAL_PATH: Final = "/portal/"
_CODE: Final = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_WINDOW_S: Final = 60.0
_MAX_TRACKED: Final = 10_000
DEFAULT_EXTEND_DAYS: Final = 7.0


class Page(NamedTuple):
    status: http.HTTPStatus
    html: str


class RateLimit:
    """At most `limit` lookups per client per minute (on the monotonic clock)."""

    def __init__(self, clock: Clock, limit: int) -> None:
        self._clock = clock
        self._limit = limit
        self._seen: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        now = self._clock.monotonic()
        if len(self._seen) > _MAX_TRACKED:
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - _WINDOW_S}
        times = self._seen.setdefault(client, deque())
        while times and times[0] <= now - _WINDOW_S:
            times.popleft()
        if len(times) >= self._limit:
            return False
        times.append(now)
        return True


class Portal:
    def __init__(self, store: NotificationStore, clock: Clock, config: PortalConfig) -> None:
        self.store = store
        self.clock = clock
        self.config = config
        self.limit = RateLimit(clock, config.lookups_per_minute)
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("agent_desktop.server.customer_notifications"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    # --- the customer's page ---------------------------------------------------------------

    def page(self, client: str, code: str) -> Page:
        if not self.limit.allow(client):
            return self._notice(
                http.HTTPStatus.TOO_MANY_REQUESTS, "Too many requests", "Please try again later."
            )
        found = self.store.code(code, self.clock.now()) if _CODE.match(code) else None
        record = None if found is None else self.store.booking(found.booking_id)
        if found is None or record is None:
            return self._notice(
                http.HTTPStatus.NOT_FOUND, "Link not valid", "This link is not valid."
            )
        if found.state is CodeState.BLOCKED:
            return self._notice(
                http.HTTPStatus.FORBIDDEN,
                "Link blocked",
                "This link has been blocked. Please contact us for a new one.",
            )
        if found.state is CodeState.EXPIRED:
            return self._notice(
                http.HTTPStatus.GONE,
                "Link expired",
                "This link has expired. Please contact us if you need the details again.",
            )
        booking = record.booking
        contact = booking.contacts[0]
        html = self._env.get_template("portal.html").render(
            brand=self.config.brand_name,
            booking=booking,
            time_zone=contact.time_zone,
            start=local_time(booking.start, contact),
            end=local_time(booking.end, contact),
            eta=None if booking.eta is None else local_time(booking.eta, contact),
            status=booking.status.value.replace("_", " "),
        )
        return Page(http.HTTPStatus.OK, html)

    def _notice(self, status: http.HTTPStatus, title: str, text: str) -> Page:
        html = self._env.get_template("notice.html").render(
            brand=self.config.brand_name, title=title, text=text
        )
        return Page(status, html)

    # --- staff -----------------------------------------------------------------------------

    def codes(self, booking_id: str | None) -> list[BookingCode]:
        return self.store.codes(booking_id, self.clock.now())

    def code_for(self, row: MessageRow, booking: Booking) -> str:
        """The code of the link this message carries: minted when it was queued, in the same
        transaction (so a retry or a resend after a crash carries the same link); one queued
        by a server from before per-message codes gets its code now, committed before the
        send, and keeps it."""
        code = self.store.code_of_message(row.id)
        if code is None:
            with self.store.transaction():
                code = self.store.mint_code(
                    booking.booking_id,
                    row.id,
                    self.clock.now(),
                    self.config.code_expires_at(booking.end),
                )
        return code

    def block_all(self, by: str, booking_id: str) -> list[BookingCode]:
        """Block every code of the booking (each link it was sent with), for good."""
        now = self.clock.now()
        with self.store.transaction():
            self.store.block_codes(booking_id, now)
            self.store.audit(now, by, booking_id, "codes_blocked", "every code of the booking")
        return self.store.codes(booking_id, now)

    def change(self, by: str, code: str, action: CodeAction, days: float | None) -> BookingCode:
        now = self.clock.now()
        found = self.store.code(code, now) if _CODE.match(code) else None
        if found is None:
            raise ProtocolError(ErrorCode.UNKNOWN_CODE, "no such booking code")
        if days is not None and action is not CodeAction.EXTEND:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "days goes only with extend")
        blocked_at, expires_at = found.blocked_at, found.expires_at
        if action is CodeAction.EXTEND:
            if found.state is CodeState.BLOCKED:
                raise ProtocolError(ErrorCode.INVALID_MESSAGE, "a blocked code stays blocked")
            expires_at = max(expires_at, now) + (days or DEFAULT_EXTEND_DAYS) * 86_400.0
        elif action is CodeAction.EXPIRE:
            expires_at = min(expires_at, now)
        else:
            blocked_at = now if blocked_at is None else blocked_at
        with self.store.transaction():
            self.store.update_code(code, expires_at=expires_at, blocked_at=blocked_at)
            self.store.audit(
                now, by, found.booking_id, f"code_{action}", f"code={code[:6]}… until={expires_at}"
            )
        changed = self.store.code(code, now)
        assert changed is not None
        return changed
