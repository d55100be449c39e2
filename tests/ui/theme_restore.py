"""A test that changes the app's theme leaves the style sheet and palette as it found them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication


@contextmanager
def theme_restored() -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    sheet, palette = app.styleSheet(), QPalette(app.palette())
    try:
        yield app
    finally:
        app.setStyleSheet(sheet)
        app.setPalette(palette)
