"""The incoming-work sound, without pulling in QtMultimedia (not in PySide6-Essentials).

Each OS has a stock player: `winsound` (stdlib) on Windows, `afplay` on macOS, `paplay`/`aplay`
on Linux. Where none is found the app falls back to the system beep.
"""

from __future__ import annotations

import shutil
import sys
from importlib.resources import as_file, files
from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QApplication

_SOUND = files("agent_desktop.resources").joinpath("sounds/incoming.wav")


class IncomingSound:
    def __init__(self) -> None:
        self._player = self._find_player()
        self._file: Path | None = None

    @staticmethod
    def _find_player() -> list[str] | None:
        if sys.platform == "darwin":
            return ["afplay"]
        for player in ("paplay", "aplay"):
            found = shutil.which(player)
            if found:
                return [found] + (["-q"] if player == "aplay" else [])
        return None

    def play(self) -> None:
        if sys.platform == "win32":  # pragma: no cover - no Windows here
            import winsound

            with as_file(_SOUND) as path:
                winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            return
        if self._player is None:
            QApplication.beep()
            return
        if self._file is None:
            with as_file(_SOUND) as path:
                self._file = Path(path)
        QProcess.startDetached(self._player[0], [*self._player[1:], str(self._file)])
