"""The supervisor's live table of agents, and the reset-presence action."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import (
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.model import AgentView, QueueStats
from agent_desktop.protocol.vocabulary import AlertKind, Presence, UserId
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.theme import presence_icon
from agent_desktop.ui.widgets.queue_table import QueueTable
from agent_desktop.ui.widgets.row_table import AnyIndex, RowTableModel
from agent_desktop.ui.widgets.wording import (
    CHOOSABLE_PRESENCES,
    clock_text,
    presence_explanation,
    presence_label,
)

COLUMNS: Final = (
    QT_TRANSLATE_NOOP("SupervisorView", "Agent"),
    QT_TRANSLATE_NOOP("SupervisorView", "Presence"),
    QT_TRANSLATE_NOOP("SupervisorView", "Sessions"),
    QT_TRANSLATE_NOOP("SupervisorView", "Pending offers"),
    QT_TRANSLATE_NOOP("SupervisorView", "Connection"),
    QT_TRANSLATE_NOOP("SupervisorView", "Alerts"),
    QT_TRANSLATE_NOOP("SupervisorView", "Penalty"),
)
ALERT_WORDS: Final = {
    AlertKind.MISSED: QT_TRANSLATE_NOOP("SupervisorView", "Missed offer"),
    AlertKind.REJECTED: QT_TRANSLATE_NOOP("SupervisorView", "Rejected offer"),
    AlertKind.MAX_SESSIONS: QT_TRANSLATE_NOOP("SupervisorView", "Session limit"),
}
MEASURED_ROWS: Final = 100
"""Rows (besides those on screen) a column's width is fitted to."""


