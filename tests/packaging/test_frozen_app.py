"""The app freezes into a folder that runs without Python: the way it reaches agents' machines.

The checks are `packaging/smoke.py`, the same the CI workflow runs on Windows and macOS.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The first test to ask for the build waits for it (~15 s idle, minutes on a busy machine).
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(600)]


def smoke(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke.py"), *args],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_frozen_app_says_its_version(frozen_folder: Path) -> None:
    assert "--version ok (agent-desktop " in smoke("--version", str(frozen_folder))


def test_the_frozen_app_starts_its_demo_and_signs_in(frozen_folder: Path) -> None:
    assert "its agent is signed in" in smoke("--demo", str(frozen_folder))


def test_the_smoke_check_fails_when_the_app_does_not_start(tmp_path: Path) -> None:
    broken = tmp_path / "agent-desktop"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke.py"), "--demo", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode != 0
    assert "exited with 3" in result.stderr
