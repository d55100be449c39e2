"""The .deb as an agent gets it: installed with apt, started, notified, removed.

Everything is real: the package built from the one-folder build is installed with
`apt-get install ./…deb` (so this test needs root: CI runs as root on a fresh Debian), the
*installed* app (/usr/bin/agent-desktop, no Python of ours involved) starts offscreen on a
private D-Bus session with an unlocked gnome-keyring, signs in to the reference server running
in this process with the token a previous sign-in left in the keyring, and receives an offer
as a desktop notification through a real `org.freedesktop.Notifications` service. A newer
package then installs over it in place, and finally the package is purged: nothing of it may
remain but the user's own settings and logs.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends import SecretService

from agent_desktop import __version__
from agent_desktop.ctl.client import WireClient, open_session
from agent_desktop.identity import APP_ID, APP_NAME, EXECUTABLE
from agent_desktop.protocol.messages import (
    Agents,
    AgentUpdated,
    CreateWork,
    ListAgents,
    WorkCreated,
)
from agent_desktop.protocol.vocabulary import Channel, QueueId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import running_server
from agent_desktop.session.credentials import service_name
from tests.support.desktop_bus import DesktopBus, desktop_bus, missing_tools
from tests.support.notification_service import NotifyCall, serving_notifications

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = EXECUTABLE
LAUNCHER = Path("/usr/bin") / EXECUTABLE
INSTALLED_ICON = Path("/usr/share/icons/hicolor/scalable/apps") / f"{APP_ID}.svg"
WAIT_S = 60.0
UPGRADE = f"{__version__}+upgrade1"
APT = ["apt-get", "-y", "-qq", "-o", "DPkg::Lock::Timeout=300"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    # Includes building the app once (shared with test_frozen_app) on a possibly busy machine.
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() != 0,
        reason="installs a system package with apt-get: needs root (CI runs as root)",
    ),
    pytest.mark.skipif(
        not (shutil.which("apt-get") and shutil.which("dpkg-deb")), reason="needs Debian's apt"
    ),
    pytest.mark.skipif(
        bool(missing_tools()), reason="apt: dbus gnome-keyring libglib2.0-bin (private session)"
    ),
]


def build_deb(folder: Path, out: Path, *extra: str) -> Path:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "linux" / "package.py"),
            "--folder",
            str(folder),
            "--out",
            str(out),
            "--level",
            "1",  # the test checks contents, not size: fast compression
            "--only",
            "deb",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (deb,) = out.glob("*.deb")
    return deb


def apt(*args: str, cwd: Path | None = None) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run(
        [*APT, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def package_files() -> list[Path]:
    listing = subprocess.run(["dpkg", "-L", PACKAGE], capture_output=True, text=True, check=True)
    return [Path(line) for line in listing.stdout.splitlines() if line.startswith("/")]


def is_installed() -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True
    )
    return "install ok installed" in status.stdout


def installed_version() -> str:
    return subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True, text=True, check=True
    ).stdout


async def wait_until_signed_in(supervisor: WireClient, agent: str) -> None:
    async with asyncio.timeout(WAIT_S):
        agents = await supervisor.request(lambda rid: ListAgents(id=rid), Agents)
        if any(a.agent == agent and a.connected for a in agents.agents):
            return
        while True:
            event = await supervisor.next_event(WAIT_S)
            if (
                isinstance(event, AgentUpdated)
                and event.agent.agent == agent
                and event.agent.connected
            ):
                return


async def first_notification(calls: list[NotifyCall]) -> NotifyCall:
    async with asyncio.timeout(WAIT_S):
        # The service records calls as they arrive; nothing to await on but the list.
        while not calls:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return calls[0]


async def run_installed_app(bus: DesktopBus, demo_config: ServerConfig) -> tuple[NotifyCall, str]:
    """Start the installed app against a server here; its first notification and what a
    second start (the development copy) said."""
    env = {k: v for k, v in bus.env.items() if k != "AGENT_DESKTOP_CONFIG_DIR"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    async with running_server(demo_config) as server, serving_notifications() as service:
        # The token a previous sign-in left in the user's keyring: the app signs in with it.
        client, logged_in = await open_session(server.url, "alice", "demo")
        await client.close()
        keyring = SecretService.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped
        await asyncio.to_thread(
            keyring.set_password, service_name(server.url), "alice", logged_in.token
        )
        app = await asyncio.create_subprocess_exec(
            str(LAUNCHER),
            "--server",
            server.url,
            "--user",
            "alice",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            supervisor, _ = await open_session(server.url, "sam", "demo")
            try:
                await wait_until_signed_in(supervisor, "alice")
                await supervisor.request(
                    lambda rid: CreateWork(
                        id=rid,
                        channel=Channel.CHAT,
                        queue=QueueId("chat"),
                        customer_name="Ana Lima",
                        subject="Order 5521 is late",
                    ),
                    WorkCreated,
                )
                call = await first_notification(service.calls)
            finally:
                await supervisor.close()
            # The development copy started by the same user hands over and exits.
            second = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "agent_desktop.app",
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            said, _ = await asyncio.wait_for(second.communicate(), WAIT_S)
            assert second.returncode == 0, said
            assert app.returncode is None, "the installed app is still running"
        finally:
            if app.returncode is None:
                app.terminate()
            await asyncio.wait_for(app.wait(), WAIT_S)
    return call, said.decode()


def test_the_deb_installs_signs_in_notifies_upgrades_and_purges_cleanly(
    frozen_folder: Path, tmp_path: Path, demo_config: ServerConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    deb = build_deb(frozen_folder, tmp_path / "out")
    apt("install", f"./{deb.name}", cwd=deb.parent)
    try:
        assert is_installed()
        installed = package_files()
        assert LAUNCHER in installed
        assert INSTALLED_ICON in installed
        for size in (16, 24, 32, 48, 64, 128, 256, 512):
            assert Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png") in installed
        for metadata in (
            Path("/usr/share/applications") / f"{APP_ID}.desktop",
            Path("/usr/share/metainfo") / f"{APP_ID}.metainfo.xml",
        ):
            assert metadata in installed
        version = subprocess.run([str(LAUNCHER), "--version"], capture_output=True, text=True)
        assert version.stdout.startswith(f"{EXECUTABLE} ")

        with desktop_bus(tmp_path / "bus") as bus:
            monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
            home = Path(bus.env["HOME"])
            call, second_start = asyncio.run(run_installed_app(bus, demo_config))

        # An upgrade installs over it in place and keeps the user's settings.
        newer = build_deb(frozen_folder, tmp_path / "newer", "--deb-version", UPGRADE)
        apt("install", f"./{newer.name}", cwd=newer.parent)
        assert installed_version() == UPGRADE
        assert package_files() == installed, "the same files, replaced"
        upgraded = subprocess.run([str(LAUNCHER), "--version"], capture_output=True, text=True)
        assert upgraded.returncode == 0, upgraded.stderr
        assert (home / ".config" / EXECUTABLE / "settings.json").is_file()
    finally:
        apt("remove", "--purge", PACKAGE)

    # The notification names the installed app and carries its installed icon.
    assert call.app_name == APP_NAME
    assert call.icon == INSTALLED_ICON.as_uri()
    assert call.buttons, "an offer's notification has Accept/Reject"
    assert "already running" in second_start

    # Purged: nothing of the package is left ...
    assert not is_installed()
    left = [path for path in installed if path.exists() and not path.is_dir()]
    assert left == [], f"files the package brought are still there: {left}"
    assert not (Path("/usr/lib") / EXECUTABLE).exists(), "the app wrote into its install folder"
    assert not LAUNCHER.exists()
    # ... but the user's own data stays: settings, logs (where the OS expects them).
    assert (home / ".config" / EXECUTABLE / "settings.json").is_file()
    log_file = home / ".local" / "state" / EXECUTABLE / "log" / f"{EXECUTABLE}.log"
    assert "started: agent-desktop" in log_file.read_text()
