"""Session tabs and session views: customer panel, transcript, reply box, call and case."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import ChatMessage, Customer, QueueView
from agent_desktop.protocol.vocabulary import (
    CallAction,
    CallState,
    Channel,
    QueueId,
    Sender,
    SessionId,
    UserId,
)
from agent_desktop.session.state import OutboxStatus, OutgoingMessage
from agent_desktop.ui.widgets.session_tabs import SessionTabs
from agent_desktop.ui.widgets.session_view import SessionView
from tests.ui.test_widgets_samples import (
    NOW,
    case_session,
    message,
    session,
    voice_session,
)


def queue(queue_id: str, channel: Channel = Channel.CHAT, name: str = "") -> QueueView:
    names = {"chat": "Web chat", "case": "Cases"}
    return QueueView(
        queue=QueueId(queue_id), name=name or names.get(queue_id, queue_id), channel=channel
    )


def tabs(qtbot: QtBot) -> SessionTabs:
    widget = SessionTabs()
    qtbot.addWidget(widget)
    return widget


def view_of(widget: SessionTabs, session_id: str) -> SessionView:
    view = widget.view(SessionId(session_id))
    assert view is not None
    return view


def bubble_texts(view: SessionView) -> list[tuple[str, str]]:
    return [(b.text.text(), b.meta.text().split(" · ", 1)[-1]) for b in view.transcript.bubbles()]


def test_no_sessions_says_so(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([])
    assert widget.currentWidget() is widget.empty
    assert "No open sessions" in widget.empty.text()


def test_tab_title_is_the_customer_name_with_channel_icon(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    bob = Customer(name="+44 7700 900123", phone="+44 7700 900123")
    widget.show_state([session("s1"), session("s2", Channel.SMS, bob)])
    assert widget.tab_titles() == ["Ana Lima", "+44 7700 900123"]
    assert not widget.tabs.tabIcon(0).isNull()
    assert widget.current_session() == "s1"


def test_unread_dot_appears_on_other_tab_and_goes_when_viewed(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    first = session("s1")
    second = session("s2")
    widget.show_state([first, second])
    assert widget.tab_titles() == ["Ana Lima", "Ana Lima"]
    newer = session(
        "s2",
        transcript=[*second.transcript, message("m2", Sender.CUSTOMER, "Anyone there?")],
    )
    with qtbot.waitSignal(widget.unread_changed) as unread:
        widget.show_state([first, newer])
    assert unread.args == [1]
    assert widget.tab_titles() == ["Ana Lima", "Ana Lima ●"]
    widget.show_session(SessionId("s2"))
    assert widget.tab_titles() == ["Ana Lima", "Ana Lima"]
    assert widget.unread_count() == 0


def test_keyboard_actions_switch_sessions(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1"), session("s2"), session("s3")])
    widget.switch_actions[2].trigger()  # Ctrl+3
    assert widget.current_session() == "s3"
    assert widget.switch_actions[2].shortcut().toString() == "Ctrl+3"
    widget.next_action.trigger()  # Ctrl+Tab wraps around
    assert widget.current_session() == "s1"
    widget.previous_action.trigger()
    assert widget.current_session() == "s3"
    widget.switch_actions[8].trigger()  # Ctrl+9 with three tabs: nothing happens
    assert widget.current_session() == "s3"


def test_closed_session_tab_goes(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1"), session("s2")])
    widget.show_state([session("s2")])
    assert widget.tabs.count() == 1
    assert widget.view(SessionId("s1")) is None


def test_customer_panel_shows_details_and_contact_link(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    stranger = Customer(name="+44 7700 900123", phone="+44 7700 900123")
    widget.show_state([session("s1"), session("s2", Channel.SMS, stranger)])
    panel = view_of(widget, "s1").customer
    assert panel.name.text() == "Ana Lima"
    assert panel.phone.text() == "+55 11 91234-5678"
    assert panel.email.text() == "ana.lima@example.com"
    assert panel.account.text() == "ACME Retail"
    assert panel.contact.text() == "Known contact: Ana Lima"
    assert panel.contact.toolTip() == "Contact record c-102"
    assert panel.channel.text() == "Chat · chat queue"
    unknown = view_of(widget, "s2").customer
    assert unknown.contact.text() == "Not linked to a contact record"
    assert unknown.email.text() == "—"


def test_transcript_shows_each_sender_and_appends(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    transcript = [
        message("m1", Sender.SYSTEM, "Ana joined the chat"),
        message("m2", Sender.CUSTOMER, "Hi, my order arrived damaged."),
        message("m3", Sender.AGENT, "Sorry to hear that, let me check."),
    ]
    widget.show_state([session("s1", transcript=transcript)])
    view = view_of(widget, "s1")
    senders = [b.property("sender") for b in view.transcript.bubbles()]
    assert senders == ["system", "customer", "agent"]
    more = [*transcript, message("m4", Sender.CUSTOMER, "Thanks!")]
    widget.show_state([session("s1", transcript=more)])
    assert [b.text.text() for b in view.transcript.bubbles()][-1] == "Thanks!"
    assert len(view.transcript.bubbles()) == 4


def test_reply_box_sends_on_enter(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1")])
    reply = view_of(widget, "s1").reply_box
    assert reply is not None
    QTest.keyClicks(reply, "We will send a new one")
    with qtbot.waitSignal(widget.message_submitted) as sent:
        QTest.keyClick(reply, Qt.Key.Key_Return)
    assert sent.args == ["s1", "We will send a new one"]
    assert reply.toPlainText() == ""


def test_shift_enter_adds_a_line_and_does_not_send(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1")])
    reply = view_of(widget, "s1").reply_box
    assert reply is not None
    QTest.keyClicks(reply, "Line one")
    with qtbot.assertNotEmitted(widget.message_submitted):
        QTest.keyClick(reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(reply, "Line two")
    with qtbot.waitSignal(widget.message_submitted) as sent:
        QTest.keyClick(reply, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert sent.args == ["s1", "Line one\nLine two"]


def test_blank_reply_is_not_sent(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1")])
    reply = view_of(widget, "s1").reply_box
    assert reply is not None
    QTest.keyClicks(reply, "   ")
    with qtbot.assertNotEmitted(widget.message_submitted):
        QTest.keyClick(reply, Qt.Key.Key_Return)


def test_unconfirmed_messages_show_sending_and_not_sent(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    outbox = [
        OutgoingMessage("c1", SessionId("s1"), "On its way", NOW),
        OutgoingMessage(
            "c2",
            SessionId("s1"),
            "Hello?",
            NOW,
            status=OutboxStatus.FAILED,
            error="The session was closed",
        ),
        OutgoingMessage("c3", SessionId("other"), "Not here", NOW),
    ]
    widget.show_state([session("s1")], outbox)
    view = view_of(widget, "s1")
    assert bubble_texts(view)[-2:] == [("On its way", "sending…"), ("Hello?", "not sent")]
    assert "Not here" not in [text for text, _ in bubble_texts(view)]
    # The server confirmed c1: it becomes an ordinary message, no longer "sending…".
    confirmed = session(
        "s1",
        transcript=[
            *session("s1").transcript,
            ChatMessage(
                msg_id="m9", sender=Sender.AGENT, text="On its way", at=NOW, client_msg_id="c1"
            ),
        ],
    )
    widget.show_state([confirmed], outbox[1:])
    states = bubble_texts(view)
    assert ("On its way", "sending…") not in states
    assert states[-1] == ("Hello?", "not sent")


def test_customer_left_disables_the_reply_box(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show()
    widget.show_state([session("s1", customer_left=True)])
    view = view_of(widget, "s1")
    assert view.left_notice.isVisible()
    assert view.reply_box is not None
    assert not view.reply_box.isEnabled()


def test_voice_session_has_call_controls_and_bot_summary(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([voice_session()])
    view = view_of(widget, "s-voice")
    assert view.reply_box is None
    assert view.bot_summary is not None
    assert view.bot_summary.text().startswith("Caller wants to change")
    call = view.call_panel
    assert call is not None
    assert call.state.text() == "Call connected"
    with qtbot.waitSignal(widget.call_action) as action:
        QTest.mouseClick(call.hold_button, Qt.MouseButton.LeftButton)
    assert action.args == ["s-voice", CallAction.HOLD]
    widget.show_state([voice_session(CallState.ON_HOLD, muted=True)])
    assert call.state.text() == "Call on hold · Muted"
    assert call.hold_button.text() == "Resume"
    assert call.mute_button.text() == "Unmute"
    with qtbot.waitSignal(widget.call_action) as action:
        QTest.mouseClick(call.hold_button, Qt.MouseButton.LeftButton)
    assert action.args == ["s-voice", CallAction.RESUME]
    with qtbot.waitSignal(widget.call_action) as action:
        QTest.mouseClick(call.mute_button, Qt.MouseButton.LeftButton)
    assert action.args == ["s-voice", CallAction.UNMUTE]
    widget.show_state([voice_session(CallState.ENDED)])
    assert call.state.text() == "Call ended"
    assert not call.end_button.isEnabled()
    assert not call.hold_button.isEnabled()


def test_case_session_shows_the_record(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([case_session()])
    view = view_of(widget, "s-case")
    assert view.reply_box is None
    assert view.call_panel is None
    record = view.case_panel
    assert record is not None
    assert record.title.text() == "Case CS-2031: Refund for damaged goods"
    assert record.status.text() == "Active"
    assert record.priority.text() == "High"
    assert record.description.text() == "Customer sent photos of the damaged parcel."


def test_transfer_dialog_sends_the_chosen_queue(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.set_transfer_targets(
        [queue("case", Channel.CASE), queue("chat"), queue("chat_vip", name="VIP chat")],
        [(UserId("bob"), "Bob Stone")],
    )
    widget.show_state([session("s1")])
    view = view_of(widget, "s1")
    QTest.mouseClick(view.transfer_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Transfer Ana Lima"
    combo = dialog.queue_combo
    # By name, the chat's own channel only, its own queue first chosen.
    assert [combo.itemText(i) for i in range(combo.count())] == ["Web chat", "VIP chat"]
    assert combo.currentText() == "Web chat"
    combo.setCurrentIndex(1)
    with qtbot.waitSignal(widget.transfer_requested) as requested:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert requested.args == ["s1", "chat_vip", None]


def test_escalate_dialog_sends_the_chosen_agent(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.set_transfer_targets(
        [queue("chat")], [(UserId("bob"), "Bob Stone"), (UserId("carol"), "Carol Diaz")]
    )
    widget.show_state([session("s1")])
    view = view_of(widget, "s1")
    QTest.mouseClick(view.escalate_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    assert dialog is not None
    dialog.to_agent.setChecked(True)
    dialog.agent_combo.setCurrentIndex(1)
    assert dialog.agent_combo.currentText() == "Carol Diaz (carol)"
    with qtbot.waitSignal(widget.escalate_requested) as requested:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert requested.args == ["s1", None, "carol"]


def test_cancelled_transfer_sends_nothing(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1")])
    view = view_of(widget, "s1")
    QTest.mouseClick(view.transfer_button, Qt.MouseButton.LeftButton)
    assert view.dialog is not None
    ok = view.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), "the session's own queue is chosen to start with"
    view.dialog.queue_combo.setEditText("")
    assert not ok.isEnabled(), "no queue chosen or typed"
    with qtbot.assertNotEmitted(widget.transfer_requested):
        view.dialog.reject()


def test_close_button_emits(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.show_state([session("s1")])
    with qtbot.waitSignal(widget.close_requested) as closed:
        QTest.mouseClick(view_of(widget, "s1").close_button, Qt.MouseButton.LeftButton)
    assert closed.args == ["s1"]


def test_transcript_follows_new_messages_unless_scrolled_back(qtbot: QtBot) -> None:
    widget = tabs(qtbot)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    lines = [message(f"m{i}", Sender.CUSTOMER, f"Line {i}") for i in range(30)]
    widget.show_state([session("s1", transcript=lines)])
    bar = view_of(widget, "s1").transcript.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    more = [*lines, message("m30", Sender.CUSTOMER, "Still there?")]
    widget.show_state([session("s1", transcript=more)])
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())
    bar.setValue(0)  # the agent scrolls back to read
    before = bar.maximum()
    widget.show_state(
        [session("s1", transcript=[*more, message("m31", Sender.CUSTOMER, "Hello?")])]
    )
    qtbot.waitUntil(lambda: bar.maximum() > before)
    assert bar.value() == 0
