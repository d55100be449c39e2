"""The presence timeline: "why am I Inactive / Do not disturb?", newest first."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.model import PresenceChange
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import presence_icon
from agent_desktop.ui.widgets.wording import changed_by, clock_text, timeline_sentence


class PresenceTimeline(QWidget):
    """Lists `PresenceChange` entries with readable reasons. No signals: it only shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        self.title = QLabel(translate("PresenceTimeline", "Presence history"))
        self.title.setProperty("heading", True)
        layout.addWidget(self.title)
        self.empty = QLabel(translate("PresenceTimeline", "No presence changes yet."))
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(
            [
                translate("PresenceTimeline", "Time"),
                translate("PresenceTimeline", "What happened"),
                translate("PresenceTimeline", "Who"),
            ]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.tree, 1)

    def show_state(self, changes: Sequence[PresenceChange], agent_name: str | None = None) -> None:
        """`agent_name` set: a supervisor looks at someone else's timeline."""
        self.title.setText(
            translate("PresenceTimeline", "Presence history of {name}").format(name=agent_name)
            if agent_name
            else translate("PresenceTimeline", "Presence history")
        )
        self.tree.clear()
        for change in sorted(changes, key=lambda c: c.changed_at, reverse=True):
            item = QTreeWidgetItem(
                [
                    clock_text(change.changed_at),
                    timeline_sentence(change),
                    changed_by(change),
                ]
            )
            item.setIcon(1, presence_icon(change.presence))
            self.tree.addTopLevelItem(item)
        self.empty.setVisible(not changes)
        self.tree.setVisible(bool(changes))

    def lines(self) -> list[str]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item.text(1) for item in items if item is not None]
