"""The one-folder build, made once per test run and shared by the packaging tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
