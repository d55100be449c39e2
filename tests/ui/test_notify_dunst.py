"""The real notification daemon: dunst 1.9 on Xvfb, driven through dunstctl."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.ui.notify.chain import build_offer_notifier
from agent_desktop.ui.notify.native import ACCEPT_ACTION
from agent_desktop.ui.notify.notice import Notice, OfferKey
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.notify.path import NotificationPath
from tests.support.notification_service import (
    BUS_NAME,
    Dunst,
    RecordingResponder,
    wait_for_bus_name,
    xvfb_display,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def dunst(session_bus: str, tmp_path: Path) -> AsyncIterator[Dunst]:
    with xvfb_display() as display:
        daemon = Dunst(tmp_path, display, session_bus)
        daemon.start()
        try:
            try:
                await wait_for_bus_name(BUS_NAME)
            except TimeoutError:
                pytest.fail(f"dunst did not take {BUS_NAME}:\n{daemon.log()}")
            yield daemon
        finally:
            daemon.stop()


@pytest.fixture
def responder() -> RecordingResponder:
    return RecordingResponder()


@pytest.fixture
async def notifier(dunst: Dunst, responder: RecordingResponder) -> AsyncIterator[OfferNotifier]:
    notifier = build_offer_notifier(responder)
    yield notifier
    await notifier.close()


def chat_offer(offer_id: str) -> Notice:
    return Notice(
        key=OfferKey(OfferId(offer_id)),
        title="Incoming chat",
        lines=("Customer: Ann Lee",),
        kind=NotificationKind.ALERT,
        timeout_s=120,
    )


async def test_dunst_shows_accept_and_reject_and_accept_reaches_the_app(
    dunst: Dunst, notifier: OfferNotifier, responder: RecordingResponder
) -> None:
    report = await notifier.start()
    assert report.path is NotificationPath.NATIVE
    assert report.buttons
    assert "(dunst 1.9" in report.reason

    await notifier.show(chat_offer("offer-1"))
    assert await dunst.ctl("count", "displayed") == "1"

    dunst.choose(f",{ACCEPT_ACTION}]")
    await dunst.ctl("context")

    assert await responder.wait_for(1) == [("accept", "offer-1")]
    menu = dunst.menu_file.read_text()
    assert "#Accept (Incoming chat)" in menu
    assert "#Reject (Incoming chat)" in menu
    assert "#Show in app (Incoming chat)" in menu, "the body click is named, not blank"
    assert "# (" not in menu


async def test_dunst_withdraw_removes_it_and_a_body_click_opens_the_app(
    dunst: Dunst, notifier: OfferNotifier, responder: RecordingResponder
) -> None:
    await notifier.show(chat_offer("offer-2"))
    await notifier.withdraw(OfferKey(OfferId("offer-2")))
    assert await dunst.ctl("count", "displayed") == "0"

    await notifier.show(chat_offer("offer-3"))
    await dunst.ctl("action", "0")

    assert await responder.wait_for(1) == [("open", "offer-3")]
