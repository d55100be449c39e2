"""Drive the real app against the real server on 127.0.0.1, as testers do.

The server runs on the test's qasync loop with a ManualClock, so a test can make an offer time
out without waiting; the app's core keeps the system clock and corrects for the offset, exactly
as it does against a server on another machine. The tester's side (customers, supervisor
actions) goes over the protocol with the ctl's client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from agent_desktop.clock import Clock
from agent_desktop.ctl.client import WireClient, open_session
from agent_desktop.protocol.messages import (
    Ack,
    CreateWork,
    CustomerMessage,
    GetWork,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import Channel, QueueId, UserId, WorkId
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import AgentState
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.settings_store import SettingsStore
from agent_desktop.ui.sound import IncomingSound

WAIT_S = 10.0


@asynccontextmanager
async def running_app(
    url: str,
    folder: Path,
    *,
    user: str = "alice",
    mode: NotificationMode = NotificationMode.ALWAYS,
    settings: Settings | None = None,
    sound: IncomingSound | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[DesktopApp]:
    """The whole app, signed in as `user` (password "demo"), until the block ends."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    store = SettingsStore(folder / f"config-{user}")
    settings = settings or Settings(server_url=url, user=user, notification_mode=mode, sound=False)
    desktop = DesktopApp(
        app,
        store,
        StartOptions(settings, password="demo", keep_token=False),
        sound=sound,
        clock=clock,
    )
    running = asyncio.create_task(desktop.run())
    try:
        await desktop.core.wait_for(lambda s: s.online and s.presence is not None, WAIT_S)
        yield desktop
    finally:
        desktop.quit()
        await asyncio.wait_for(running, WAIT_S)
        await let_go(desktop.window)


async def let_go(window: QWidget) -> None:
    """Hide and delete an app's window, and wait until the platform has taken its activation
    back: the window system reports that later, and a report still queued when the next test
    activates its own window would leave that one inactive (keys and focus go nowhere)."""
    window.hide()
    async with asyncio.timeout(WAIT_S):
        while QApplication.activeWindow() is window:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    window.deleteLater()


async def until(desktop: DesktopApp, predicate: Callable[[AgentState], bool]) -> AgentState:
    return await desktop.core.wait_for(predicate, WAIT_S)


async def eventually(check: Callable[[], bool], what: str, wait_s: float = WAIT_S) -> None:
    """Wait for something a user would see (a widget), letting the loop run."""
    async with asyncio.timeout(wait_s):
        # A widget has no event to await; polling while the loop runs is what a user sees.
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    assert check(), what


@asynccontextmanager
async def supervisor_client(url: str, user: str = "sam") -> AsyncIterator[WireClient]:
    client, _ = await open_session(url, user, "demo")
    try:
        yield client
    finally:
        await client.close()


async def new_work(
    client: WireClient,
    channel: Channel = Channel.CHAT,
    queue: str = "chat",
    *,
    customer: str = "Ana Lima",
    agent: str | None = None,
) -> WorkId:
    created = await client.request(
        lambda rid: CreateWork(
            id=rid,
            channel=channel,
            queue=QueueId(queue),
            customer_name=customer,
            subject="Order 5521 is late",
            agent=UserId(agent) if agent else None,
        ),
        WorkCreated,
    )
    return created.work.work_id


async def customer_says(client: WireClient, work_id: WorkId, text: str) -> None:
    await client.request(lambda rid: CustomerMessage(id=rid, work_id=work_id, text=text), Ack)


async def work_info(client: WireClient, work_id: WorkId) -> WorkInfo:
    return await client.request(lambda rid: GetWork(id=rid, work_id=work_id), WorkInfo)


async def agent_lines(client: WireClient, work_id: WorkId, count: int) -> list[str]:
    """What the agent wrote in a work item, as the server stored it, once `count` arrived."""
    async with asyncio.timeout(WAIT_S):
        while True:
            info = await work_info(client, work_id)
            lines = [m.text for m in info.transcript if m.sender.value == "agent"]
            if len(lines) >= count:
                return lines
            await asyncio.sleep(0.02)
