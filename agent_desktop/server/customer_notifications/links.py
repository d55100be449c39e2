"""Portal links: every message that carries one gets its own unguessable code.

The code is minted when the message is queued, in the same transaction as the message's row, and
kept beside it (`cn_code.message_id`, unique), so a replay of the outbox after a crash renders
the same link and never mints a second code for the same message. An admin can then extend,
expire or block the link of one message without touching the others of the booking; every code
still maps to exactly one booking.
"""

from __future__ import annotations

import secrets
from typing import Final

from agent_desktop.clock import Clock
from agent_desktop.protocol.bookings import Booking
from agent_desktop.server.customer_notifications.config import PortalConfig
from agent_desktop.server.customer_notifications.store import MessageRow, NotificationStore

CODE_BYTES: Final = 24
"""192 random bits (32 URL-safe characters): not guessable, not enumerable."""


def mint_code(
    store: NotificationStore, config: PortalConfig, booking: Booking, message_id: int, now: float
) -> str:
    """A new code for one message, valid until `code_valid_days_after_end` after the booking
    ends. Call inside the transaction that queues the message."""
    code = secrets.token_urlsafe(CODE_BYTES)
    expires_at = booking.end + config.code_valid_days_after_end * 86_400.0
    store.add_code(code, booking.booking_id, now, expires_at, message_id)
    return code


class PortalLinks:
    """The link a message carries: `<base>/<its code>`."""

    def __init__(
        self, store: NotificationStore, clock: Clock, config: PortalConfig, base_url: str
    ) -> None:
        self.store = store
        self.clock = clock
        self.config = config
        self.base_url = base_url.rstrip("/")

    def url(self, row: MessageRow, booking: Booking) -> str:
        code = self.store.code_of_message(row.id)
        if code is None:
            # Queued by a server from before per-message codes: minted now, committed before
            # the send, and found again by any later attempt.
            with self.store.transaction():
                code = mint_code(self.store, self.config, booking, row.id, self.clock.now())
        return f"{self.base_url}/{code}"
