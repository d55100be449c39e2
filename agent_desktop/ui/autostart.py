"""Start at login, opt-in from Settings, the way each OS expects it.

    Linux    ~/.config/autostart/<APP_ID>.desktop (XDG autostart, read by every desktop)
    Windows  HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run, value "Agent Desktop"
    macOS    ~/Library/LaunchAgents/<APP_ID>.plist (launchd, RunAtLoad)

The OS's own record is the setting: nothing is stored beside it, so what Settings shows is
what will happen at the next login, even after the user changed it in the OS's own tools.
The command is the copy of the app that is running (the installed launcher, or a development
copy's Python); one instance per user still holds, whichever copy starts.
"""

from __future__ import annotations

import logging
import os
import plistlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QCheckBox, QDialog

from agent_desktop.identity import APP_ID, APP_NAME, EXECUTABLE
from agent_desktop.ui.os_identity import installed_prefix

log = logging.getLogger(__name__)

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class Autostart(Protocol):
    """Starting the app at login: one interface, one implementation per OS."""

    @property
    def where(self) -> str:
        """Where the OS keeps it, for the user to find (a tooltip)."""
        ...

    def is_enabled(self) -> bool: ...

    def enable(self) -> None: ...

    def disable(self) -> None: ...


def launch_command() -> list[str]:
    """How the OS should start this copy of the app."""
    if getattr(sys, "frozen", False):
        prefix = installed_prefix()
        # The launcher on PATH survives upgrades; the folder behind it may move.
        launcher = prefix / "bin" / EXECUTABLE if prefix is not None else None
        return [str(launcher if launcher is not None and launcher.exists() else sys.executable)]
    return [sys.executable, "-m", "agent_desktop.app"]


# --- Linux and other XDG desktops ---------------------------------------------------------


def desktop_exec(command: Sequence[str]) -> str:
    """`command` as a desktop entry's Exec value (quoting rules of the Desktop Entry spec)."""

    def quote(argument: str) -> str:
        argument = argument.replace("%", "%%")
        if argument and not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`="):
            return argument
        escaped = "".join(f"\\{c}" if c in '"`$\\' else c for c in argument)
        return f'"{escaped}"'

    return " ".join(quote(argument) for argument in command)


class XdgAutostart:
    def __init__(self, folder: Path | None = None, command: Sequence[str] | None = None) -> None:
        config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        self.folder = folder or Path(config_home) / "autostart"
        self.entry = self.folder / f"{APP_ID}.desktop"
        self.command = list(command or launch_command())

    @property
    def where(self) -> str:
        return str(self.entry)

    def is_enabled(self) -> bool:
        try:
            lines = self.entry.read_text(encoding="utf-8").splitlines()
        except OSError:
            return False
        # A desktop's own autostart settings hide an entry rather than deleting it.
        return "Hidden=true" not in lines and "X-GNOME-Autostart-enabled=false" not in lines

    def enable(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.entry.with_suffix(".tmp")
        temporary.write_text(
            "[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={APP_NAME}\n"
            "Comment=Receive work offers from the moment you log in\n"
            f"Exec={desktop_exec(self.command)}\n"
            f"Icon={APP_ID}\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n",
            encoding="utf-8",
        )
        temporary.replace(self.entry)

    def disable(self) -> None:
        self.entry.unlink(missing_ok=True)


# --- Windows ------------------------------------------------------------------------------


class RunKeyValues(Protocol):
    """The values under HKCU\\...\\Run (the registry, on Windows)."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


def registry_run_key() -> RunKeyValues:
    if sys.platform == "win32":
        return _WinregRunKey()
    raise OSError("the Windows registry exists only on Windows")


# Defined only on Windows: type checkers elsewhere know winreg has nothing to offer.
if sys.platform == "win32":
    import winreg

    class _WinregRunKey:
        def get(self, name: str) -> str | None:
            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    value, _kind = winreg.QueryValueEx(key, name)
            except FileNotFoundError:
                return None
            return str(value)

        def set(self, name: str, value: str) -> None:
            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

        def delete(self, name: str) -> None:
            try:
                with winreg.OpenKey(
                    winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE
                ) as key:
                    winreg.DeleteValue(key, name)
            except FileNotFoundError:
                pass


class WindowsRunKey:
    def __init__(
        self, values: RunKeyValues | None = None, command: Sequence[str] | None = None
    ) -> None:
        self.values = values or registry_run_key()
        self.command = list(command or launch_command())

    @property
    def where(self) -> str:
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{APP_NAME}"

    def is_enabled(self) -> bool:
        return bool(self.values.get(APP_NAME))

    def enable(self) -> None:
        self.values.set(APP_NAME, subprocess.list2cmdline(self.command))

    def disable(self) -> None:
        self.values.delete(APP_NAME)


# --- macOS --------------------------------------------------------------------------------


class LaunchAgent:
    def __init__(self, folder: Path | None = None, command: Sequence[str] | None = None) -> None:
        self.folder = folder or Path.home() / "Library" / "LaunchAgents"
        self.plist = self.folder / f"{APP_ID}.plist"
        self.command = list(command or launch_command())

    @property
    def where(self) -> str:
        return str(self.plist)

    def is_enabled(self) -> bool:
        try:
            with self.plist.open("rb") as handle:
                job = plistlib.load(handle)
        except (OSError, plistlib.InvalidFileException):
            return False
        return bool(job.get("RunAtLoad")) and not job.get("Disabled", False)

    def enable(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        job = {"Label": APP_ID, "ProgramArguments": self.command, "RunAtLoad": True}
        self.plist.write_bytes(plistlib.dumps(job))

    def disable(self) -> None:
        self.plist.unlink(missing_ok=True)


def for_this_os() -> Autostart:
    if sys.platform == "win32":
        return WindowsRunKey()
    if sys.platform == "darwin":
        return LaunchAgent()
    return XdgAutostart()


# --- the Settings checkbox ----------------------------------------------------------------


def autostart_checkbox(dialog: QDialog, autostart: Autostart | None = None) -> QCheckBox:
    """A "Start at login" checkbox showing the OS's record; applied when `dialog` is accepted."""
    chosen = autostart or for_this_os()
    box = QCheckBox(f"Start {APP_NAME} when I log in")
    box.setChecked(chosen.is_enabled())
    box.setToolTip(f"Kept by the system at {chosen.where}")

    def apply() -> None:
        try:
            if box.isChecked() and not chosen.is_enabled():
                chosen.enable()
            elif not box.isChecked() and chosen.is_enabled():
                chosen.disable()
        except OSError as exc:
            # Settings has closed by now: the log and the next look at Settings tell the truth.
            log.warning("could not change starting at login (%s): %s", chosen.where, exc)

    dialog.accepted.connect(apply)
    return box
