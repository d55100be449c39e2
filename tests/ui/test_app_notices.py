"""OS notifications through the real app, the real server and a real D-Bus service.

Every notification leaves the desktop the moment its offer is no longer pending, however that
came about; two offers can be told apart in the notification list.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import Ack, CustomerEnd
from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.notify.native import ACCEPT_ACTION, REJECT_ACTION
from agent_desktop.ui.notify.notice import ToastKey
from tests.support.notification_service import NotificationService, NotifyCall
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


def offer_calls(service: NotificationService) -> list[NotifyCall]:
    """The offers' notifications (with an Accept button), not the toasts'."""
    return [c for c in service.calls if ACCEPT_ACTION in c.buttons]


@pytest.mark.parametrize(
    "ending",
    [
        "accepted on the notification",
        "rejected on the notification",
        "accepted in the app",
        "missed",
        "withdrawn: the customer left",
    ],
)
async def test_a_notification_leaves_the_desktop_however_its_offer_ended(
    ending: str,
    server: RunningServer,
    tmp_path: Path,
    manual_clock: ManualClock,
    notification_service: NotificationService,
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        work_id = await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: bool(offer_calls(notification_service)), "the notification")
        shown = offer_calls(notification_service)[0].notification_id
        assert shown in notification_service.open_ids

        # A daemon may keep a notification up after a button press (the spec leaves closing
        # to it); the test's daemon does, so only the app can take it away.
        if ending == "accepted on the notification":
            notification_service.invoke(shown, ACCEPT_ACTION)
            await until(desktop, lambda s: len(s.sessions) == 1)
        elif ending == "rejected on the notification":
            notification_service.invoke(shown, REJECT_ACTION)
            await until(desktop, lambda s: bool(s.alerts) and not s.offers)
        elif ending == "accepted in the app":
            await eventually(lambda: len(desktop.window.offers.cards()) == 1, "the card")
            button = desktop.window.offers.cards()[0].accept_button
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            await until(desktop, lambda s: len(s.sessions) == 1)
        elif ending == "missed":
            manual_clock.advance(121)
            server.wake()
            await until(desktop, lambda s: not s.offers)
        else:
            await sam.request(lambda rid: CustomerEnd(id=rid, work_id=work_id), Ack)
            await until(desktop, lambda s: not s.offers)

        await eventually(
            lambda: shown not in notification_service.open_ids,
            f"the notification is gone once the offer was {ending}",
        )
        assert all(isinstance(key, ToastKey) for key in desktop.notifier.showing())


async def test_two_offers_are_told_apart_and_every_action_has_a_name(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path), supervisor_client(server.url) as sam:
        await new_work(sam, customer="Ana Lima", agent="alice")
        await new_work(sam, customer="Bruno Costa", agent="alice")
        await eventually(lambda: len(offer_calls(notification_service)) == 2, "two offers")

        first, second = offer_calls(notification_service)
        assert first.title != second.title
        assert "Ana Lima" in first.title
        assert "Bruno Costa" in second.title
        for call in (first, second):
            labels = call.action_labels
            assert all(labels.values()), f"an action without a name: {labels}"
            assert labels.get("default") == "Show in app"


async def test_a_toast_notification_goes_with_its_toast(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        state = await until(desktop, lambda s: bool(s.toasts))
        await eventually(lambda: bool(notification_service.calls), "the toast's notification")
        toast_call = notification_service.last
        assert toast_call.title.endswith("Vera Ito")

        desktop.core.dismiss_toast(state.toasts[0])  # the agent closed it in the app

        await eventually(
            lambda: toast_call.notification_id not in notification_service.open_ids,
            "the toast's notification is gone",
        )
        assert desktop.notifier.showing() == []


async def test_a_customer_writing_while_the_app_is_unfocused_raises_a_notification(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        work_id = await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        state = await until(desktop, lambda s: len(s.sessions) == 1)
        elsewhere = QWidget()  # the agent works in another program
        elsewhere.show()
        elsewhere.activateWindow()
        await eventually(lambda: not desktop.window.isActiveWindow(), "the app is in the back")
        calls_before = len(notification_service.calls)

        await customer_says(sam, work_id, "Hello? Is anyone there?")

        await eventually(
            lambda: len(notification_service.calls) > calls_before, "a message notification"
        )
        call = notification_service.last
        assert call.title == "Vera Ito wrote"
        assert call.body == "Hello? Is anyone there?"

        desktop.window.activateWindow()  # the agent comes back: the notice has done its job
        await eventually(
            lambda: call.notification_id not in notification_service.open_ids, "withdrawn"
        )
        elsewhere.deleteLater()
        assert desktop.core.state.sessions[0].session_id == state.sessions[0].session_id


async def test_closing_a_toast_in_the_app_takes_its_notification_away(
    server: RunningServer, tmp_path: Path, notification_service: NotificationService
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        await until(desktop, lambda s: bool(s.toasts))
        await eventually(lambda: bool(notification_service.calls), "the toast's notification")
        toast_call = notification_service.last
        cards = desktop.window.toasts.cards
        await eventually(lambda: len(cards()) == 1, "the toast in the app")

        QTest.mouseClick(cards()[0].close_button, Qt.MouseButton.LeftButton)

        # Well inside the toast's own 8 s: it goes because the agent closed it.
        await eventually(
            lambda: toast_call.notification_id not in notification_service.open_ids,
            "the notification goes with the toast",
            wait_s=3.0,
        )
        assert not desktop.core.state.toasts
