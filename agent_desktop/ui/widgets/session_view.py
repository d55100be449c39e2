"""One open session: the customer, the conversation and the controls its channel needs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.channel import CHANNEL_TRAITS, traits
from agent_desktop.protocol.model import Customer, QueueView, Session, WorkItem
from agent_desktop.protocol.vocabulary import (
    CallAction,
    QueueId,
    SessionId,
    UserId,
)
from agent_desktop.session.state import OutgoingMessage
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import channel_icon
from agent_desktop.ui.widgets.session_panels import CallPanel, CaseRecordPanel
from agent_desktop.ui.widgets.transcript import Transcript
from agent_desktop.ui.widgets.transfer_dialog import AgentChoice, TransferDialog
from agent_desktop.ui.widgets.wording import channel_label

TEXT_CHANNELS = tuple(c for c, t in CHANNEL_TRAITS.items() if t.has_transcript)


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("muted", True)
    return label


class CustomerPanel(QFrame):
    """Who the agent is talking to, and whether they are a known contact."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("customerPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        self.icon = QLabel()
        header.addWidget(self.icon)
        self.name = QLabel()
        self.name.setProperty("heading", True)
        header.addWidget(self.name, 1)
        self.channel = _muted()
        header.addWidget(self.channel)
        layout.addLayout(header)
        self.subject = QLabel()
        self.subject.setWordWrap(True)
        layout.addWidget(self.subject)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(2)
        self.phone = QLabel()
        self.email = QLabel()
        self.account = QLabel()
        self.contact = QLabel()
        self._work: WorkItem | None = None
        for value in (self.phone, self.email, self.account, self.contact):
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_muted(translate("SessionView", "Phone")), self.phone)
        form.addRow(_muted(translate("SessionView", "Email")), self.email)
        form.addRow(_muted(translate("SessionView", "Account")), self.account)
        form.addRow(_muted(translate("SessionView", "Contact")), self.contact)
        layout.addLayout(form)

    def show_state(self, session: Session) -> None:
        work = session.work
        if work == self._work:  # most updates are new messages: nothing here changed
            return
        self._work = work
        customer: Customer = work.customer
        self.icon.setPixmap(channel_icon(work.channel).pixmap(22, 22))
        self.name.setText(customer.name)
        self.channel.setText(
            translate("SessionView", "{channel} · {queue} queue").format(
                channel=channel_label(work.channel), queue=work.queue
            )
        )
        self.subject.setText(work.subject)
        self.subject.setVisible(bool(work.subject))
        self.phone.setText(customer.phone or "—")
        self.email.setText(customer.email or "—")
        self.account.setText(customer.account or "—")
        # The record's id means nothing to the agent; whose record it is does.
        self.contact.setText(
            translate("SessionView", "Known contact: {name}").format(name=customer.name)
            if customer.contact_id
            else translate("SessionView", "Not linked to a contact record")
        )
        self.contact.setToolTip(
            translate("SessionView", "Contact record {id}").format(id=customer.contact_id)
            if customer.contact_id
            else ""
        )


class ReplyBox(QPlainTextEdit):
    """Enter sends, Shift+Enter starts a new line.

    Signals:
        submitted(str): the agent sent this text (never blank).
    """

    submitted = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("replyBox")
        self.setPlaceholderText(
            translate("SessionView", "Type a reply — Enter sends, Shift+Enter adds a line")
        )
        self.setTabChangesFocus(True)
        self.setFixedHeight(72)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
                return
            if modifiers == Qt.KeyboardModifier.NoModifier:
                text = self.toPlainText().strip()
                if text:
                    self.submitted.emit(text)
                    self.clear()
                return
            # Ctrl+Enter belongs to the window (accept the newest offer).
            event.ignore()
            return
        super().keyPressEvent(event)


