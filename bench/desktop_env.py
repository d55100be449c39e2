"""A desktop session for the app under test: private D-Bus, unlocked keyring, notifications.

The app starts as it would on an agent's machine: its token is in a real Secret Service
keyring (gnome-keyring, unlocked with a throwaway password in a throwaway HOME), and its
notification self-test finds a notification service on the session bus (the recorder of
`notify_recorder`, in its own process). Only the display is offscreen.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from agent_desktop.session.credentials import service_name
from agent_desktop.session.settings import Settings

_KEYRING_PASSWORD = "bench"


def _wait_for_line(process: subprocess.Popen[str], what: str) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line:
        raise RuntimeError(f"{what} printed nothing (exit code {process.poll()})")
    return line


@contextlib.contextmanager
def desktop_session(home: Path) -> Iterator[dict[str, str]]:
    """The environment for processes of this session (HOME, D-Bus, config folder, offscreen)."""
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_RUNTIME_DIR=str(home / "run"),
        AGENT_DESKTOP_CONFIG_DIR=str(home / "agent-desktop-config"),
        QT_QPA_PLATFORM="offscreen",
        # Qt puts the app's single-instance socket in TMPDIR: a private one keeps this app
        # from handing over to (or being handed) another instance on the machine.
        TMPDIR=str(home / "tmp"),
    )
    (home / "run").mkdir(mode=0o700, exist_ok=True)
    (home / "tmp").mkdir(exist_ok=True)
    processes: list[subprocess.Popen[str]] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--print-address", "--nofork"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        processes.append(bus)
        env["DBUS_SESSION_BUS_ADDRESS"] = _wait_for_line(bus, "dbus-daemon")
        keyring_daemon = subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
            input=_KEYRING_PASSWORD,
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
            check=True,
        )
        for line in keyring_daemon.stdout.splitlines():
            key, _, value = line.partition("=")
            if key and value:
                env[key] = value
        notifications = subprocess.Popen(
            [sys.executable, "-m", "bench.notify_recorder"],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        processes.append(notifications)
        _wait_for_line(notifications, "the notification service")
        yield env
    finally:
        for process in reversed(processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
        # gnome-keyring-daemon daemonises; it exits when its session bus goes away.


def store_token(env: dict[str, str], server_url: str, user: str, token: str) -> None:
    """Put the login token where the app looks for it, through the real keyring."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import keyring, sys; keyring.set_password(sys.argv[1], sys.argv[2], sys.stdin.read())",
            service_name(server_url),
            user,
        ],
        input=token,
        env=env,
        text=True,
        timeout=60,
        check=True,
    )


def write_settings(env: dict[str, str], settings: Settings) -> None:
    folder = Path(env["AGENT_DESKTOP_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.json").write_text(json.dumps(settings.to_dict()), encoding="utf-8")
