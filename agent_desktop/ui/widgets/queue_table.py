"""The supervisor's live queue table: waiting work, waits, staffing and the last hour's misses.

Fed by `list_queues` and `queue_updated` deltas through the core's `queue_stats`; the longest
wait is computed here from `oldest_waiting_since` each second, so the server need not push it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.model import QueueStats
from agent_desktop.protocol.vocabulary import QueueId
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.widgets.row_table import AnyIndex, RowTableModel, fitted_widths
from agent_desktop.ui.widgets.wording import channel_label, countdown_text

COLUMNS: Final = (
    QT_TRANSLATE_NOOP("QueueTable", "Queue"),
    QT_TRANSLATE_NOOP("QueueTable", "Waiting"),
    QT_TRANSLATE_NOOP("QueueTable", "Longest wait"),
    QT_TRANSLATE_NOOP("QueueTable", "Estimated wait"),
    QT_TRANSLATE_NOOP("QueueTable", "Available"),
    QT_TRANSLATE_NOOP("QueueTable", "Busy"),
    QT_TRANSLATE_NOOP("QueueTable", "Away"),
    QT_TRANSLATE_NOOP("QueueTable", "Offers out"),
    QT_TRANSLATE_NOOP("QueueTable", "Missed (1 h)"),
    QT_TRANSLATE_NOOP("QueueTable", "Rejected (1 h)"),
)
VISIBLE_ROWS: Final = 8


def wait_text(seconds: float | None) -> str:
    return "—" if seconds is None else countdown_text(seconds)


class QueueTableModel(RowTableModel[QueueStats]):
    """Rows of `QueueStats` in the server's order; `server_now` moves the longest waits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("QueueTable", COLUMNS, parent)
        self._server_now = 0.0

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return translate("QueueTable", "Mean handle time {time}").format(
                time=countdown_text(row.average_handle_s)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def text(self, row: QueueStats, column: int) -> str:
        match column:
            case 0:
                return f"{row.name} ({channel_label(row.channel)})"
            case 1:
                return str(row.waiting)
            case 2:
                since = row.oldest_waiting_since
                return wait_text(None if since is None else max(0.0, self._server_now - since))
            case 3:
                return (
                    wait_text(row.estimated_wait_s)
                    if row.estimated_wait_s is not None
                    else translate("QueueTable", "nobody staffing")
                )
            case 4:
                return str(row.agents_available)
            case 5:
                return str(row.agents_busy)
            case 6:
                return str(row.agents_away)
            case 7:
                return str(row.offers_in_flight)
            case 8:
                return str(row.missed_last_hour)
            case _:
                return str(row.rejected_last_hour)

    def texts(self, position: int) -> list[str]:
        """What each column shows for the row at `position`."""
        row = self._rows[position]
        return [self.text(row, column) for column in range(len(COLUMNS))]

    def row_of(self, queue: QueueId) -> QueueStats | None:
        return next((q for q in self._rows if q.queue == queue), None)

    def set_queues(self, queues: Sequence[QueueStats]) -> bool:
        """Show `queues`; True when queues came, went or moved (the columns need a new fit)."""
        new = list(queues)
        if [q.queue for q in new] != [q.queue for q in self._rows]:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return True
        for position, queue in enumerate(new):
            if self._rows[position] != queue:
                self._rows[position] = queue
                self.dataChanged.emit(
                    self.index(position, 0), self.index(position, len(COLUMNS) - 1)
                )
        return False

    def set_server_now(self, server_now: float) -> bool:
        """The waits are shown as of `server_now`; False: they already were."""
        if server_now == self._server_now:
            return False
        self._server_now = server_now
        if self._rows:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._rows) - 1, 2))
        return True


class QueueTable(QWidget):
    """The queue table with its title; empty until the supervisor's queues are listed."""

    def __init__(self, parent: QWidget | None = None, *, margin: int = 10) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.setSpacing(8)
        title = QLabel(translate("QueueTable", "Queues"))
        title.setProperty("heading", True)
        layout.addWidget(title)
        self.model = QueueTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(translate("QueueTable", "Queues"))
        self.table.setAccessibleDescription(
            translate(
                "QueueTable",
                "Each queue's waiting work, longest and estimated wait, and who is available",
            )
        )
        # Tab goes on to the agents below, not from cell to cell (arrows move between rows).
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        # Fitted here (`_fit_columns`), not by the header: in ResizeToContents mode it measured
        # every cell again at each second's clock tick (~700 data() reads, ~3 ms).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fitted = [0] * len(COLUMNS)
        layout.addWidget(self.table, 1)

    def show_state(self, queues: Sequence[QueueStats] | None, server_now: float) -> None:
        self.model.set_server_now(server_now)
        moved = self.model.set_queues(queues or ())
        self._fit_height()
        self._fit_columns(anew=moved)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_columns(anew=True)

    def _fit_columns(self, *, anew: bool) -> None:
        """Each column but the queue's name (which takes the rest) fits its heading and cells;
        `anew` when the queues changed, else a column only widens (a wait of "9:59" becoming
        "10:00" must not make its column jump back and forth)."""
        if not self.isVisible():
            return
        fitted = fitted_widths(self.table, range(self.model.rowCount()), self.model.texts)
        if not anew:
            fitted = [max(f, old) for f, old in zip(fitted, self._fitted, strict=True)]
        if fitted == self._fitted:
            return
        self._fitted = fitted
        header = self.table.horizontalHeader()
        for column, width in enumerate(fitted):
            if column != 0:
                header.resizeSection(column, width)

    def _fit_height(self) -> None:
        # A handful of queues: every row in sight without a scroll bar, the rest of the page
        # for the agents; past VISIBLE_ROWS the table scrolls.
        rows = max(1, min(self.model.rowCount(), VISIBLE_ROWS))
        row_height = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(header + rows * row_height + frame)

    def update_clock(self, server_now: float) -> None:
        if self.model.set_server_now(server_now):
            self._fit_columns(anew=False)

    def cell(self, queue: QueueId, column: str) -> str:
        """What the table shows for a queue in a column (by its heading), for tests and tools."""
        row = self.model.row_of(queue)
        if row is None:
            raise KeyError(queue)
        return self.model.text(row, COLUMNS.index(column))
