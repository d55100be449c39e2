"""The app's widgets: each renders a snapshot of the session state and emits intents as signals.

No widget holds domain state or talks to the server; the shell (`ui/app_window.py`) feeds them
`AgentState` values with `show_state(...)` and turns their signals into core requests.
"""

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
