"""The app's routing-depth parts (issue 11), driving the real app against the real server:
custom presences in the selector and the tray, wrap-up with countdown, dispositions, note,
Extend and Done, and the next status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Presence, PresenceSource, Reason, WorkId
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.desktop import DesktopApp
from agent_desktop.ui.menus import PRESENCE_KEYS
from tests.session.test_core_depth import depth_config
from tests.ui.app_harness import (
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
    work_info,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(manual_clock: ManualClock) -> AsyncIterator[RunningServer]:
    async with running_server(depth_config(), clock=manual_clock) as running:
        yield running


async def open_session(desktop: DesktopApp, sam_url: str) -> str:
    """A chat offered to the app's agent, accepted with the card's button; its session id."""
    window = desktop.window
    async with supervisor_client(sam_url) as sam:
        await new_work(sam, agent="alice", customer="Ana Lima")
    await eventually(lambda: len(window.offers.cards()) == 1, "the offer card shows")
    QTest.mouseClick(window.offers.cards()[0].accept_button, Qt.MouseButton.LeftButton)
    state = await until(desktop, lambda s: len(s.sessions) == 1)
    return state.sessions[0].session_id


async def close_to_wrap_up(desktop: DesktopApp, sam_url: str) -> WorkId:
    """A chat opened and closed with its tab's Close button: its wrap-up runs; its work id."""
    window = desktop.window
    session_id = await open_session(desktop, sam_url)
    work_id = desktop.core.state.sessions[0].work.work_id
    await eventually(
        lambda: window.sessions.view(session_id) is not None,  # type: ignore[arg-type]
        "the session tab shows",
    )
    view = window.sessions.view(session_id)  # type: ignore[arg-type]
    assert view is not None
    QTest.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    await until(desktop, lambda s: bool(s.wrap_ups) and not s.sessions)
    return work_id


async def test_custom_presences_in_the_selector_the_tray_and_the_team_table(
    server: RunningServer, tmp_path: Path, qtbot: QtBot
) -> None:
    async with (
        running_app(server.url, tmp_path) as alice,
        running_app(server.url, tmp_path, user="sam") as sam_app,
    ):
        selector = alice.window.presence
        await eventually(lambda: (Presence.AWAY, "Lunch") in selector.choices(), "Lunch listed")
        assert "Lunch" in alice.tray.custom_actions

        selector.combo.activated.emit(selector.choices().index((Presence.AWAY, "Lunch")))
        state = await until(
            alice, lambda s: s.presence is not None and s.presence.custom == "Lunch"
        )
        assert state.presence is not None
        assert state.presence.presence is Presence.AWAY  # the base, which routing reads
        await eventually(lambda: selector.current_text() == "Lunch", "the selector says Lunch")
        await eventually(
            lambda: alice.tray.custom_actions["Lunch"].isChecked(), "the tray ticks Lunch"
        )
        assert not alice.tray.presence_actions[Presence.AWAY].isChecked()

        team = sam_app.window.team
        await eventually(
            lambda: any(
                team.model.agent_at(r).agent == "alice"
                and team.model.data(team.model.index(r, 1)) == "Lunch"
                for r in range(team.model.rowCount())
            ),
            "the supervisor's table shows the custom name",
        )
        row = next(
            r for r in range(team.model.rowCount()) if team.model.agent_at(r).agent == "alice"
        )
        dot = team.model.data(team.model.index(row, 1), Qt.ItemDataRole.DecorationRole)
        assert isinstance(dot, QIcon)
        assert dot.pixmap(12, 12).toImage().pixelColor(6, 6).name() == "#e0a030", "Lunch's colour"

        alice.tray.presence_actions[Presence.AVAILABLE].trigger()
        await until(
            alice, lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE
        )
        alice.tray.custom_actions["Lunch"].trigger()  # the tray sets it too
        await until(alice, lambda s: s.presence is not None and s.presence.custom == "Lunch")

        # The window's Presence menu lists it too, after the built-in ones and set apart.
        alice.window.presence_actions[Presence.AVAILABLE].trigger()
        await until(
            alice, lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE
        )
        menu = alice.window.presence_actions[Presence.AVAILABLE].associatedObjects()[-1]
        assert isinstance(menu, QMenu)
        shown = [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]
        assert shown[-1] == "Set Lunch"
        assert shown[:-1] == [alice.window.presence_actions[p].text() for p in PRESENCE_KEYS]
        lunch = alice.window.custom_presence_items.actions["Lunch"]
        assert lunch.isEnabled()
        lunch.trigger()
        await until(alice, lambda s: s.presence is not None and s.presence.custom == "Lunch")