class SessionView(QWidget):
    """Renders one `Session`; its controls follow the channel (reply box, call, case record).

    Signals:
        message_submitted(str, str): session id and the reply the agent sent.
        call_action(str, CallAction): session id and the call control pressed.
        transfer_requested(str, object, object): session id, queue id or None, agent id or None.
        escalate_requested(str, object, object): session id, queue id or None, agent id or None.
        close_requested(str): the agent closed the session.
        earlier_requested(str): load the messages before the first one shown (a long chat).
    """

    message_submitted = Signal(str, str)
    call_action = Signal(str, object)
    transfer_requested = Signal(str, object, object)
    escalate_requested = Signal(str, object, object)
    close_requested = Signal(str)
    earlier_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_id: SessionId = session.session_id
        self.channel = session.work.channel
        self._session: Session | None = None
        self._unsent: tuple[OutgoingMessage, ...] = ()
        self._queues: tuple[QueueView, ...] = ()
        self._agents: tuple[AgentChoice, ...] = ()
        self.dialog: TransferDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        self.customer = CustomerPanel()
        layout.addWidget(self.customer)

        self.left_notice = QLabel(translate("SessionView", "The customer left the conversation."))
        self.left_notice.setObjectName("alertRow")
        self.left_notice.setProperty("severity", "info")
        self.left_notice.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.left_notice)

        self.bot_summary: QLabel | None = None
        if session.work.bot_summary is not None:
            box = QFrame()
            box.setObjectName("botSummary")
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(14, 8, 14, 8)
            title = QLabel(translate("SessionView", "Bot summary"))
            title.setProperty("sectionTitle", True)
            box_layout.addWidget(title)
            self.bot_summary = QLabel()
            self.bot_summary.setWordWrap(True)
            box_layout.addWidget(self.bot_summary)
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            layout.addWidget(box)

        self.call_panel: CallPanel | None = None
        self.case_panel: CaseRecordPanel | None = None
        self.reply_box: ReplyBox | None = None
        if traits(self.channel).has_call_controls:
            self.call_panel = CallPanel()
            # A bound method, not a lambda capturing this view (see `_open_dialog`).
            self.call_panel.action_chosen.connect(self._on_call_action)
            self.call_panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            layout.addWidget(self.call_panel)
        if traits(self.channel).has_case_record:
            self.case_panel = CaseRecordPanel()
            self.case_panel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
            layout.addWidget(self.case_panel)

        # A long chat arrives with its newest messages only: the rest on request.
        self.earlier_button = QPushButton()
        self.earlier_button.setProperty("flat", True)
        self.earlier_button.setVisible(False)
        self.earlier_button.clicked.connect(lambda: self.earlier_requested.emit(self.session_id))
        layout.addWidget(self.earlier_button)
        self.transcript = Transcript()
        name = session.work.customer.name
        self.transcript.setAccessibleName(
            translate("SessionView", "Conversation with {name}").format(name=name)
        )
        self.transcript.setAccessibleDescription(
            translate("SessionView", "The messages so far, oldest first")
        )
        layout.addWidget(self.transcript, 1)
        if self.channel not in TEXT_CHANNELS:
            # Voice and case often have no transcript: keep their panels at the top.
            layout.addStretch(0)
        if self.channel in TEXT_CHANNELS:
            self.reply_box = ReplyBox()
            self.reply_box.setAccessibleName(
                translate("SessionView", "Reply to {name}").format(name=name)
            )
            self.reply_box.setAccessibleDescription(
                translate("SessionView", "Enter sends, Shift+Enter adds a line")
            )
            self.reply_box.submitted.connect(
                lambda text: self.message_submitted.emit(self.session_id, text)
            )
            layout.addWidget(self.reply_box)

        actions = QHBoxLayout()
        self.transfer_button = QPushButton(translate("SessionView", "Transfer…"))
        self.escalate_button = QPushButton(translate("SessionView", "Escalate…"))
        self.close_button = QPushButton(translate("SessionView", "Close session"))
        self.transfer_button.setAccessibleDescription(
            translate("SessionView", "Hand this conversation to another queue or agent")
        )
        self.escalate_button.setAccessibleDescription(
            translate(
                "SessionView", "Pass this conversation on for more help, to a queue or an agent"
            )
        )
        self.close_button.setAccessibleDescription(
            translate("SessionView", "Finish this session: it leaves your list (Ctrl+Shift+W)")
        )
        self.transfer_button.clicked.connect(lambda: self._open_dialog("Transfer"))
        self.escalate_button.clicked.connect(lambda: self._open_dialog("Escalate"))
        self.close_button.clicked.connect(lambda: self.close_requested.emit(self.session_id))
        actions.addWidget(self.transfer_button)
        actions.addWidget(self.escalate_button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        layout.addLayout(actions)
        self.show_state(session, ())

    def update_clock(self, server_now: float) -> None:
        if self.call_panel is not None:
            self.call_panel.update_clock(server_now)

    def focus_work(self) -> None:
        """Put the keyboard where this session is worked: the reply box, else the call controls.

        Called when the session is brought to the front, so what the agent types next lands
        here and never on a button or the presence picker by Qt's focus fallback.
        """
        candidates: list[QWidget] = []
        if self.reply_box is not None:
            candidates.append(self.reply_box)
        if self.call_panel is not None:
            candidates += [self.call_panel.hold_button, self.call_panel.end_button]
        candidates += [self.transfer_button, self.close_button]
        target = next((w for w in candidates if w.isEnabled()), self.close_button)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_transfer_targets(
        self, queues: Sequence[QueueView], agents: Sequence[AgentChoice]
    ) -> None:
        self._queues = tuple(queues)
        self._agents = tuple(agents)

    def show_state(self, session: Session, unsent: Sequence[OutgoingMessage]) -> None:
        unsent = tuple(unsent)
        if session == self._session and unsent == self._unsent:
            return
        self._session = session
        self._unsent = unsent
        self.customer.show_state(session)
        self.left_notice.setVisible(session.customer_left)
        if self.bot_summary is not None:
            self.bot_summary.setText(session.work.bot_summary or "")
        if self.call_panel is not None:
            self.call_panel.show_state(session)
        if self.case_panel is not None:
            self.case_panel.show_state(session.work.case)
        self.transcript.show_state(session.transcript, unsent)
        self.earlier_button.setVisible(session.earlier_messages > 0)
        self.earlier_button.setText(
            translate("SessionView", "Show earlier messages ({count} more)").format(
                count=session.earlier_messages
            )
        )
        self.transcript.setVisible(bool(session.transcript) or self.channel in TEXT_CHANNELS)
        if self.reply_box is not None:
            self.reply_box.setEnabled(not session.customer_left)
        self.transfer_button.setEnabled(not session.customer_left)
        self.escalate_button.setEnabled(not session.customer_left)

    def _on_call_action(self, action: CallAction) -> None:
        self.call_action.emit(self.session_id, action)

    def _open_dialog(self, verb: str) -> None:
        assert self._session is not None
        self.dialog = TransferDialog(verb, self._session.work, self._queues, self._agents, self)
        # Bound methods, not lambdas capturing this view: PySide6 6.11.3 segfaulted deleting a
        # child whose signal held a lambda that captured its parent.
        self.dialog.target_chosen.connect(
            self._on_transfer_target if verb == "Transfer" else self._on_escalate_target
        )
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    def _on_transfer_target(self, queue: QueueId | None, agent: UserId | None) -> None:
        self.transfer_requested.emit(self.session_id, queue, agent)

    def _on_escalate_target(self, queue: QueueId | None, agent: UserId | None) -> None:
        self.escalate_requested.emit(self.session_id, queue, agent)
