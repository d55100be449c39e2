"""Where the app keeps its settings and window geometry between runs.

Settings are the core's `Settings` as JSON in the platform's config folder (never a secret: the
token is in the keyring). `AGENT_DESKTOP_CONFIG_DIR` moves the folder (tests, portable installs).
A broken file does not stop the app: it is kept aside as `settings.json.broken` and the defaults
are used, and the user is told why.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray

from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.ui import places


def config_dir() -> Path:
    """The OS's usual settings folder (see `places`), never doubled as Qt's was."""
    return places.config_dir()


@dataclass(frozen=True)
class Preferences:
    """The app's own settings, next to the core's `Settings` (the core never reads them)."""

    message_notices: bool = True
    """Notify new customer messages while the app is not in focus."""


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
        self.preferences_file = self.folder / "preferences.json"

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

    def load_preferences(self) -> Preferences:
        """The saved preferences; the defaults when there are none or they cannot be read."""
        try:
            data = json.loads(self.preferences_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return Preferences()
        value = data.get("message_notices") if isinstance(data, dict) else None
        return Preferences(message_notices=value if isinstance(value, bool) else True)

    def save_preferences(self, preferences: Preferences) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.preferences_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(preferences), indent=2), encoding="utf-8")
        temporary.replace(self.preferences_file)

    def load_geometry(self) -> QByteArray | None:
        try:
            return QByteArray(self.geometry_file.read_bytes())
        except OSError:
            return None

    def save_geometry(self, geometry: QByteArray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.geometry_file.write_bytes(geometry.data())
