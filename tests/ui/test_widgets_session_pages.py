"""Sessions arriving together: tabs at once, one full view, the others built when shown."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import Customer, Session
from agent_desktop.protocol.vocabulary import Sender, SessionId
from agent_desktop.ui.widgets.session_tabs import UNREAD_DOT, SessionTabs
from agent_desktop.ui.widgets.session_view import SessionView
from tests.ui.test_widgets_samples import message, session


def ten_sessions() -> list[Session]:
    return [session(f"s{i}", customer=Customer(name=f"Customer {i}")) for i in range(10)]


def shown_tabs(qtbot: QtBot) -> SessionTabs:
    widget = SessionTabs()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_ten_sessions_in_one_state_build_only_the_view_in_front(qtbot: QtBot) -> None:
    widget = shown_tabs(qtbot)
    widget.show_state(ten_sessions())
    assert widget.tab_titles() == [f"Customer {i}" for i in range(10)]
    assert widget.current_session() == "s0"
    # Before the light pages this was 10: ten full views built in one turn of the loop.
    assert len(widget.findChildren(SessionView)) == 1
    assert widget.built_count() == 1
    # Each tab says what it is to a screen reader, built or not.
    assert [widget.tabs.tabToolTip(i) for i in range(3)] == [
        "Chat with Customer 0",
        "Chat with Customer 1",
        "Chat with Customer 2",
    ]
    fifth = widget.tabs.widget(4)
    assert fifth is not None
    assert fifth.accessibleName() == "Chat with Customer 4"


def test_a_tab_first_shown_has_the_messages_that_came_while_it_was_light(qtbot: QtBot) -> None:
    widget = shown_tabs(qtbot)
    sessions = ten_sessions()
    widget.show_state(sessions)
    fourth = sessions[3]
    sessions[3] = session(
        "s3",
        customer=Customer(name="Customer 3"),
        transcript=[*fourth.transcript, message("m2", Sender.CUSTOMER, "Still there?")],
    )
    widget.show_state(sessions)
    assert widget.tab_titles()[3] == "Customer 3" + UNREAD_DOT
    assert widget.unread_count() == 1
    assert widget.built_count() == 1  # a message does not build the view

    widget.switch_actions[3].trigger()  # Ctrl+4
    assert widget.current_session() == "s3"
    view = widget.tabs.currentWidget().findChild(SessionView)
    assert isinstance(view, SessionView)
    assert [b.text.text() for b in view.transcript.bubbles()] == [
        "Hi, my order arrived damaged.",
        "Still there?",
    ]
    assert view.reply_box is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.reply_box)
    assert widget.tab_titles()[3] == "Customer 3"  # read now
    assert widget.unread_count() == 0
    assert widget.built_count() == 2


def test_a_light_tab_closed_before_it_was_shown_goes_cleanly(qtbot: QtBot) -> None:
    widget = shown_tabs(qtbot)
    sessions = ten_sessions()
    widget.show_state(sessions)
    widget.show_state(sessions[:1] + sessions[2:])
    assert widget.tabs.count() == 9
    assert widget.view(SessionId("s1")) is None
    assert "Customer 1" not in widget.tab_titles()
    assert widget.built_count() == 1
