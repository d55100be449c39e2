"""Toasts for assignment, transfer and escalation: information only, each goes by itself."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.model import Toast
from agent_desktop.protocol.vocabulary import Origin
from agent_desktop.session.state import ShownToast

_ORIGIN_CAPTIONS = {
    Origin.NEW: "Assigned to you",
    Origin.TRANSFER: "Transferred to you",
    Origin.ESCALATION: "Escalated to you",
    Origin.BOT_ESCALATION: "Handed over by the bot",
}

ToastKey = tuple[str, str, float]


def toast_key(shown: ShownToast) -> ToastKey:
    """Toasts carry no id; the session, title and dismissal time tell two apart."""
    return (shown.toast.session_id, shown.toast.title, shown.until)


class ToastCard(QFrame):
    """One toast with an Open button (to its session) and a close cross."""

    def __init__(self, toast: Toast, stack: ToastStack, key: ToastKey) -> None:
        super().__init__()
        self.setObjectName("toast")
        self.toast = toast
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        caption = QLabel(_ORIGIN_CAPTIONS[toast.origin])
        caption.setProperty("muted", True)
        header.addWidget(caption, 1)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(lambda: stack.dismiss(key))
        header.addWidget(self.close_button)
        layout.addLayout(header)
        self.title = QLabel(toast.title)
        self.title.setObjectName("toastTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        fields = QFormLayout()
        fields.setHorizontalSpacing(12)
        fields.setVerticalSpacing(2)
        for field in toast.fields[:4]:
            name = QLabel(field.label)
            name.setProperty("muted", True)
            fields.addRow(name, QLabel(field.value))
        layout.addLayout(fields)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton("Open")
        session_id = toast.session_id
        self.open_button.clicked.connect(lambda: stack.open_session_requested.emit(session_id))
        row.addWidget(self.open_button)
        layout.addLayout(row)


class ToastStack(QWidget):
    """The toasts in the state, each removed after its `dismiss_after_s` by a QTimer.

    A toast the agent (or its timer) dismissed does not come back when the shell renders a
    state that still lists it.

    Signals:
        open_session_requested(str): show the session this toast is about.
        toast_dismissed(): a toast went away (timer or the agent).
    """

    open_session_requested = Signal(str)
    toast_dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignBottom)
        self._cards: dict[ToastKey, tuple[ToastCard, QTimer]] = {}
        self._gone: set[ToastKey] = set()
        self.setVisible(False)

    def show_state(self, toasts: Sequence[ShownToast]) -> None:
        keys = {toast_key(t): t for t in toasts}
        # Forget dismissed keys the state no longer lists, so the set does not grow all day.
        self._gone &= set(keys)
        for key in [k for k in self._cards if k not in keys]:
            self._remove(key)
        for key, shown in keys.items():
            if key in self._cards or key in self._gone:
                continue
            card = ToastCard(shown.toast, self, key)
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda key=key: self.dismiss(key))
            timer.start(round(shown.toast.dismiss_after_s * 1000))
            self._cards[key] = (card, timer)
            self._layout.addWidget(card)
        self.setVisible(bool(self._cards))

    def dismiss(self, key: ToastKey) -> None:
        if key in self._cards:
            self._remove(key)
            self._gone.add(key)
            self.toast_dismissed.emit()

    def _remove(self, key: ToastKey) -> None:
        card, timer = self._cards.pop(key)
        timer.stop()
        timer.deleteLater()
        self._layout.removeWidget(card)
        card.hide()
        card.deleteLater()
        self.setVisible(bool(self._cards))

    def cards(self) -> list[ToastCard]:
        return [card for card, _ in self._cards.values()]
