"""The agent's presence picker, saying who set the current presence and why when it was not them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel, QWheelEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from agent_desktop.protocol.model import PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, PresenceSource
from agent_desktop.ui.theme import presence_icon
from agent_desktop.ui.widgets.wording import (
    CHOOSABLE_PRESENCES,
    presence_explanation,
    presence_label,
    why_phrase,
)


class PresenceCombo(QComboBox):
    """A combo that changes the presence only from its open list, never from a stray key.

    A closed QComboBox picks an entry by keyboard search (typing "b" chose Busy), arrow keys
    and the mouse wheel, and reports each as `activated`: text meant for a reply that landed
    here changed the agent's presence. Here only the "open the list" keys act; in the open
    list the agent sees the choice and confirms it with Enter or a click.
    """

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        # F4 and Alt+Down/Up are the platform's "open the list" keys. Space and Enter are not
        # used: they end many typed sentences, and the list they opened would then take the
        # next Enter as a choice.
        if key == Qt.Key.Key_F4 or (alt and key in (Qt.Key.Key_Down, Qt.Key.Key_Up)):
            self.showPopup()
            return
        event.ignore()  # typed text, arrows, Home/End, PageUp/Down: not a presence choice

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()


class PresenceSelector(QWidget):
    """A combo of the presences an agent may choose, plus why the current one was set.

    `inactive` cannot be chosen; while the agent is Inactive it shows as a disabled entry.
    Over a dead link the shell passes `online=False` and the combo shows Offline (never
    "Available" over a dead link) and is disabled.

    Signals:
        presence_chosen(Presence): the agent picked a presence (only on a user action).
    """

    presence_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.combo = PresenceCombo()
        self.combo.setAccessibleName("Presence")
        self.combo.setMinimumWidth(170)
        self._model = QStandardItemModel(self.combo)
        self.combo.setModel(self._model)
        self.explanation = QLabel()
        self.explanation.setProperty("muted", True)
        layout.addWidget(self.combo)
        layout.addWidget(self.explanation, 1)
        self._shown: tuple[PresenceInfo | None, bool] | None = None
        self._fill(None)
        self.combo.activated.connect(self._on_activated)

    def _fill(self, extra: Presence | None) -> None:
        self._model.clear()
        presences = list(CHOOSABLE_PRESENCES)
        if extra is not None:
            presences.insert(0, extra)
        for presence in presences:
            item = QStandardItem(presence_icon(presence), presence_label(presence))
            item.setData(presence, Qt.ItemDataRole.UserRole)
            if presence not in CHOOSABLE_PRESENCES:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self._model.appendRow(item)

    def show_state(self, presence: PresenceInfo | None, *, online: bool = True) -> None:
        if self._shown == (presence, online):
            return
        self._shown = (presence, online)
        shown = Presence.OFFLINE if presence is None or not online else presence.presence
        self._fill(None if shown in CHOOSABLE_PRESENCES else shown)
        self.combo.setCurrentIndex(self.presences().index(shown))
        self.combo.setEnabled(online and presence is not None)
        if presence is not None and online and presence.source is not PresenceSource.AGENT:
            self.explanation.setText(why_phrase(presence.source, presence.reason))
        else:
            self.explanation.setText("")
        self.combo.setToolTip(
            presence_explanation(presence) if presence is not None and online else ""
        )

    def presences(self) -> list[Presence]:
        """The presences in the combo, in order (what the agent can see)."""
        # Qt hands a StrEnum back as a plain str: turn it back into the enum.
        return [
            Presence(self._model.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self._model.rowCount())
        ]

    def current(self) -> Presence:
        return Presence(self.combo.currentData(Qt.ItemDataRole.UserRole))

    def _on_activated(self, index: int) -> None:
        presence = Presence(self.combo.itemData(index, Qt.ItemDataRole.UserRole))
        if presence in CHOOSABLE_PRESENCES:
            self.presence_chosen.emit(presence)
