"""Next status: "Away after these sessions". While sessions or wrap-ups are open the agent picks
the presence to take once the last one ends; it shows until then and can be cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from agent_desktop.protocol.model import CustomPresence, NextPresence
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import colour_dot, presence_icon
from agent_desktop.ui.widgets.wording import CHOOSABLE_PRESENCES, presence_label


def next_presence_name(chosen: NextPresence) -> str:
    return chosen.custom or presence_label(chosen.presence)


class NextStatus(QWidget):
    """A "Then…" menu while work is open, and the chosen next status with Cancel.

    Signals:
        next_chosen(Presence, object): the presence, and the custom name or None.
        cancel_requested(): drop the next status.
    """

    next_chosen = Signal(object, object)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        # Apart from the presence's explanation, which it would otherwise run into.
        layout.setContentsMargins(16, 0, 0, 0)
        layout.setSpacing(6)
        self.label = QLabel()
        self.label.setAccessibleName(translate("NextStatus", "Next status"))
        self.cancel_button = QPushButton(translate("NextStatus", "Cancel"))
        self.cancel_button.setToolTip(
            translate("NextStatus", "Keep the presence as it is after these sessions")
        )
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.choose_button = QPushButton(translate("NextStatus", "After these sessions…"))
        self.choose_button.setToolTip(
            translate("NextStatus", "Pick the presence to take when your open work ends")
        )
        self.menu = QMenu(self)
        self.menu.triggered.connect(self._on_chosen)
        self.choose_button.setMenu(self.menu)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.choose_button)
        self._shown: tuple[NextPresence | None, bool, tuple[CustomPresence, ...]] | None = None
        self.show_state(None, has_work=False, customs=())

    def show_state(
        self,
        chosen: NextPresence | None,
        *,
        has_work: bool,
        customs: Sequence[CustomPresence],
    ) -> None:
        shown = (chosen, has_work, tuple(customs))
        if shown == self._shown:
            return
        if self._shown is None or self._shown[2] != shown[2]:
            self._fill(shown[2])
        self._shown = shown
        if chosen is not None:
            self.label.setText(
                translate("NextStatus", "Then {presence}, after your open work").format(
                    presence=next_presence_name(chosen)
                )
            )
        self.label.setVisible(chosen is not None)
        self.cancel_button.setVisible(chosen is not None)
        self.choose_button.setVisible(has_work)
        self.choose_button.setText(
            translate("NextStatus", "Change…")
            if chosen is not None
            else translate("NextStatus", "After these sessions…")
        )
        self.setVisible(has_work or chosen is not None)

    def actions_by_name(self) -> dict[str, QAction]:
        return {a.text(): a for a in self.menu.actions()}

    def _fill(self, customs: tuple[CustomPresence, ...]) -> None:
        self.menu.clear()
        for presence in CHOOSABLE_PRESENCES:
            action = self.menu.addAction(presence_icon(presence), _after(presence_label(presence)))
            action.setData((presence, None))
        for custom in customs:
            action = self.menu.addAction(colour_dot(custom.colour), _after(custom.name))
            action.setData((custom.base, custom.name))

    def _on_chosen(self, action: QAction) -> None:
        presence, custom = action.data()
        self.next_chosen.emit(Presence(presence), custom)


def _after(presence: str) -> str:
    return translate("NextStatus", "{presence} after these sessions").format(presence=presence)
