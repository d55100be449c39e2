"""The repeat-miss penalty and the supervisor's queue table in the real app, against the real
server: the agent's own alert with the time left, the Team table's penalty and Clear penalty,
and the queue table fed by `list_queues` and `queue_updated`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Presence, QueueId
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.desktop import DesktopApp
from agent_desktop.ui.widgets.supervisor_view import SupervisorView
from tests.session.test_core_depth import depth_config
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until

pytestmark = pytest.mark.integration

CHAT = QueueId("chat")


@pytest.fixture
async def server(manual_clock: ManualClock) -> AsyncIterator[RunningServer]:
    async with running_server(depth_config(), clock=manual_clock) as running:
        yield running


def penalty_cell(team: SupervisorView, agent: str) -> str:
    for row in range(team.model.rowCount()):
        if team.model.agent_at(row).agent == agent:
            return str(team.model.data(team.model.index(row, 6)))
    return ""


async def miss_twice(bob: DesktopApp, server: RunningServer, clock: ManualClock, url: str) -> None:
    async with supervisor_client(url) as sam:
        for _ in range(2):  # the config's count: the second miss starts the penalty
            await new_work(sam, agent="bob")
            await until(bob, lambda s: bool(s.offers))
            clock.advance(121)
            server.wake()
            await until(bob, lambda s: not s.offers)
    # The server's clock jumped 242 s: measure the offset again, as the app does after a sleep.
    await bob.core.sync_clock()


async def test_the_penalty_shows_its_time_left_and_a_supervisor_clears_it(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, qtbot: QtBot
) -> None:
    async with (
        running_app(server.url, tmp_path, user="bob") as bob,
        running_app(server.url, tmp_path, user="sam") as sam_app,
    ):
        await miss_twice(bob, server, manual_clock, server.url)
        state = await until(bob, lambda s: s.penalty_until is not None)
        [alert] = [a for a in state.alerts if a.penalty]
        bar = bob.window.alert_bar
        await eventually(lambda: bar.row(alert.alert_id) is not None, "the penalty's alert")
        row = bar.row(alert.alert_id)
        assert row is not None
        assert row.message.text().startswith("You missed a chat")
        assert "no new work for 5 min" in row.message.text()
        await eventually(
            lambda: row.remaining.text() in ("No new work for 5:00", "No new work for 4:59"),
            "the time left",
        )
        assert not row.action_button.isVisibleTo(bob.window), "Available would not lift it"

        team = sam_app.window.team
        await eventually(
            lambda: penalty_cell(team, "bob").startswith("No queue work until"),
            "the Team table shows the penalty",
        )
        team.select_agent("bob")  # type: ignore[arg-type]  # a UserId
        assert team.clear_penalty_button.isEnabled()
        QTest.mouseClick(team.clear_penalty_button, Qt.MouseButton.LeftButton)
        await until(bob, lambda s: s.penalty_until is None and s.alert(alert.alert_id) is None)
        await eventually(lambda: bar.row(alert.alert_id) is None, "the alert is gone")
        await eventually(lambda: penalty_cell(team, "bob") == "—", "cleared in the table")
        assert not team.clear_penalty_button.isEnabled()


async def test_the_queue_table_follows_queue_updated(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, qtbot: QtBot
) -> None:
    async with (
        running_app(server.url, tmp_path, user="bob") as bob,
        running_app(server.url, tmp_path, user="sam") as sam_app,
        supervisor_client(server.url) as sam,
    ):
        queues = sam_app.window.team.queues
        await until(sam_app, lambda s: s.queue_stats is not None)
        await eventually(lambda: queues.model.row_of(CHAT) is not None, "the chat row")
        assert queues.cell(CHAT, "Queue") == "Web chat (Chat)"
        await eventually(lambda: queues.cell(CHAT, "Available") == "1", "bob is available")
        assert queues.cell(CHAT, "Waiting") == "0"
        assert queues.cell(CHAT, "Longest wait") == "—"

        bob.window.presence.presence_chosen.emit(Presence.AWAY)
        await until(bob, lambda s: s.presence is not None and s.presence.presence is Presence.AWAY)
        manual_clock.advance(1)
        server.wake()
        await eventually(lambda: queues.cell(CHAT, "Away") == "1", "bob is away")
        assert queues.cell(CHAT, "Available") == "0"
        assert queues.cell(CHAT, "Estimated wait") == "nobody staffing"

        await new_work(sam)  # nobody takes it: it waits
        # Changes in quick succession go out at most once a second (server time).
        manual_clock.advance(1)
        server.wake()
        await eventually(lambda: queues.cell(CHAT, "Waiting") == "1", "one waiting")
        assert queues.cell(CHAT, "Longest wait") in ("0:00", "0:01", "0:02")

        bob.window.presence.presence_chosen.emit(Presence.AVAILABLE)
        await until(bob, lambda s: bool(s.offers))
        manual_clock.advance(1)
        server.wake()
        await eventually(
            lambda: queues.cell(CHAT, "Offers out") == "1" and queues.cell(CHAT, "Waiting") == "0",
            "offered to bob",
        )
