"""Quit and Sign out with work open: the app asks, says what happens, and hands offers back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Channel, Reason
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.settings_store import SettingsStore
from tests.ui.app_harness import (
    WAIT_S,
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
    work_info,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_quit_with_sessions_and_an_offer_asks_and_hands_the_offer_back(
    server: RunningServer, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings = Settings(
        server_url=server.url, user="alice", notification_mode=NotificationMode.OFF, sound=False
    )
    desktop = DesktopApp(
        app, SettingsStore(tmp_path / "cfg"), StartOptions(settings, "demo", keep_token=False)
    )
    running = asyncio.create_task(desktop.run())
    try:
        async with supervisor_client(server.url) as sam:
            await until(desktop, lambda s: s.online and s.presence is not None)
            for customer in ("Vera Ito", "Wu Fang"):
                await new_work(sam, Channel.CHAT, "chat_vip", customer=customer, agent="alice")
            offered = await new_work(sam, customer="Ana Lima", agent="alice")
            await until(desktop, lambda s: len(s.sessions) == 2 and len(s.offers) == 1)
            window = desktop.window
            window.activateWindow()

            QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)

            await eventually(lambda: desktop.leaving.dialog is not None, "the app asks first")
            dialog = desktop.leaving.dialog
            assert dialog is not None
            said = dialog.informativeText()
            assert "1 offer is waiting" in said
            assert "not counted as a missed offer" in said
            assert "2 sessions are open" in said
            assert not running.done()
            assert not desktop.quit_event.is_set()

            QTest.mouseClick(dialog.stay_button, Qt.MouseButton.LeftButton)
            await eventually(lambda: desktop.leaving.dialog is None, "Keep working closes it")
            assert not desktop.quit_event.is_set()
            assert len(desktop.core.state.offers) == 1

            window.quit_action.trigger()
            await eventually(lambda: desktop.leaving.dialog is not None, "asked again")
            dialog = desktop.leaving.dialog
            assert dialog is not None
            QTest.mouseClick(dialog.leave_button, Qt.MouseButton.LeftButton)
            await asyncio.wait_for(running, WAIT_S)

            info = await work_info(sam, offered)
            assert info.agent != "alice"
            reasons = [entry.reason for entry in info.history]
            assert Reason.LOGOUT in reasons, "handed back by the goodbye"
            assert Reason.DISPLAY_TIMEOUT not in reasons, "not a miss"
    finally:
        desktop.quit()
        await asyncio.wait_for(running, WAIT_S)
        desktop.window.deleteLater()


async def test_quit_with_nothing_open_does_not_ask(server: RunningServer, tmp_path: Path) -> None:
    async with running_app(server.url, tmp_path) as desktop:
        desktop.window.quit_action.trigger()
        await asyncio.wait_for(desktop.quit_event.wait(), WAIT_S)
        assert desktop.leaving.dialog is None


async def test_sign_out_with_a_session_open_asks_first(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        await until(desktop, lambda s: len(s.sessions) == 1)

        desktop.window.sign_out_action.trigger()

        await eventually(lambda: desktop.leaving.dialog is not None, "the app asks first")
        dialog = desktop.leaving.dialog
        assert dialog is not None
        assert dialog.text() == "Sign out with work open?"
        assert "1 session is open" in dialog.informativeText()
        assert desktop.core.state.online, "nothing happened yet"
