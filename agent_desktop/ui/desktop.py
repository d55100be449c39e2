"""`DesktopApp`: the running app, wiring the core, the window, notifications and the tray.

It owns every long-lived part and tears them down in order at quit. The window renders state;
this object decides the app's lifecycle: sign in, start, watch for sleep and network changes,
sign out, quit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from agent_desktop.clock import Clock, SystemClock
from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.session.core import AgentCore
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import AgentState, LinkStatus
from agent_desktop.ui.announcer import Announcer
from agent_desktop.ui.app_window import AppWindow
from agent_desktop.ui.first_paint import AfterFirstPaint
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.leave_dialog import LeaveGuard, Leaving
from agent_desktop.ui.message_notices import MessageNotices
from agent_desktop.ui.notify.chain import build_offer_notifier
from agent_desktop.ui.notify.notice import NoticeKey, OfferKey, is_live
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.notify.path import PathReport
from agent_desktop.ui.os_identity import notification_icon
from agent_desktop.ui.os_keyring import OsTokenStore
from agent_desktop.ui.os_state import OsStateWatch
from agent_desktop.ui.os_state_backends import DeferredOsState
from agent_desktop.ui.screen_reader import ScreenReader
from agent_desktop.ui.settings_store import Preferences, SettingsStore
from agent_desktop.ui.sign_in_problem import sign_in_problem
from agent_desktop.ui.sound import IncomingSound
from agent_desktop.ui.tasks import TaskOwner
from agent_desktop.ui.wake_watch import WakeWatch
from agent_desktop.ui.widgets.tray import TrayIcon

if TYPE_CHECKING:  # the dialogs are imported when first opened: the first paint needs neither
    from agent_desktop.ui.login import LoginDialog
    from agent_desktop.ui.widgets.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)

FRAME_MS = 16
"""Renders are coalesced to about one per frame (60 Hz)."""
FIRST_SIGN_IN = QT_TRANSLATE_NOOP("Desktop", "Enter your password to sign in.")


@dataclass(frozen=True)
class StartOptions:
    settings: Settings
    password: str | None = None
    """Given for the demo; otherwise the token from the keyring, or the sign-in dialog."""
    keep_token: bool = True
    """False for the demo: its server lives only as long as the app."""
    settings_problem: str | None = None


class DesktopApp(QObject):
    def __init__(
        self,
        app: QApplication,
        store: SettingsStore,
        options: StartOptions,
        *,
        clock: Clock | None = None,
        notifier: OfferNotifier | None = None,
        sound: IncomingSound | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.store = store
        self.options = options
        self.settings = options.settings
        self.clock = clock or SystemClock()
        self.quit_event = asyncio.Event()
        self.tasks = TaskOwner(self._refused)
        self.core = self._make_core(options.settings, options.password)
        self.window = AppWindow(self.core, self.tasks, now=self.clock.now)
        self.window.sign_in_tried = options.password is not None
        self.tray = TrayIcon(self)
        self.notification_report: PathReport | None = None
        self.notifier = notifier or build_offer_notifier(
            self,
            tray=self.tray.tray,
            window=self.window,
            app_icon=notification_icon(),
            on_path_reported=self._on_path_reported,
            is_live=lambda key: is_live(self.core.state, key),
        )
        self.screen_reader = ScreenReader(self.window)
        self.announcer = Announcer(
            self.core,
            self.notifier,
            self.tasks,
            self.window,
            sound=sound,
            screen_reader=self.screen_reader,
        )
        self.messages = MessageNotices(
            self.notifier,
            self.tasks,
            enabled=store.load_preferences().message_notices,
            screen_reader=self.screen_reader,
        )
        self._unsubscribe = self._attach(self.core)
        self._login: LoginDialog | None = None
        self.leaving = LeaveGuard(self.window, lambda: self.core.state, self._leave)
        """Quit and Sign out ask first when work is open."""
        self._settings_dialog: SettingsDialog | None = None
        # A sign-in with a typed (or given) password that has not reached the server yet: if
        # the link fails, the agent hears why in the sign-in dialog instead of endless retries.
        # A resume (stored token, or after being online) keeps retrying by itself.
        self._first_sign_in = options.password is not None
        self._latest: AgentState | None = None
        self._painted_link: LinkStatus | None = None
        self._notice_shown: str | None = None
        self._paint = QTimer(self)
        self._paint.setSingleShot(True)
        self._paint.setInterval(FRAME_MS)
        self._paint.timeout.connect(self._paint_latest)
        self.wake_watch = WakeWatch(self.clock, self)
        self.os_state = OsStateWatch(
            DeferredOsState(),
            goodbye=self._goodbye_before_sleep,
            come_back=self._come_back_after_sleep,
            note=lambda text: self.window.show_message(text, 15000),
        )
        """Goodbye before the machine sleeps (offers rerouted in seconds), back after wake."""
        self._back_after_sleep = False
        # What the first paint of the signed-in window does not need starts after it: the
        # notification self-test (desktop-notifier, dbus-fast), the OS-state and network
        # watches. A notice due before then still goes out: the chain loads at its first use.
        self.after_start = AfterFirstPaint(self.window, self._watch_the_desktop)
        self._watching_os: asyncio.Task[None] | None = None
        self._wire()

    # --- NoticeResponder: answers pressed on a desktop notification ----------------------------

    def on_accept(self, offer_id: OfferId) -> None:
        self.bring_to_front()
        self.window.accept_offer(offer_id)

    def on_reject(self, offer_id: OfferId) -> None:
        self.tasks.run("Reject", self.core.reject(offer_id))

    def on_open(self, key: NoticeKey) -> None:
        """Body click: the window comes to front with the offer (or toast's session) shown."""
        self.bring_to_front()
        if isinstance(key, OfferKey):
            self.window.show_offer(key.offer_id)
        else:  # a toast or a customer's message: its session
            self.window.show_session(key.session_id)

    def on_dismissed(self, key: NoticeKey) -> None:
        """Closing the notification answers nothing: the offer stays in the app until expiry."""

    def _attach(self, core: AgentCore) -> list[Callable[[], None]]:
        """Render the core's state and announce its news; returns the ways to detach."""
        return [core.subscribe(self._render), core.on_announcement(self.announcer.announce)]

    def _make_core(self, settings: Settings, password: str | None) -> AgentCore:
        # The core's link is built from these (a CA makes its TLS context): a change needs a
        # new core. Its other settings (notifications, sound) are updated in place.
        self._core_link = _link_identity(settings)
        tokens = (
            OsTokenStore(settings.server_url, settings.user)
            if self.options.keep_token and settings.user
            else None
        )
        if tokens is not None:
            # The keyring is read while the window is built; the core takes the token at start.
            tokens.prefetch()
        return AgentCore(settings, password=password, token_store=tokens, clock=self.clock)

    def _wire(self) -> None:
        window = self.window
        window.quit_requested.connect(lambda: self.leaving.ask(Leaving.QUIT))
        window.sign_out_requested.connect(lambda: self.leaving.ask(Leaving.SIGN_OUT))
        window.settings_requested.connect(self.open_settings)
        window.sign_in_requested.connect(
            lambda: self.ask_for_password(None, note=translate("Desktop", FIRST_SIGN_IN))
        )
        window.active_changed.connect(self._on_active_changed)
        self.tray.presence_chosen.connect(
            lambda presence: self.tasks.run("Set presence", self.core.set_presence(presence))
        )
        self.tray.custom_chosen.connect(window.depth_controls.choose_custom)
        window.depth_controls.wrap_ups.announcement.connect(
            lambda text, urgent: self.screen_reader.announce(text, urgent=urgent)
        )
        self.tray.show_requested.connect(self.bring_to_front)
        self.tray.quit_requested.connect(lambda: self.leaving.ask(Leaving.QUIT))
        self.wake_watch.reconnect_needed.connect(
            lambda: self.tasks.run("Reconnect", self.core.force_reconnect())
        )

    # --- lifecycle ---------------------------------------------------------------------------

    async def run(self) -> int:
        geometry = self.store.load_geometry()
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        self.window.show()
        self.tray.tray.show()
        self.window.show_state(self.core.state)
        if self.options.settings_problem:
            self.window.show_message(self.options.settings_problem, 15000)
        if not self.settings.user:
            self.ask_for_password(
                None, note=translate("Desktop", "Sign in to start receiving work.")
            )
            self.after_start.arm()
        else:
            await self.core.start()
        await self.quit_event.wait()
        await self._shut_down()
        return 0

    def _watch_the_desktop(self) -> None:
        self.tasks.run("Notification self-test", self.notifier.start())
        self.wake_watch.start()
        self._watching_os = self.tasks.run("Watch the OS state", self.os_state.start())

    def quit(self) -> None:
        """Quit now, without asking (the agent confirmed, or a test or the OS asked)."""
        self.quit_event.set()

    def _leave(self, leaving: Leaving) -> None:
        if leaving is Leaving.QUIT:
            self.quit()
        else:
            self.tasks.run("Sign out", self.sign_out())

    async def _shut_down(self) -> None:
        self.after_start.cancel()
        self.wake_watch.stop()
        if self._watching_os is not None and not self._watching_os.done():
            self._watching_os.cancel()  # a quit before the watch had started
            await asyncio.gather(self._watching_os, return_exceptions=True)
        await self.os_state.close()
        self.store.save_geometry(self.window.saveGeometry())
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._paint.stop()
        self.announcer.close()
        with contextlib.suppress(Exception):
            await self.notifier.close()
        # A quit says goodbye so the server reroutes offers in seconds, and keeps the token.
        await self.core.quit()
        await self.tasks.close()
        self.tray.tray.hide()
        self.window.hide()

    async def _goodbye_before_sleep(self) -> None:
        # Only a core that was signed in (or trying) comes back after the wake: an agent who
        # went offline on purpose stays offline.
        self._back_after_sleep = self.core.state.connection.status in (
            LinkStatus.ONLINE,
            LinkStatus.CONNECTING,
            LinkStatus.RECONNECTING,
        )
        await self.core.quit()

    async def _come_back_after_sleep(self) -> None:
        # The goodbye kept the token: this resumes without the password.
        if self._back_after_sleep and self.core.state.connection.status is LinkStatus.OFFLINE:
            self._back_after_sleep = False
            await self.core.start()

    async def sign_out(self) -> None:
        await self.core.logout()
        self.ask_for_password(
            None, note=translate("Desktop", "You signed out. Enter your password to sign in again.")
        )

    # --- sign in -----------------------------------------------------------------------------

    def _render(self, state: AgentState) -> None:
        self._watch_first_sign_in(state)
        # Not coalesced: a notice leaves the desktop the moment its offer is no longer pending.
        self.announcer.reconcile()
        self.messages.show_state(state)
        # Bursts of events (a busy chat, a resync) are coalesced: the window paints the newest
        # state at most once per frame instead of once per message.
        self._latest = state
        if state.connection.status is not self._painted_link:
            # A link change paints at once: a drop shows Offline even when the resume is quicker
            # than a frame, so the agent never sees Available over a link being replaced.
            self._paint.stop()
            self._paint_latest()
        elif not self._paint.isActive():
            self._paint.start()

    def _paint_latest(self) -> None:
        state = self._latest
        if state is None:
            return
        self._latest = None
        self._painted_link = state.connection.status
        self.window.show_state(state)
        if state.connection.status is not LinkStatus.CONNECTING:
            self.after_start.arm()  # the start has settled: signed in, refused or retrying
        self.tray.show_state(state.shown_presence, self.window.sessions.unread_count())
        custom = state.presence.custom if state.presence is not None and state.online else None
        self.tray.show_customs(state.custom_presences, custom)
        if state.connection.status is LinkStatus.AUTH_FAILED and self._login is None:
            if self.window.sign_in_tried:
                self.ask_for_password(state.connection.detail)
            else:  # no token and no password yet: nothing failed, the agent signs in
                self.ask_for_password(None, note=translate("Desktop", FIRST_SIGN_IN))
        if state.credentials_notice and state.credentials_notice != self._notice_shown:
            self._notice_shown = state.credentials_notice
            self.window.show_message(state.credentials_notice, 15000)

    def _watch_first_sign_in(self, state: AgentState) -> None:
        status = state.connection.status
        if status in (LinkStatus.CONNECTING, LinkStatus.ONLINE, LinkStatus.RECONNECTING):
            self.window.sign_in_tried = True
        if status is LinkStatus.ONLINE or status is LinkStatus.AUTH_FAILED:
            self._first_sign_in = False
        elif self._first_sign_in and status is LinkStatus.RECONNECTING:
            self._first_sign_in = False
            problem = sign_in_problem(self.core.settings.server_url, state.connection.detail)
            log.info("first sign-in failed: %s", state.connection.detail)
            self.tasks.run("Stop signing in", self._stop_signing_in(problem))

    async def _stop_signing_in(self, problem: str) -> None:
        await self.core.close()
        self.ask_for_password(problem)

    def ask_for_password(self, problem: str | None, *, note: str | None = None) -> None:
        """The sign-in dialog with why the last try failed (`problem`) or what to do (`note`)."""
        if self._login is not None:
            if note is not None:
                self._login.show_note(note)
            else:
                self._login.show_problem(problem)
            return
        from agent_desktop.ui.login import LoginDialog

        dialog = LoginDialog(self.settings, problem, self.window)
        if note is not None:
            dialog.show_note(note)
        dialog.submitted.connect(self._signed_in)
        dialog.rejected.connect(self._login_cancelled)
        dialog.settings_requested.connect(self.open_settings)
        self._login = dialog
        dialog.open()

    def _signed_in(self, settings: Settings, password: str) -> None:
        self._login = None
        self.window.sign_in_tried = True
        self._first_sign_in = True
        self.tasks.run("Sign in", self._restart(settings, password))

    def _login_cancelled(self) -> None:
        self._login = None
        if self.core.state.connection.status is not LinkStatus.ONLINE:
            self.window.show_message(
                translate("Desktop", "Not signed in. Choose Agent Desktop ▸ Sign in… to sign in.")
            )

    async def _restart(self, settings: Settings, password: str) -> None:
        if settings != self.settings:
            self.settings = settings
            self.store.save(settings)
        if _link_identity(settings) != self._core_link:
            await self._replace_core(settings, password)
            return
        self.core.login(password)
        await self.core.start()

    async def _replace_core(self, settings: Settings, password: str) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        await self.core.close()
        self.core = self._make_core(settings, password)
        self.window.core = self.core
        self.announcer.core = self.core
        self._unsubscribe = self._attach(self.core)
        self.core.set_window_active(self.window.isActiveWindow())
        await self.core.start()

    # --- settings ----------------------------------------------------------------------------

    def open_settings(self) -> None:
        # Over the sign-in dialog when it is open (it is modal): a CA is added from there.
        parent = self._login if self._login is not None else self.window
        from agent_desktop.ui.widgets.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, parent, self.store.load_preferences())
        dialog.preferences_accepted.connect(self._preferences_changed)
        if self.notification_report is not None:
            dialog.set_self_test_result(self.notification_report.reason)
        dialog.settings_accepted.connect(self._settings_changed)
        dialog.finished.connect(self._settings_closed)
        self._settings_dialog = dialog
        dialog.open()

    def _settings_closed(self) -> None:
        if self._settings_dialog is not None:
            self._settings_dialog.deleteLater()
            self._settings_dialog = None

    def _settings_changed(self, settings: Settings) -> None:
        moved = _link_identity(settings) != _link_identity(self.settings)
        self.settings = settings
        self.store.save(settings)
        _use_settings(self.core, settings)
        if self._login is not None:
            self._login.set_settings(settings)
        elif moved:
            self.ask_for_password(
                None,
                note=translate("Desktop", "Sign in to use the new server, user or CA certificate."),
            )

    def _preferences_changed(self, preferences: Preferences) -> None:
        self.store.save_preferences(preferences)
        self.messages.enabled = preferences.message_notices

    def _on_path_reported(self, report: PathReport) -> None:
        self.notification_report = report
        self.window.status.set_notification_path(report.short_text)
        self.window.status.notification_path.setToolTip(report.reason)
        if report.fallback:
            self.window.show_message(report.reason, 15000)

    # --- focus -------------------------------------------------------------------------------

    def _on_active_changed(self, active: bool) -> None:
        self.core.set_window_active(active)
        self.messages.set_window_active(active)

    def bring_to_front(self) -> None:
        if self.window.isMinimized():
            self.window.showNormal()
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def _refused(self, text: str) -> None:
        self.window.show_message(text)


def _use_settings(core: AgentCore, settings: Settings) -> None:
    """The running core decides the next offer's notification and sound with `settings`."""
    if _link_identity(settings) == _link_identity(core.settings):
        core.use_settings(settings)


def _link_identity(settings: Settings) -> tuple[str, str, str | None]:
    """What the core's connection is built from: a change needs a new core (and a sign-in)."""
    return settings.server_url, settings.user, settings.ca_path
