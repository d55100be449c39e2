"""Sleep/resume and network changes: the app drops the link, resumes on a new one and resyncs
before the agent is shown Available again; in between the presence reads Offline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QApplication

from agent_desktop.clock import SystemClock
from agent_desktop.protocol.model import PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.engine import ConnId
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import LinkStatus
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.settings_store import SettingsStore
from tests.ui.app_harness import WAIT_S, eventually

pytestmark = pytest.mark.integration

ALICE = UserId("alice")


class SleepingClock(SystemClock):
    """The system clock on a machine that can be put to sleep by the test.

    On resume the wall clock has moved on by the time asleep; the monotonic clock has not
    (Linux's CLOCK_MONOTONIC stops during suspend), which is what the app watches for.
    """

    def __init__(self) -> None:
        self.asleep_for = 0.0

    def now(self) -> float:
        return time.time() + self.asleep_for

    def sleep(self, seconds: float) -> None:
        self.asleep_for += seconds


@dataclass
class Painted:
    """What the presence selector showed, and the link state the window was painting."""

    presence: Presence
    link: LinkStatus


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


@asynccontextmanager
async def app_with_clock(url: str, folder: Path, clock: SystemClock) -> AsyncIterator[DesktopApp]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings = Settings(server_url=url, user="alice", sound=False)
    desktop = DesktopApp(
        app,
        SettingsStore(folder / "config"),
        StartOptions(settings, password="demo", keep_token=False),
        clock=clock,
    )
    running = asyncio.create_task(desktop.run())
    try:
        await desktop.core.wait_for(lambda s: s.online and s.presence is not None, WAIT_S)
        yield desktop
    finally:
        desktop.quit()
        await asyncio.wait_for(running, WAIT_S)
        desktop.window.deleteLater()


def record_presence(desktop: DesktopApp) -> list[Painted]:
    """Every presence the selector shows from now on, with the link state being painted."""
    painted: list[Painted] = []
    selector = desktop.window.presence
    show_state = selector.show_state

    def shown(presence: PresenceInfo | None, *, online: bool = True) -> None:
        show_state(presence, online=online)
        state = desktop.window._state  # the state the window is painting right now
        assert state is not None
        now = Painted(selector.current(), state.connection.status)
        if not painted or painted[-1] != now:
            painted.append(now)

    # Watches each paint of the real selector (its combo refills on the way, which a signal
    # spy would mistake for what the agent sees).
    selector.show_state = shown  # type: ignore[method-assign]
    return painted


def alice_connections(server: RunningServer) -> set[ConnId]:
    return set(server.engine.connections.by_user.get(ALICE, set()))


async def available(desktop: DesktopApp) -> None:
    await desktop.core.set_presence(Presence.AVAILABLE)
    await eventually(
        lambda: desktop.window.presence.current() is Presence.AVAILABLE, "shows Available"
    )


async def assert_resumes_on_a_new_connection(
    server: RunningServer, desktop: DesktopApp, disturb: Callable[[], None]
) -> None:
    before = alice_connections(server)
    assert len(before) == 1
    painted = record_presence(desktop)

    disturb()

    await eventually(
        lambda: bool(alice_connections(server)) and alice_connections(server).isdisjoint(before),
        "the app signed in again on a new connection",
    )
    await eventually(
        lambda: (
            desktop.core.state.online and desktop.window.presence.current() is Presence.AVAILABLE
        ),
        "Available again after the resync",
    )
    shown = [p.presence for p in painted]
    assert Presence.OFFLINE in shown, "the presence read Offline while the link was replaced"
    assert shown[-1] is Presence.AVAILABLE
    assert all(p.link is LinkStatus.ONLINE for p in painted if p.presence is Presence.AVAILABLE), (
        "never shown Available over a link that is not online and resynced"
    )
    assert server.engine.invariant_violations() == []


async def test_after_sleep_the_app_reconnects_and_resyncs_before_showing_available(
    server: RunningServer, tmp_path: Path
) -> None:
    clock = SleepingClock()
    async with app_with_clock(server.url, tmp_path, clock) as desktop:
        await available(desktop)
        # The machine sleeps an hour: the sleep watch (every 2 s) sees the wall clock jump.
        await assert_resumes_on_a_new_connection(server, desktop, lambda: clock.sleep(3600))


async def test_a_network_change_reconnects_and_resyncs_before_showing_available(
    server: RunningServer, tmp_path: Path
) -> None:
    async with app_with_clock(server.url, tmp_path, SystemClock()) as desktop:
        await available(desktop)
        # What QNetworkInformation.reachabilityChanged delivers when the network changes.
        await assert_resumes_on_a_new_connection(
            server,
            desktop,
            lambda: desktop.wake_watch.on_network_changed(QNetworkInformation.Reachability.Online),
        )


async def test_a_small_clock_correction_is_not_taken_for_sleep(
    server: RunningServer, tmp_path: Path
) -> None:
    clock = SleepingClock()
    async with app_with_clock(server.url, tmp_path, clock) as desktop:
        before = alice_connections(server)
        asked: list[bool] = []
        desktop.wake_watch.reconnect_needed.connect(lambda: asked.append(True))
        clock.sleep(3)  # NTP nudged the wall clock
        desktop.wake_watch.check_for_sleep()  # decides (and would signal) synchronously
        assert asked == []
        assert alice_connections(server) == before
        assert desktop.core.state.connection.status is LinkStatus.ONLINE
