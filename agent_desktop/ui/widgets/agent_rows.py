"""Painting the Team page's cells: the plain ones straight from the model's texts.

Qt's own delegate asks the model's `data()` for ~7 roles per cell at every paint (each a call
into Python) and lays each text out again: ~2.7 ms of a screenful of agents, the biggest part
of the page's first paint with 10,000 agents. A plain cell (not selected, not current, not
under the mouse) is drawn here from the row's texts and the presence dot, in the rectangles the
style gives Qt's delegate for that column (asked once per cell size), in the palette's text
colour, elided on the right as Qt's delegate does: the same pixels. Any other cell, and every
cell of a right-to-left layout, is left to Qt's delegate, so selection, focus and hover look
exactly as before.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPalette,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from agent_desktop.ui.widgets.agent_table import PRESENCE_COLUMN, AgentTableModel, dot

_State = QStyle.StateFlag
# Plain ints: a Python enum's `&` costs more than the rest of a cell's test.
_NOT_PLAIN: Final = (
    _State.State_Selected | _State.State_HasFocus | _State.State_MouseOver | _State.State_Editing
).value
_ENABLED: Final = _State.State_Enabled.value
_ACTIVE: Final = _State.State_Active.value
_STALE: Final = frozenset(
    {
        QEvent.Type.FontChange,
        QEvent.Type.StyleChange,
        QEvent.Type.PaletteChange,
        QEvent.Type.LayoutDirectionChange,
    }
)
"""What changes where, how wide or in which colour a cell's text is drawn."""
LAID_OUT_TEXTS: Final = 2_000
"""Texts kept laid out (most columns repeat a few words: "Available", "Connected", "0"); past
this many (every name scrolled past) the cache starts again."""
_CENTRED: Final = Qt.AlignmentFlag.AlignHCenter.value
_NAME_COLUMN: Final = 0
"""One name per row, never repeated: laying it out to keep costs more than drawing it once."""


class _Cell:
    """Where a column's text and dot go in a cell of one size (offsets from its corner)."""

    __slots__ = ("alignment", "dot", "text")

    def __init__(self, text: QRect, dot: QRect | None, alignment: int) -> None:
        self.text = text
        self.dot = dot
        self.alignment = alignment


class AgentRowDelegate(QStyledItemDelegate):
    """Draws the agent table's plain cells without asking the model's `data()`."""

    def __init__(self, model: AgentTableModel, table: QTableView) -> None:
        super().__init__(table)
        self._model = model
        self._table = table
        self._cells: dict[tuple[int, int, int], _Cell] = {}
        self._texts: dict[str, tuple[QStaticText, float]] = {}
        """Each text laid out once in the table's font, with its width: on a page of agents
        the same few texts repeat on every row."""
        self._pens: dict[int, QColor] = {}
        self._metrics = QFontMetrics(table.font())
        self._line = self._line_height()
        self._left_to_right = table.layoutDirection() == Qt.LayoutDirection.LeftToRight
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._table and event.type() in _STALE:
            self._cells.clear()
            self._texts.clear()
            self._pens.clear()
            self._metrics = QFontMetrics(self._table.font())
            self._line = self._line_height()
            self._left_to_right = self._table.layoutDirection() == Qt.LayoutDirection.LeftToRight
        return False

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        state: int = option.state.value
        if state & _NOT_PLAIN or not self._left_to_right:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        column = index.column()
        key = (column, rect.width(), rect.height())
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = self._measure(option, index)
        model = self._model
        row = index.row()
        corner = rect.topLeft()
        if cell.dot is not None:
            dot(model.colour(model.agent_at(row))).paint(painter, cell.dot.translated(corner))
        painter.setPen(self._pen(state))
        text = model.texts(row)[column]
        area = cell.text.translated(corner)
        if column == _NAME_COLUMN:
            self._draw_once(painter, area, cell.alignment, text)
            return
        laid_out, width = self._laid_out(text)
        if width > area.width():
            self._draw_once(painter, area, cell.alignment, text)
            return
        # Where Qt's delegate puts a line: centred vertically (and, in the number columns,
        # horizontally) in the text rectangle, at fractional offsets as its text layout does.
        x = area.x() + ((area.width() - width) / 2 if cell.alignment & _CENTRED else 0)
        painter.drawStaticText(QPointF(x, area.y() + (area.height() - self._line) / 2), laid_out)

    def _draw_once(self, painter: QPainter, area: QRect, alignment: int, text: str) -> None:
        """`text` laid out for this paint only, elided on the right if it does not fit."""
        if self._metrics.horizontalAdvance(text) > area.width():
            text = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area, alignment, text)

    def _measure(
        self, shown: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> _Cell:
        """Where Qt's delegate puts this column's text and dot in a cell of `shown`'s size,
        asked of the style once (the model's `data()` is read here, for this one cell)."""
        option = QStyleOptionViewItem(shown)
        rect: QRect = shown.rect
        option.rect = QRect(0, 0, rect.width(), rect.height())
        self.initStyleOption(option, index)
        style = self._table.style()
        widget = self._table
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
        # Qt's item text keeps this margin inside the text rectangle on each side.
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        decoration = None
        if index.column() == PRESENCE_COLUMN:
            decoration = style.subElementRect(
                QStyle.SubElement.SE_ItemViewItemDecoration, option, widget
            )
        alignment = option.displayAlignment.value
        return _Cell(text.adjusted(margin, 0, -margin, 0), decoration, alignment)

    def _pen(self, state: int) -> QColor:
        group = (
            (QPalette.ColorGroup.Normal if state & _ACTIVE else QPalette.ColorGroup.Inactive)
            if state & _ENABLED
            else QPalette.ColorGroup.Disabled
        )
        key = group.value
        colour = self._pens.get(key)
        if colour is None:
            # The table's palette is the one Qt's delegate paints with (the style sheet's
            # colours are set on it when the table is polished).
            colour = self._pens[key] = self._table.palette().color(group, QPalette.ColorRole.Text)
        return colour

    def _laid_out(self, text: str) -> tuple[QStaticText, float]:
        known = self._texts.get(text)
        if known is None:
            if len(self._texts) >= LAID_OUT_TEXTS:
                self._texts.clear()
            laid_out = QStaticText(text)
            laid_out.setTextFormat(Qt.TextFormat.PlainText)
            laid_out.prepare(QTransform(), self._table.font())
            known = self._texts[text] = (laid_out, laid_out.size().width())
        return known

    def _line_height(self) -> float:
        metrics = QFontMetricsF(self._table.font())
        return metrics.ascent() + metrics.descent()
