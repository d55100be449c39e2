"""The main window: the widgets laid out, rendering the core's state and sending its intents.

It holds no domain state. Every state change from the core is rendered by `render(state)`;
every button becomes an intent on the core, run by the `TaskOwner` so a refusal is shown in the
status bar instead of being lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStatusBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.model import QueueView
from agent_desktop.protocol.vocabulary import (
    CallAction,
    OfferId,
    Presence,
    SessionId,
    UserId,
    WorkId,
)
from agent_desktop.session.core import AgentCore
from agent_desktop.session.state import AgentState, LinkStatus
from agent_desktop.ui.custom_presence_items import CustomPresenceItems
from agent_desktop.ui.customer_pages import CustomerPages
from agent_desktop.ui.depth_controls import DepthControls
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.menus import ShortcutsSheet, add_help_menu, install_menus, shortcut_rows
from agent_desktop.ui.tasks import TaskOwner
from agent_desktop.ui.theme import app_icon
from agent_desktop.ui.widgets.alert_bar import AlertBar
from agent_desktop.ui.widgets.column_scroll import ColumnScroll
from agent_desktop.ui.widgets.offer_card import OfferList
from agent_desktop.ui.widgets.presence_selector import PresenceSelector
from agent_desktop.ui.widgets.presence_timeline import PresenceTimeline
from agent_desktop.ui.widgets.session_tabs import SessionTabs
from agent_desktop.ui.widgets.status_bar import StatusBarWidget
from agent_desktop.ui.widgets.toast_stack import ToastStack

if TYPE_CHECKING:  # built when first needed (supervisors only)
    from agent_desktop.ui.widgets.supervisor_view import SupervisorView

WORK_TAB, TEAM_TAB, TIMELINE_TAB = (
    QT_TRANSLATE_NOOP("AppWindow", "Work"),
    QT_TRANSLATE_NOOP("AppWindow", "Team"),
    QT_TRANSLATE_NOOP("AppWindow", "Presence history"),
)


class AppWindow(QMainWindow):
    """The agent's (and supervisor's) dashboard.

    Signals:
        settings_requested(): open the settings dialog.
        sign_in_requested(): the agent chose Sign in… (after cancelling the dialog).
        sign_out_requested(): the agent chose Sign out.
        quit_requested(): the window was closed or Quit chosen.
        active_changed(bool): the window gained or lost focus (for the notification policy).
    """

    settings_requested = Signal()
    sign_in_requested = Signal()
    sign_out_requested = Signal()
    quit_requested = Signal()
    active_changed = Signal(bool)

    def __init__(
        self,
        core: AgentCore,
        tasks: TaskOwner,
        *,
        now: Callable[[], float] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.tasks = tasks
        self._now = now or core.clock.now
        self._state: AgentState | None = None
        self.sign_in_tried = True
        """False until a sign-in reached the server: "Not signed in" rather than "failed"."""
        self._bring_forward: set[WorkId] = set()
        """Work the agent accepted here: its session comes to the front when it opens."""
        self._targets: tuple[tuple[QueueView, ...], tuple[tuple[UserId, str], ...]] = ((), ())
        self._title = translate("AppWindow", "Agent Desktop")
        self.setWindowTitle(self._title)
        self.setWindowIcon(app_icon())
        self.resize(1180, 760)
        self.setMinimumSize(760, 520)

        self.alert_bar = AlertBar()
        self.presence = PresenceSelector()
        self.who = QLabel()
        self.who.setProperty("heading", True)
        self.why_button = QPushButton(translate("AppWindow", "Why?"))
        self.why_button.setToolTip(
            translate("AppWindow", "Why is my presence what it is? Show the presence history.")
        )
        self.settings_button = QPushButton(translate("AppWindow", "Settings"))
        self.settings_button.setAccessibleDescription(
            translate("AppWindow", "Open the settings: notifications, sound, language, server")
        )

        self.offers = OfferList()
        self.toasts = ToastStack()
        self.sessions = SessionTabs()
        self._team: SupervisorView | None = None
        self.timeline = PresenceTimeline()
        self.status = StatusBarWidget()
        self.depth_controls = DepthControls(self, self._now)

        header = QHBoxLayout()
        header.setContentsMargins(12, 8, 12, 8)
        header.addWidget(self.who)
        header.addStretch(1)
        header.addWidget(self.presence)
        header.addWidget(self.depth_controls.next_status)
        header.addSpacing(12)  # the explanation's text must not run into the button
        header.addWidget(self.why_button)
        header.addWidget(self.settings_button)

        incoming = QWidget()
        incoming_layout = QVBoxLayout(incoming)
        incoming_layout.setContentsMargins(0, 0, 0, 0)
        incoming_title = QLabel(translate("AppWindow", "Incoming"))
        incoming_title.setProperty("heading", True)
        incoming_title.setContentsMargins(10, 8, 10, 0)
        self.no_offers = QLabel(
            translate(
                "AppWindow", "Nothing waiting. Offers appear here and as desktop notifications."
            )
        )
        self.no_offers.setWordWrap(True)
        self.no_offers.setProperty("muted", True)
        self.no_offers.setContentsMargins(10, 4, 10, 4)
        incoming_layout.addWidget(self.depth_controls.wrap_ups)
        incoming_layout.addWidget(incoming_title)
        incoming_layout.addWidget(self.no_offers)
        incoming_layout.addWidget(self.offers)
        incoming_layout.addStretch(1)
        incoming_layout.addWidget(self.toasts)
        scroll = ColumnScroll(incoming, minimum_width=300)
        self.incoming = scroll

        work = QSplitter(Qt.Orientation.Horizontal)
        work.addWidget(scroll)
        work.addWidget(self.sessions)
        work.setStretchFactor(0, 0)
        work.setStretchFactor(1, 1)
        work.setSizes([340, 840])

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(work, translate("AppWindow", WORK_TAB))
        self.pages.addTab(self.timeline, translate("AppWindow", TIMELINE_TAB))
        # Tab tooltips are the tabs' descriptions for screen readers too.
        self.pages.setTabToolTip(0, translate("AppWindow", "Offers, your sessions and alerts"))
        self.pages.setTabToolTip(1, translate("AppWindow", "Why your presence is what it is"))
        self.customer_pages = CustomerPages(self.pages, core, tasks, after=lambda: self.team)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.alert_bar)
        layout.addLayout(header)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        status_bar = QStatusBar()
        status_bar.addPermanentWidget(self.status, 1)
        self.setStatusBar(status_bar)

        self.sign_in_action: QAction
        self.sign_out_action: QAction
        self.quit_action: QAction
        self.settings_action: QAction
        self.shortcuts_action: QAction
        self.presence_actions: dict[Presence, QAction]
        self.custom_presence_items: CustomPresenceItems
        self.shortcuts_sheet: ShortcutsSheet | None = None
        install_menus(self)
        self.about_action = add_help_menu(self, lambda: self.core.settings)
        self._wire()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # --- building ----------------------------------------------------------------------------

    def _wire(self) -> None:
        core, run = self.core, self.tasks.run
        self.offers.accept_requested.connect(lambda offer_id: self.accept_offer(OfferId(offer_id)))
        self.offers.reject_requested.connect(
            lambda offer_id: run("Reject", core.reject(OfferId(offer_id)))
        )
        self.presence.presence_chosen.connect(
            lambda presence: run("Set presence", core.set_presence(presence))
        )
        self.alert_bar.set_available_requested.connect(
            lambda: run("Set me Available", core.set_presence(Presence.AVAILABLE))
        )
        self.alert_bar.dismiss_requested.connect(
            lambda alert_id: run("Dismiss alert", core.dismiss_alert(alert_id))
        )
        self.alert_bar.reconnect_requested.connect(core.reconnect_now)
        self.alert_bar.show_sessions_requested.connect(self.show_current_session)
        self.sessions.message_submitted.connect(
            lambda session_id, text: run(
                "Send message", core.send_message(SessionId(session_id), text)
            )
        )
        self.sessions.call_action.connect(self._call_action)
        self.sessions.transfer_requested.connect(
            lambda session_id, queue, agent: run(
                "Transfer",
                core.transfer(SessionId(session_id), to_queue=queue, to_agent=agent),
            )
        )
        self.sessions.escalate_requested.connect(
            lambda session_id, queue, agent: run(
                "Escalate",
                core.escalate(SessionId(session_id), to_queue=queue, to_agent=agent),
            )
        )
        self.sessions.close_current_action.triggered.connect(self._close_current_session)
        self.sessions.close_requested.connect(
            lambda session_id: run("Close session", core.close_session(SessionId(session_id)))
        )
        self.sessions.earlier_requested.connect(
            lambda session_id: run(
                "Load earlier messages", core.load_earlier_messages(SessionId(session_id))
            )
        )
        self.toasts.open_session_requested.connect(self.show_session)
        self.offers.keyboard_released.connect(self._return_keyboard)
        self.sessions.unread_changed.connect(lambda _count: self._show_title())
        self.alert_bar.keyboard_released.connect(self._return_keyboard)
        self.toasts.keyboard_released.connect(self._return_keyboard)
        # Closed here, gone everywhere: the core forgets it, so its OS notification goes too.
        self.toasts.toast_closed.connect(lambda shown: self.core.dismiss_toast(shown))
        self.why_button.clicked.connect(self.show_timeline)
        self.settings_button.clicked.connect(self.settings_requested)
        self.pages.currentChanged.connect(self._on_page_changed)

    @property
    def team(self) -> SupervisorView:
        """The Team page, built when first needed (a supervisor's): an agent's start does not
        pay for it (~24 ms of CPU before the first paint)."""
        if self._team is None:
            from agent_desktop.ui.widgets.supervisor_view import SupervisorView

            core, run = self.core, self.tasks.run
            team = SupervisorView()
            team.reset_presence_requested.connect(
                lambda agent, presence: run(
                    "Reset presence", core.reset_presence(UserId(agent), presence)
                )
            )
            self.depth_controls.wire_team(team)
            self._team = team
        return self._team

    def team_if_built(self) -> SupervisorView | None:
        return self._team

    def accept_offer(self, offer_id: OfferId) -> None:
        """Accept (the card, Ctrl+Return or the OS notification), then work on it at once.

        The session the accept opens comes to the front as the current tab with the keyboard
        in its reply box (or call controls): an answered call must not leave the agent looking
        at someone else's chat.
        """
        pending = self.core.state.offer(offer_id)
        if pending is not None:
            self._bring_forward.add(pending.offer.work.work_id)
        self.tasks.run("Accept", self._accept(offer_id))

    async def _accept(self, offer_id: OfferId) -> None:
        pending = self.core.state.offer(offer_id)
        try:
            await self.core.accept(offer_id)
        except Exception:
            if pending is not None:  # refused: no session will come to bring forward
                self._bring_forward.discard(pending.offer.work.work_id)
            raise

    def _close_current_session(self) -> None:
        current = self.sessions.current_session()
        if current is not None:
            self.tasks.run("Close session", self.core.close_session(current))

    def _call_action(self, session_id: str, action: CallAction) -> None:
        self.tasks.run(
            f"Call: {action.value}", self.core.call_control(SessionId(session_id), action)
        )

    # --- rendering ---------------------------------------------------------------------------

    def show_state(self, state: AgentState) -> None:
        previous, self._state = self._state, state
        now = self._now()
        if state.identity is not None:
            self.who.setText(state.identity.display_name)
            self._title = translate("AppWindow", "Agent Desktop — {name}").format(
                name=state.identity.display_name
            )
            self._show_title()
            if state.identity.supervises and self.pages.indexOf(self.team) < 0:
                self.pages.insertTab(1, self.team, translate("AppWindow", TEAM_TAB))
                self.pages.setTabToolTip(
                    1, translate("AppWindow", "Your agents and their presence; reset a presence")
                )
        self.alert_bar.show_state(state.alerts)
        self.presence.show_customs(state.custom_presences)
        self.presence.show_state(state.presence, online=state.online)
        self.depth_controls.show_state(state, previous)
        self.offers.show_state(state.offers, now)
        self.no_offers.setVisible(not state.offers)
        self.toasts.show_state(state.toasts)
        self.sessions.show_state(state.sessions, state.outbox)
        for session in state.sessions:
            if session.work.work_id in self._bring_forward:
                self._bring_forward.discard(session.work.work_id)
                self.show_session(session.session_id)
        self._transfer_targets(state)
        if self._team is not None:  # built for a supervisor above; an agent has none
            self._team.show_customs(state.custom_presences)
            self._team.show_state(state.agents)
        self.customer_pages.show_state(state)
        self.status.show_state(state.connection, now, tried=self.sign_in_tried)
        self.sign_in_action.setEnabled(state.connection.status is not LinkStatus.ONLINE)
        for action in self.presence_actions.values():  # as the presence picker: online only
            action.setEnabled(state.online and state.presence is not None)
        if (
            state.identity is not None
            and state.identity.supervises
            and state.online
            and (previous is None or not previous.online)
        ):
            # Resubscribe after every (re)connect: the server forgets subscriptions with the link.
            self.tasks.run("List agents", self.core.list_agents())

    def _transfer_targets(self, state: AgentState) -> None:
        known = state.identity.queues if state.identity is not None else ()
        queues = sorted(known, key=lambda q: q.name.casefold())
        agents = [(a.agent, a.display_name) for a in state.agents or ()]
        # The dialog itself keeps the session's channel and adds its queue if unlisted.
        targets = (tuple(queues), tuple(agents))
        if targets != self._targets:  # the transfer dialogs only need rebuilding on change
            self._targets = targets
            self.sessions.set_transfer_targets(queues, agents)

    def _tick(self) -> None:
        now = self._now()
        self.offers.update_clock(now)
        if self._state is not None:
            self.sessions.update_clock(now + self._state.clock_offset)
            self.no_offers.setVisible(not self.offers.cards())
            if self._state.connection.status is LinkStatus.RECONNECTING:
                self.status.show_state(self._state.connection, now)

    # --- navigation --------------------------------------------------------------------------

    def show_offer(self, offer_id: OfferId) -> None:
        """Body click on a desktop notification: show the offer in the app.

        The Work page comes up with the offer's card scrolled into view and its Accept button
        focused, so Space answers it from the keyboard.
        """
        self.pages.setCurrentIndex(0)
        card = self.offers.card(offer_id)
        if card is not None:
            self.incoming.ensureWidgetVisible(card)
            card.accept_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_session(self, session_id: str) -> None:
        self.pages.setCurrentIndex(0)
        self.sessions.show_session(SessionId(session_id))

    def _show_title(self) -> None:
        """The taskbar shows the title: unread sessions are counted there too."""
        unread = self.sessions.unread_count()
        title = f"({unread}) {self._title}" if unread else self._title
        if self.windowTitle() != title:
            self.setWindowTitle(title)

    def _return_keyboard(self) -> None:
        """An answered card (resolved alert, closed toast) had the keyboard: back to the work
        in front, never onto a button (the next card's Accept included) where text would act."""
        if self.sessions.current_session() is not None and self.sessions.isVisible():
            self.sessions.focus_current()
        else:
            self.incoming.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_current_session(self) -> None:
        """The Work page with the keyboard in the session shown (or the first one)."""
        current = self.sessions.current_session()
        if current is None and self._state is not None and self._state.sessions:
            current = self._state.sessions[0].session_id
        if current is not None:
            self.show_session(current)

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard shortcuts."""
        if self.shortcuts_sheet is None:
            self.shortcuts_sheet = ShortcutsSheet(shortcut_rows(self), self)
        self.shortcuts_sheet.open()

    def show_timeline(self) -> None:
        self.pages.setCurrentWidget(self.timeline)

    def _on_page_changed(self, index: int) -> None:
        if self.pages.widget(index) is self.timeline:
            self.tasks.run("Presence history", self._load_timeline())

    async def _load_timeline(self) -> None:
        changes = await self.core.presence_timeline()
        self.timeline.show_state(changes, None)  # None: the agent's own history

    # --- window events -----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange:
            self.active_changed.emit(self.isActiveWindow())
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.quit_requested.emit()

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)
