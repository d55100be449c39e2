"""A chat longer than one frame in the app: it signs in, shows the newest messages and a
"Show earlier messages" button that loads the rest above them, keeping the reading place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.widgets.session_view import SessionView
from tests.ui.app_harness import (
    customer_says,
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
)

pytestmark = pytest.mark.integration

LONG = "z" * 9_000
MESSAGES = 130


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


async def test_the_app_shows_a_long_chat_and_loads_its_earlier_messages_on_request(
    server: RunningServer, tmp_path: Path
) -> None:
    async with supervisor_client(server.url) as sam:
        work_id = await new_work(sam, queue="chat_vip", agent="alice", customer="Vera Ito")
        for n in range(MESSAGES):
            await customer_says(sam, work_id, f"{n:03} {LONG}")
    async with running_app(server.url, tmp_path) as alice:
        state = await until(alice, lambda s: len(s.sessions) == 1)
        session = state.sessions[0]
        await eventually(lambda: alice.window.sessions.view(session.session_id) is not None, "tab")
        view = alice.window.sessions.view(session.session_id)
        assert isinstance(view, SessionView)
        shown = len(session.transcript)
        assert view.transcript.bubbles()[-1].body.startswith(f"{MESSAGES - 1:03} ")
        button = view.earlier_button
        await eventually(button.isVisible, "the button shows")
        assert button.text() == f"Show earlier messages ({MESSAGES - shown} more)"

        while button.isVisible():
            before = len(view.transcript.bubbles())
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            await eventually(
                lambda n=before: len(view.transcript.bubbles()) > n,  # type: ignore[misc]
                "a page above",
            )
            loaded = len(view.transcript.bubbles()) - before
            was_first = view.transcript.visualRect(view.transcript.model_.index(loaded))
            assert abs(was_first.top()) <= 16, "the message that was first stays at the top"
        bodies = [b.body for b in view.transcript.bubbles()]
        assert bodies == [f"{n:03} {LONG}" for n in range(MESSAGES)], "all, in order, once"
        assert alice.window.sessions.unread_count() == 0, "old messages are not news"
