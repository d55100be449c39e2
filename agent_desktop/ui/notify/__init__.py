"""Desktop notifications for offers and toasts: native, tray balloon or in-app.

`session/` decides whether and what to notify; this package decides how (STYLE.md point 10).
"""

from agent_desktop.ui.notify.adapter import NoticeAdapter
from agent_desktop.ui.notify.chain import APP_NAME, build_offer_notifier
from agent_desktop.ui.notify.in_app import InAppNoticeAdapter
from agent_desktop.ui.notify.native import (
    ACCEPT_ACTION,
    OPEN_ACTION,
    REJECT_ACTION,
    NativeNoticeAdapter,
)
from agent_desktop.ui.notify.notice import (
    Notice,
    NoticeKey,
    NoticeResponder,
    OfferKey,
    ToastKey,
    is_live,
)
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.notify.path import NotificationPath, PathReport, Probe
from agent_desktop.ui.notify.tray import TrayBalloonAdapter

__all__ = [
    "ACCEPT_ACTION",
    "APP_NAME",
    "OPEN_ACTION",
    "REJECT_ACTION",
    "InAppNoticeAdapter",
    "NativeNoticeAdapter",
    "Notice",
    "NoticeAdapter",
    "NoticeKey",
    "NoticeResponder",
    "NotificationPath",
    "OfferKey",
    "OfferNotifier",
    "PathReport",
    "Probe",
    "ToastKey",
    "TrayBalloonAdapter",
    "build_offer_notifier",
    "is_live",
]
