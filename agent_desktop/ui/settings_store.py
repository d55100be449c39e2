"""Where the app keeps its settings and window geometry between runs.

Settings are the core's `Settings` as JSON in the platform's config folder (never a secret: the
token is in the keyring). `AGENT_DESKTOP_CONFIG_DIR` moves the folder (tests, portable installs).
A broken file does not stop the app: it is kept aside as `settings.json.broken` and the defaults
are used, and the user is told why.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray

from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.ui import places


def config_dir() -> Path:
    return places.config_dir()


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    problem: str | None = None
    """Why the saved settings could not be used, for the user to read once."""


class SettingsStore:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or config_dir()
        self.settings_file = self.folder / "settings.json"
        self.geometry_file = self.folder / "window.geometry"

    def load(self) -> LoadedSettings:
        try:
            return LoadedSettings(Settings.load(self.settings_file))
        except (SettingsError, OSError, UnicodeDecodeError) as exc:
            broken = self.settings_file.with_name("settings.json.broken")
            with contextlib.suppress(OSError):  # keep going even if it cannot be moved aside
                self.settings_file.replace(broken)
            return LoadedSettings(
                Settings(), f"Your saved settings could not be read ({exc}); defaults are used."
            )

    def save(self, settings: Settings) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.settings_file.with_suffix(".tmp")
        settings.save(temporary)
        temporary.replace(self.settings_file)  # atomic: a crash never leaves half a file

    def load_geometry(self) -> QByteArray | None:
        try:
            return QByteArray(self.geometry_file.read_bytes())
        except OSError:
            return None

    def save_geometry(self, geometry: QByteArray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.geometry_file.write_bytes(geometry.data())