async def test_wrap_up_countdown_disposition_note_extend_and_done(
    server: RunningServer, tmp_path: Path, qtbot: QtBot
) -> None:
    async with running_app(server.url, tmp_path) as alice, supervisor_client(server.url) as sam:
        window = alice.window
        work_id = await close_to_wrap_up(alice, server.url)
        state = alice.core.state

        panel = window.depth_controls.wrap_ups
        await eventually(lambda: panel.card(work_id) is not None, "the wrap-up card shows")
        card = panel.card(work_id)
        assert card is not None
        assert card.isVisibleTo(window)
        assert card.title.text() == "Wrap-up: Ana Lima"
        await eventually(lambda: card.countdown.text() in ("2:00", "1:59"), "the countdown")
        codes = [card.disposition.itemText(i) for i in range(card.disposition.count())]
        assert codes == ["Choose a disposition…", "Resolved", "Call back"]
        assert not card.done_button.isEnabled(), "the queue requires a disposition"
        assert card.hint.text() == "Choose a disposition to finish."

        ends_at = state.wrap_ups[0].ends_at
        QTest.mouseClick(card.extend_button, Qt.MouseButton.LeftButton)
        await until(alice, lambda s: bool(s.wrap_ups) and s.wrap_ups[0].ends_at == ends_at + 60)
        await eventually(lambda: card.countdown.text() in ("3:00", "2:59"), "extended by 1 min")

        card.disposition.setCurrentIndex(1)
        QTest.keyClicks(card.note, "refund sent")
        assert card.done_button.isEnabled()
        QTest.mouseClick(card.done_button, Qt.MouseButton.LeftButton)
        await until(alice, lambda s: not s.wrap_ups)
        await eventually(lambda: panel.card(work_id) is None, "the card is gone")
        assert not panel.isVisibleTo(window)

        info = await work_info(sam, work_id)
        ended = [h for h in info.history if h.event == "wrap_up_ended"]
        assert [(h.detail, h.reason) for h in ended] == [
            ("Resolved - refund sent", Reason.WRAP_UP_DONE)
        ]


async def test_next_status_is_shown_cancelled_and_taken_after_the_last_session(
    server: RunningServer, tmp_path: Path, qtbot: QtBot
) -> None:
    async with running_app(server.url, tmp_path) as alice:
        window = alice.window
        next_status = window.depth_controls.next_status
        assert not next_status.isVisibleTo(window), "nothing open: nothing to come after"
        session_id = await open_session(alice, server.url)
        await eventually(lambda: next_status.choose_button.isVisibleTo(window), "offered")

        next_status.actions_by_name()["Away after these sessions"].trigger()
        await until(alice, lambda s: s.next_presence is not None)
        await eventually(
            lambda: (
                next_status.label.text() == "Then Away, after your open work"
                and next_status.label.isVisibleTo(window)
            ),
            "the next status shows",
        )
        QTest.mouseClick(next_status.cancel_button, Qt.MouseButton.LeftButton)
        await until(alice, lambda s: s.next_presence is None)
        await eventually(lambda: not next_status.label.isVisibleTo(window), "cancelled")

        next_status.actions_by_name()["Lunch after these sessions"].trigger()
        await until(alice, lambda s: s.next_presence is not None)
        await eventually(lambda: next_status.label.text().startswith("Then Lunch"), "Lunch next")
        alice.window.tasks.run("Close", alice.core.close_session(session_id))  # type: ignore[arg-type]
        work_id = alice.core.state.sessions[0].work.work_id
        await until(alice, lambda s: bool(s.wrap_ups))
        panel = window.depth_controls.wrap_ups
        await eventually(lambda: panel.card(work_id) is not None, "the wrap-up card shows")
        card = panel.card(work_id)
        assert card is not None
        assert alice.core.state.next_presence is not None, "it waits for the wrap-up too"
        card.disposition.setCurrentIndex(2)
        QTest.mouseClick(card.done_button, Qt.MouseButton.LeftButton)
        state = await until(
            alice, lambda s: s.presence is not None and s.presence.custom == "Lunch"
        )
        assert state.presence is not None
        assert (state.presence.source, state.presence.reason) == (
            PresenceSource.AGENT,
            Reason.NEXT_STATUS,
        )
        assert state.next_presence is None
        await eventually(lambda: not next_status.isVisibleTo(window), "nothing pending")
        await eventually(
            lambda: window.presence.current_text() == "Lunch", "the selector says Lunch"
        )


async def test_a_wrap_up_is_announced_takes_the_keyboard_and_calls_its_last_seconds(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, qtbot: QtBot
) -> None:
    """Keyboard and screen-reader users: the card that appears after the last session closes
    gets the focus (nothing else is left to type in), says what it needs, and the last ten
    seconds are said once, urgently (a missed wrap-up ends without its disposition)."""
    async with running_app(server.url, tmp_path, clock=manual_clock) as alice:
        window = alice.window
        window.activateWindow()
        work_id = await close_to_wrap_up(alice, server.url)

        panel = window.depth_controls.wrap_ups
        await eventually(lambda: panel.card(work_id) is not None, "the wrap-up card shows")
        card = panel.card(work_id)
        assert card is not None
        # The window's focus child: where typing goes once the window is active (another
        # test's window may hold the offscreen platform's activation).
        await eventually(
            lambda: window.focusWidget() is card.disposition, "the keyboard is on the card"
        )
        said = alice.screen_reader.said
        started = "Wrap-up started for Ana Lima, 2:00 left. Choose a disposition to finish."
        await eventually(lambda: started in said, "the card is announced")

        QTest.keyClick(card.disposition, Qt.Key.Key_Down)  # the keyboard alone picks a code
        assert card.chosen_disposition() == "Resolved"

        manual_clock.advance(111.0)  # 9 s left
        last_call = "Wrap-up for Ana Lima ends in 9 seconds."
        await eventually(lambda: last_call in said, "the last seconds are announced")
        manual_clock.advance(2.0)
        await eventually(lambda: card.countdown.text() == "0:07", "the clock goes on")
        assert [s for s in said if s.startswith("Wrap-up for")] == [last_call], "said once"
