"""The in-app notification: offer cards, their countdown, expiry and keyboard shortcuts."""

from __future__ import annotations

from msgspec.structs import replace
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import TemplateField
from agent_desktop.protocol.vocabulary import Channel, OfferId, SessionId
from agent_desktop.session.state import AnswerStatus
from agent_desktop.ui.widgets.offer_card import OfferCard, OfferList
from agent_desktop.ui.widgets.session_tabs import SessionTabs
from tests.ui.test_widgets_samples import NOW, offer, pending, session


def offer_list(qtbot: QtBot) -> OfferList:
    widget = OfferList()
    qtbot.addWidget(widget)
    return widget


def visible_card(widget: OfferList, offer_id: str) -> OfferCard:
    card = widget.card(OfferId(offer_id))
    assert card is not None
    return card


def test_card_shows_title_fields_and_buttons(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show_state([pending(offer())], NOW)
    card = visible_card(widget, "o1")
    assert card.title.text() == "Chat from Ana Lima"
    assert card.field_labels == [("Customer", "Ana Lima"), ("Queue", "Chat")]
    assert card.accept_button.text() == "Accept"
    assert card.reject_button is not None
    assert card.reject_button.text() == "Reject"
    assert widget.isVisibleTo(widget.parentWidget() or widget)


def test_card_shows_at_most_four_fields(qtbot: QtBot) -> None:
    fields = [TemplateField(label=f"Field {i}", value=f"value {i}") for i in range(4)]
    widget = offer_list(qtbot)
    widget.show_state([pending(offer(fields=fields))], NOW)
    assert len(visible_card(widget, "o1").field_labels) == 4


def test_countdown_counts_down_from_the_injected_clock(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show_state([pending(offer(wait_time_s=60))], NOW)
    card = visible_card(widget, "o1")
    assert card.countdown.text() == "1:00"
    assert card.progress.value() == 1000
    widget.update_clock(NOW + 45)
    assert card.countdown.text() == "0:15"
    assert card.progress.value() == 250
    widget.update_clock(NOW + 59.2)
    assert card.countdown.text() == "0:01"
    assert card.countdown.property("urgent") is True


def test_countdown_follows_the_clock_offset_the_core_applied(qtbot: QtBot) -> None:
    # The server's clock runs 5 s ahead of ours: the offer leaves our desktop 5 s earlier
    # by our clock than `expires_at` says.
    widget = offer_list(qtbot)
    widget.show_state([pending(offer(wait_time_s=60), clock_offset=5.0)], NOW)
    assert visible_card(widget, "o1").countdown.text() == "0:55"


def test_card_is_gone_at_expiry(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show_state([pending(offer(wait_time_s=30))], NOW)
    widget.update_clock(NOW + 29.9)
    assert widget.card(OfferId("o1")) is not None
    widget.update_clock(NOW + 30)
    assert widget.card(OfferId("o1")) is None
    assert widget.cards() == []
    assert widget.isHidden()
    # The core may still list the offer for a moment: it must not come back.
    widget.show_state([pending(offer(wait_time_s=30))], NOW + 30.5)
    assert widget.cards() == []


def test_hidden_countdown_still_removes_the_card_at_expiry(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show()
    widget.show_state([pending(offer(show_timeout=False, wait_time_s=20))], NOW)
    card = visible_card(widget, "o1")
    assert not card.countdown.isVisible()
    assert not card.progress.isVisible()
    widget.update_clock(NOW + 20)
    assert widget.cards() == []


def test_case_offer_opens_and_cannot_be_rejected(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    case = offer("o-case", channel=Channel.CASE, accept_label="Open item", reject_label=None)
    widget.show_state([pending(case)], NOW)
    card = visible_card(widget, "o-case")
    assert card.accept_button.text() == "Open item"
    assert card.reject_button is None
    assert not widget.reject_newest_action.isEnabled()


def test_buttons_emit_the_offer_id(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show_state([pending(offer("o7"))], NOW)
    card = visible_card(widget, "o7")
    with qtbot.waitSignal(widget.accept_requested) as accepted:
        QTest.mouseClick(card.accept_button, Qt.MouseButton.LeftButton)
    assert accepted.args == ["o7"]
    assert card.reject_button is not None
    with qtbot.waitSignal(widget.reject_requested) as rejected:
        QTest.mouseClick(card.reject_button, Qt.MouseButton.LeftButton)
    assert rejected.args == ["o7"]


def test_newest_offer_is_first_and_answered_by_shortcuts(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    layout = QVBoxLayout(central)
    widget = OfferList()
    layout.addWidget(widget)
    window.setCentralWidget(central)
    window.addActions([widget.accept_newest_action, widget.reject_newest_action])
    window.show()
    window.activateWindow()
    # Window shortcuts need the active window; offscreen activation takes an event-loop turn.
    qtbot.waitUntil(window.isActiveWindow)
    widget.show_state(
        [pending(offer("old", offered_at=NOW - 10)), pending(offer("new", offered_at=NOW))], NOW
    )
    assert [c.offer_id for c in widget.cards()] == ["new", "old"]
    with qtbot.waitSignal(widget.accept_requested) as accepted:
        QTest.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert accepted.args == ["new"]
    with qtbot.waitSignal(widget.reject_requested) as rejected:
        QTest.keyClick(
            window,
            Qt.Key.Key_R,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert rejected.args == ["new"]


def test_shortcuts_do_nothing_without_offers(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show_state([], NOW)
    with qtbot.assertNotEmitted(widget.accept_requested):
        widget.accept_newest_action.trigger()
    assert not widget.accept_newest_action.isEnabled()


def test_withdrawn_offer_leaves_the_list(qtbot: QtBot) -> None:
    widget = offer_list(qtbot)
    widget.show_state([pending(offer("o1")), pending(offer("o2"))], NOW)
    widget.show_state([pending(offer("o2"))], NOW + 1)
    assert [c.offer_id for c in widget.cards()] == ["o2"]


def test_ctrl_enter_in_the_reply_box_accepts_and_sends_nothing(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    layout = QVBoxLayout(central)
    offers = OfferList()
    sessions = SessionTabs()
    layout.addWidget(offers)
    layout.addWidget(sessions)
    window.setCentralWidget(central)
    window.addActions([offers.accept_newest_action, offers.reject_newest_action])
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    offers.show_state([pending(offer("o1"))], NOW)
    sessions.show_state([session("s1")])
    view = sessions.view(SessionId("s1"))
    assert view is not None
    assert view.reply_box is not None
    view.reply_box.setFocus()
    QTest.keyClicks(view.reply_box, "half a thought")
    with (
        qtbot.assertNotEmitted(sessions.message_submitted),
        qtbot.waitSignal(offers.accept_requested) as accepted,
    ):
        QTest.keyClick(view.reply_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert accepted.args == ["o1"]
    assert view.reply_box.toPlainText() == "half a thought"


def test_an_accept_waiting_for_the_link_says_so_and_cannot_be_pressed_twice(qtbot: QtBot) -> None:
    """Issue 10 item 3: an accept pressed during an outage is queued by the core; the card says
    "Accepting… reconnecting" until the server answers, and offers no contradicting button."""
    widget = offer_list(qtbot)
    widget.show_state([pending(offer())], NOW)
    card = visible_card(widget, "o1")
    assert card.accept_button.isEnabled()
    assert not card.answer_status.isVisibleTo(card)

    waiting = replace(pending(offer()), answer=AnswerStatus.WAITING_FOR_LINK)
    widget.show_state([waiting], NOW)
    card = visible_card(widget, "o1")
    assert card.answer_status.text() == "Accepting… reconnecting"
    assert card.answer_status.isVisibleTo(card)
    assert not card.accept_button.isEnabled()
    assert card.reject_button is not None
    assert not card.reject_button.isEnabled()

    widget.show_state([replace(waiting, answer=AnswerStatus.SENDING)], NOW)
    assert visible_card(widget, "o1").answer_status.text() == "Accepting…"
