"""The OS going to sleep, waking and locking, through the real app and a real server.

logind is a double (tests/support/login_service.py) on a private dbus-daemon that the app
takes as its system bus: this machine has no logind, and a test cannot suspend it. Everything
else is real: the app's dbus-fast code, the bus, the server over websockets, a second agent.
The server runs on a ManualClock that the test never moves, so no offer can time out here:
a reroute can only come from the goodbye.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.state import LinkStatus
from agent_desktop.ui.os_state import LOCKED_NOTE, SLEEP_NOTE
from tests.session.live import has_offer, make_core, started
from tests.support.login_service import private_system_bus, serving_login
from tests.support.notification_service import NotificationService
from tests.ui.app_harness import WAIT_S, eventually, new_work, running_app, supervisor_client, until

pytestmark = pytest.mark.integration

REROUTED_WITHIN_S = 5.0


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_sleep_says_goodbye_so_the_offer_goes_to_another_agent_and_wake_comes_back(
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with private_system_bus(monkeypatch) as address:
        async with (
            serving_login(address) as (login, _session),
            started(make_core(server.url, "bob")) as bob,
        ):
            await bob.set_presence(Presence.AWAY)  # alice gets the work first
            async with (
                running_app(server.url, tmp_path) as desktop,
                supervisor_client(server.url) as sam,
            ):
                await eventually(lambda: "sleep via logind" in desktop.os_state.now.watching, "on")
                assert [(what, mode) for what, _, _, mode in login.inhibitors] == [
                    ("sleep", "delay")
                ]
                work_id = await new_work(sam)
                await until(desktop, has_offer)
                await bob.set_presence(Presence.AVAILABLE)

                asked = time.monotonic()
                login.PrepareForSleep(True)
                [rerouted] = (await bob.wait_for(has_offer, WAIT_S)).offers
                took = time.monotonic() - asked
                assert rerouted.offer.work.work_id == work_id
                assert took < REROUTED_WITHIN_S, f"rerouted after {took:.2f} s"
                await until(desktop, lambda s: s.connection.status is LinkStatus.OFFLINE)
                await login.wait_until_released()  # the sleep may go on now
                await eventually(
                    lambda: desktop.window.statusBar().currentMessage() == SLEEP_NOTE, "said"
                )

                login.PrepareForSleep(False)
                await until(desktop, lambda s: s.online)
                await eventually(lambda: len(login.inhibitors) == 2, "a lock for the next sleep")


async def test_an_agent_who_went_offline_stays_offline_after_the_wake(
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with private_system_bus(monkeypatch) as address:
        async with (
            serving_login(address) as (login, _session),
            running_app(server.url, tmp_path) as desktop,
        ):
            await eventually(lambda: "sleep via logind" in desktop.os_state.now.watching, "on")
            await desktop.core.go_offline()
            login.PrepareForSleep(True)
            await login.wait_until_released()
            login.PrepareForSleep(False)
            await eventually(lambda: len(login.inhibitors) == 2, "the wake was handled")
            await desktop.os_state.settled()
            assert desktop.core.state.connection.status is LinkStatus.OFFLINE


async def test_a_locked_screen_is_told_in_the_status_bar(
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with private_system_bus(monkeypatch) as address:
        async with (
            serving_login(address) as (_login, session),
            running_app(server.url, tmp_path) as desktop,
        ):
            await eventually(lambda: "screen lock" in desktop.os_state.now.watching, "watching")
            session.Lock()
            await eventually(lambda: desktop.os_state.now.locked, "locked")
            assert desktop.window.statusBar().currentMessage() == LOCKED_NOTE
            session.Unlock()
            await eventually(lambda: not desktop.os_state.now.locked, "unlocked")
