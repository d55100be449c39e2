"""The interface every link of the notification chain implements."""

from __future__ import annotations

from typing import Protocol

from agent_desktop.ui.notify.notice import Notice
from agent_desktop.ui.notify.path import NotificationPath, Probe

NoticeHandle = object
"""What an adapter needs to take back a notice it showed (opaque to everyone else).

Adapters keep no record of what is showing: the `OfferNotifier` holds each handle under its
notice's key, the one place that knows which notices are up.
"""


class NoticeAdapter(Protocol):
    """One way of putting a notice in front of the agent (native, tray balloon, in-app)."""

    @property
    def path(self) -> NotificationPath: ...

    async def probe(self) -> Probe:
        """The start-up self-test: can this adapter deliver, and with buttons?"""
        ...

    async def show(self, notice: Notice) -> NoticeHandle | None:
        """Show `notice`; None when delivery demonstrably failed, so the chain can step down."""
        ...

    async def withdraw(self, handle: NoticeHandle) -> None:
        """Remove a notice this adapter showed, answered or not. Idempotent."""
        ...

    async def close(self) -> None:
        """Release OS resources (the notifier has withdrawn what was showing)."""
        ...
