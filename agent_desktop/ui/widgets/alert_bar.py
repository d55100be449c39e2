"""The bar at the top of the dashboard: one row per alert, each with the action that resolves it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.vocabulary import AlertKind
from agent_desktop.session.state import AlertAction, ClientAlertKind, ShownAlert
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.widgets.server_words import alert_text
from agent_desktop.ui.widgets.wording import countdown_text


def _severity(alert: ShownAlert) -> str:
    if alert.kind is ClientAlertKind.CONNECTION_LOST:
        return "danger"
    if alert.kind is AlertKind.MAX_SESSIONS:
        return "info"
    return "warning"


class AlertRow(QFrame):
    """One alert: its sentence, the resolving action and (server alerts) Dismiss.

    Signals:
        dismiss_requested(str): the alert's id.
    """

    dismiss_requested = Signal(str)

    def __init__(self, alert: ShownAlert, bar: AlertBar) -> None:
        super().__init__()
        self.alert_id = alert.alert_id
        self.setObjectName("alertRow")
        self.setProperty("severity", _severity(alert))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.setSpacing(8)
        # Said in the agent's language from the alert's kind and values (see `server_words`).
        self.message = QLabel(alert_text(alert))
        self.message.setWordWrap(True)
        layout.addWidget(self.message, 1)
        self.penalty = alert.penalty
        self.remaining = QLabel()
        self.remaining.setAccessibleName(translate("AlertBar", "Penalty time left"))
        self.remaining.setVisible(alert.penalty)
        layout.addWidget(self.remaining)
        if alert.action is AlertAction.RECONNECT:
            self.action_button = QPushButton(translate("AlertBar", "Reconnect now"))
            self.action_button.clicked.connect(bar.reconnect_requested)
        elif alert.kind is AlertKind.MAX_SESSIONS:
            # Becoming Available changes nothing at ten sessions of ten: what helps is
            # finishing one, so the button takes the agent to them.
            self.action_button = QPushButton(translate("AlertBar", "Show my sessions"))
            self.action_button.setToolTip(
                translate("AlertBar", "Close a finished session to take new work")
            )
            self.action_button.clicked.connect(bar.show_sessions_requested)
        else:
            self.action_button = QPushButton(translate("AlertBar", "Set me Available"))
            self.action_button.clicked.connect(bar.set_available_requested)
        self.action_button.setProperty("primary", True)
        if not self.action_button.toolTip():
            self.action_button.setAccessibleDescription(
                translate("AlertBar", "Try to reach the server again now")
                if alert.action is AlertAction.RECONNECT
                else translate("AlertBar", "Set your presence to Available to get new work")
            )
        layout.addWidget(self.action_button)
        # Becoming Available does not lift the repeat-miss penalty (rule 14): no such button.
        self.action_button.setVisible(not alert.penalty)
        self.dismiss_button: QPushButton | None = None
        if alert.from_server:
            self.dismiss_button = QPushButton(translate("AlertBar", "Dismiss"))
            self.dismiss_button.setAccessibleDescription(translate("AlertBar", "Hide this alert"))

            # A bound method, not a lambda capturing the bar: PySide6 6.11.3 segfaulted
            # deleting a row whose button held a lambda that captured its parent.
            self.dismiss_button.clicked.connect(self._on_dismiss)
            self.dismiss_requested.connect(bar.dismiss_requested)
            layout.addWidget(self.dismiss_button)

    def _on_dismiss(self) -> None:
        self.dismiss_requested.emit(self.alert_id)

    def show_penalty_left(self, seconds: float | None) -> None:
        if self.penalty:
            self.remaining.setText(
                ""
                if seconds is None
                else translate("AlertBar", "No new work for {time}").format(
                    time=countdown_text(seconds)
                )
            )


class AlertBar(QWidget):
    """Alerts (missed, rejected, max sessions, connection lost) with their resolving actions.

    Hidden when there is no alert.

    Signals:
        set_available_requested(): the agent asked to be Available again.
        dismiss_requested(str): the agent dismissed the server alert with this id.
        reconnect_requested(): the agent asked to reconnect now rather than wait.
        show_sessions_requested(): the agent wants to finish a session (max sessions).
        keyboard_released(): a row that had the keyboard focus went away.
    """

    set_available_requested = Signal()
    dismiss_requested = Signal(str)
    reconnect_requested = Signal()
    show_sessions_requested = Signal()
    keyboard_released = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 0)
        self._layout.setSpacing(6)
        self._rows: dict[str, AlertRow] = {}
        self._shown: tuple[ShownAlert, ...] = ()
        self.setVisible(False)

    def show_state(self, alerts: Sequence[ShownAlert]) -> None:
        alerts = tuple(alerts)
        if alerts == self._shown:
            return
        self._shown = alerts
        focus = QApplication.focusWidget()
        had_keyboard = focus is not None and self.isAncestorOf(focus)
        for row in self._rows.values():
            self._layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._rows = {}
        for alert in alerts:
            row = AlertRow(alert, self)
            self._rows[alert.alert_id] = row
            self._layout.addWidget(row)
        self.setVisible(bool(alerts))
        if had_keyboard:
            # The row with the focus was rebuilt or resolved: Qt's fallback would put the
            # keyboard on the next button in the tab chain, where typed text would act.
            self.keyboard_released.emit()

    def show_penalty_left(self, seconds: float | None) -> None:
        """The repeat-miss penalty's time left, on its alert's row."""
        for row in self._rows.values():
            row.show_penalty_left(seconds)

    def row(self, alert_id: str) -> AlertRow | None:
        return self._rows.get(alert_id)

    def rows(self) -> list[AlertRow]:
        return list(self._rows.values())
