"""Offers and toasts as native notifications, over a real D-Bus session to a real service."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.ui.notify.chain import build_offer_notifier
from agent_desktop.ui.notify.native import ACCEPT_ACTION, REJECT_ACTION
from agent_desktop.ui.notify.notice import Notice, OfferKey
from agent_desktop.ui.notify.notifier import OfferNotifier
from tests.support.notification_service import (
    CLOSED_DISMISSED,
    CLOSED_EXPIRED,
    NotificationService,
    RecordingResponder,
)


def chat_offer(offer_id: str = "offer-1", timeout_s: float = 120) -> Notice:
    return Notice(
        key=OfferKey(OfferId(offer_id)),
        title="Incoming chat",
        lines=("Customer: Ann Lee", "Queue: chat"),
        kind=NotificationKind.ALERT,
        timeout_s=timeout_s,
    )


def case_offer(offer_id: str = "offer-case") -> Notice:
    return Notice(
        key=OfferKey(OfferId(offer_id)),
        title="Case assigned",
        lines=("Case: Broken router", "Customer: Bo Chen"),
        kind=NotificationKind.ALERT,
        timeout_s=60,
        accept_label="Open item",
        reject_label=None,
    )


def transfer_toast(offer_id: str = "offer-toast") -> Notice:
    return Notice(
        key=OfferKey(OfferId(offer_id)),
        title="Chat transferred to you",
        lines=("Customer: Cy Diaz",),
        kind=NotificationKind.TOAST,
        timeout_s=8,
        accept_label=None,
        reject_label=None,
    )


@pytest.fixture
def responder() -> RecordingResponder:
    return RecordingResponder()


@pytest.fixture
async def notifier(
    notification_service: NotificationService, responder: RecordingResponder
) -> AsyncIterator[OfferNotifier]:
    notifier = build_offer_notifier(responder)
    await notifier.start()
    yield notifier
    await notifier.close()


async def test_an_offer_arrives_with_accept_and_reject_buttons(
    notifier: OfferNotifier, notification_service: NotificationService
) -> None:
    await notifier.show(chat_offer())

    call = notification_service.last
    assert call.app_name == "Agent Desktop"
    assert call.title == "Incoming chat"
    assert call.body == "Customer: Ann Lee\nQueue: chat"
    assert call.buttons == {ACCEPT_ACTION: "Accept", REJECT_ACTION: "Reject"}
    assert "default" in call.action_labels, "a body click must reach the app"


async def test_the_countdown_is_never_shown_in_the_os_notification(
    notifier: OfferNotifier, notification_service: NotificationService
) -> None:
    await notifier.show(chat_offer(timeout_s=90))

    call = notification_service.last
    assert "90" not in call.title + call.body
    # The OS still drops it at the timeout, should the app's own withdrawal be late.
    assert call.timeout_ms == 90_000


async def test_pressing_accept_calls_on_accept_with_that_offer(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(chat_offer("offer-1"))
    first = notification_service.last.notification_id
    await notifier.show(chat_offer("offer-2"))
    second = notification_service.last.notification_id

    notification_service.press(second, ACCEPT_ACTION)

    assert await responder.wait_for(1) == [("accept", "offer-2")]
    assert notification_service.open_ids == {first}


async def test_pressing_reject_calls_on_reject(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(chat_offer("offer-3"))

    notification_service.press(notification_service.last.notification_id, REJECT_ACTION)

    assert await responder.wait_for(1) == [("reject", "offer-3")]


async def test_clicking_the_body_opens_the_offer_in_the_app(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(chat_offer("offer-4"))

    notification_service.press(notification_service.last.notification_id, "default")

    assert await responder.wait_for(1) == [("open", "offer-4")]


async def test_closing_it_unanswered_reports_dismissed(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(chat_offer("offer-5"))

    notification_service.close(notification_service.last.notification_id, CLOSED_DISMISSED)

    assert await responder.wait_for(1) == [("dismissed", "offer-5")]


async def test_a_case_offer_has_open_item_and_no_reject(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(case_offer("case-1"))

    assert notification_service.last.buttons == {ACCEPT_ACTION: "Open item"}
    notification_service.press(notification_service.last.notification_id, ACCEPT_ACTION)
    assert await responder.wait_for(1) == [("accept", "case-1")]


async def test_a_toast_has_no_buttons_and_its_body_opens_the_app(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(transfer_toast("toast-1"))

    call = notification_service.last
    assert call.buttons == {}
    assert call.timeout_ms == 8_000
    notification_service.press(call.notification_id, "default")
    assert await responder.wait_for(1) == [("open", "toast-1")]


async def test_withdraw_closes_the_notification(
    notifier: OfferNotifier, notification_service: NotificationService
) -> None:
    await notifier.show(chat_offer("offer-6"))
    shown = notification_service.last.notification_id

    await notifier.withdraw(OfferKey(OfferId("offer-6")))

    assert notification_service.closed_by_call == [shown]
    assert notification_service.open_ids == set()


async def test_withdrawing_an_answered_notice_the_daemon_kept_closes_it(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    """A daemon may leave a notification up after a button press (desktop-notifier then
    forgets its id): the withdrawal still takes it off the desktop."""
    await notifier.show(chat_offer("offer-8"))
    shown = notification_service.last.notification_id
    notification_service.invoke(shown, ACCEPT_ACTION)
    await responder.wait_for(1)

    await notifier.withdraw(OfferKey(OfferId("offer-8")))

    assert notification_service.open_ids == set()
    assert notification_service.closed_by_call == [shown]


async def test_withdrawing_after_the_os_expired_it_is_harmless(
    notifier: OfferNotifier,
    notification_service: NotificationService,
    responder: RecordingResponder,
) -> None:
    await notifier.show(chat_offer("offer-9"))
    shown = notification_service.last.notification_id
    notification_service.close(shown, CLOSED_EXPIRED)
    # A signal round trip: once this later notice is shown, the close above has been seen.
    await notifier.show(chat_offer("offer-10"))

    await notifier.withdraw(OfferKey(OfferId("offer-9")))

    assert responder.answers == [], "an expiry is not the agent dismissing it"


async def test_showing_an_offer_again_replaces_the_old_notification(
    notifier: OfferNotifier, notification_service: NotificationService
) -> None:
    await notifier.show(chat_offer("offer-11"))
    old = notification_service.last.notification_id

    await notifier.show(chat_offer("offer-11"))

    assert notification_service.closed_by_call == [old]
    assert notification_service.open_ids == {notification_service.last.notification_id}


async def test_close_withdraws_everything_still_shown(
    notification_service: NotificationService, responder: RecordingResponder
) -> None:
    notifier = build_offer_notifier(responder)
    await notifier.show(chat_offer("offer-12"))
    await notifier.show(case_offer("case-2"))

    await notifier.close()

    assert notification_service.open_ids == set()
