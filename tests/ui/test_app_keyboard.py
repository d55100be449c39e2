"""A shift at the keyboard: where the focus goes after accepting and switching sessions.

The real app against the real server; keys go where a user's keys go, to the focus widget.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Channel, Presence, SessionId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.desktop import DesktopApp
from agent_desktop.ui.notify.native import ACCEPT_ACTION
from agent_desktop.ui.widgets.session_view import SessionView
from tests.support.notification_service import NotificationService
from tests.ui.app_harness import (
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


def focused(window: QWidget) -> QWidget | None:
    """Where the keys go. The offscreen platform sometimes leaves no window active after
    another test's window went away (its deactivation is reported late); the agent would
    click the window first, so the check activates it again before reading the focus."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
    return QApplication.focusWidget()


def offer_notified(service: NotificationService) -> bool:
    """The latest OS notification is an offer's (with an Accept button), not a toast."""
    return bool(service.calls) and ACCEPT_ACTION in service.last.buttons


def view_of(desktop: DesktopApp, session_id: SessionId) -> SessionView:
    view = desktop.window.sessions.view(session_id)
    assert isinstance(view, SessionView)
    return view


@pytest.mark.parametrize("how", ["ctrl+return", "accept button", "notification"])
async def test_accepting_brings_the_new_session_to_the_front_with_its_reply_box_focused(
    how: str,
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        # The agent is busy in another chat (an auto-assigned VIP one) when the offer comes.
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        first = (await until(desktop, lambda s: len(s.sessions) == 1)).sessions[0]
        await eventually(lambda: window.sessions.view(first.session_id) is not None, "1st tab")
        window.sessions.show_session(first.session_id)
        await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card")
        await eventually(lambda: offer_notified(notification_service), "the OS notification")

        if how == "ctrl+return":
            QTest.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        elif how == "accept button":
            QTest.mouseClick(window.offers.cards()[0].accept_button, Qt.MouseButton.LeftButton)
        else:
            notification_service.press(notification_service.last.notification_id, ACCEPT_ACTION)

        state = await until(desktop, lambda s: len(s.sessions) == 2)
        accepted = next(s for s in state.sessions if s.session_id != first.session_id)
        await eventually(
            lambda: window.sessions.current_session() == accepted.session_id,
            "the accepted session is the current tab",
        )
        reply = view_of(desktop, accepted.session_id).reply_box
        await eventually(lambda: focused(window) is reply, "the cursor is in its reply box")


async def test_an_answered_call_gets_the_call_controls_focused(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        await until(desktop, lambda s: len(s.sessions) == 1)
        await new_work(sam, Channel.VOICE, "voice", customer="Caller Cruz", agent="alice")
        await eventually(lambda: offer_notified(notification_service), "the OS notification")

        notification_service.press(notification_service.last.notification_id, ACCEPT_ACTION)

        state = await until(desktop, lambda s: len(s.sessions) == 2)
        call = next(s for s in state.sessions if s.work.channel is Channel.VOICE)
        await eventually(
            lambda: window.sessions.current_session() == call.session_id, "the call is in front"
        )
        panel = view_of(desktop, call.session_id).call_panel
        assert panel is not None
        await eventually(
            lambda: focused(window) in (panel.hold_button, panel.mute_button, panel.end_button),
            "a call control has the focus",
        )


async def test_switching_sessions_puts_the_cursor_in_the_reply_box_and_typing_does_nothing_else(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        # An alert on screen (a rejected offer) and the agent on Do not disturb because of it.
        await new_work(sam, customer="Rita Reyes", agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card")
        reject = window.offers.cards()[0].reject_button
        assert reject is not None
        QTest.mouseClick(reject, Qt.MouseButton.LeftButton)
        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the rejected alert")
        for customer in ("Ana Lima", "Bruno Costa", "Chen Wei"):
            await new_work(sam, Channel.CHAT, "chat_vip", customer=customer, agent="alice")
        state = await until(desktop, lambda s: len(s.sessions) == 3)
        await eventually(lambda: len(window.sessions.tab_titles()) == 3, "three tabs")
        presence_before = desktop.core.state.presence
        ids = [s.session_id for s in state.sessions]

        window.sessions.show_session(ids[0])
        first_reply = view_of(desktop, ids[0]).reply_box
        assert first_reply is not None
        first_reply.setFocus()
        await eventually(lambda: focused(window) is first_reply, "typing in the first chat")

        for step, (key, modifiers) in enumerate(
            [
                (Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
                (Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier),
                (
                    Qt.Key.Key_Tab,
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
                ),
            ]
        ):
            target = focused(window)
            assert target is not None
            QTest.keyClick(target, key, modifiers)
            expected = ids[[1, 2, 1][step]]
            assert window.sessions.current_session() == expected
            reply = view_of(desktop, expected).reply_box
            assert focused(window) is reply, (
                f"step {step}: the cursor is in the shown chat's reply box"
            )
            typed = "b d a  hello there "
            assert reply is not None
            QTest.keyClicks(reply, typed)
            assert reply.toPlainText().endswith(typed)

        assert len(window.alert_bar.rows()) == 1, "no alert was dismissed by typing"
        assert window.presence.current() is Presence.BUSY_DND
        assert desktop.core.state.presence == presence_before


async def test_letters_typed_on_the_presence_picker_change_nothing(
    server: RunningServer, tmp_path: Path, qtbot: QtBot
) -> None:
    """Where the typed reply once went: the picker's keyboard search set the agent Busy."""
    async with running_app(server.url, tmp_path) as desktop:
        window = desktop.window
        window.activateWindow()
        combo = window.presence.combo
        combo.setFocus()
        await eventually(lambda: focused(window) is combo, "the picker has the focus")
        with qtbot.assertNotEmitted(window.presence.presence_chosen):
            QTest.keyClicks(combo, "b d a hello")
            QTest.keyClick(combo, Qt.Key.Key_End)
            QTest.keyClick(combo, Qt.Key.Key_PageDown)
        assert window.presence.current() is Presence.AVAILABLE
        assert desktop.core.state.presence is not None
        assert desktop.core.state.presence.presence is Presence.AVAILABLE


async def test_unread_sessions_are_counted_where_they_are_always_seen(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        works = [
            await new_work(sam, Channel.CHAT, "chat_vip", customer=f"VIP {n}", agent="alice")
            for n in range(10)
        ]
        state = await until(desktop, lambda s: len(s.sessions) == 10)
        await eventually(lambda: len(window.sessions.tab_titles()) == 10, "ten tabs")
        window.sessions.show_session(state.sessions[0].session_id)
        for work_id in works[7:]:  # the tabs of these may be scrolled out of view
            await customer_says(sam, work_id, "Hello? Anyone there?")

        label = window.sessions.unread_label
        await eventually(lambda: window.sessions.unread_count() == 3, "three unread")
        assert label.isVisible()
        assert label.text() == "● 3 unread"
        assert window.windowTitle() == "(3) Agent Desktop — Alice Archer", "in the taskbar too"
        assert "VIP 9" in label.toolTip()
        window.sessions.show_session(state.sessions[9].session_id)
        await eventually(lambda: label.text() == "● 2 unread", "one read")


async def test_the_shortcuts_sheet_lists_the_keys_and_they_work(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        for n in range(10):
            await new_work(sam, Channel.CHAT, "chat_vip", customer=f"VIP {n}", agent="alice")
        state = await until(desktop, lambda s: len(s.sessions) == 10)
        await eventually(lambda: len(window.sessions.tab_titles()) == 10, "ten tabs")

        QTest.keyClick(window, Qt.Key.Key_F1)
        sheet = window.shortcuts_sheet
        assert sheet is not None
        await eventually(sheet.isVisible, "Help ▸ Keyboard shortcuts")
        listed = dict(sheet.rows())
        for what in (
            "Accept newest offer",
            "Reject newest offer",
            "Show session 10",
            "Next session",
            "Close this session",
            "Set Available",
            "Set Do not disturb",
            "Settings",
            "Quit",
        ):
            assert listed.get(what), f"{what!r} is not in the sheet: {listed}"
        sheet.reject()
        window.activateWindow()
        await eventually(window.isActiveWindow, "back in the window")

        QTest.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
        assert window.sessions.current_session() == state.sessions[9].session_id
        QTest.keyClick(
            window,
            Qt.Key.Key_Y,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        await until(
            desktop, lambda s: s.presence is not None and s.presence.presence is Presence.AWAY
        )
        QTest.keyClick(
            window,
            Qt.Key.Key_W,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        after = await until(desktop, lambda s: len(s.sessions) == 9)
        assert state.sessions[9].session_id not in {s.session_id for s in after.sessions}


async def test_after_rejecting_by_keyboard_typing_goes_to_the_reply_not_the_alert(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        state = await until(desktop, lambda s: len(s.sessions) == 1)
        await new_work(sam, customer="Rita Reyes", agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card")
        reject = window.offers.cards()[0].reject_button
        assert reject is not None
        reject.setFocus(Qt.FocusReason.TabFocusReason)  # the agent tabbed to Reject
        await eventually(lambda: focused(window) is reject, "Reject has the focus")

        QTest.keyClick(reject, Qt.Key.Key_Space)

        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the rejected alert")
        await eventually(lambda: not window.offers.cards(), "the card is gone")
        reply = view_of(desktop, state.sessions[0].session_id).reply_box
        await eventually(lambda: focused(window) is reply, "the keyboard is back in the reply box")
        assert reply is not None
        QTest.keyClicks(reply, "ok thanks ")
        assert len(window.alert_bar.rows()) == 1, "the alert was not dismissed by typing"


async def test_after_resolving_an_alert_by_keyboard_typing_goes_to_the_reply(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.activateWindow()
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        state = await until(desktop, lambda s: len(s.sessions) == 1)
        await new_work(sam, customer="Rita Reyes", agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card")
        reject = window.offers.cards()[0].reject_button
        assert reject is not None
        reject.click()
        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the rejected alert")
        action = window.alert_bar.rows()[0].action_button
        action.setFocus(Qt.FocusReason.TabFocusReason)  # the agent tabbed to the alert
        await eventually(lambda: focused(window) is action, "on Set me Available")

        QTest.keyClick(action, Qt.Key.Key_Space)

        await presence_now(desktop, Presence.AVAILABLE)
        await eventually(lambda: not window.alert_bar.rows(), "resolved")
        reply = view_of(desktop, state.sessions[0].session_id).reply_box
        await eventually(lambda: focused(window) is reply, "the keyboard is back in the reply box")


async def presence_now(desktop: DesktopApp, presence: Presence) -> None:
    await until(desktop, lambda s: s.presence is not None and s.presence.presence is presence)
