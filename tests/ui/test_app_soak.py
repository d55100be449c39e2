"""Traffic on the qasync loop: what made PySide6 6.12.0 abort on Python 3.11 (PLATFORM.md).

The abort (`none_dealloc` in QObject.killTimer) only showed under real traffic, so these tests
push it: 10,000 messages through the app's own connection, and 100 websocket clients on the
same loop. Keep them: they are what stops a future PySide6 upgrade from bringing it back unseen.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.ctl.client import WireClient, open_session
from agent_desktop.protocol.messages import Agents, ClockReading, ListAgents, SyncClock
from agent_desktop.protocol.model import Session
from agent_desktop.protocol.vocabulary import Channel, Presence, Sender, WorkId
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

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SESSIONS = 10
MESSAGES_PER_SESSION = 1_000
AGENT_REPLIES = 200


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


def customer_lines(session: Session) -> int:
    return sum(1 for m in session.transcript if m.sender is Sender.CUSTOMER)


async def test_ten_thousand_messages_through_the_app(server: RunningServer, tmp_path: Path) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        work_ids = [
            await new_work(sam, Channel.CHAT, "chat_vip", customer=f"Soak {n}", agent="alice")
            for n in range(SESSIONS)
        ]
        await until(desktop, lambda s: len(s.sessions) == SESSIONS)

        async def customer(work_id: WorkId) -> None:
            for n in range(MESSAGES_PER_SESSION):
                await customer_says(sam, work_id, f"message {n}")

        async def agent() -> None:
            session_ids = [s.session_id for s in desktop.core.state.sessions]
            for n in range(AGENT_REPLIES):
                await desktop.core.send_message(session_ids[n % SESSIONS], f"reply {n}")

        await asyncio.wait_for(
            asyncio.gather(*(customer(w) for w in work_ids), agent()), timeout=300
        )
        state = await desktop.core.wait_for(
            lambda s: all(customer_lines(x) == MESSAGES_PER_SESSION for x in s.sessions), 120
        )
        assert sum(customer_lines(s) for s in state.sessions) == SESSIONS * MESSAGES_PER_SESSION
        assert (
            sum(1 for s in state.sessions for m in s.transcript if m.sender is Sender.AGENT)
            == AGENT_REPLIES
        )
        assert state.online
        # The open tab shows the whole conversation, in order.
        current = desktop.window.sessions.current_session()
        assert current is not None
        view = desktop.window.sessions.view(current)
        assert isinstance(view, SessionView)
        await eventually(
            lambda: (
                len(view.transcript.bubbles())
                == len(next(s for s in state.sessions if s.session_id == current).transcript)
            ),
            "every message of the open session is on screen",
        )
        texts = [b.text.text() for b in view.transcript.bubbles()]
        customer_texts = [t for t in texts if t.startswith("message ")]
        assert customer_texts == [f"message {n}" for n in range(MESSAGES_PER_SESSION)]


async def test_a_hundred_connections_on_the_qt_loop(server: RunningServer, tmp_path: Path) -> None:
    clients: list[WireClient] = []
    try:
        async with running_app(server.url, tmp_path, user="alice") as desktop:
            for _ in range(100):
                client, _ = await open_session(server.url, "sam", "demo")
                clients.append(client)
            for client in clients:
                await client.request(lambda rid: ListAgents(id=rid), Agents)

            async def chatter(client: WireClient) -> None:
                for _ in range(20):
                    await client.request(lambda rid: SyncClock(id=rid), ClockReading)

            async def flip_presence() -> None:
                # Every change is pushed to all 100 supervisor connections.
                for n in range(20):
                    await desktop.core.set_presence(Presence.AWAY if n % 2 else Presence.BUSY)

            await asyncio.wait_for(
                asyncio.gather(*(chatter(c) for c in clients), flip_presence()), timeout=120
            )
            pushed = [c.events.qsize() for c in clients]
            assert min(pushed) >= 20, "every supervisor connection saw every presence change"
            assert desktop.core.state.online
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
