"""The tray balloon link of the chain."""

from __future__ import annotations

from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.ui.notify.notice import Notice, OfferKey
from agent_desktop.ui.notify.path import NotificationPath
from agent_desktop.ui.notify.tray import TrayBalloonAdapter
from tests.support.notification_service import RecordingResponder


def chat_offer(offer_id: str) -> Notice:
    return Notice(
        OfferKey(OfferId(offer_id)), "Incoming chat", ("Customer: Eve",), NotificationKind.ALERT, 30
    )


def tray_icon() -> QSystemTrayIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill()
    return QSystemTrayIcon(QIcon(pixmap))


async def test_without_a_system_tray_the_balloon_path_is_refused(qapp: QApplication) -> None:
    adapter = TrayBalloonAdapter(tray_icon(), RecordingResponder())

    probe = await adapter.probe()

    assert adapter.path is NotificationPath.TRAY
    assert not probe.works
    assert probe.reason == "no system tray"


async def test_a_click_on_the_balloon_opens_the_offer_shown_in_it(qapp: QApplication) -> None:
    responder = RecordingResponder()
    tray = tray_icon()
    adapter = TrayBalloonAdapter(tray, responder)
    await adapter.show(chat_offer("chat-1"))
    await adapter.show(chat_offer("chat-2"))

    # Offscreen Qt has no tray to click: emitting the signal stands in for the OS click.
    tray.messageClicked.emit()

    assert responder.answers == [("open", "chat-2")]


async def test_a_withdrawn_balloon_opens_nothing(qapp: QApplication) -> None:
    responder = RecordingResponder()
    tray = tray_icon()
    adapter = TrayBalloonAdapter(tray, responder)
    await adapter.show(chat_offer("chat-3"))
    await adapter.withdraw(OfferKey(OfferId("chat-3")))

    tray.messageClicked.emit()

    assert responder.answers == []


async def test_after_close_balloons_are_neither_shown_nor_answered(qapp: QApplication) -> None:
    responder = RecordingResponder()
    tray = tray_icon()
    adapter = TrayBalloonAdapter(tray, responder)
    await adapter.show(chat_offer("chat-4"))

    await adapter.close()
    await adapter.close()
    tray.messageClicked.emit()

    assert responder.answers == []
    assert not await adapter.show(chat_offer("chat-5"))
