"""The admin's custom presences ("Lunch", "Training") as menu entries, kept in step with the
server's list: the tray's menu and the window's Presence menu show the same ones.

The entries sit just before a marker action of the menu (a separator), each with its colour as
a dot. A click emits `chosen(name)`; whether it is shown as chosen follows the server's answer,
never the click (a refused change must not look accepted).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from agent_desktop.protocol.model import CustomPresence
from agent_desktop.ui.theme import colour_dot


class CustomPresenceItems(QObject):
    """Menu entries for the custom presences, inserted before `marker` in `menu`.

    `group`: an exclusive group the entries join (the tray ticks the current presence);
    without one the entries are plain commands ("Set Lunch" in the window's menu).
    `set_apart`: a separator before the entries, shown only while there are some.

    Signals:
        chosen(str): the agent picked this custom presence, by its name.
    """

    chosen = Signal(str)

    def __init__(
        self,
        menu: QMenu,
        marker: QAction,
        *,
        label: Callable[[str], str] = lambda name: name,
        group: QActionGroup | None = None,
        set_apart: bool = False,
    ) -> None:
        super().__init__(menu)
        self._menu = menu
        self._marker = marker
        self._label = label
        self._group = group
        self._customs: tuple[CustomPresence, ...] = ()
        self.actions: dict[str, QAction] = {}
        self._apart: QAction | None = None
        if set_apart:
            self._apart = QAction(menu)
            self._apart.setSeparator(True)
            self._apart.setVisible(False)
            menu.insertAction(marker, self._apart)

    def show(self, customs: Sequence[CustomPresence], current: str | None, enabled: bool) -> None:
        """The server's list, the one chosen, and whether a presence can be set now (online)."""
        self.set_list(customs)
        self.tick(current, enabled)

    def tick(self, current: str | None, enabled: bool) -> None:
        """Which one is chosen (ticked where the entries are checkable), and whether any can
        be chosen now."""
        for name, action in self.actions.items():
            action.setChecked(action.isCheckable() and name == current)
            action.setEnabled(enabled)

    def set_list(self, customs: Sequence[CustomPresence]) -> None:
        """The entries follow the server's list; rebuilt only when it changed."""
        customs = tuple(customs)
        if customs == self._customs:
            return
        self._customs = customs
        for action in self.actions.values():
            self._menu.removeAction(action)
            if self._group is not None:
                self._group.removeAction(action)
            action.deleteLater()
        self.actions = {}
        for custom in customs:
            action = QAction(colour_dot(custom.colour), self._label(custom.name), self._menu)
            action.setData(custom.name)
            action.triggered.connect(self._on_triggered)
            if self._group is not None:
                action.setCheckable(True)
                self._group.addAction(action)
            self._menu.insertAction(self._marker, action)
            self.actions[custom.name] = action
        if self._apart is not None:
            self._apart.setVisible(bool(customs))

    def _on_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.chosen.emit(str(action.data()))
