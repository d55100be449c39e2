"""A normal start imports nothing its first paint does without (issue 12, target 4).

The real entry point in a subprocess, offscreen, in a desktop session of its own (private
D-Bus, an unlocked gnome-keyring holding alice's token, a notification service), signs in
silently against the real server; the bench's probe writes the modules loaded at the first
paint after the core is online. Each name below cost the start measurable CPU once.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.ctl.client import open_session
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from bench.desktop_env import desktop_session, store_token, write_settings

pytestmark = pytest.mark.integration

DEFERRED = (
    # the native notification path and the OS watches: after the first paint
    "desktop_notifier",
    "dbus_fast",
    # the token is read and written on the Secret Service without keyring
    "keyring",
    "secretstorage",
    "cryptography",
    # pages and dialogs not on screen at a normal start
    "agent_desktop.ui.widgets.session_view",
    "agent_desktop.ui.widgets.transcript",
    "agent_desktop.ui.login",
    "agent_desktop.ui.widgets.settings_dialog",
    "agent_desktop.ui.widgets.booking_codes_view",
    "agent_desktop.ui.widgets.notification_log_view",
    "agent_desktop.ui.about",
    "agent_desktop.ui.widgets.supervisor_view",  # the Team page: supervisors only
    "agent_desktop.ui.widgets.agent_table",
    # the reference server (demo only)
    "agent_desktop.server",
    "agent_desktop.demo",
)
START_S = 60.0


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


def _first_paint_modules(env: dict[str, str], listing: Path) -> list[str]:
    """Start the app; the modules imported at its first signed-in paint."""
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.app_child"],
        env={**env, "BENCH_APP_MODULES": str(listing)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert child.stdout is not None
        deadline = time.monotonic() + START_S
        for line in child.stdout:
            if line.startswith("READY"):
                return listing.read_text().split()
            assert time.monotonic() < deadline, "the app did not paint a signed-in window"
        raise AssertionError(f"the app exited before its first paint ({child.wait()})")
    finally:
        child.terminate()
        child.wait(timeout=30)


async def test_a_signed_in_start_paints_before_importing_what_it_defers(
    server: RunningServer, tmp_path: Path
) -> None:
    client, logged_in = await open_session(server.url, "alice", "demo")
    await client.close()  # no logout: that would revoke the token
    with desktop_session(tmp_path / "home") as env:
        store_token(env, server.url, "alice", logged_in.token)
        write_settings(
            env,
            Settings(
                server_url=server.url,
                user="alice",
                notification_mode=NotificationMode.ALWAYS,
                sound=False,
            ),
        )
        modules = await asyncio.to_thread(_first_paint_modules, env, tmp_path / "modules.txt")
    assert "agent_desktop.ui.desktop" in modules  # the listing is the app's
    loaded = sorted(
        name
        for name in modules
        for deferred in DEFERRED
        if name == deferred or name.startswith(deferred + ".")
    )
    assert loaded == []
