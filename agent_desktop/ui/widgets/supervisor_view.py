"""The supervisor's live table of agents, and the reset-presence action."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QSignalBlocker,
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

from agent_desktop.protocol.model import AgentView, CustomPresence, QueueStats
from agent_desktop.protocol.vocabulary import Presence, UserId
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import presence_icon
from agent_desktop.ui.widgets.agent_rows import AgentRowDelegate
from agent_desktop.ui.widgets.agent_table import COLUMNS, PRESENCE_COLUMN, AgentTableModel
from agent_desktop.ui.widgets.queue_table import QueueTable
from agent_desktop.ui.widgets.row_table import fitted_widths
from agent_desktop.ui.widgets.wording import CHOOSABLE_PRESENCES, presence_label

MEASURED_ROWS: Final = 100
"""Rows (besides those on screen) a column's width is fitted to."""


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
        self._fitted: list[int] = [0] * len(COLUMNS)
        """Each column's fitted width; the presence column's is its least."""
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
        # Plain cells are painted from the rows' texts, not through ~7 data() calls each.
        self.table.setItemDelegate(AgentRowDelegate(self.model, self.table))
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
        # One line per row: a cell too narrow elides rather than wrapping into a row one line
        # high (and the painter need not lay out a wrap for every cell).
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # A supervisor may watch 10,000 agents. The columns are fitted here (`_fit_columns`),
        # not by the header: in ResizeToContents mode it re-measured ~100 rows per column for
        # every change to a row on screen (~5,000 data() reads, ~19 ms) and ~15,000 for the
        # first listing.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.viewport().installEventFilter(self)
        self.table.verticalScrollBar().valueChanged.connect(self._widen_to_shown)
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
            # Rows came or went. Lay the rows and scroll bars out now, before the columns are
            # fitted: Qt does it from a timer, after the first paint, and painted it all again.
            self.table.doItemsLayout()
            self._fit_columns()
        elif changed:
            self._widen(changed)  # a longer text ("Disconnected") gets its room

    def show_customs(self, customs: Sequence[CustomPresence]) -> None:
        """The admin's custom presences (from the snapshot): an agent in one shows its colour."""
        self.model.set_custom_presences(customs)

    def show_queues(self, queues: Sequence[QueueStats] | None, server_now: float) -> None:
        """The live queue table (`list_queues` + `queue_updated`), longest waits at `server_now`."""
        self.queues.show_state(queues, server_now)

    def showEvent(self, event: QShowEvent) -> None:
        # Rows that arrived while the page was hidden were never measured: measure them now.
        super().showEvent(event)
        self._fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._lay_out_columns()
        return super().eventFilter(watched, event)

    def _shown_rows(self) -> range:
        """The rows on screen (the first screenful when none is laid out yet)."""
        table = self.table
        count = self.model.rowCount()
        top = max(0, table.rowAt(0))
        fit = table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize())
        return range(top, min(count, top + fit + 1))

    def _fit_columns(self) -> None:
        """Each column fits its heading and the rows on screen plus MEASURED_ROWS more, as
        Qt's own fit did, measured from the font metrics; the presence column takes the rest."""
        shown = self._shown_rows()
        rows = range(shown.start, min(self.model.rowCount(), shown.stop + MEASURED_ROWS))
        self._fitted = fitted_widths(self.table, rows, self.model.texts)
        self._lay_out_columns()

    def _widen(self, rows: Sequence[int]) -> None:
        """Widen the columns (never narrow them) for `rows`: changed, or scrolled into view."""
        wider = fitted_widths(self.table, rows, self.model.texts)
        if any(w > f for w, f in zip(wider, self._fitted, strict=True)):
            self._fitted = [max(w, f) for w, f in zip(wider, self._fitted, strict=True)]
            self._lay_out_columns()

    def _widen_to_shown(self) -> None:
        self._widen(self._shown_rows())

    def _lay_out_columns(self) -> None:
        header = self.table.horizontalHeader()
        others = sum(self._fitted) - self._fitted[PRESENCE_COLUMN]
        # The presence column gets what the others leave, but never less than its contents:
        # past that the table scrolls sideways rather than cutting "Offline — set by …" short.
        presence = max(self._fitted[PRESENCE_COLUMN], self.table.viewport().width() - others)
        widths = dict(enumerate(self._fitted)) | {PRESENCE_COLUMN: presence}
        if all(header.sectionSize(c) == w for c, w in widths.items()):
            return
        # Quietly, then one repaint: told of each resized column, the table repainted them all
        # again from a timer, after the first paint (a second full paint, ~8 ms).
        with QSignalBlocker(header):
            for column, width in widths.items():
                header.resizeSection(column, width)
        self.table.updateGeometries()
        self.table.viewport().update()

    def selected_agent(self) -> UserId | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.agent_at(rows[0].row()).agent if rows else None

    def select_agent(self, agent: UserId) -> None:
        position = self.model.position_of(agent)
        if position is not None:
            self.table.selectRow(position)

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
