"""Start at login: opt-in from Settings, kept where each OS keeps it, and it starts this copy."""

from __future__ import annotations

import plistlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from agent_desktop import __version__
from agent_desktop.identity import APP_ID, APP_NAME
from agent_desktop.session.settings import Settings
from agent_desktop.ui import autostart
from agent_desktop.ui.autostart import (
    LaunchAgent,
    WindowsRunKey,
    XdgAutostart,
    desktop_exec,
    launch_command,
)
from agent_desktop.ui.widgets.settings_dialog import SettingsDialog


def exec_line(entry: Path) -> str:
    return next(
        line.removeprefix("Exec=")
        for line in entry.read_text().splitlines()
        if line.startswith("Exec=")
    )


def test_xdg_autostart_writes_a_valid_entry_and_removes_it(tmp_path: Path) -> None:
    start = XdgAutostart(tmp_path / "autostart", command=["/opt/My Apps/agent-desktop"])
    assert not start.is_enabled()
    start.enable()
    assert start.is_enabled()
    assert start.entry == tmp_path / "autostart" / f"{APP_ID}.desktop"
    assert shlex.split(exec_line(start.entry)) == ["/opt/My Apps/agent-desktop"]
    if shutil.which("desktop-file-validate"):
        checked = subprocess.run(
            ["desktop-file-validate", str(start.entry)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stdout
    start.disable()
    assert not start.entry.exists()
    assert not start.is_enabled()
    start.disable()  # already off: nothing to do, no error


def test_an_entry_the_desktop_hid_counts_as_off(tmp_path: Path) -> None:
    start = XdgAutostart(tmp_path, command=["agent-desktop"])
    start.enable()
    start.entry.write_text(start.entry.read_text() + "Hidden=true\n")
    assert not start.is_enabled()


def test_the_entry_starts_this_copy_of_the_app(tmp_path: Path) -> None:
    """What the desktop will run at login, run now (with --version, so it returns)."""
    start = XdgAutostart(tmp_path)
    assert start.command == launch_command() == [sys.executable, "-m", "agent_desktop.app"]
    start.enable()
    command = shlex.split(exec_line(start.entry))
    result = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == f"agent-desktop {__version__}"


def test_desktop_exec_quotes_what_the_spec_reserves() -> None:
    assert desktop_exec(["/usr/bin/agent-desktop"]) == "/usr/bin/agent-desktop"
    assert desktop_exec(["/a b/c", "50%"]) == '"/a b/c" 50%%'
    assert desktop_exec(['/x/"$q`\\']) == '"/x/\\"\\$q\\`\\\\"'


def test_xdg_autostart_follows_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert XdgAutostart().folder == tmp_path / "autostart"
    assert isinstance(autostart.for_this_os(), XdgAutostart)


def test_launch_agent_runs_the_app_at_load(tmp_path: Path) -> None:
    agent = LaunchAgent(tmp_path, command=["/Applications/Agent Desktop.app/Contents/MacOS/x"])
    agent.enable()
    job = plistlib.loads(agent.plist.read_bytes())
    assert job == {
        "Label": APP_ID,
        "ProgramArguments": ["/Applications/Agent Desktop.app/Contents/MacOS/x"],
        "RunAtLoad": True,
    }
    assert agent.is_enabled()
    agent.disable()
    assert not agent.is_enabled()


class RunKey:
    """The registry's Run key as a dict: Windows is the boundary this machine lacks."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_key_holds_the_quoted_command() -> None:
    key = RunKey()
    start = WindowsRunKey(key, command=[r"C:\Users\ana\AppData\Local\Programs\Agent Desktop\a.exe"])
    start.enable()
    assert key.values == {APP_NAME: r'"C:\Users\ana\AppData\Local\Programs\Agent Desktop\a.exe"'}
    assert start.is_enabled()
    start.disable()
    assert key.values == {}
    assert not start.is_enabled()


def test_the_settings_checkbox_turns_autostart_on_and_off(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    entry = tmp_path / "autostart" / f"{APP_ID}.desktop"
    settings = Settings(server_url="ws://127.0.0.1:9", user="alice")

    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert not dialog.autostart.isChecked(), "off until the user opts in"
    dialog.autostart.setChecked(True)
    dialog.accept()
    assert entry.is_file()

    again = SettingsDialog(settings)
    qtbot.addWidget(again)
    assert again.autostart.isChecked(), "Settings shows what the system will do"
    again.autostart.setChecked(False)
    again.reject()
    assert entry.is_file(), "Cancel changes nothing"

    last = SettingsDialog(settings)
    qtbot.addWidget(last)
    last.autostart.setChecked(False)
    last.accept()
    assert not entry.exists()
