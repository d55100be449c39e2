"""What the agent reads: names instead of ids, sentences instead of raw server text."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import Ack, CreateWork, ResetPresence, WorkCreated
from agent_desktop.protocol.vocabulary import Channel, Presence, QueueId, UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.widgets.session_view import SessionView
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until
from tests.ui.test_app_sign_in import app_without_password, sign_in

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_the_transfer_dialog_lists_queue_names_of_the_sessions_channel(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        session = (await until(desktop, lambda s: len(s.sessions) == 1)).sessions[0]
        await eventually(lambda: desktop.window.sessions.view(session.session_id) is not None, "")
        view = desktop.window.sessions.view(session.session_id)
        assert isinstance(view, SessionView)

        QTest.mouseClick(view.transfer_button, Qt.MouseButton.LeftButton)

        dialog = view.dialog
        assert dialog is not None
        combo = dialog.queue_combo
        listed = [combo.itemText(i) for i in range(combo.count())]
        assert listed == ["VIP chat", "Web chat"], "names, and only queues that take a chat"
        assert combo.currentText() == "VIP chat", "the chat's own queue to start with"
        dialog.reject()


async def test_a_known_sms_sender_is_named_not_shown_as_a_record_id(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await sam.request(
            lambda rid: CreateWork(
                id=rid,
                channel=Channel.SMS,
                queue=QueueId("sms"),
                phone="+1 (555) 010-0199",
                subject="Where is my order?",
                agent=UserId("alice"),
            ),
            WorkCreated,
        )
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "the offer")
        desktop.window.offers.cards()[0].accept_button.click()
        session = (await until(desktop, lambda s: len(s.sessions) == 1)).sessions[0]
        await eventually(lambda: desktop.window.sessions.view(session.session_id) is not None, "")
        view = desktop.window.sessions.view(session.session_id)
        assert isinstance(view, SessionView)
        assert view.customer.contact.text() == "Known contact: Grace Hopper"


async def test_a_supervisor_reset_is_said_once(server: RunningServer, tmp_path: Path) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await sam.request(
            lambda rid: ResetPresence(id=rid, agent=UserId("alice"), presence=Presence.AWAY), Ack
        )
        await until(
            desktop, lambda s: s.presence is not None and s.presence.presence is Presence.AWAY
        )
        selector = desktop.window.presence
        await eventually(lambda: selector.current() is Presence.AWAY, "Away shows")
        assert selector.explanation.text() == "reset by a supervisor"


async def test_a_refused_password_is_told_in_a_sentence(
    server: RunningServer, tmp_path: Path
) -> None:
    async with app_without_password(tmp_path, server.url) as desktop:
        await eventually(lambda: desktop._login is not None, "the sign-in dialog")
        dialog = desktop._login
        assert dialog is not None
        sign_in(dialog, "not-my-password")
        await eventually(
            lambda: (
                desktop._login is not None
                and "password" in desktop._login.error.text().lower()
                and desktop._login.error.property("severity") == "danger"
            ),
            "the refusal",
        )
        refusal = desktop._login
        assert refusal is not None
        said = refusal.error.text()
        assert said[0].isupper(), said
        assert said.endswith(".")


async def test_a_call_shows_how_long_it_has_run(server: RunningServer, tmp_path: Path) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await new_work(sam, Channel.VOICE, "voice", customer="Caller Cruz", agent="alice")
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "the call rings")
        desktop.window.offers.cards()[0].accept_button.click()
        session = (await until(desktop, lambda s: len(s.sessions) == 1)).sessions[0]
        await eventually(lambda: desktop.window.sessions.view(session.session_id) is not None, "")
        view = desktop.window.sessions.view(session.session_id)
        assert isinstance(view, SessionView)
        panel = view.call_panel
        assert panel is not None
        await eventually(
            lambda: re.fullmatch(r"Call connected · \d+:\d\d", panel.state.text()) is not None,
            "the call timer",
        )
