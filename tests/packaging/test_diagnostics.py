"""Logs and crash logs where the OS keeps logs, and Help ▸ About that finds them."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from agent_desktop import __version__
from agent_desktop.resources import icon_path
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import running_server
from agent_desktop.session.settings import Settings
from agent_desktop.ui import places
from agent_desktop.ui.about import AboutDialog
from agent_desktop.ui.diagnostics import CRASH_LOGS_KEPT, Diagnostics, crash_logs
from agent_desktop.ui.menus import add_help_menu
from agent_desktop.ui.os_identity import installed_prefix, notification_icon


async def answered(dialog: AboutDialog) -> None:
    """Until the server line is filled in, on the running loop (the dialog asks on it)."""
    async with asyncio.timeout(10):
        # A label has no signal for this; look while the loop runs.
        while dialog.server_version.text() == "asking…":  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nobody listens there


def run_python(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_uncaught_exception_leaves_a_crash_log(tmp_path: Path) -> None:
    result = run_python(
        """
        import sys
        from pathlib import Path
        from agent_desktop.ui.diagnostics import start_diagnostics
        start_diagnostics(Path(sys.argv[1]))
        raise RuntimeError("the offer card broke")
        """,
        tmp_path,
    )
    assert result.returncode == 1
    assert "RuntimeError: the offer card broke" in result.stderr, "still printed as usual"
    (crash,) = crash_logs(tmp_path)
    text = crash.read_text()
    assert text.startswith(f"agent-desktop {__version__}; Qt ")
    assert "RuntimeError: the offer card broke" in text
    assert "uncaught RuntimeError; crash log" in (tmp_path / "agent-desktop.log").read_text()


def test_a_hard_crash_is_dumped_to_the_fatal_log(tmp_path: Path) -> None:
    result = run_python(
        """
        import faulthandler, sys
        from pathlib import Path
        from agent_desktop.ui.diagnostics import start_diagnostics
        start_diagnostics(Path(sys.argv[1]))
        faulthandler._sigsegv()
        """,
        tmp_path,
    )
    assert result.returncode != 0
    assert "Fatal Python error: Segmentation fault" in (tmp_path / "fatal.log").read_text()


def test_only_the_newest_crash_logs_are_kept(tmp_path: Path) -> None:
    start = datetime(2026, 11, 26, tzinfo=UTC)
    moments = iter(start + timedelta(seconds=n) for n in range(CRASH_LOGS_KEPT + 5))
    diagnostics = Diagnostics(tmp_path, now=lambda: next(moments))
    for _ in range(CRASH_LOGS_KEPT + 5):
        try:
            raise ValueError("again")
        except ValueError as exc:
            diagnostics.write_crash_log(ValueError, exc, exc.__traceback__)
    kept = crash_logs(tmp_path)
    assert len(kept) == CRASH_LOGS_KEPT
    assert kept[0].name == "crash-20261126T000024000000Z.log", "the newest is kept"


def test_settings_and_logs_live_where_linux_keeps_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(places.CONFIG_OVERRIDE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert places.config_dir() == tmp_path / "config" / "agent-desktop"
    assert places.log_dir() == tmp_path / "state" / "agent-desktop" / "log"
    monkeypatch.setenv(places.CONFIG_OVERRIDE, str(tmp_path / "portable"))
    assert places.config_dir() == tmp_path / "portable"
    assert places.log_dir() == tmp_path / "portable" / "logs", "a test never writes real logs"


def test_an_upgrade_keeps_the_settings_of_the_earlier_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(places.CONFIG_OVERRIDE, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    earlier = tmp_path / "Agent Desktop" / "Agent Desktop"
    earlier.mkdir(parents=True)
    (earlier / "settings.json").write_text('{"server_url": "wss://cc.example.com"}')
    assert places.earlier_config_dir() == earlier

    folder = places.config_dir()
    assert (folder / "settings.json").read_text() == '{"server_url": "wss://cc.example.com"}'
    assert (earlier / "settings.json").exists(), "copied, not moved: the old build still works"
    (folder / "settings.json").write_text("{}")
    places.config_dir()
    assert (folder / "settings.json").read_text() == "{}", "adopted once, never over newer ones"


def test_a_development_copy_uses_its_bundled_icon() -> None:
    assert installed_prefix() is None
    assert notification_icon() == icon_path("app")


async def test_about_shows_the_server_version_and_the_crash_logs(
    qtbot: QtBot, tmp_path: Path, demo_config: ServerConfig
) -> None:
    (tmp_path / "crash-20261126T000000000000Z.log").write_text("boom")
    async with running_server(demo_config) as server:
        dialog = AboutDialog(server.url, logs=tmp_path)
        qtbot.addWidget(dialog)
        dialog.open()
        await answered(dialog)
        assert dialog.server_version.text() == f"agent-desktop-server/{__version__} (protocol 1)"
    assert dialog.crashes.text() == "1, newest crash-20261126T000000000000Z.log"
    details = dialog.details()
    assert f"Agent Desktop {__version__}" in details
    assert "Qt 6." in details
    assert "Python 3." in details
    assert str(tmp_path) in details


async def test_about_says_when_the_server_cannot_be_asked(qtbot: QtBot, tmp_path: Path) -> None:
    port = closed_port()
    dialog = AboutDialog(f"ws://127.0.0.1:{port}", logs=tmp_path)
    qtbot.addWidget(dialog)
    dialog.open()
    await answered(dialog)
    assert dialog.server_version.text().startswith(f"not reachable at ws://127.0.0.1:{port}")
    assert dialog.crashes.text() == "none"


async def test_help_about_opens_the_dialog_for_the_current_server(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    current = Settings(server_url=f"ws://127.0.0.1:{closed_port()}", user="alice")
    action = add_help_menu(window, lambda: current)
    assert "&Help" in [menu.text() for menu in window.menuBar().actions()]
    action.trigger()
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    await answered(dialog)
    assert current.server_url in dialog.server_version.text()
    dialog.reject()