class AgentTableModel(RowTableModel[AgentView]):
    """Rows of `AgentView`, sorted by agent id. `set_agents` changes only what changed, so the
    view keeps its selection and scroll position under a stream of updates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("SupervisorView", COLUMNS, parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return presence_icon(row.presence.presence)
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            upcoming = row.next_presence
            then = (
                translate("SupervisorView", "; then {presence}").format(
                    presence=upcoming.custom or presence_label(upcoming.presence)
                )
                if upcoming is not None
                else ""
            )
            return presence_explanation(row.presence) + then
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.agent
        return None

    @staticmethod
    def _text(row: AgentView, column: int) -> str:
        if column == 0:
            return (
                row.display_name
                if row.display_name == row.agent
                else (f"{row.display_name} ({row.agent})")
            )
        if column == 1:
            return presence_explanation(row.presence)
        if column == 2:
            text = (
                translate("SupervisorView", "{sessions}, {wrap_ups} wrapping up").format(
                    sessions=row.sessions, wrap_ups=row.wrap_ups
                )
                if row.wrap_ups
                else str(row.sessions)
            )
            return translate("SupervisorView", "{sessions} ({used}/{capacity} capacity)").format(
                sessions=text, used=row.capacity_used, capacity=row.capacity
            )
        if column == 3:
            return str(row.pending_offers)
        if column == 4:
            return (
                translate("SupervisorView", "Connected")
                if row.connected
                else translate("SupervisorView", "Disconnected")
            )
        if column == 6:
            until = row.penalty_until
            if until is None:
                return "—"
            return translate("SupervisorView", "No queue work until {time}").format(
                time=clock_text(until)
            )
        return ", ".join(translate("SupervisorView", ALERT_WORDS[a]) for a in row.alerts) or "—"

    def agent_at(self, row: int) -> AgentView:
        return self._rows[row]

    def penalised(self, agent: UserId) -> bool:
        return any(a.agent == agent and a.penalty_until is not None for a in self._rows)

    def set_agents(self, agents: Sequence[AgentView]) -> list[int] | None:
        """Show `agents`. Returns the positions of rows replaced in place, or None when rows
        came, went or moved (then every column width may need a new fit)."""
        changed = self._changed_in_place(agents)
        if changed is not None:
            # The usual update (one agent_updated): the same agents in the same order, a few
            # rows replaced. Found without sorting or walking 10,000 rows in Python.
            for position in changed:
                self._rows[position] = agents[position]
                self.dataChanged.emit(
                    self.index(position, 0), self.index(position, len(COLUMNS) - 1)
                )
            return changed
        new = sorted(agents, key=lambda a: a.agent)
        if not self._rows:
            # The first listing: one reset instead of one insert signal per row.
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return None
        new_ids = {a.agent for a in new}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].agent not in new_ids:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        # Both lists are sorted by agent id now, so one merge pass updates and inserts.
        for position, agent in enumerate(new):
            if position < len(self._rows) and self._rows[position].agent == agent.agent:
                if self._rows[position] != agent:
                    self._rows[position] = agent
                    self.dataChanged.emit(
                        self.index(position, 0), self.index(position, len(COLUMNS) - 1)
                    )
            else:
                self.beginInsertRows(QModelIndex(), position, position)
                self._rows.insert(position, agent)
                self.endInsertRows()
        return None

    def _changed_in_place(self, agents: Sequence[AgentView]) -> list[int] | None:
        """Positions of replaced rows when `agents` is the shown list with only some rows
        replaced by rows of the same agents; None when rows came, went or moved."""
        rows = self._rows
        if not rows or len(agents) != len(rows):
            return None
        # The core keeps unchanged rows as the same objects: an identity test per row.
        changed = [
            i for i, (old, new) in enumerate(zip(rows, agents, strict=True)) if old is not new
        ]
        if any(rows[i].agent != agents[i].agent for i in changed):
            return None
        return [i for i in changed if rows[i] != agents[i]]


class SupervisorView(QWidget):
    """A live agent table with a Reset presence button and context menu.

    Signals:
        reset_presence_requested(str, Presence): reset this agent's presence to that presence.
        clear_penalty_requested(str): end this agent's repeat-miss penalty.
    """

    reset_presence_requested = Signal(str, object)
    clear_penalty_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        # The queues first: a handful of rows that say where help is needed, then who can help.
        self.queues = QueueTable(margin=0)
        layout.addWidget(self.queues)
        title = QLabel(translate("SupervisorView", "Your agents"))
        title.setProperty("heading", True)
        layout.addWidget(title)
        self.model = AgentTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(translate("SupervisorView", "Your agents"))
        self.table.setAccessibleDescription(
            translate(
                "SupervisorView",
                "Select an agent, then Reset presence; or open the context menu on a row",
            )
        )
        # Tab leaves the table for the reset controls; arrows move between rows. (Qt's default
        # moved Tab from cell to cell, so the keyboard never got out of the table.)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # A supervisor may watch 10,000 agents: columns fit the rows on screen and up to
        # MEASURED_ROWS more, not every row on every update (~0.2 s an update at 10,000).
        for measured in (header, self.table.verticalHeader()):
            measured.setResizeContentsPrecision(MEASURED_ROWS)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        layout.addWidget(self.table, 1)

        bar = QHBoxLayout()
        # Said, not only shown by a greyed button: the reset needs an agent chosen first.
        self.hint = QLabel(
            translate("SupervisorView", "Select an agent in the table to reset their presence.")
        )
        self.hint.setProperty("muted", True)
        bar.addWidget(self.hint)
        bar.addStretch(1)
        bar.addWidget(QLabel(translate("SupervisorView", "Reset to")))
        self.target = QComboBox()
        self.target.setAccessibleDescription(
            translate("SupervisorView", "The presence the selected agent is reset to")
        )
        for presence in CHOOSABLE_PRESENCES:
            self.target.addItem(presence_icon(presence), presence_label(presence), presence)
        bar.addWidget(self.target)
        self.target.setAccessibleName(translate("SupervisorView", "Reset to presence"))
        self.reset_button = QPushButton(translate("SupervisorView", "Reset presence"))
        self.reset_button.setAccessibleDescription(
            translate(
                "SupervisorView", "Set the selected agent's presence to the one chosen beside"
            )
        )
        self.reset_button.setProperty("primary", True)
        self.reset_button.clicked.connect(self._reset_selected)
        bar.addWidget(self.reset_button)
        self.clear_penalty_button = QPushButton(translate("SupervisorView", "Clear penalty"))
        self.clear_penalty_button.setToolTip(
            translate(
                "SupervisorView",
                "Route queue work to the selected agent again, before their penalty ends",
            )
        )
        self.clear_penalty_button.clicked.connect(self._clear_selected)
        bar.addWidget(self.clear_penalty_button)
        layout.addLayout(bar)
        self.table.selectionModel().selectionChanged.connect(self._sync)
        self._sync()

    def show_state(self, agents: Sequence[AgentView] | None) -> None:
        changed = self.model.set_agents(agents or ())
        self._sync()
        if not self.isVisible():
            return
        if changed is None:
            # Rows came or went. A row changed in place needs nothing here: the header fits
            # its columns to the contents itself, and fitting them again measured ~1,000
            # rows per column on every agent_updated.
            self._fit_columns()

    def show_queues(self, queues: Sequence[QueueStats] | None, server_now: float) -> None:
        """The live queue table (`list_queues` + `queue_updated`), longest waits at `server_now`."""
        self.queues.show_state(queues, server_now)

    def showEvent(self, event: QShowEvent) -> None:
        # Rows that arrived while the page was hidden were never measured: measure them now.
        super().showEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        # Every column but the presence column (which takes the rest) fits its contents.
        for column in range(self.model.columnCount()):
            if column != 1:
                self.table.resizeColumnToContents(column)

    def selected_agent(self) -> UserId | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.agent_at(rows[0].row()).agent if rows else None

    def select_agent(self, agent: UserId) -> None:
        for row in range(self.model.rowCount()):
            if self.model.agent_at(row).agent == agent:
                self.table.selectRow(row)
                return

    def reset_menu(self, agent: UserId) -> QMenu:
        """The context menu for one agent: "Reset presence to …" for each choosable presence."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for presence in CHOOSABLE_PRESENCES:
            action = menu.addAction(
                presence_icon(presence),
                translate("SupervisorView", "Reset presence to {presence}").format(
                    presence=presence_label(presence)
                ),
            )
            action.setData((agent, presence))
        if self.model.penalised(agent):
            menu.addSeparator()
            menu.addAction(translate("SupervisorView", "Clear the repeat-miss penalty")).setData(
                (agent, None)
            )
        # One bound slot for the menu rather than a lambda per action: the menu and its
        # actions are deleted on close, and lambdas capturing this view crashed PySide6 6.11.3
        # when a child holding them was deleted.
        menu.triggered.connect(self._on_reset_action)
        return menu

    def _on_reset_action(self, action: QAction) -> None:
        agent, presence = action.data()
        if presence is None:
            self.clear_penalty_requested.emit(agent)
        else:
            self.reset_presence_requested.emit(agent, presence)

    def _clear_selected(self) -> None:
        agent = self.selected_agent()
        if agent is not None and self.model.penalised(agent):
            self.clear_penalty_requested.emit(agent)

    def _reset_selected(self) -> None:
        agent = self.selected_agent()
        if agent is not None:
            self.reset_presence_requested.emit(agent, Presence(self.target.currentData()))

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        agent = self.model.agent_at(index.row()).agent
        menu = self.reset_menu(agent)
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _sync(self) -> None:
        agent = self.selected_agent()
        chosen = agent is not None
        self.reset_button.setEnabled(chosen)
        self.clear_penalty_button.setEnabled(agent is not None and self.model.penalised(agent))
        self.hint.setVisible(not chosen)
