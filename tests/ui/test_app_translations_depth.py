"""The routing-depth parts in German against the real server: the wrap-up card, the repeat-miss
penalty's alert with its time left, and the supervisor's queue table and penalty column."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_desktop.clock import ManualClock
from agent_desktop.server.runner import RunningServer, running_server
from tests.session.test_core_depth import depth_config
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until
from tests.ui.test_app_depth_supervisor import miss_twice
from tests.ui.test_app_translations import english_left
from tests.ui.translated import german

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(manual_clock: ManualClock) -> AsyncIterator[RunningServer]:
    async with running_server(depth_config(), clock=manual_clock) as running:
        yield running


@pytest.fixture
def in_german() -> Iterator[None]:
    with german():
        yield


@pytest.mark.usefixtures("in_german")
async def test_the_wrap_up_card_speaks_german(server: RunningServer, tmp_path: Path) -> None:
    async with running_app(server.url, tmp_path) as alice:
        window = alice.window
        async with supervisor_client(server.url) as sam:
            await new_work(sam, agent="alice", customer="Ana Lima")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card")
        QTest.mouseClick(window.offers.cards()[0].accept_button, Qt.MouseButton.LeftButton)
        state = await until(alice, lambda s: len(s.sessions) == 1)
        session_id = state.sessions[0].session_id
        await eventually(lambda: window.sessions.view(session_id) is not None, "the session tab")
        view = window.sessions.view(session_id)
        assert view is not None
        QTest.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
        await until(alice, lambda s: bool(s.wrap_ups) and not s.sessions)
        panel = window.depth_controls.wrap_ups
        await eventually(lambda: bool(panel.cards()), "the wrap-up card")
        card = panel.cards()[0]
        await eventually(lambda: bool(card.countdown.text()), "the countdown")
        assert card.title.text() == "Nachbearbeitung: Ana Lima"
        assert card.done_button.text() == "Fertig"
        # The queue's disposition codes are the administrator's words, shown as given.
        problems = [p for p in english_left(window) if "Resolved" not in p and "Call back" not in p]
        assert problems == [], "\n".join(problems)


@pytest.mark.usefixtures("in_german")
async def test_the_penalty_and_the_queue_table_speak_german(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock
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
        # Its own sentence, not the plain miss's "set yourself Available", and the time left.
        assert row.message.text().startswith("Sie haben einen Chat von")
        assert "5 Min. lang keine neue Arbeit" in row.message.text()
        await eventually(lambda: row.remaining.text().startswith("Keine neue Arbeit für"), "left")
        assert english_left(bob.window) == []

        window = sam_app.window
        window.pages.setCurrentWidget(window.team)
        team = window.team
        await eventually(lambda: team.queues.model.rowCount() > 0, "the queue table")
        await eventually(
            lambda: any(
                team.model.data(team.model.index(r, 6)) != "—" for r in range(team.model.rowCount())
            ),
            "the penalty column",
        )
        assert team.queues.model.headerData(0, Qt.Orientation.Horizontal) == "Warteschlange"
        problems = english_left(window)
        assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
