"""Where the app keeps settings and logs: each OS's usual folders, via platformdirs.

    Linux    ~/.config/agent-desktop                  ~/.local/state/agent-desktop/log
    macOS    ~/Library/Application Support/Agent Desktop   ~/Library/Logs/Agent Desktop
    Windows  %LOCALAPPDATA%\\Agent Desktop               %LOCALAPPDATA%\\Agent Desktop\\Logs

`AGENT_DESKTOP_CONFIG_DIR` moves both (tests, portable installs): logs then go to its `logs`
folder, so a test never writes into the real user's folders. The installed app and a
development copy use the same folders, hence one settings file and one instance per user.
Settings an earlier build kept in Qt's folder are copied over once, so an upgrade keeps them.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import platformdirs

from agent_desktop.identity import APP_NAME, EXECUTABLE

CONFIG_OVERRIDE = "AGENT_DESKTOP_CONFIG_DIR"


def _folder_name() -> str:
    # Lower-case and dash-separated is the Linux custom; elsewhere folders carry the app's name.
    return EXECUTABLE if sys.platform.startswith("linux") else APP_NAME


def config_dir() -> Path:
    override = os.environ.get(CONFIG_OVERRIDE)
    if override:
        return Path(override)
    folder = platformdirs.user_config_path(_folder_name(), appauthor=False)
    _adopt_earlier_settings(folder)
    return folder


CARRIED_OVER = ("settings.json", "window.geometry")


def earlier_config_dir() -> Path:
    """Where builds before platformdirs kept settings: Qt's AppConfigLocation for organisation
    and application "Agent Desktop" (e.g. ~/.config/Agent Desktop/Agent Desktop on Linux)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Preferences"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP_NAME / APP_NAME


def _adopt_earlier_settings(folder: Path) -> None:
    """An upgrade keeps the agent's server and user: copy (not move, so going back to the old
    build still works) the earlier settings once, when there are none here yet."""
    if (folder / "settings.json").exists():
        return
    earlier = earlier_config_dir()
    if not (earlier / "settings.json").is_file() or earlier.resolve() == folder.resolve():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in CARRIED_OVER:
            if (earlier / name).is_file():
                shutil.copy2(earlier / name, folder / name)
    except OSError:
        pass  # then the agent signs in again: worse, not broken


def log_dir() -> Path:
    override = os.environ.get(CONFIG_OVERRIDE)
    if override:
        return Path(override) / "logs"
    return platformdirs.user_log_path(_folder_name(), appauthor=False)
