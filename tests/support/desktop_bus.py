"""A private D-Bus session with an unlocked gnome-keyring Secret Service, for tests.

The token store is tested against a real Secret Service (what GNOME and most Linux desktops
use), not a double: `dbus-daemon --session` on a private address, then
`gnome-keyring-daemon --unlock --components=secrets` fed a throwaway password on stdin, in a
throwaway HOME so no real keyring is ever touched. See shared/PLATFORM.md "Keyring on headless
Linux". Needs the system packages dbus, gnome-keyring (and libsecret-tools for debugging).

    def test_x(secret_service: KeyringBackend) -> None: ...   # pytest fixture

or, outside pytest, `with desktop_bus(tmp_dir) as bus: ... bus.env ...`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService

SECRETS_BUS_NAME: Final = "org.freedesktop.secrets"
KEYRING_PASSWORD: Final = "test-keyring-password"
START_TIMEOUT_S: Final = 20.0


@dataclass(frozen=True, slots=True)
class DesktopBus:
    address: str
    """DBUS_SESSION_BUS_ADDRESS of the private bus."""
    env: dict[str, str]
    """The environment the daemons run in (throwaway HOME and XDG dirs, the bus address)."""


def missing_tools() -> list[str]:
    return [t for t in ("dbus-daemon", "gnome-keyring-daemon", "gdbus") if not shutil.which(t)]


@contextmanager
def desktop_bus(workdir: Path) -> Iterator[DesktopBus]:
    """Start the bus and an unlocked Secret Service; stop both on exit."""
    home = workdir / "home"
    runtime = workdir / "run"
    home.mkdir(parents=True, exist_ok=True)
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # it complains it cannot raise its fd limit in containers
        env=env,
        text=True,
    )
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        # The daemon forks; the parent returns once the keyring is unlocked. The child
        # leaves by itself when the bus it belongs to goes away.
        subprocess.run(
            ["gnome-keyring-daemon", "--unlock", "--components=secrets"],
            input=KEYRING_PASSWORD,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
        )
        # The parent may return before the child owns its bus name: wait for it (no polling).
        subprocess.run(
            [
                "gdbus",
                "wait",
                "--session",
                "--timeout",
                str(int(START_TIMEOUT_S)),
                SECRETS_BUS_NAME,
            ],
            env=env,
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S + 5,
        )
        yield DesktopBus(address=address, env=env)
    finally:
        bus.terminate()
        try:
            bus.wait(timeout=5)
        except subprocess.TimeoutExpired:
            bus.kill()
            bus.wait()
        if bus.stdout is not None:
            bus.stdout.close()


@pytest.fixture
def secret_service(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KeyringBackend]:
    """keyring's Secret Service backend, talking to a fresh unlocked gnome-keyring."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (apt: dbus gnome-keyring libglib2.0-bin)")
    with desktop_bus(tmp_path_factory.mktemp("bus")) as bus:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        backend = SecretService.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped
        yield backend
