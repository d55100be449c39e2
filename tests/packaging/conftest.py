"""The one-folder build, made once per test run and shared by the packaging tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]

# Set before any QApplication exists (the Settings and About tests build dialogs).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def frozen_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`packaging/build.py` output: <dist>/agent-desktop, runnable without Python."""
    scratch = tmp_path_factory.mktemp("frozen")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--dist",
            str(scratch / "dist"),
            "--work",
            str(scratch / "work"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return scratch / "dist" / "agent-desktop"


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Async tests run on a qasync loop, so the dialogs' Qt signals fire during `await`."""

    def qt_loop() -> asyncio.AbstractEventLoop:
        app = QApplication.instance() or QApplication([])
        loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
        return loop

    return {"qasync": qt_loop}
