"""Buttons say what state they are in: a disabled button looks disabled, focus is visible.

Rendered, not read from the stylesheet: what the agent sees is the pixels.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from agent_desktop.ui.theme import Scheme, stylesheet


@pytest.fixture(
    params=[Scheme.LIGHT, Scheme.DARK, Scheme.HIGH_CONTRAST], ids=["light", "dark", "contrast"]
)
def themed(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[Scheme]:
    before = qapp.styleSheet()
    qapp.setStyleSheet(stylesheet(request.param))
    yield request.param
    qapp.setStyleSheet(before)


def shot(button: QPushButton) -> QImage:
    return button.grab().toImage()


def button_in_window(qtbot: QtBot, kind: str) -> tuple[QWidget, QPushButton, QLineEdit]:
    window = QWidget()
    layout = QHBoxLayout(window)
    other = QLineEdit()  # somewhere else for the focus to be
    button = QPushButton("End call" if kind == "danger" else "Reset presence")
    button.setProperty(kind, True)
    layout.addWidget(other)
    layout.addWidget(button)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window, button, other


@pytest.mark.parametrize("kind", ["primary", "danger"])
def test_a_disabled_button_does_not_look_enabled(themed: Scheme, qtbot: QtBot, kind: str) -> None:
    window, button, _ = button_in_window(qtbot, kind)
    enabled = shot(button)
    button.setEnabled(False)
    assert shot(button) != enabled, f"a disabled {kind} button looks the same as an enabled one"
    assert window.isVisible()


@pytest.mark.parametrize("kind", ["primary", "danger"])
def test_keyboard_focus_is_visible(themed: Scheme, qtbot: QtBot, kind: str) -> None:
    window, button, other = button_in_window(qtbot, kind)
    other.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(other.hasFocus)
    unfocused = shot(button)
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    assert shot(button) != unfocused, f"focus on a {kind} button cannot be seen"
    assert window.isVisible()
