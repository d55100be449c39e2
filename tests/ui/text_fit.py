"""Clipped or overlapping text: each label's and button's size hint against its laid-out box."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPoint
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QWidget,
)

from agent_desktop.ui.theme import apply_theme


@contextmanager
def text_scaled(factor: float) -> Iterator[None]:
    """The app's text `factor` times its size (as a desktop's text-size setting does), with the
    stylesheet following; restored afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = QFont(app.font())
    scaled = QFont(original)
    scaled.setPointSizeF(original.pointSizeF() * factor)
    app.setFont(scaled)
    apply_theme(app)
    try:
        yield
    finally:
        app.setFont(original)
        apply_theme(app)


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    parent = widget.parentWidget()
    where = f" in {type(parent).__name__} {parent.objectName()!r}" if parent is not None else ""
    return f"{type(widget).__name__} {widget.objectName()!r} {text[:40]!r}{where}"


def clipped_texts(root: QWidget) -> list[str]:
    """Labels and buttons under `root` drawn smaller than their text needs."""
    found: list[str] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QLabel) and (not widget.text() or widget.pixmap().width() > 0):
            continue  # an icon, or an empty label that takes no room
        box = widget.size()
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed_height = widget.heightForWidth(box.width())
            if needed_height > box.height():
                found.append(
                    f"{_name(widget)}: {box.width()}x{box.height()}, needs {needed_height} px high"
                )
            continue
        hint = widget.minimumSizeHint()
        if hint.width() > box.width() or hint.height() > box.height():
            needs = f"{hint.width()}x{hint.height()}"
            found.append(f"{_name(widget)}: {box.width()}x{box.height()}, needs {needs}")
    return found


def cut_off_sideways(root: QWidget) -> list[str]:
    """Labels and buttons in a scroll area that reach past its visible width: scrolling down to
    read is fine, scrolling sideways to read a label or reach a button is not."""
    found: list[str] = []
    for area in root.findChildren(QAbstractScrollArea):
        if not area.isVisibleTo(root):
            continue
        viewport = area.viewport()
        for widget in viewport.findChildren(QWidget):
            if not isinstance(widget, QLabel | QAbstractButton) or not widget.isVisibleTo(root):
                continue
            left = widget.mapTo(viewport, QPoint(0, 0)).x()
            if left < 0 or left + widget.width() > viewport.width():
                found.append(
                    f"{_name(widget)}: x {left}..{left + widget.width()} of {viewport.width()}"
                )
    return found


def overlapping_texts(root: QWidget) -> list[str]:
    """Labels and buttons whose box runs into a visible sibling's."""
    found: list[str] = []
    for parent in [root, *root.findChildren(QWidget)]:
        children = [
            c
            for c in parent.children()
            if isinstance(c, QWidget) and not c.isWindow() and c.isVisibleTo(root)
        ]
        texts = [c for c in children if isinstance(c, QLabel | QAbstractButton)]
        for text in texts:
            for other in children:
                if other is text or other.geometry().isEmpty():
                    continue
                if text.geometry().intersects(other.geometry()):
                    pair = sorted((_name(text), _name(other)))
                    found.append(f"{pair[0]} overlaps {pair[1]}")
    return sorted(set(found))
