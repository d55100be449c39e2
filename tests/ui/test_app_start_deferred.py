"""What a start defers until its first paint, and that nothing is lost by deferring it.

The native notification path (desktop-notifier, dbus-fast) and the OS watches start after the
window's first paint of a settled start; a notice due before that paint is still shown
natively, because the chain loads the native path at its first use.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from agent_desktop.clock import ManualClock
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.notify.chain import DeferredNativeAdapter
from agent_desktop.ui.notify.native import ACCEPT_ACTION
from agent_desktop.ui.notify.path import NotificationPath
from agent_desktop.ui.settings_store import SettingsStore
from tests.support.notification_service import NotificationService, RecordingResponder
from tests.ui.app_harness import WAIT_S, eventually, let_go, new_work, supervisor_client

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


def _desktop(url: str, folder: Path) -> DesktopApp:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings = Settings(
        server_url=url, user="alice", notification_mode=NotificationMode.ALWAYS, sound=False
    )
    return DesktopApp(
        app,
        SettingsStore(folder / "config"),
        StartOptions(settings, password="demo", keep_token=False),
    )


class _Paints(QObject):
    """Records, at each Paint of the window, whether the notification self-test had run."""

    def __init__(self, desktop: DesktopApp) -> None:
        super().__init__()
        self.desktop = desktop
        self.self_tested_at_paint: list[bool] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if event.type() == QEvent.Type.Paint:
            self.self_tested_at_paint.append(self.desktop.notifier.report is not None)
        return False


async def test_the_notification_self_test_and_os_watch_start_after_the_first_paint(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    desktop = _desktop(server.url, tmp_path)
    paints = _Paints(desktop)
    desktop.window.installEventFilter(paints)
    running = asyncio.create_task(desktop.run())
    try:
        await desktop.core.wait_for(lambda s: s.online, WAIT_S)
        await eventually(lambda: desktop.after_start.done, "the deferred start")
        report = await desktop.notifier.start()
        assert report.path is NotificationPath.NATIVE
        await eventually(lambda: desktop.os_state.now.watching != "", "the OS watch")
        assert paints.self_tested_at_paint, "the window painted"
        assert paints.self_tested_at_paint[0] is False
    finally:
        desktop.quit()
        await asyncio.wait_for(running, WAIT_S)
        await let_go(desktop.window)


async def test_an_offer_due_before_the_first_paint_is_a_native_notification(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    desktop = _desktop(server.url, tmp_path)
    # The window is never shown: no paint, so the deferred start never runs.
    await desktop.core.start()
    try:
        await desktop.core.wait_for(lambda s: s.online and s.presence is not None, WAIT_S)
        async with supervisor_client(server.url) as sam:
            await new_work(sam, customer="Ana Lima", agent="alice")
            await eventually(
                lambda: any(ACCEPT_ACTION in c.buttons for c in notification_service.calls),
                "the offer's native notification, with its buttons",
            )
        assert not desktop.after_start.done
        assert not desktop.window.isVisible()
        report = desktop.notifier.report
        assert report is not None
        assert report.path is NotificationPath.NATIVE
    finally:
        await desktop.notifier.close()
        await desktop.core.quit()
        await desktop.tasks.close()
        await let_go(desktop.window)


async def test_the_native_adapter_loads_desktop_notifier_at_its_first_use(
    notification_service: NotificationService,
) -> None:
    adapter = DeferredNativeAdapter(RecordingResponder(), None)

    def made() -> bool:  # read anew each time (mypy would keep the first answer)
        return adapter.made

    assert not made()
    assert adapter.path is NotificationPath.NATIVE
    await adapter.close()  # nothing to release: nothing was made
    assert not made()
    probe = await adapter.probe()
    assert made()
    assert probe.works
    assert probe.buttons
    await adapter.close()
