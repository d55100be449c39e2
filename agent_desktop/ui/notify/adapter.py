"""The interface every link of the notification chain implements."""

from __future__ import annotations

from typing import Protocol

from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.ui.notify.notice import Notice
from agent_desktop.ui.notify.path import NotificationPath, Probe


class NoticeAdapter(Protocol):
    """One way of putting a notice in front of the agent (native, tray balloon, in-app)."""

    @property
    def path(self) -> NotificationPath: ...

    async def probe(self) -> Probe:
        """The start-up self-test: can this adapter deliver, and with buttons?"""
        ...

    async def show(self, notice: Notice) -> bool:
        """Show `notice`, replacing any earlier one with the same offer id.

        False when delivery demonstrably failed, so the chain can step down.
        """
        ...

    async def withdraw(self, offer_id: OfferId) -> None:
        """Remove the notice: the offer expired or was answered elsewhere. Idempotent."""
        ...

    async def close(self) -> None:
        """Withdraw everything still shown and release OS resources."""
        ...
