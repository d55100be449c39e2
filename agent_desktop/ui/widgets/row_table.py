"""The part every read-only table of the app shares: rows of one kind under translated headings.

Each table (agents, queues, the sent log, booking codes) says only what a cell shows (`data`)
and how its rows change; counting rows and columns and naming the columns is done once here.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from agent_desktop.ui.i18n import translate

AnyIndex = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


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
