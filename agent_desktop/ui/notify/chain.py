"""Builds the app's notification chain: native, then tray balloon, then in-app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from agent_desktop.ui.notify.adapter import NoticeHandle
from agent_desktop.ui.notify.in_app import InAppNoticeAdapter
from agent_desktop.ui.notify.notice import Notice, NoticeKey, NoticeResponder
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.notify.path import NotificationPath, PathReport, Probe
from agent_desktop.ui.notify.tray import TrayBalloonAdapter
from agent_desktop.ui.os_identity import name_toasts, notifier_app_name

if TYPE_CHECKING:  # desktop-notifier is imported when the native path is first used
    from desktop_notifier import DesktopNotifier

    from agent_desktop.ui.notify.native import NativeNoticeAdapter

APP_NAME = notifier_app_name()


class DeferredNativeAdapter:
    """The native adapter, made the first time it is needed.

    desktop-notifier and dbus-fast cost ~25 ms of imports at a start whose first paint needs
    neither: the app runs the self-test after that paint, and a notice due before it (an offer
    in the sign-in's snapshot) makes the adapter at once, so it is still shown natively.
    """

    def __init__(self, responder: NoticeResponder, app_icon: Path | None) -> None:
        self._responder = responder
        self._app_icon = app_icon
        self._made: NativeNoticeAdapter | None = None

    @property
    def made(self) -> bool:
        """Whether desktop-notifier has been loaded for this adapter."""
        return self._made is not None

    @property
    def path(self) -> NotificationPath:
        return NotificationPath.NATIVE

    def _adapter(self) -> NativeNoticeAdapter:
        if self._made is None:
            from desktop_notifier import DesktopNotifier, Icon

            from agent_desktop.ui.notify.native import NativeNoticeAdapter

            # On Linux app_name should match the .desktop entry so the server groups us right.
            notifier = DesktopNotifier(
                app_name=APP_NAME, app_icon=Icon(path=self._app_icon) if self._app_icon else None
            )
            name_toasts(self._app_icon)
            self._made = NativeNoticeAdapter(notifier, self._responder)
        return self._made

    async def probe(self) -> Probe:
        return await self._adapter().probe()

    async def show(self, notice: Notice) -> NoticeHandle | None:
        return await self._adapter().show(notice)

    async def withdraw(self, handle: NoticeHandle) -> None:
        await self._adapter().withdraw(handle)

    async def close(self) -> None:
        if self._made is not None:
            await self._made.close()


def build_offer_notifier(
    responder: NoticeResponder,
    *,
    tray: QSystemTrayIcon | None = None,
    window: QWidget | None = None,
    desktop_notifier: DesktopNotifier | None = None,
    app_icon: Path | None = None,
    on_path_reported: Callable[[PathReport], None] | None = None,
    is_live: Callable[[NoticeKey], bool] | None = None,
) -> OfferNotifier:
    """The standard chain. `desktop_notifier` is injectable for platforms tests lack."""
    if desktop_notifier is None:
        native: DeferredNativeAdapter | NativeNoticeAdapter = DeferredNativeAdapter(
            responder, app_icon
        )
    else:
        from agent_desktop.ui.notify.native import NativeNoticeAdapter

        native = NativeNoticeAdapter(desktop_notifier, responder)
    return OfferNotifier(
        [native, TrayBalloonAdapter(tray, responder, window), InAppNoticeAdapter(window)],
        on_path_reported=on_path_reported,
        is_live=is_live,
    )
