"""The agent's presence picker, saying who set the current presence and why when it was not them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel, QWheelEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from agent_desktop.protocol.model import CustomPresence, PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, PresenceSource
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import colour_dot, presence_icon
from agent_desktop.ui.widgets.wording import (
    CHOOSABLE_PRESENCES,
    presence_explanation,
    presence_label,
    why_phrase,
)

CUSTOM_ROLE = Qt.ItemDataRole.UserRole + 1
"""Item data: the custom presence's name (none on the built-in presences)."""


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

    The admin's custom presences ("Lunch") follow the built-in ones, each with its colour.

    Signals:
        presence_chosen(Presence): the agent picked a presence (only on a user action).
        custom_chosen(str): the agent picked a custom presence by its name.
    """

    presence_chosen = Signal(object)
    custom_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.combo = PresenceCombo()
        self.combo.setAccessibleName(translate("PresenceSelector", "Presence"))

        self.combo.setMinimumWidth(170)
        self._model = QStandardItemModel(self.combo)
        self.combo.setModel(self._model)
        self.explanation = QLabel()
        self.explanation.setProperty("muted", True)
        # Wraps rather than being cut off: with large text or a longer language it needs more
        # than the header's width left over.
        self.explanation.setWordWrap(True)
        layout.addWidget(self.combo)
        layout.addWidget(self.explanation, 1)
        self._shown: tuple[PresenceInfo | None, bool, tuple[CustomPresence, ...]] | None = None
        self._customs: tuple[CustomPresence, ...] = ()
        self._fill(None, ())
        self.combo.activated.connect(self._on_activated)

    def _fill(self, extra: Presence | None, customs: tuple[CustomPresence, ...]) -> None:
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
        for custom in customs:
            item = QStandardItem(colour_dot(custom.colour), custom.name)
            item.setData(custom.base, Qt.ItemDataRole.UserRole)
            item.setData(custom.name, CUSTOM_ROLE)
            item.setToolTip(
                translate("PresenceSelector", "{name} (counts as {base})").format(
                    name=custom.name, base=presence_label(custom.base)
                )
            )
            self._model.appendRow(item)

    def show_customs(self, customs: Sequence[CustomPresence]) -> None:
        """The admin's custom presences to offer (from the snapshot); shown from the next paint."""
        self._customs = tuple(customs)

    def show_state(self, presence: PresenceInfo | None, *, online: bool = True) -> None:
        customs = self._customs
        if self._shown == (presence, online, customs):
            return
        self._shown = (presence, online, customs)
        shown = Presence.OFFLINE if presence is None or not online else presence.presence
        custom = presence.custom if presence is not None and online else None
        self._fill(None if shown in CHOOSABLE_PRESENCES else shown, customs)
        choices = self.choices()
        current = (shown, custom) if (shown, custom) in choices else (shown, None)
        self.combo.setCurrentIndex(choices.index(current))
        self.combo.setEnabled(online and presence is not None)
        if presence is not None and online and presence.source is not PresenceSource.AGENT:
            self.explanation.setText(why_phrase(presence.source, presence.reason))
        else:
            self.explanation.setText("")
        self.combo.setToolTip(
            presence_explanation(presence) if presence is not None and online else ""
        )

    def presences(self) -> list[Presence]:
        """The built-in presences in the combo, in order (what the agent can see)."""
        return [presence for presence, custom in self.choices() if custom is None]

    def choices(self) -> list[tuple[Presence, str | None]]:
        """Every entry in order: a presence, and the custom name where it is a custom one."""
        # Qt hands a StrEnum back as a plain str: turn it back into the enum.
        return [
            (
                Presence(self._model.item(row).data(Qt.ItemDataRole.UserRole)),
                self._model.item(row).data(CUSTOM_ROLE) or None,
            )
            for row in range(self._model.rowCount())
        ]

    def current(self) -> Presence:
        return Presence(self.combo.currentData(Qt.ItemDataRole.UserRole))

    def current_text(self) -> str:
        return self.combo.currentText()

    def _on_activated(self, index: int) -> None:
        presence = Presence(self.combo.itemData(index, Qt.ItemDataRole.UserRole))
        custom = self.combo.itemData(index, CUSTOM_ROLE)
        if custom:
            self.custom_chosen.emit(str(custom))
        elif presence in CHOOSABLE_PRESENCES:
            self.presence_chosen.emit(presence)
