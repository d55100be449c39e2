"""The main window's menus and keyboard shortcuts, and the sheet that lists them.

Agents work whole shifts at the keyboard: every frequent act has a key, and Help ▸ Keyboard
shortcuts lists them from the actions themselves, so the sheet cannot drift from the keys.
Shortcuts use Ctrl or Ctrl+Shift with a letter, never Ctrl+Alt (AltGr on many layouts types
characters with it) and never a bare letter (text meant for a reply must stay text).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.identity import APP_NAME
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.ui.custom_presence_items import CustomPresenceItems
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.widgets.wording import presence_label

if TYPE_CHECKING:
    from agent_desktop.session.settings import Settings
    from agent_desktop.ui.app_window import AppWindow

PRESENCE_KEYS = {
    Presence.AVAILABLE: "Ctrl+Shift+A",
    Presence.BUSY: "Ctrl+Shift+B",
    Presence.BUSY_DND: "Ctrl+Shift+D",
    Presence.AWAY: "Ctrl+Shift+Y",
}


def with_standard(standard: QKeySequence.StandardKey, ours: str) -> list[QKeySequence]:
    """The platform's key plus ours: standard keys are empty where there is no desktop theme
    (Windows has no Quit key; Linux without a theme has neither)."""
    keys = [k for k in QKeySequence.keyBindings(standard) if not k.isEmpty()]
    mine = QKeySequence(ours)
    return keys if mine in keys else [*keys, mine]


def install_menus(window: AppWindow) -> None:
    """Build the window's actions and menus: Agent Desktop, Work, Presence, Help."""
    for action in (
        window.offers.accept_newest_action,
        window.offers.reject_newest_action,
        *window.sessions.switch_actions,
        window.sessions.close_current_action,
    ):
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.addAction(action)
    window.sign_in_action = QAction(translate("Menus", "Sign in…"), window)
    window.sign_in_action.triggered.connect(window.sign_in_requested)
    window.sign_out_action = QAction(translate("Menus", "Sign out"), window)
    window.sign_out_action.triggered.connect(window.sign_out_requested)
    window.quit_action = QAction(translate("Menus", "Quit"), window)
    window.quit_action.setShortcuts(with_standard(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
    window.quit_action.triggered.connect(window.quit_requested)
    window.settings_action = QAction(translate("Menus", "Settings…"), window)
    window.settings_action.setShortcuts(
        with_standard(QKeySequence.StandardKey.Preferences, "Ctrl+,")
    )
    window.settings_action.triggered.connect(window.settings_requested)
    menu = window.menuBar().addMenu(translate("Menus", "&Agent Desktop"))
    menu.addAction(window.settings_action)
    menu.addAction(window.sign_in_action)
    menu.addAction(window.sign_out_action)
    menu.addSeparator()
    menu.addAction(window.quit_action)

    work = window.menuBar().addMenu(translate("Menus", "&Work"))
    work.addAction(window.offers.accept_newest_action)
    work.addAction(window.offers.reject_newest_action)
    work.addSeparator()
    for action in window.sessions.switch_actions:
        work.addAction(action)
    work.addSeparator()
    work.addAction(window.sessions.close_current_action)

    presence = window.menuBar().addMenu(translate("Menus", "&Presence"))
    window.presence_actions = {}
    for choice, keys in PRESENCE_KEYS.items():
        action = QAction(
            translate("Menus", "Set {presence}").format(presence=presence_label(choice)), window
        )
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False, p=choice: window.presence.presence_chosen.emit(p))
        window.addAction(action)
        presence.addAction(action)
        window.presence_actions[choice] = action
    end = QAction(presence)  # the custom presences go before this invisible end mark
    end.setVisible(False)
    presence.addAction(end)
    window.custom_presence_items = CustomPresenceItems(
        presence,
        end,
        label=lambda name: translate("Menus", "Set {presence}").format(presence=name),
        set_apart=True,
    )
    window.custom_presence_items.chosen.connect(window.depth_controls.choose_custom)

    help_menu = window.menuBar().addMenu(translate("Menus", "&Help"))
    window.shortcuts_action = QAction(translate("Menus", "Keyboard shortcuts"), window)
    window.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+/")])
    window.shortcuts_action.triggered.connect(window.show_shortcuts)
    help_menu.addAction(window.shortcuts_action)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(what, keys) for every action of the window that has a key: the menus' in menu order
    (Work first: what an agent does most), then any others."""
    menus = [m for m in window.menuBar().findChildren(QMenu) if m.menuAction() is not None]
    menus.sort(key=lambda menu: menu.title() != translate("Menus", "&Work"))
    ordered = [a for menu in menus for a in menu.actions()]
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for action in [*ordered, *window.actions(), *window.findChildren(QAction)]:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        what = action.text().replace("&", "").rstrip("…")
        rows.append((what, translate("Menus", " or ").join(keys)))
    return rows


class ShortcutsSheet(QDialog):
    """Help ▸ Keyboard shortcuts: every key the window answers to. Open with `open()`."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Menus", "Keyboard shortcuts"))
        self.setMinimumSize(480, 620)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName(translate("Menus", "Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels(
            [translate("Menus", "Action"), translate("Menus", "Keys")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (what, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(what))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(1)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        return [(self._text(r, 0), self._text(r, 1)) for r in range(self.table.rowCount())]

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


def add_help_menu(window: QMainWindow, settings: Callable[[], Settings]) -> QAction:
    """Help ▸ About… on `window`. `settings` is read when the dialog opens: the server may have
    changed since the window was built."""
    action = QAction(translate("About", "About {app}…").format(app=APP_NAME), window)
    action.setMenuRole(QAction.MenuRole.AboutRole)

    def show() -> None:
        # Imported when first opened: the dialog (its server check, crash logs) is no part of
        # the start's first paint.
        from agent_desktop.ui.about import AboutDialog

        current = settings()
        dialog = AboutDialog(current.server_url, current.ca_path, window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    action.triggered.connect(show)
    # Beside Help ▸ Keyboard shortcuts when the window has a Help menu already.
    help_title = translate("Menus", "&Help")
    help_menus = [m for m in window.menuBar().findChildren(QMenu) if m.title() == help_title]
    help_menu = help_menus[0] if help_menus else window.menuBar().addMenu(help_title)

    help_menu.addAction(action)
    return action
