"""The tray icon: presence menu, unread count in the tooltip and as a badge on the icon."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from agent_desktop.protocol.model import CustomPresence
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.resources import icon_path
from agent_desktop.ui.custom_presence_items import CustomPresenceItems
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import badged_icon, presence_icon
from agent_desktop.ui.widgets.wording import CHOOSABLE_PRESENCES, presence_label

APP_NAME = "Agent Desktop"


class TrayIcon(QObject):
    """Wraps a `QSystemTrayIcon` (`.tray`, also what the notification adapters take).

    Signals:
        presence_chosen(Presence): the agent picked a presence in the tray menu.
        custom_chosen(str): the agent picked a custom presence ("Lunch") by its name.
        show_requested(): open the main window (menu entry or a click on the icon).
        quit_requested(): the agent chose Quit.
    """

    presence_chosen = Signal(object)
    custom_chosen = Signal(str)
    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._base = QIcon(str(icon_path("tray")))
        self.tray = QSystemTrayIcon(self._base, self)
        self.menu = QMenu()
        self.show_action = self.menu.addAction(translate("Tray", "Show Agent Desktop"))
        self.show_action.triggered.connect(self.show_requested)
        self.menu.addSeparator()
        self._group = QActionGroup(self)
        self._group.setExclusive(True)
        self.presence_actions: dict[Presence, QAction] = {}
        for presence in CHOOSABLE_PRESENCES:
            action = self.menu.addAction(presence_icon(presence), presence_label(presence))
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, p=presence: self._choose(p))
            self._group.addAction(action)
            self.presence_actions[presence] = action
        self._customs = CustomPresenceItems(self.menu, self.menu.addSeparator(), group=self._group)
        self._customs.chosen.connect(self._choose_custom)
        self._custom: str | None = None
        self.quit_action = self.menu.addAction(translate("Tray", "Quit"))
        self.quit_action.triggered.connect(self.quit_requested)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_activated)
        self._shown: tuple[Presence | None, int] | None = None
        self.show_state(None, 0)

    def show_state(self, presence: Presence | None, unread: int) -> None:
        """`presence` is what the app shows (Offline over a dead link), `unread` the number of
        sessions with new customer messages."""
        if self._shown == (presence, unread):
            return
        self._shown = (presence, unread)
        self._tick(presence)
        parts = [APP_NAME]
        if presence is not None:
            parts.append(presence_label(presence))
        if unread:
            parts.append(
                translate("Tray", "1 unread session")
                if unread == 1
                else translate("Tray", "{count} unread sessions").format(count=unread)
            )

        self.tray.setToolTip(" — ".join(parts))
        self.tray.setIcon(badged_icon(self._base, unread))

    def show_customs(self, customs: Sequence[CustomPresence], current: str | None) -> None:
        """The admin's custom presences after the built-in ones; `current` the one chosen."""
        self._custom = current
        self._customs.set_list(customs)
        self._tick(self._shown[0] if self._shown is not None else None)

    @property
    def custom_actions(self) -> dict[str, QAction]:
        return self._customs.actions

    def _tick(self, presence: Presence | None) -> None:
        for choice, action in self.presence_actions.items():
            action.setChecked(choice == presence and self._custom is None)
            action.setEnabled(presence is not None)
        self._customs.tick(self._custom, enabled=presence is not None)

    def _choose_custom(self, name: str) -> None:
        self._tick(self._shown[0] if self._shown is not None else None)
        self.custom_chosen.emit(name)

    def _choose(self, presence: Presence) -> None:
        # Qt ticks a checkable action on click; the tick follows the server's answer instead
        # (a refused change must not look accepted).
        self._tick(self._shown[0] if self._shown is not None else None)
        self.presence_chosen.emit(presence)

    def tooltip(self) -> str:
        return self.tray.toolTip()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()
