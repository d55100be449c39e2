"""The German catalogue for tests: built from the .ts when missing or older, and installed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTableView,
    QTreeView,
    QWidget,
)

from agent_desktop.ui import translations_build
from agent_desktop.ui.i18n import TRANSLATIONS_DIR, install_language, remove_language

GERMAN_TS = TRANSLATIONS_DIR / "agent_desktop_de.ts"


def ensure_built() -> None:
    qm = GERMAN_TS.with_suffix(".qm")
    if not qm.exists() or qm.stat().st_mtime < GERMAN_TS.stat().st_mtime:
        translations_build.build()


@contextmanager
def german() -> Iterator[None]:
    """The app speaks German until the block ends (widgets made inside it)."""
    if QApplication.instance() is None:
        QApplication([])  # a translator needs the application; the test's loop reuses it
    ensure_built()
    install_language("de")
    try:
        yield
    finally:
        remove_language()


def catalogue() -> list[tuple[str, str, str | None, str | None]]:
    """(context, source, translation, type) of every message in the German .ts."""
    rows = []
    for context in ET.parse(GERMAN_TS).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            rows.append(
                (
                    name,
                    message.findtext("source") or "",
                    translation.text,
                    translation.get("type"),
                )
            )
    return rows


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text a user sees or a screen reader reads under `root`."""
    found: list[tuple[str, str]] = []

    def add(widget: QWidget, what: str, text: str) -> None:
        if text.strip():
            found.append((f"{type(widget).__name__}.{what} {widget.objectName()!r}", text))

    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root) and not isinstance(widget, QMenu):
            continue
        add(widget, "toolTip", widget.toolTip())
        add(widget, "accessibleName", widget.accessibleName())
        add(widget, "accessibleDescription", widget.accessibleDescription())
        if isinstance(widget, QLabel | QAbstractButton):
            add(widget, "text", widget.text())
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            add(widget, "placeholder", widget.placeholderText())
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, f"item{i}", widget.itemText(i))
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                add(widget, f"tab{i}", widget.tabText(i))
                add(widget, f"tabToolTip{i}", widget.tabToolTip(i))
        header = (
            widget.horizontalHeader()
            if isinstance(widget, QTableView)
            else widget.header()
            if isinstance(widget, QTreeView)
            else None
        )
        if header is not None and not header.isHidden():
            model = header.model()
            for column in range(header.count()):
                add(widget, f"header{column}", str(model.headerData(column, _HORIZONTAL) or ""))
        if isinstance(widget, QMenu):
            add(widget, "title", widget.title())
            for action in widget.actions():
                add(widget, "action", action.text())
        if widget.isWindow():
            add(widget, "windowTitle", widget.windowTitle())
    if isinstance(root, QMainWindow):
        for action in root.menuBar().actions():
            add(root, "menu", action.text())
    return found


_HORIZONTAL = Qt.Orientation.Horizontal

ENGLISH_WORDS = frozenset(
    {
        "the",
        "you",
        "your",
        "with",
        "and",
        "is",
        "are",
        "not",
        "this",
        "that",
        "for",
        "from",
        "when",
        "what",
        "set",
        "show",
        "close",
        "open",
        "new",
        "no",
        "of",
        "to",
        "by",
        "sign",
        "accept",
        "reject",
        "send",
        "call",
        "waiting",
        "session",
        "sessions",
        "offer",
        "offers",
        "presence",
        "available",
        "busy",
        "away",
        "inactive",
        "disturb",
        "reply",
        "transfer",
        "escalate",
        "settings",
        "quit",
        "why",
    }
)
"""Words of the English source that no German sentence of the app contains."""

_TAGS = re.compile(r"<[^>]+>")
_DETAIL = re.compile(r"\([^()]*\)")
_WORDS = re.compile(r"[A-Za-z']+")


def english_in(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The English words left in `text` once names and data the app shows as given are removed."""
    text = _TAGS.sub(" ", text)
    # A parenthesised detail is the system's own error text (an OSError, D-Bus), shown as given.
    text = _DETAIL.sub(" ", text)
    for name in allowed:
        text = text.replace(name, " ")
    return [w for w in _WORDS.findall(text) if w.lower() in ENGLISH_WORDS]
