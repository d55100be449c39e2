"""The app's widgets: each renders a snapshot of the session state and emits intents as signals.

No widget holds domain state or talks to the server; the shell (`ui/app_window.py`) feeds them
`AgentState` values with `show_state(...)` and turns their signals into core requests.

The names below load their module when first used (PEP 562): importing one widget module
must not import every widget and dialog, which the app's start would pay for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent_desktop.ui.widgets.alert_bar import AlertBar
    from agent_desktop.ui.widgets.offer_card import OfferCard, OfferList
    from agent_desktop.ui.widgets.presence_selector import PresenceSelector
    from agent_desktop.ui.widgets.presence_timeline import PresenceTimeline
    from agent_desktop.ui.widgets.session_tabs import SessionTabs
    from agent_desktop.ui.widgets.session_view import SessionView
    from agent_desktop.ui.widgets.settings_dialog import SettingsDialog
    from agent_desktop.ui.widgets.status_bar import StatusBarWidget
    from agent_desktop.ui.widgets.supervisor_view import AgentTableModel, SupervisorView
    from agent_desktop.ui.widgets.toast_stack import ToastStack
    from agent_desktop.ui.widgets.transfer_dialog import TransferDialog
    from agent_desktop.ui.widgets.tray import TrayIcon

_MODULES = {
    "AlertBar": "alert_bar",
    "OfferCard": "offer_card",
    "OfferList": "offer_card",
    "PresenceSelector": "presence_selector",
    "PresenceTimeline": "presence_timeline",
    "SessionTabs": "session_tabs",
    "SessionView": "session_view",
    "SettingsDialog": "settings_dialog",
    "StatusBarWidget": "status_bar",
    "AgentTableModel": "supervisor_view",
    "SupervisorView": "supervisor_view",
    "ToastStack": "toast_stack",
    "TransferDialog": "transfer_dialog",
    "TrayIcon": "tray",
}


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "AgentTableModel",
    "AlertBar",
    "OfferCard",
    "OfferList",
    "PresenceSelector",
    "PresenceTimeline",
    "SessionTabs",
    "SessionView",
    "SettingsDialog",
    "StatusBarWidget",
    "SupervisorView",
    "ToastStack",
    "TransferDialog",
    "TrayIcon",
]
