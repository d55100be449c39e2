"""A scroll area for a column of cards: it scrolls down, never sideways.

A plain QScrollArea lets its content grow wider than the column and clips it behind a horizontal
scroll bar: with large text (200 %) or a longer language, the Accept button and the countdown of
an offer were cut off. This one asks its splitter for the content's minimum width instead.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QScrollArea, QWidget


class ColumnScroll(QScrollArea):
    def __init__(
        self, content: QWidget, *, minimum_width: int = 0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        # Not setMinimumWidth: an explicit minimum would override the hint below.
        self._minimum_width = minimum_width
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there, so wrapped texts are measured at the width they get: a bar that shows
        # up only once they overflow narrows them after the measuring.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setWidget(content)
        content.installEventFilter(self)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        content = self.widget()
        if content is None:
            return hint
        frame = 2 * self.frameWidth()
        wanted = content.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), wanted + frame, self._minimum_width), hint.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a new card may need a wider column
        return super().eventFilter(watched, event)
