"""The open sessions as tabs (at most ten): customer name, channel icon, unread dot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QWidget

from agent_desktop.protocol.model import QueueView, Session
from agent_desktop.protocol.vocabulary import MAX_SESSIONS, Sender, SessionId
from agent_desktop.session.state import OutgoingMessage
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.theme import channel_icon
from agent_desktop.ui.widgets.session_page import SessionPage

if TYPE_CHECKING:  # imported with the first session's view: a start without sessions needs none
    from agent_desktop.ui.widgets.session_view import SessionView
    from agent_desktop.ui.widgets.transfer_dialog import AgentChoice

UNREAD_DOT = " ●"


class SessionTabs(QStackedWidget):
    """One tab per open session, in the order they opened.

    A tab's full `SessionView` is built when the tab is first shown (`SessionPage` stands in
    until then, with the newest state), so sessions arriving together cost one view, not ten
    in one long turn of the loop: the app stays responsive, the session in front is complete
    at once, and a session never looked at costs no view at all.

    A tab is "unread" when the customer wrote while it was not the current tab; the dot goes
    when the agent looks at it. That is view state, not domain state, so it lives here.
    `switch_actions` (Ctrl+1..9, Ctrl+0 for the tenth, Ctrl+Tab, Ctrl+Shift+Tab) and
    `close_current_action` (Ctrl+Shift+W) are for the shell's main window.

    Signals:
        message_submitted(str, str): session id and reply text.
        call_action(str, CallAction): session id and call control.
        transfer_requested(str, object, object): session id, queue id or None, agent id or None.
        escalate_requested(str, object, object): session id, queue id or None, agent id or None.
        close_requested(str): session id.
        earlier_requested(str): session id; load its earlier messages.
        unread_changed(int): how many sessions have unread customer messages.
    """

    message_submitted = Signal(str, str)
    call_action = Signal(str, object)
    transfer_requested = Signal(str, object, object)
    escalate_requested = Signal(str, object, object)
    close_requested = Signal(str)
    earlier_requested = Signal(str)
    unread_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setMovable(False)
        self.tabs.setUsesScrollButtons(True)
        # Seven of ten tabs fit: a dot on a tab scrolled out of view tells nobody anything, so
        # the count of sessions with unread messages sits where it is always seen.
        self.unread_label = QLabel()
        self.unread_label.setObjectName("unreadCount")
        self.unread_label.setAccessibleName(
            translate("SessionTabs", "Sessions with unread messages")
        )
        self.unread_label.setContentsMargins(8, 0, 8, 0)
        self.unread_label.setVisible(False)
        self.tabs.setCornerWidget(self.unread_label, Qt.Corner.TopRightCorner)
        self.empty = QLabel(
            translate("SessionTabs", "No open sessions. New work appears here when you accept it.")
        )
        self.empty.setProperty("muted", True)
        self.empty.setWordWrap(True)
        self.addWidget(self.empty)
        self.addWidget(self.tabs)
        self._pages: dict[SessionId, SessionPage] = {}
        self._seen: dict[SessionId, int] = {}
        """How many customer messages the agent has seen per session."""
        self._customer_counts: dict[SessionId, int] = {}
        self._counted: dict[SessionId, str] = {}
        """The id of the last message `_customer_counts` has looked at, per session."""
        self._queues: tuple[QueueView, ...] = ()
        self._agents: tuple[AgentChoice, ...] = ()
        self._unread = 0
        self.tabs.currentChanged.connect(self._on_current_changed)
        self.tabs.tabBarClicked.connect(self._on_tab_clicked)
        self.switch_actions: list[QAction] = []
        for number in range(1, MAX_SESSIONS + 1):
            action = QAction(
                translate("SessionTabs", "Show session {number}").format(number=number), self
            )
            action.setShortcut(QKeySequence(f"Ctrl+{number % 10}"))  # session 10 is Ctrl+0
            action.triggered.connect(lambda _=False, i=number - 1: self._show_index(i))
            self.switch_actions.append(action)
        self.next_action = QAction(translate("SessionTabs", "Next session"), self)
        self.next_action.setShortcut(QKeySequence("Ctrl+Tab"))
        self.next_action.triggered.connect(lambda: self._step(1))
        self.previous_action = QAction(translate("SessionTabs", "Previous session"), self)
        self.previous_action.setShortcut(QKeySequence("Ctrl+Shift+Tab"))
        self.previous_action.triggered.connect(lambda: self._step(-1))
        self.switch_actions += [self.next_action, self.previous_action]
        self.close_current_action = QAction(translate("SessionTabs", "Close this session"), self)
        self.close_current_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        self.setCurrentWidget(self.empty)

    def set_transfer_targets(
        self, queues: Sequence[QueueView], agents: Sequence[AgentChoice]
    ) -> None:
        """Queues and agents offered by Transfer… / Escalate… (the shell knows them)."""
        self._queues = tuple(queues)
        self._agents = tuple(agents)
        for page in self._pages.values():
            if page.view is not None:
                page.view.set_transfer_targets(self._queues, self._agents)

    def show_state(
        self, sessions: Sequence[Session], outbox: Sequence[OutgoingMessage] = ()
    ) -> None:
        sessions = tuple(sessions)[:MAX_SESSIONS]
        wanted = {s.session_id for s in sessions}
        for session_id in [sid for sid in self._pages if sid not in wanted]:
            page = self._pages.pop(session_id)
            self.tabs.removeTab(self.tabs.indexOf(page))
            page.deleteLater()
            self._seen.pop(session_id, None)
            self._customer_counts.pop(session_id, None)
            self._counted.pop(session_id, None)
        for position, session in enumerate(sessions):
            unsent = [m for m in outbox if m.session_id == session.session_id]
            page = self._pages.get(session.session_id) or self._add(session, position)
            page.show_state(session, unsent)
            self._count_customer_lines(session)
        current = self.current_session()
        if current is not None:
            self._seen[current] = self._customer_counts[current]
        self._refresh_titles()
        self.setCurrentWidget(self.tabs if self._pages else self.empty)

    def _add(self, session: Session, position: int) -> SessionPage:
        page = SessionPage(session)
        self._pages[session.session_id] = page
        # What the customer wrote before the agent opened the tab is read when it opens.
        self._seen[session.session_id] = sum(
            1 for m in session.transcript if m.sender is Sender.CUSTOMER
        )
        # The first tab becomes the current one here, which builds its view (one).
        self.tabs.insertTab(position, page, channel_icon(session.work.channel), "")
        return page

    def _build(self, page: SessionPage) -> SessionView:
        """The page's full view, built now if it was not yet."""
        if page.view is not None:
            return page.view
        from agent_desktop.ui.widgets.session_view import SessionView

        view = SessionView(page.session)
        view.set_transfer_targets(self._queues, self._agents)
        view.message_submitted.connect(self.message_submitted)
        view.call_action.connect(self.call_action)
        view.transfer_requested.connect(self.transfer_requested)
        view.escalate_requested.connect(self.escalate_requested)
        view.close_requested.connect(self.close_requested)
        view.earlier_requested.connect(self.earlier_requested)
        page.attach(view)
        return view

    def built_count(self) -> int:
        """How many tabs have their full view (the rest are still placeholders)."""
        return sum(1 for page in self._pages.values() if page.view is not None)

    def update_clock(self, server_now: float) -> None:
        """Once a second: the call timers (a view built later reads the clock at its next tick)."""
        for page in self._pages.values():
            if page.view is not None:
                page.view.update_clock(server_now)

    def view(self, session_id: SessionId) -> SessionView | None:
        """The session's full view (built now if it was not yet); None for no such session."""
        page = self._pages.get(session_id)
        return self._build(page) if page is not None else None

    def current_session(self) -> SessionId | None:
        page = self.tabs.currentWidget()
        return page.session_id if isinstance(page, SessionPage) else None

    def show_session(self, session_id: SessionId) -> None:
        """Bring a session to the front with the keyboard in it (accepting, a toast's Open)."""
        page = self._pages.get(session_id)
        if page is not None:
            self.tabs.setCurrentWidget(page)
            self._build(page).focus_work()

    def focus_current(self) -> None:
        """The keyboard into the session in front (its reply box or call controls)."""
        page = self.tabs.currentWidget()
        if isinstance(page, SessionPage):
            self._build(page).focus_work()

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def unread_count(self) -> int:
        return self._unread

    def is_unread(self, session_id: SessionId) -> bool:
        return self._customer_counts.get(session_id, 0) > self._seen.get(session_id, 0)

    def _count_customer_lines(self, session: Session) -> None:
        """Counts the customer's lines after the last one counted, found by its id: earlier
        messages loaded on request go before it and are not news."""
        transcript = session.transcript
        last = self._counted.get(session.session_id)
        start = 0
        if last is not None:
            start = next(
                (i + 1 for i in range(len(transcript) - 1, -1, -1) if transcript[i].msg_id == last),
                -1,
            )
            if start < 0:  # a resync rewrote it: count again
                start = 0
                self._customer_counts[session.session_id] = 0
        added = sum(1 for m in transcript[start:] if m.sender is Sender.CUSTOMER)
        self._customer_counts[session.session_id] = (
            self._customer_counts.get(session.session_id, 0) + added
        )
        if transcript:
            self._counted[session.session_id] = transcript[-1].msg_id

    def _refresh_titles(self) -> None:
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            assert isinstance(page, SessionPage)
            unread = self.is_unread(page.session_id)
            title = page.customer_name + (UNREAD_DOT if unread else "")
            if self.tabs.tabText(index) != title:  # a busy chat repaints often; titles rarely
                self.tabs.setTabText(index, title)
                # Also the tab's description for screen readers: what the session is.
                what = page.describe()
                self.tabs.setTabToolTip(
                    index,
                    translate("SessionTabs", "{name} — new messages").format(name=what)
                    if unread
                    else what,
                )
        unread_total = sum(1 for sid in self._pages if self.is_unread(sid))
        if unread_total != self._unread:
            self._unread = unread_total
            self.unread_label.setText(
                translate("SessionTabs", "● {count} unread").format(count=unread_total)
            )

            self.unread_label.setToolTip(
                ", ".join(
                    page.customer_name
                    for page in self._pages.values()
                    if self.is_unread(page.session_id)
                )
            )
            self.unread_label.setVisible(unread_total > 0)
            self.unread_changed.emit(unread_total)

    def _on_current_changed(self, _index: int) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, SessionPage):
            self._build(page)  # the tab in front is always complete
        current = self.current_session()
        if current is not None and current in self._customer_counts:
            self._seen[current] = self._customer_counts[current]
            self._refresh_titles()

    # A switch the agent asked for moves the keyboard with it: left where it was, the focus
    # falls back along the tab chain (to the transcript, the presence picker or an alert's
    # button) and the next typed letters act there instead of becoming text.

    def _show_index(self, index: int) -> None:
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)
            self.focus_current()

    def _step(self, delta: int) -> None:
        count = self.tabs.count()
        if count:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + delta) % count)
            self.focus_current()

    def _on_tab_clicked(self, index: int) -> None:
        if index >= 0:
            self.tabs.setCurrentIndex(index)
            self.focus_current()
