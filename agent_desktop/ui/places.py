"""Where the app keeps settings and logs: each OS's usual folders, via platformdirs.

    Linux    ~/.config/agent-desktop                  ~/.local/state/agent-desktop/log
    macOS    ~/Library/Application Support/Agent Desktop   ~/Library/Logs/Agent Desktop
    Windows  %LOCALAPPDATA%\\Agent Desktop               %LOCALAPPDATA%\\Agent Desktop\\Logs

`AGENT_DESKTOP_CONFIG_DIR` moves both (tests, portable installs): logs then go to its `logs`
folder, so a test never writes into the real user's folders. The installed app and a
development copy use the same folders, hence one settings file and one instance per user.
"""

from __future__ import annotations

import os
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
    return platformdirs.user_config_path(_folder_name(), appauthor=False)


def log_dir() -> Path:
    override = os.environ.get(CONFIG_OVERRIDE)
    if override:
        return Path(override) / "logs"
    return platformdirs.user_log_path(_folder_name(), appauthor=False)
