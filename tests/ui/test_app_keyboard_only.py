"""A shift by keyboard alone: sign in, accept, reply, reject, presence, transfer, settings,
close a session, a supervisor's reset — every key goes to the focus widget, as a keyboard does;
no mouse, no widget poking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import AlertKind, Presence, PresenceSource
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.desktop import DesktopApp
from agent_desktop.ui.widgets.transfer_dialog import TransferDialog
from tests.ui.app_harness import (
    agent_lines,
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
)
from tests.ui.test_app_sign_in import app_without_password

pytestmark = pytest.mark.integration

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the keyboard goes nowhere"
    return widget


def key(k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focus(), k, modifiers)


def type_text(text: str) -> None:
    QTest.keyClicks(focus(), text)


async def presence_is(desktop: DesktopApp, presence: Presence) -> None:
    await until(desktop, lambda s: s.presence is not None and s.presence.presence is presence)


async def test_a_shift_by_keyboard_alone(server: RunningServer, tmp_path: Path) -> None:
    async with app_without_password(tmp_path, server.url) as desktop:
        await eventually(lambda: desktop._login is not None, "the sign-in dialog")
        login = desktop._login
        assert login is not None
        login.activateWindow()
        await eventually(lambda: QApplication.focusWidget() is login.password, "password field")
        type_text("demo")
        key(Qt.Key.Key_Return)
        await until(desktop, lambda s: s.online and s.presence is not None)
        window = desktop.window
        window.activateWindow()
        await eventually(window.isActiveWindow, "the main window")

        async with supervisor_client(server.url) as sam:
            work_id = await new_work(sam, customer="Ana Lima", agent="alice")
            await eventually(lambda: len(window.offers.cards()) == 1, "an offer")
            key(Qt.Key.Key_Return, CTRL)  # accept
            await until(desktop, lambda s: len(s.sessions) == 1)
            await eventually(
                lambda: type(QApplication.focusWidget()).__name__ == "ReplyBox", "in the reply"
            )
            type_text("Hello Ana, how can I help?")
            key(Qt.Key.Key_Return)
            assert await agent_lines(sam, work_id, 1) == ["Hello Ana, how can I help?"]

            await new_work(sam, customer="Bruno Costa", agent="alice")
            await eventually(lambda: len(window.offers.cards()) == 1, "another offer")
            key(Qt.Key.Key_R, CTRL_SHIFT)  # reject
            await until(desktop, lambda s: any(a.kind is AlertKind.REJECTED for a in s.alerts))
            await presence_is(desktop, Presence.BUSY_DND)
            key(Qt.Key.Key_A, CTRL_SHIFT)  # Available again
            await presence_is(desktop, Presence.AVAILABLE)

            key(Qt.Key.Key_Comma, CTRL)  # settings
            await eventually(lambda: desktop._settings_dialog is not None, "settings open")
            settings = desktop._settings_dialog
            assert settings is not None
            await eventually(settings.isVisible, "settings shown")
            settings.activateWindow()
            await eventually(settings.isActiveWindow, "settings active")
            key(Qt.Key.Key_Escape)
            await eventually(lambda: desktop._settings_dialog is None, "settings closed")
            window.activateWindow()
            await eventually(window.isActiveWindow, "back in the window")

            session = desktop.core.state.sessions[0]
            view = window.sessions.view(session.session_id)
            assert view is not None
            window.sessions.show_session(session.session_id)  # Ctrl+1 does the same
            key(Qt.Key.Key_1, CTRL)
            assert focus() is view.reply_box
            key(Qt.Key.Key_Tab)  # from the reply to Transfer…
            assert focus() is view.transfer_button
            key(Qt.Key.Key_Space)
            await eventually(lambda: isinstance(view.dialog, TransferDialog), "transfer dialog")
            dialog = view.dialog
            assert dialog is not None
            dialog.activateWindow()
            await eventually(dialog.isActiveWindow, "the dialog has the keyboard")
            key(Qt.Key.Key_Return)  # to the chat's own queue, chosen already
            await until(
                desktop,
                lambda s: all(x.session_id != session.session_id for x in s.sessions),
            )

            # Close a session: Ctrl+Shift+W closes the one in front (Ctrl+1: the first).
            window.activateWindow()  # the window manager's part once the dialog is gone
            await eventually(window.isActiveWindow, "back in the window")
            await until(desktop, lambda s: bool(s.sessions))  # the transferred chat came back
            first = desktop.core.state.sessions[0]
            key(Qt.Key.Key_1, CTRL)
            await eventually(
                lambda: window.sessions.current_session() == first.session_id, "session 1 in front"
            )
            key(Qt.Key.Key_W, CTRL_SHIFT)
            await until(
                desktop, lambda s: all(x.session_id != first.session_id for x in s.sessions)
            )


async def tab_until(target: QWidget, what: str, presses: int = 30) -> None:
    """Tab through the window until `target` has the keyboard, as a person would."""
    for _ in range(presses):
        if focus() is target:
            return
        key(Qt.Key.Key_Tab)
    assert focus() is target, f"Tab never reaches {what}"


async def test_a_supervisor_resets_a_presence_by_keyboard_alone(
    server: RunningServer, tmp_path: Path
) -> None:
    async with (
        running_app(server.url, tmp_path) as alice,
        running_app(server.url, tmp_path, user="sam") as supervisor,
    ):
        await alice.core.set_presence(Presence.AWAY)
        window = supervisor.window
        window.activateWindow()
        await eventually(window.isActiveWindow, "the supervisor's window")
        await eventually(lambda: window.pages.indexOf(window.team) >= 0, "the Team page")
        team = window.team
        await eventually(lambda: team.model.rowCount() > 0, "the agents listed")

        window.pages.tabBar().setFocus()  # where Tab from the menu bar lands first
        while window.pages.currentWidget() is not team:
            key(Qt.Key.Key_Right)  # the next page
        await tab_until(team.table, "the agent table")
        type_text("alice")  # jump to the row by its first letters, as in any list
        await eventually(lambda: team.selected_agent() == "alice", "alice selected")
        await tab_until(team.target, "the presence to reset to")
        while team.target.currentText() != "Available":
            key(Qt.Key.Key_Up)
        await tab_until(team.reset_button, "Reset presence")
        key(Qt.Key.Key_Space)
        state = await until(
            alice,
            lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE,
        )
        assert state.presence is not None
        assert state.presence.source is PresenceSource.SUPERVISOR
