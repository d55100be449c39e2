"""A session's channel panels: a call's state and controls, a case's record."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from agent_desktop.protocol.model import CaseRecord, Session
from agent_desktop.protocol.vocabulary import CallAction, CallState
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.widgets.wording import call_state_label, countdown_text


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("muted", True)
    return label


class CallPanel(QFrame):
    """The call's state and its controls: hold/resume, mute/unmute, end.

    Signals:
        action_chosen(CallAction): a control was pressed.
    """

    action_chosen = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("callPanel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        self.state = QLabel()
        self.state.setProperty("sectionTitle", True)
        layout.addWidget(self.state, 1)
        self.hold_button = QPushButton(translate("SessionView", "Hold"))
        self.mute_button = QPushButton(translate("SessionView", "Mute"))
        self.end_button = QPushButton(translate("SessionView", "End call"))
        self.hold_button.setAccessibleDescription(
            translate("SessionView", "Put the caller on hold, or take the call back")
        )
        self.mute_button.setAccessibleDescription(
            translate("SessionView", "Turn your microphone off or on")
        )
        self.end_button.setAccessibleDescription(
            translate("SessionView", "Hang up: the call ends for the caller too")
        )
        self.end_button.setProperty("danger", True)
        for button in (self.hold_button, self.mute_button, self.end_button):
            layout.addWidget(button)
        self._hold_action = CallAction.HOLD
        self._mute_action = CallAction.MUTE
        self._label = ""
        self._opened_at = 0.0
        self._live = False
        self._server_now: float | None = None
        self.state.setAccessibleName(translate("SessionView", "Call"))
        self.hold_button.clicked.connect(lambda: self._send(self._hold_action))
        self.mute_button.clicked.connect(lambda: self._send(self._mute_action))
        self.end_button.clicked.connect(lambda: self._send(CallAction.END))

    def _send(self, action: CallAction) -> None:
        self.action_chosen.emit(action)

    def update_clock(self, server_now: float) -> None:
        """The call timer: how long the agent has been on this call (server clock)."""
        self._server_now = server_now
        self._render_label()

    def _render_label(self) -> None:
        if self._live and self._server_now is not None:
            elapsed = int(max(0.0, self._server_now - self._opened_at))
            self.state.setText(f"{self._label} · {countdown_text(elapsed)}")
        else:
            self.state.setText(self._label)

    def show_state(self, session: Session) -> None:
        call = session.call
        state = call.state if call is not None else CallState.ENDED
        label = call_state_label(state)
        if call is not None and call.muted and state is not CallState.ENDED:
            label += " · " + translate("SessionView", "Muted")
        self._label = label
        self._opened_at = session.opened_at
        self._live = state in (CallState.CONNECTED, CallState.ON_HOLD)
        self._render_label()
        live = state in (CallState.CONNECTED, CallState.ON_HOLD)
        self._hold_action = CallAction.RESUME if state is CallState.ON_HOLD else CallAction.HOLD
        self.hold_button.setText(
            translate("SessionView", "Resume")
            if state is CallState.ON_HOLD
            else translate("SessionView", "Hold")
        )
        muted = call is not None and call.muted
        self._mute_action = CallAction.UNMUTE if muted else CallAction.MUTE
        self.mute_button.setText(
            translate("SessionView", "Unmute") if muted else translate("SessionView", "Mute")
        )
        self.hold_button.setEnabled(live)
        self.mute_button.setEnabled(live)
        self.end_button.setEnabled(state is not CallState.ENDED)


class CaseRecordPanel(QFrame):
    """The case's record: number, title, status, priority and description.

    Status and priority are the server's words; the usual ones are said in the agent's language.
    """

    CASE_WORDS: Final = (
        QT_TRANSLATE_NOOP("SessionView", "Active"),
        QT_TRANSLATE_NOOP("SessionView", "New"),
        QT_TRANSLATE_NOOP("SessionView", "Open"),
        QT_TRANSLATE_NOOP("SessionView", "Pending"),
        QT_TRANSLATE_NOOP("SessionView", "Closed"),
        QT_TRANSLATE_NOOP("SessionView", "Low"),
        QT_TRANSLATE_NOOP("SessionView", "Normal"),
        QT_TRANSLATE_NOOP("SessionView", "High"),
        QT_TRANSLATE_NOOP("SessionView", "Urgent"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("caseRecord")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.title = QLabel()
        self.title.setProperty("sectionTitle", True)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        form = QFormLayout()
        self.status = QLabel()
        self.priority = QLabel()
        form.addRow(_muted(translate("SessionView", "Status")), self.status)
        form.addRow(_muted(translate("SessionView", "Priority")), self.priority)
        layout.addLayout(form)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.description, 1)

    def show_state(self, case: CaseRecord | None) -> None:
        if case is None:
            self.title.setText(
                translate("SessionView", "No case record was attached to this item.")
            )
            self.status.setText("—")
            self.priority.setText("—")
            self.description.setText("")
            return
        self.title.setText(
            translate("SessionView", "Case {number}: {title}").format(
                number=case.case_number, title=case.title
            )
        )
        self.status.setText(translate("SessionView", case.status.capitalize()))
        self.priority.setText(translate("SessionView", case.priority.capitalize()))
        self.description.setText(case.description or translate("SessionView", "No description."))
