"""Builds the app's notification chain: native, then tray balloon, then in-app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop_notifier import DesktopNotifier, Icon
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from agent_desktop.ui.notify.in_app import InAppNoticeAdapter
from agent_desktop.ui.notify.native import NativeNoticeAdapter
from agent_desktop.ui.notify.notice import NoticeKey, NoticeResponder
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.notify.path import PathReport
from agent_desktop.ui.notify.tray import TrayBalloonAdapter
from agent_desktop.ui.os_identity import name_toasts, notifier_app_name

APP_NAME = notifier_app_name()


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
        # On Linux app_name should match the .desktop entry so the server groups us right.
        desktop_notifier = DesktopNotifier(
            app_name=APP_NAME, app_icon=Icon(path=app_icon) if app_icon else None
        )
        name_toasts(app_icon)
    return OfferNotifier(
        [
            NativeNoticeAdapter(desktop_notifier, responder),
            TrayBalloonAdapter(tray, responder, window),
            InAppNoticeAdapter(window),
        ],
        on_path_reported=on_path_reported,
        is_live=is_live,
    )
