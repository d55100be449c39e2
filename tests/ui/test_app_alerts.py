"""Alert bars through the real app and server: each offers the action that resolves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import AlertKind, Channel
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.widgets.session_view import SessionView
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_the_max_session_alert_leads_to_the_sessions_not_to_available(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        for n in range(11):
            await new_work(sam, Channel.CHAT, "chat_vip", customer=f"VIP {n}", agent="alice")
        state = await until(
            desktop, lambda s: any(a.kind is AlertKind.MAX_SESSIONS for a in s.alerts)
        )
        presence = state.presence
        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the alert shows")
        window.show_timeline()  # the agent was elsewhere

        row = window.alert_bar.rows()[0]
        assert row.action_button.text() == "Show my sessions", "Available would not help"
        QTest.mouseClick(row.action_button, Qt.MouseButton.LeftButton)

        assert window.pages.currentIndex() == 0
        current = window.sessions.current_session()
        assert current is not None
        view = window.sessions.view(current)
        assert isinstance(view, SessionView)
        assert QApplication.focusWidget() is view.reply_box
        assert desktop.core.state.presence == presence
