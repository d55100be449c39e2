"""The real app against the real server: what an agent and a supervisor see and do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import CreateWork, WorkCreated
from agent_desktop.protocol.vocabulary import (
    AlertKind,
    Channel,
    Presence,
    PresenceSource,
    QueueId,
    UserId,
    WorkState,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from agent_desktop.ui import announcer
from agent_desktop.ui.sound import IncomingSound
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
    work_info,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_offer_accept_session_messages_and_close(
    server: RunningServer,
    tmp_path: Path,
    qtbot: QtBot,
    notification_service: NotificationService,
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        work_id = await new_work(sam, customer="Ana Lima")

        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card shows")
        card = window.offers.cards()[0]
        assert card.accept_button.text() == "Accept"
        assert card.reject_button is not None
        assert card.reject_button.text() == "Reject"
        await eventually(lambda: bool(notification_service.calls), "a desktop notification")
        notified = notification_service.last
        assert notified.title == "Incoming chat — Ana Lima"
        assert "Ana Lima" in notified.body
        assert set(notified.buttons.values()) >= {"Accept", "Reject"}

        QTest.mouseClick(card.accept_button, Qt.MouseButton.LeftButton)
        state = await until(desktop, lambda s: len(s.sessions) == 1)
        session = state.sessions[0]
        await eventually(lambda: window.offers.cards() == [], "the offer card is gone")
        await eventually(
            lambda: notified.notification_id in notification_service.closed_by_call,
            "the desktop notification is withdrawn",
        )
        await eventually(lambda: window.sessions.view(session.session_id) is not None, "a tab")
        view = window.sessions.view(session.session_id)
        assert isinstance(view, SessionView)
        assert window.sessions.tab_titles()[0].startswith("Ana Lima")

        assert view.reply_box is not None
        view.reply_box.setPlainText("Sorry about that! Let me check.")
        QTest.keyClick(view.reply_box, Qt.Key.Key_Return)
        assert await agent_lines(sam, work_id, 1) == ["Sorry about that! Let me check."]

        await customer_says(sam, work_id, "Thanks, it was due Monday.")
        await eventually(
            lambda: (
                [b.text.text() for b in view.transcript.bubbles()][-1:]
                == ["Thanks, it was due Monday."]
            ),
            "the customer's message in the transcript",
        )

        QTest.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
        await until(desktop, lambda s: not s.sessions)
        await eventually(lambda: window.sessions.tab_titles() == [], "the tab is closed")
        assert (await work_info(sam, work_id)).work.state is WorkState.CLOSED


async def test_reject_sets_do_not_disturb_with_an_alert_that_resolves_it(
    server: RunningServer, tmp_path: Path, qtbot: QtBot
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        work_id = await new_work(sam, agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card shows")
        reject = window.offers.cards()[0].reject_button
        assert reject is not None
        QTest.mouseClick(reject, Qt.MouseButton.LeftButton)

        state = await until(desktop, lambda s: bool(s.alerts))
        assert state.presence is not None
        assert (state.presence.presence, state.presence.source) == (
            Presence.BUSY_DND,
            PresenceSource.SYSTEM,
        )
        assert [a.kind for a in state.alerts] == [AlertKind.REJECTED]
        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the alert bar row")
        assert window.presence.current() is Presence.BUSY_DND
        assert (await work_info(sam, work_id)).agent != "alice"

        row = window.alert_bar.rows()[0]
        assert row.action_button.text() == "Set me Available"
        QTest.mouseClick(row.action_button, Qt.MouseButton.LeftButton)
        state = await until(
            desktop, lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE
        )
        await eventually(lambda: window.alert_bar.rows() == [], "the alert is resolved")


async def test_a_missed_offer_makes_the_agent_inactive_until_set_available(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, qtbot: QtBot
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        await new_work(sam, agent="alice", customer="Ben Okafor")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card shows")

        manual_clock.advance(121)  # the chat template's 120 s wait time passes
        server.wake()
        state = await until(desktop, lambda s: bool(s.alerts) and not s.offers)
        assert state.presence is not None
        assert state.presence.presence is Presence.INACTIVE
        assert [a.kind for a in state.alerts] == [AlertKind.MISSED]
        await eventually(lambda: window.offers.cards() == [], "the offer card is gone")
        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the missed alert shows")
        assert (
            window.alert_bar.rows()[0]
            .message.text()
            .startswith("You missed a chat from Ben Okafor")
        )
        assert window.presence.current() is Presence.INACTIVE
        assert window.presence.explanation.text() == "set by system: an offer was missed"

        QTest.mouseClick(window.alert_bar.rows()[0].action_button, Qt.MouseButton.LeftButton)
        await until(
            desktop, lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE
        )
        await eventually(lambda: window.alert_bar.rows() == [], "the alert is resolved")


async def test_an_eleventh_session_raises_the_max_session_alert(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        for n in range(10):
            await new_work(sam, Channel.CHAT, "chat_vip", customer=f"VIP {n}", agent="alice")
        await until(desktop, lambda s: len(s.sessions) == 10)
        await eventually(lambda: len(desktop.window.sessions.tab_titles()) == 10, "10 tabs")

        eleventh = await new_work(sam, Channel.CHAT, "chat_vip", customer="VIP 11", agent="alice")
        state = await until(
            desktop, lambda s: any(a.kind is AlertKind.MAX_SESSIONS for a in s.alerts)
        )
        assert len(state.sessions) == 10
        assert state.presence is not None
        assert state.presence.presence is Presence.BUSY_DND
        await eventually(lambda: len(desktop.window.alert_bar.rows()) == 1, "the alert shows")
        assert len(desktop.window.sessions.tab_titles()) == 10
        info = await work_info(sam, eleventh)
        assert info.agent != "alice"  # not lost: back in its queue or with someone else
        assert info.work.state is not WorkState.CLOSED


async def test_a_supervisor_resets_an_inactive_agent(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, qtbot: QtBot
) -> None:
    async with (
        running_app(server.url, tmp_path, user="alice") as alice,
        running_app(server.url, tmp_path, user="sam") as sam_app,
        supervisor_client(server.url) as sam,
    ):
        await new_work(sam, agent="alice")
        await until(alice, lambda s: bool(s.offers))
        manual_clock.advance(121)
        server.wake()
        await until(
            alice, lambda s: s.presence is not None and s.presence.presence is Presence.INACTIVE
        )

        team = sam_app.window.team
        assert sam_app.window.pages.indexOf(team) >= 0, "supervisors get the Team page"
        await until(
            sam_app,
            lambda s: any(
                a.agent == "alice" and a.presence.presence is Presence.INACTIVE
                for a in s.agents or ()
            ),
        )
        team.select_agent("alice")  # type: ignore[arg-type]  # a UserId
        assert Presence(team.target.currentData()) is Presence.AVAILABLE
        QTest.mouseClick(team.reset_button, Qt.MouseButton.LeftButton)

        state = await until(
            alice, lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE
        )
        assert state.presence is not None
        assert state.presence.source is PresenceSource.SUPERVISOR
        await until(
            sam_app,
            lambda s: any(
                a.agent == "alice" and a.presence.presence is Presence.AVAILABLE
                for a in s.agents or ()
            ),
        )


@pytest.mark.parametrize(
    ("mode", "window_active", "notified"),
    [
        (NotificationMode.ALWAYS, True, True),
        (NotificationMode.ALWAYS, False, True),
        (NotificationMode.WHEN_UNFOCUSED, True, False),
        (NotificationMode.WHEN_UNFOCUSED, False, True),
        (NotificationMode.OFF, False, False),
    ],
)
async def test_desktop_notifications_follow_the_focus_setting(
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
    mode: NotificationMode,
    window_active: bool,
    notified: bool,
) -> None:
    async with (
        running_app(server.url, tmp_path, mode=mode) as desktop,
        supervisor_client(server.url) as sam,
    ):
        # What the OS reports when the agent clicks into, or away from, the window.
        desktop.window.active_changed.emit(window_active)
        await new_work(sam, agent="alice")
        await until(desktop, lambda s: bool(s.offers))
        # The in-app card always shows; the desktop notification only as the setting says.
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "the offer card")
        if notified:
            await eventually(lambda: bool(notification_service.calls), "a desktop notification")
        else:
            await until(desktop, lambda s: bool(s.offers))
            assert notification_service.calls == []


@pytest.mark.parametrize("button", ["accept", "reject"])
async def test_buttons_on_the_desktop_notification_answer_the_offer_on_the_server(
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
    button: str,
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        work_id = await new_work(sam, agent="alice")
        await eventually(lambda: bool(notification_service.calls), "a desktop notification")
        notified = notification_service.last
        assert notified.buttons[button] == button.capitalize()

        notification_service.press(notified.notification_id, button)  # ActionInvoked over D-Bus

        if button == "accept":
            await until(desktop, lambda s: len(s.sessions) == 1)
            info = await work_info(sam, work_id)
            assert (info.agent, info.work.state) == ("alice", WorkState.ASSIGNED)
        else:
            await until(desktop, lambda s: not s.offers)
            info = await work_info(sam, work_id)
            assert info.agent != "alice"
            assert any(
                h.event.startswith("rejected") or h.reason == "declined_by_agent"
                for h in info.history
            ), info.history


async def test_a_bot_handed_call_is_answered_and_controlled_from_the_session(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        created = await sam.request(
            lambda rid: CreateWork(
                id=rid,
                channel=Channel.VOICE,
                queue=QueueId("voice"),
                customer_name="Ben Okafor",
                phone="+1 555 010 4455",
                bot_summary="Disputes a double charge; identity verified by the bot.",
                agent=UserId("alice"),
            ),
            WorkCreated,
        )
        window = desktop.window
        await eventually(lambda: len(window.offers.cards()) == 1, "the call is offered")
        card = window.offers.cards()[0]
        assert card.accept_button.text() == "Answer"
        QTest.mouseClick(card.accept_button, Qt.MouseButton.LeftButton)
        state = await until(desktop, lambda s: len(s.sessions) == 1)
        session_id = state.sessions[0].session_id
        await eventually(lambda: window.sessions.view(session_id) is not None, "the call's tab")
        view = window.sessions.view(session_id)
        assert isinstance(view, SessionView)
        assert view.bot_summary is not None
        assert "double charge" in view.bot_summary.text()
        panel = view.call_panel
        assert panel is not None
        await eventually(lambda: panel.state.text() == "Call connected", "connected")

        QTest.mouseClick(panel.hold_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: panel.state.text() == "Call on hold", "on hold")
        assert panel.hold_button.text() == "Resume"
        QTest.mouseClick(panel.hold_button, Qt.MouseButton.LeftButton)
        QTest.mouseClick(panel.mute_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: panel.state.text() == "Call connected · Muted", "muted")
        QTest.mouseClick(panel.end_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: panel.state.text() == "Call ended", "ended")
        info = await work_info(sam, created.work.work_id)
        assert info.session_id == session_id


async def test_a_case_assignment_offers_open_item_and_no_reject(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await new_work(sam, Channel.CASE, "case", customer="Lima Design", agent="alice")
        window = desktop.window
        await eventually(lambda: len(window.offers.cards()) == 1, "the case is offered")
        card = window.offers.cards()[0]
        assert card.accept_button.text() == "Open item"
        assert card.reject_button is None
        QTest.mouseClick(card.accept_button, Qt.MouseButton.LeftButton)
        state = await until(desktop, lambda s: len(s.sessions) == 1)
        session = state.sessions[0]
        assert session.work.case is not None
        await eventually(lambda: window.sessions.view(session.session_id) is not None, "a tab")
        view = window.sessions.view(session.session_id)
        assert isinstance(view, SessionView)
        assert view.case_panel is not None
        assert session.work.case.case_number in view.case_panel.title.text()


class RecordingSound(IncomingSound):
    """Test double at the audio-device boundary: counts what would have been played."""

    def __init__(self) -> None:
        self.played = 0

    def play(self) -> None:
        self.played += 1


async def test_an_unanswered_offer_rings_until_it_is_answered(
    server: RunningServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(announcer, "REPEAT_SOUND_MS", 30)
    sound = RecordingSound()
    settings = Settings(server_url=server.url, user="alice", sound=True, repeat_sound=True)
    async with (
        running_app(server.url, tmp_path, settings=settings, sound=sound) as desktop,
        supervisor_client(server.url) as sam,
    ):
        await new_work(sam, agent="alice")
        state = await until(desktop, lambda s: bool(s.offers))
        await eventually(lambda: sound.played >= 3, "the offer keeps ringing")
        await desktop.core.accept(state.offers[0].offer_id)
        await until(desktop, lambda s: not s.offers)
        # The repeat timer is what rings again: once it is stopped nothing can.
        await eventually(lambda: not desktop.announcer.ringing, "the ringing stops")


async def test_sound_off_means_silence(server: RunningServer, tmp_path: Path) -> None:
    sound = RecordingSound()
    settings = Settings(server_url=server.url, user="alice", sound=False, repeat_sound=True)
    async with (
        running_app(server.url, tmp_path, settings=settings, sound=sound) as desktop,
        supervisor_client(server.url) as sam,
    ):
        await new_work(sam, agent="alice")
        await until(desktop, lambda s: bool(s.offers))
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "the offer card")
        assert sound.played == 0
