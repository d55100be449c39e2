"""The last link, which cannot fail: the app's own notification bar.

The app always renders pending offers from the session state, whatever the OS path, so
this adapter adds only what the other paths would: a taskbar flash.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from agent_desktop.ui.notify.adapter import NoticeHandle
from agent_desktop.ui.notify.notice import Notice
from agent_desktop.ui.notify.path import NotificationPath, Probe
from agent_desktop.ui.notify.tray import flash_taskbar


class InAppNoticeAdapter:
    """Leaves the notice to the app window and flashes the taskbar."""

    def __init__(self, window: QWidget | None = None) -> None:
        self._window = window

    @property
    def path(self) -> NotificationPath:
        return NotificationPath.IN_APP

    async def probe(self) -> Probe:
        return Probe(works=True, reason="Notifications show in the app only")

    async def show(self, notice: Notice) -> NoticeHandle | None:
        flash_taskbar(self._window)
        return notice.key

    async def withdraw(self, handle: NoticeHandle) -> None:
        return None

    async def close(self) -> None:
        return None
