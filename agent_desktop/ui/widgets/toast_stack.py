"""Toasts for assignment, transfer and escalation: information only, each goes by itself."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
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
from agent_desktop.session.state import ShownToast, ToastId
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.widgets.server_words import field_label, field_value, toast_title

_ORIGIN_CAPTIONS = {
    Origin.NEW: QT_TRANSLATE_NOOP("ToastStack", "Assigned to you"),
    Origin.TRANSFER: QT_TRANSLATE_NOOP("ToastStack", "Transferred to you"),
    Origin.ESCALATION: QT_TRANSLATE_NOOP("ToastStack", "Escalated to you"),
    Origin.BOT_ESCALATION: QT_TRANSLATE_NOOP("ToastStack", "Handed over by the bot"),
}

ToastKey = ToastId


def toast_key(shown: ShownToast) -> ToastKey:
    return shown.toast_id


class ToastCard(QFrame):
    """One toast with an Open button (to its session) and a close cross.

    Signals:
        open_requested(str): the session id to show.
        close_requested(object): the card's `ToastKey`.
    """

    open_requested = Signal(str)
    close_requested = Signal(object)

    def __init__(self, toast: Toast, key: ToastKey) -> None:
        super().__init__()
        self.setObjectName("toast")
        self.toast = toast
        self.key = key
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        caption = QLabel(translate("ToastStack", _ORIGIN_CAPTIONS[toast.origin]))
        caption.setProperty("muted", True)
        header.addWidget(caption, 1)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(translate("ToastStack", "Dismiss"))
        # Not "✕", read as a multiplication sign.
        self.close_button.setAccessibleName(translate("ToastStack", "Dismiss"))
        self.close_button.clicked.connect(self._on_close)
        header.addWidget(self.close_button)
        layout.addLayout(header)
        self.title = QLabel(toast_title(toast))
        self.title.setObjectName("toastTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        fields = QFormLayout()
        fields.setHorizontalSpacing(12)
        fields.setVerticalSpacing(2)
        for field in toast.fields[:4]:
            name = QLabel(field_label(field))
            name.setProperty("muted", True)
            value = QLabel(field_value(field))
            value.setWordWrap(True)
            fields.addRow(name, value)
        layout.addLayout(fields)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton(translate("ToastStack", "Open"))

        self.open_button.setAccessibleDescription(translate("ToastStack", "Show this session"))
        self.open_button.clicked.connect(self._on_open)
        row.addWidget(self.open_button)
        layout.addLayout(row)

    # Bound methods, not lambdas capturing the stack: PySide6 6.11.3 segfaulted deleting a
    # card whose button held a lambda that captured its (longer-lived) parent.
    def _on_close(self) -> None:
        self.close_requested.emit(self.key)

    def _on_open(self) -> None:
        self.open_requested.emit(self.toast.session_id)


class ToastStack(QWidget):
    """The toasts in the state, each removed after its `dismiss_after_s` by a QTimer.

    A toast the agent (or its timer) dismissed does not come back when the shell renders a
    state that still lists it. New cards are built one per turn of the loop (the first at
    once): ten auto-assigned sessions bring ten toasts in one state, and building ten cards in
    one turn stalled the app; the rest follow within a few milliseconds.

    Signals:
        open_session_requested(str): show the session this toast is about.
        toast_dismissed(): a toast went away (timer or the agent).
        toast_closed(ShownToast): the agent closed this toast (the core forgets it).
        keyboard_released(): a card that had the keyboard focus went away.
    """

    open_session_requested = Signal(str)
    toast_dismissed = Signal()
    toast_closed = Signal(object)
    keyboard_released = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 8)
        self._layout.setSpacing(8)
        # Bottom-aligned by a stretch above the cards, not by the layout's alignment: an aligned
        # card gets its plain size hint, not its height for the width, and with large text
        # (200 %) a wrapped line was cut off.
        self._layout.addStretch(1)
        self._cards: dict[ToastKey, ToastCard] = {}
        self._shown: dict[ToastKey, ShownToast] = {}
        self._gone: set[ToastKey] = set()
        # One long-lived timer for every toast, re-armed for the next one due.
        self._due: dict[ToastKey, int] = {}
        self._elapsed = QElapsedTimer()
        self._elapsed.start()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._dismiss_due)
        self._waiting: dict[ToastKey, ShownToast] = {}
        """Listed in the state, card not built yet (in the state's order)."""
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_next)
        self.setVisible(False)

    def show_state(self, toasts: Sequence[ShownToast]) -> None:
        keys = {toast_key(t): t for t in toasts}
        # Forget dismissed keys the state no longer lists, so the set does not grow all day.
        self._gone &= set(keys)
        for key in [k for k in self._cards if k not in keys]:
            self._remove(key)
        self._waiting = {
            key: shown
            for key, shown in keys.items()
            if key not in self._cards and key not in self._gone
        }
        self._build_next()

    def _build_next(self) -> None:
        """One card now; the next turn of the loop builds the next one."""
        if self._waiting:
            key = next(iter(self._waiting))
            shown = self._waiting.pop(key)
            card = ToastCard(shown.toast, key)
            self._shown[key] = shown
            card.close_requested.connect(self._on_closed)
            card.open_requested.connect(self.open_session_requested)
            self._cards[key] = card
            self._due[key] = self._elapsed.elapsed() + round(shown.toast.dismiss_after_s * 1000)
            self._layout.addWidget(card)
        if self._waiting:
            self._build_timer.start()
        self.setVisible(bool(self._cards))
        self._arm()

    def dismiss(self, key: ToastKey) -> None:
        if self._waiting.pop(key, None) is not None:  # never shown: it must not come later
            self._gone.add(key)
        if key in self._cards:
            self._remove(key)
            self._gone.add(key)
            self.toast_dismissed.emit()

    def _on_closed(self, key: ToastKey) -> None:
        shown = self._shown.get(key)
        self.dismiss(key)
        if shown is not None:
            self.toast_closed.emit(shown)

    def _remove(self, key: ToastKey) -> None:
        card = self._cards.pop(key)
        self._shown.pop(key, None)
        self._due.pop(key, None)
        focus = QApplication.focusWidget()
        had_keyboard = focus is not None and card.isAncestorOf(focus)
        self._layout.removeWidget(card)
        card.hide()
        card.deleteLater()
        self.setVisible(bool(self._cards))
        if had_keyboard:  # as for offer cards: the shell puts the keyboard somewhere safe
            self.keyboard_released.emit()

    def _arm(self) -> None:
        if not self._due:
            self._timer.stop()
            return
        wait = min(self._due.values()) - self._elapsed.elapsed()
        self._timer.start(max(0, wait))

    def _dismiss_due(self) -> None:
        now = self._elapsed.elapsed()
        for key in [k for k, due in self._due.items() if due <= now]:
            self.dismiss(key)
        self._arm()

    def cards(self) -> list[ToastCard]:
        return list(self._cards.values())
