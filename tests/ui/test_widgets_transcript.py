"""The transcript list: where bubbles are drawn, their colours, copying, resyncs, long chats."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import ChatMessage
from agent_desktop.protocol.vocabulary import Sender, SessionId
from agent_desktop.session.state import OutboxStatus, OutgoingMessage
from agent_desktop.ui.theme import current_scheme, palette_for
from agent_desktop.ui.widgets.transcript import Transcript
from tests.ui.test_widgets_samples import NOW, message


def transcript(qtbot: QtBot, width: int = 640, height: int = 400) -> Transcript:
    widget = Transcript()
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def has_colour(image: QImage, colour: str, x_from: int, x_to: int, y: int) -> bool:
    wanted = QColor(colour).rgb()
    return any(image.pixel(x, y) == wanted for x in range(x_from, x_to))


def row_centre_y(widget: Transcript, row: int) -> int:
    return widget.visualRect(widget.model().index(row, 0)).center().y()


def test_customer_bubbles_are_drawn_left_and_agent_bubbles_right(qtbot: QtBot) -> None:
    widget = transcript(qtbot)
    widget.show_state(
        [message("m1", Sender.CUSTOMER, "Where is my order?"), message("m2", Sender.AGENT, "Hi")],
        (),
    )
    qtbot.waitUntil(lambda: widget.visualRect(widget.model().index(1, 0)).height() > 0)
    image = widget.viewport().grab().toImage()
    half = image.width() // 2
    p = palette_for(current_scheme())
    customer_y, agent_y = row_centre_y(widget, 0), row_centre_y(widget, 1)
    assert has_colour(image, p.customer_bubble, 0, half, customer_y)
    assert not has_colour(image, p.customer_bubble, half, image.width(), customer_y)
    assert has_colour(image, p.agent_bubble, half, image.width(), agent_y)
    assert not has_colour(image, p.agent_bubble, 0, half, agent_y)


def test_a_failed_message_is_drawn_in_the_danger_colour_with_the_reason(qtbot: QtBot) -> None:
    widget = transcript(qtbot)
    failed = OutgoingMessage(
        "c1",
        SessionId("s1"),
        "Hello?",
        NOW,
        status=OutboxStatus.FAILED,
        error="The session was closed",
    )
    widget.show_state([message("m1", Sender.CUSTOMER, "Hi")], [failed])
    qtbot.waitUntil(lambda: widget.visualRect(widget.model().index(1, 0)).height() > 0)
    image = widget.viewport().grab().toImage()
    assert has_colour(
        image, palette_for(current_scheme()).danger_bg, 0, image.width(), row_centre_y(widget, 1)
    )
    index = widget.model().index(1, 0)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == "The session was closed"
    assert widget.bubbles()[-1].meta.text().endswith("not sent")


def test_long_lines_wrap_to_the_width_instead_of_widening_the_row(qtbot: QtBot) -> None:
    widget = transcript(qtbot, width=400)
    long = "word " * 200
    widget.show_state([message("m1", Sender.CUSTOMER, long), message("m2", Sender.CUSTOMER, "x")])
    qtbot.waitUntil(lambda: widget.visualRect(widget.model().index(1, 0)).height() > 0)
    tall = widget.visualRect(widget.model().index(0, 0))
    short = widget.visualRect(widget.model().index(1, 0))
    assert tall.width() <= widget.viewport().width()
    assert tall.height() > 5 * short.height()


def test_a_rewritten_history_is_shown_afresh(qtbot: QtBot) -> None:
    widget = transcript(qtbot)
    widget.show_state([message("m1", Sender.CUSTOMER, "one"), message("m2", Sender.AGENT, "two")])
    widget.show_state([message("m9", Sender.SYSTEM, "Transferred from Bob")])
    assert [b.text.text() for b in widget.bubbles()] == ["Transferred from Bob"]
    assert widget.model().rowCount() == 1


def test_selected_messages_copy_as_text(qtbot: QtBot) -> None:
    widget = transcript(qtbot)
    widget.show_state([message(f"m{n}", Sender.CUSTOMER, f"line {n}") for n in range(3)])
    qtbot.waitUntil(lambda: widget.visualRect(widget.model().index(2, 0)).height() > 0)
    widget.selectAll()
    QTest.keyClick(widget, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "line 0\nline 1\nline 2"


def test_a_thousand_messages_stay_in_order_and_the_view_follows_the_newest(
    qtbot: QtBot,
) -> None:
    widget = transcript(qtbot)
    lines: list[ChatMessage] = []
    for n in range(1000):
        lines.append(message(f"m{n}", Sender.CUSTOMER, f"message {n}"))
        if n % 50 == 49:  # the app renders about once per frame, a few messages at a time
            widget.show_state(lines, ())
            QGuiApplication.processEvents()
    assert [b.text.text() for b in widget.bubbles()] == [f"message {n}" for n in range(1000)]
    bar = widget.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bottom = widget.indexAt(QPoint(10, widget.viewport().height() - 12))
    assert bottom.row() == 999, "the newest message is at the bottom of the view"
