"""The app freezes into a folder that runs without Python: the way it reaches agents' machines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_frozen_app_starts_its_demo(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "build.py"),
            "--dist",
            str(tmp_path / "dist"),
            "--work",
            str(tmp_path / "work"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    app = tmp_path / "dist" / "agent-desktop" / "agent-desktop"
    version = subprocess.run([str(app), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == "agent-desktop 0.1.0"

    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "AGENT_DESKTOP_CONFIG_DIR": str(tmp_path / "config"),
    }
    demo = subprocess.Popen(
        [str(app), "--demo"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert demo.stdout is not None
        seen: list[str] = []
        for line in demo.stdout:
            seen.append(line)
            if "listening on ws://127.0.0.1:" in line:
                break
        assert any("listening on ws://127.0.0.1:" in line for line in seen), "".join(seen)
        assert demo.poll() is None, "the frozen app is still running"
    finally:
        demo.terminate()
        demo.wait(10)
