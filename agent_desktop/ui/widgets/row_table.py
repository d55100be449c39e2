"""The part every read-only table of the app shares: rows of one kind under translated headings.

Each table (agents, queues, the sent log, booking codes) says only what a cell shows (`data`)
and how its rows change; counting rows and columns and naming the columns is done once here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from agent_desktop.ui.i18n import translate

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")
RowTexts = Callable[[int], Sequence[str]]
"""What a table's row shows, column by column."""


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """`columns` are source texts marked with QT_TRANSLATE_NOOP in `context`; they are translated
    when shown, so a language chosen after import still applies."""

    def __init__(
        self, context: str, columns: tuple[str, ...], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._columns = columns
        self._rows: list[Row] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return translate(self._context, self._columns[section])
        return None


def fitted_widths(table: QTableView, rows: Sequence[int], texts: RowTexts) -> list[int]:
    """The width each column needs for its heading and its cells in `rows` (`texts(row)`: what
    the row shows, column by column), from the table's font metrics.

    Qt's own fit (`ResizeToContents`, `resizeColumnToContents`) asks the model for eight roles
    per cell it measures and lays each text out: ~15,000 `data()` calls and ~60 ms for a page of
    agents. Here each distinct text is measured once. What a cell adds around its text (margins,
    an icon, the style sheet's padding) is taken from Qt for one cell per column, so the widths
    match Qt's own fit.
    """
    header = table.horizontalHeader()
    model = table.model()
    metrics = table.fontMetrics()
    widths = [header.sectionSizeHint(column) for column in range(model.columnCount())]
    sample = [texts(row) for row in rows]
    if not sample:
        return widths
    first = rows[0]
    for column, shown in enumerate(zip(*sample, strict=True)):
        hint = table.sizeHintForIndex(model.index(first, column)).width()
        # +1: Qt rounds a laid-out text's width up, font metrics round to nearest.
        around = hint - metrics.horizontalAdvance(shown[0]) + 1
        longest = max(metrics.horizontalAdvance(text) for text in set(shown))
        widths[column] = max(widths[column], longest + around)
    return widths
