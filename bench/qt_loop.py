"""Run a coroutine on the app's qasync loop over an offscreen QApplication, as the app runs."""

from __future__ import annotations

import os
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_on_qt_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from agent_desktop.ui.qt_event_loop import new_event_loop

    app = QApplication.instance() or QApplication([])
    loop = new_event_loop(app)
    try:
        result: T = loop.run_until_complete(coroutine)
        return result
    finally:
        loop.close()
