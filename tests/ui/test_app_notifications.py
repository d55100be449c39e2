"""Desktop notifications, settings and the tray, through the real app and the real server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import Agents, ListAgents
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.policy import NotificationMode
from agent_desktop.ui.widgets.settings_dialog import MODE_LABELS
from tests.support.notification_service import NotificationService
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_a_click_on_the_notification_body_brings_the_window_up_with_the_offer(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        window.show_timeline()  # the agent was looking at something else...
        window.showMinimized()  # ...and then put the app away
        await eventually(window.isMinimized, "minimized")
        await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: bool(notification_service.calls), "a desktop notification")
        offer_id = desktop.core.state.offers[0].offer_id

        # The body, not a button: the "default" action over D-Bus.
        notification_service.press(notification_service.last.notification_id, "default")

        await eventually(lambda: not window.isMinimized() and window.isVisible(), "in front")
        assert window.pages.currentIndex() == 0, "the Work page is shown"
        card = window.offers.card(offer_id)
        assert card is not None
        assert window.focusWidget() is card.accept_button, "Space now accepts this offer"
        # A body click only shows the offer: it is still waiting for an answer.
        assert [o.offer_id for o in desktop.core.state.offers] == [offer_id]
        assert desktop.core.state.sessions == ()


async def test_without_a_notification_service_the_fallback_is_told_once(
    server: RunningServer, tmp_path: Path, session_bus: str
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        window = desktop.window
        told: list[str] = []
        window.statusBar().messageChanged.connect(
            lambda text: told.append(text) if "notification" in text.lower() else None
        )
        await eventually(lambda: desktop.notification_report is not None, "the self-test ran")
        report = desktop.notification_report
        assert report is not None
        assert report.fallback
        # Said before the listener was connected, maybe: what stays on screen is the label.
        assert window.status.notification_path.text() == "In-app"
        assert window.status.notification_path.toolTip() == report.reason
        assert report.reason.startswith("No notification service on the session bus")
        assert report.reason.endswith("notifications show in the app only")

        told.clear()
        for customer in ("Ana Lima", "Bruno Costa"):
            await new_work(sam, customer=customer, agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 2, "both offers show in the app")
        await until(desktop, lambda s: len(s.offers) == 2)
        assert told == [], "the fallback is not told again for each offer"


async def test_the_fallback_message_is_shown_once_at_start(
    server: RunningServer, tmp_path: Path, session_bus: str
) -> None:
    async with running_app(server.url, tmp_path) as desktop:
        await eventually(lambda: desktop.notification_report is not None, "the self-test ran")
        report = desktop.notification_report
        assert report is not None
        shown = desktop.window.statusBar().currentMessage()
        assert shown == report.reason, "the status bar says which path and why"


async def test_settings_dialog_mode_is_saved_and_used_for_the_next_offer(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with (
        running_app(server.url, tmp_path, mode=NotificationMode.ALWAYS) as desktop,
        supervisor_client(server.url) as sam,
    ):
        window = desktop.window
        window.settings_button.click()
        await eventually(lambda: desktop._settings_dialog is not None, "the settings open")
        dialog = desktop._settings_dialog
        assert dialog is not None
        dialog.mode.setCurrentIndex(
            dialog.mode.findText(MODE_LABELS[NotificationMode.WHEN_UNFOCUSED])
        )
        assert dialog.mode.currentText() == "Only when the app is not in focus"
        dialog.accept()

        saved = json.loads((tmp_path / "config-alice" / "settings.json").read_text("utf-8"))
        assert saved["notification_mode"] == NotificationMode.WHEN_UNFOCUSED.value

        await eventually(lambda: not dialog.isVisible(), "the settings closed")
        window.activateWindow()  # the agent works in the app
        await eventually(window.isActiveWindow, "the window has the focus")
        await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: len(window.offers.cards()) == 1, "the offer card")
        await until(desktop, lambda s: len(s.offers) == 1)
        assert notification_service.calls == [], "no desktop notification while in focus"

        window.active_changed.emit(False)  # the agent switched to another app
        await new_work(sam, customer="Bruno Costa", agent="alice")
        await eventually(lambda: bool(notification_service.calls), "a desktop notification")
        assert "Bruno Costa" in notification_service.last.body


async def test_the_tray_presence_menu_sets_presence_on_the_server(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:

        async def presence_on_server() -> Presence:
            agents = await sam.request(lambda rid: ListAgents(id=rid), Agents)
            return next(a.presence.presence for a in agents.agents if a.agent == "alice")

        desktop.tray.presence_actions[Presence.AWAY].trigger()
        # Ticked only once the server has it: the click alone leaves Available ticked.
        assert desktop.tray.presence_actions[Presence.AVAILABLE].isChecked()
        await until(
            desktop, lambda s: s.presence is not None and s.presence.presence is Presence.AWAY
        )
        assert await presence_on_server() is Presence.AWAY
        await eventually(lambda: "Away" in desktop.tray.tooltip(), "the tray says Away")
        assert desktop.tray.presence_actions[Presence.AWAY].isChecked()

        desktop.tray.presence_actions[Presence.AVAILABLE].trigger()
        await until(
            desktop,
            lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE,
        )
        assert await presence_on_server() is Presence.AVAILABLE
