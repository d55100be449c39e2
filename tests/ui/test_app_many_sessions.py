"""Ten auto-assigned sessions arriving together: the real app against the real server.

Only the session in front gets its full view at once; the others are light tabs until the
agent opens them, and then show everything the customer wrote meanwhile.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Channel, Sender
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.widgets.session_tabs import UNREAD_DOT
from agent_desktop.ui.widgets.session_view import SessionView
from tests.support.notification_service import NotificationService
from tests.ui.app_harness import (
    agent_lines,
    customer_says,
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_ten_sessions_at_once_all_show_and_each_opens_complete(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        names = [f"VIP {i}" for i in range(10)]
        work = [
            await new_work(sam, Channel.CHAT, "chat_vip", customer=name, agent="alice")
            for name in names
        ]
        state = await until(desktop, lambda s: len(s.sessions) == 10)
        tabs = window.sessions
        await eventually(lambda: tabs.tab_titles() == names, "ten tabs, in the order they opened")
        assert tabs.built_count() == 1

        # The session in front is complete and usable at once.
        front = tabs.current_session()
        assert front == state.sessions[0].session_id
        tabs.show_session(front)
        view = tabs.tabs.currentWidget().findChild(SessionView)
        assert isinstance(view, SessionView)
        assert view.reply_box is not None
        await eventually(lambda: QApplication.focusWidget() is view.reply_box, "keyboard in it")
        QTest.keyClicks(view.reply_box, "Hello, how can I help?")
        QTest.keyClick(view.reply_box, Qt.Key.Key_Return)
        assert await agent_lines(sam, work[0], 1) == ["Hello, how can I help?"]

        # The sixth customer writes while that tab is still light.
        await customer_says(sam, work[5], "Where is my order?")
        await eventually(lambda: tabs.tab_titles()[5] == "VIP 5" + UNREAD_DOT, "unread dot")
        assert tabs.built_count() == 1

        tabs.switch_actions[5].trigger()  # Ctrl+6
        assert tabs.current_session() == state.sessions[5].session_id
        sixth = tabs.tabs.currentWidget().findChild(SessionView)
        assert isinstance(sixth, SessionView)
        customer_lines = [
            b.text.text() for b in sixth.transcript.bubbles() if b.sender is Sender.CUSTOMER
        ]
        assert customer_lines[-1] == "Where is my order?"
        await eventually(lambda: QApplication.focusWidget() is sixth.reply_box, "keyboard moved")
        await eventually(lambda: tabs.tab_titles()[5] == "VIP 5", "read now")
