"""The second link: a balloon from the tray icon, for desktops without a notification service.

A balloon has no buttons, so a click on it only opens the offer in the app. Qt cannot take a
balloon back once shown; each one is shown for the offer's remaining time, so it goes away at
expiry by itself.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from agent_desktop.ui.notify.adapter import NoticeHandle
from agent_desktop.ui.notify.notice import Notice, NoticeKey, NoticeResponder
from agent_desktop.ui.notify.path import NotificationPath, Probe


class TrayBalloonAdapter:
    """Shows notices as tray balloons; a click on the balloon opens the offer in the app."""

    def __init__(
        self,
        tray: QSystemTrayIcon | None,
        responder: NoticeResponder,
        window: QWidget | None = None,
    ) -> None:
        self._tray = tray
        self._responder = responder
        self._window = window
        self._current: NoticeKey | None = None
        """What the balloon on screen is about: a balloon shows one message at a time."""
        if tray is not None:
            tray.messageClicked.connect(self._on_message_clicked)

    @property
    def path(self) -> NotificationPath:
        return NotificationPath.TRAY

    async def probe(self) -> Probe:
        if self._tray is None:
            return Probe(works=False, reason="no tray icon")
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return Probe(works=False, reason="no system tray")
        if not self._tray.supportsMessages():
            return Probe(works=False, reason="the system tray cannot show balloons")
        return Probe(
            works=True, reason="Tray balloon notifications; offers are answered in the app"
        )

    async def show(self, notice: Notice) -> NoticeHandle | None:
        if self._tray is None:
            return None
        self._current = notice.key
        self._tray.showMessage(
            notice.title,
            notice.body,
            QSystemTrayIcon.MessageIcon.Information,
            max(1, round(notice.timeout_s * 1000)),
        )
        flash_taskbar(self._window)
        return notice.key

    async def withdraw(self, handle: NoticeHandle) -> None:
        # Qt cannot take a balloon back; a click on it must at least open nothing stale.
        if self._current == handle:
            self._current = None

    async def close(self) -> None:
        """Forget the tray icon (the app owns it and may show it on); closing twice is fine."""
        self._current = None
        if self._tray is not None:
            self._tray.messageClicked.disconnect(self._on_message_clicked)
            self._tray = None

    def _on_message_clicked(self) -> None:
        if self._current is not None:
            key, self._current = self._current, None
            self._responder.on_open(key)


def flash_taskbar(window: QWidget | None) -> None:
    """Ask for attention without stealing focus (Windows forbids that; DESIGN.md)."""
    if window is not None:
        QApplication.alert(window, 0)
