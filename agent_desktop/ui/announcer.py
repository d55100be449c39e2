"""Carries out the core's "tell the agent" decisions: OS notification, sound, taskbar flash.

The core decides *whether* (policy); this decides *how*, through the notification chain, the
sound player and `QApplication.alert`. Answers pressed on a notification go to the
app (`DesktopApp`), which turns them into the same intents as the in-app buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from agent_desktop.protocol.model import Toast
from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.effects import AlertArrived, OfferArrived, OfferLeft, ToastArrived
from agent_desktop.session.ladder import OfferEscalated, Rung
from agent_desktop.session.state import PendingOffer, ShownToast
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.notify.notice import Notice, OfferKey, ToastKey
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.screen_reader import ScreenReader
from agent_desktop.ui.sound import IncomingSound
from agent_desktop.ui.tasks import TaskOwner
from agent_desktop.ui.widgets.server_words import (
    alert_text,
    field_label,
    field_value,
    server_text,
    toast_title,
)

REPEAT_SOUND_MS = 4000
"""How often an unanswered offer rings again when the agent asked for it."""


def _titled(title: str, customer: str) -> str:
    """The customer in the title: two offers side by side (or listed by dunst) differ."""
    if not customer or customer in title:
        return title
    return f"{title} — {customer}"


def offer_notice(pending: PendingOffer, now: float, *, urgent: bool = False) -> Notice:
    """The OS notification for an offer: template title and fields, never the countdown.

    `urgent` for the escalation ladder's last call: critical urgency, still no number.
    """
    notification = pending.offer.notification
    return Notice(
        key=OfferKey(pending.offer_id),
        title=_titled(server_text(notification.title), pending.offer.work.customer.name),
        lines=tuple(f"{field_label(f)}: {field_value(f)}" for f in notification.fields),
        kind=NotificationKind.ALERT,
        timeout_s=pending.remaining(now),
        accept_label=server_text(notification.accept_label),
        reject_label=(
            server_text(notification.reject_label) if notification.reject_label else None
        ),
        urgent=urgent,
    )


def toast_notice(shown: ShownToast, customer: str) -> Notice:
    toast: Toast = shown.toast
    return Notice(
        key=ToastKey.of(shown),
        title=_titled(toast_title(toast), customer),
        lines=tuple(f"{field_label(f)}: {field_value(f)}" for f in toast.fields),
        kind=NotificationKind.TOAST,
        timeout_s=toast.dismiss_after_s,
        accept_label=None,
        reject_label=None,
    )


class Announcer:
    """Turns the core's announcements into notices, sounds and taskbar flashes."""

    def __init__(
        self,
        core: AgentCore,
        notifier: OfferNotifier,
        tasks: TaskOwner,
        window: QWidget,
        *,
        sound: IncomingSound | None = None,
        screen_reader: ScreenReader | None = None,
    ) -> None:
        self.core = core
        self._screen_reader = screen_reader or ScreenReader(window)
        self._notifier = notifier
        self._tasks = tasks
        self._window = window
        self._sound = sound or IncomingSound()
        self._ring_for: set[OfferId] = set()
        """Offers whose arrival asked to ring until answered; pruned to the pending ones."""
        self._ring = QTimer(window)
        self._ring.setInterval(REPEAT_SOUND_MS)
        self._ring.timeout.connect(self._ring_again)

    def announce(self, announcement: Announcement) -> None:
        decision = announcement.decision
        match announcement.effect:
            case OfferArrived(offer=pending):
                notice = offer_notice(pending, self.core.clock.now())
                self._screen_reader.announce(notice.title, urgent=True)
                if decision is not None and decision.os_notification:
                    self._tasks.run("Show notification", self._notifier.show(notice))
            case ToastArrived(toast=shown):
                self._screen_reader.announce(toast_title(shown.toast))
                if decision is not None and decision.os_notification:
                    session = self.core.state.session(shown.toast.session_id)
                    customer = session.work.customer.name if session is not None else ""
                    notice = toast_notice(shown, customer)
                    self._tasks.run("Show notification", self._notifier.show(notice))
            case OfferEscalated(offer=pending, rung=rung):
                self._escalate(pending, rung, announcement)
            case OfferLeft():
                self._prune_ringing()
                self.reconcile()
                return
            case AlertArrived(alert=alert):
                if alert.message or alert.channel:
                    self._screen_reader.announce(alert_text(alert), urgent=True)

                QApplication.alert(self._window, 0)
                return
        if decision is None:
            return
        if decision.sound:
            self._sound.play()
        if decision.repeat_sound and isinstance(announcement.effect, OfferArrived | OfferEscalated):
            self._ring_for.add(announcement.effect.offer.offer_id)
            self._ring.start()
        if decision.flash:
            # On Windows a window may not steal focus: flash the taskbar, raise on click.
            QApplication.alert(self._window, 0)

    @property
    def ringing(self) -> bool:
        """The sound repeats for an offer still waiting for an answer."""
        return self._ring.isActive()

    def _escalate(self, pending: PendingOffer, rung: Rung, announcement: Announcement) -> None:
        """A rung of the ladder: the sound and flash follow below; the last call also brings
        the OS notification back, urgent (it replaces the one showing)."""
        decision = announcement.decision
        if rung is not Rung.LAST_CALL or decision is None:
            return
        title = offer_notice(pending, self.core.clock.now()).title
        self._screen_reader.announce(
            translate("Announcer", "Still waiting for your answer: {title}").format(title=title),
            urgent=True,
        )
        if decision.os_notification and decision.urgent:
            notice = offer_notice(pending, self.core.clock.now(), urgent=True)
            self._tasks.run("Show notification", self._notifier.show(notice))

    def reconcile(self) -> None:
        """Take away every notice whose offer or toast has left the core's state."""
        if self._notifier.has_stale():
            self._tasks.run("Withdraw notification", self._notifier.reconcile())

    def _prune_ringing(self) -> None:
        pending = {o.offer_id for o in self.core.state.offers}
        self._ring_for &= pending
        if not self._ring_for:
            self._ring.stop()

    def _ring_again(self) -> None:
        """Repeat the sound until the offer leaves ("repeat until answered")."""
        self._prune_ringing()
        if self._ring_for:
            self._sound.play()

    def close(self) -> None:
        self._ring_for.clear()
        self._ring.stop()
