"""Carries out the core's "tell the agent" decisions: OS notification, sound, taskbar flash.

The core decides *whether* (policy); this decides *how*, through the notification chain, the
sound player and `QApplication.alert`. Answers pressed on a notification go to the
app (`DesktopApp`), which turns them into the same intents as the in-app buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from agent_desktop.protocol.model import Notification
from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.effects import AlertArrived, OfferArrived, OfferLeft, ToastArrived
from agent_desktop.ui.notify.notice import Notice
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.sound import IncomingSound
from agent_desktop.ui.tasks import TaskOwner

REPEAT_SOUND_MS = 4000
"""How often an unanswered offer rings again when the agent asked for it."""


def _lines(notification: Notification) -> tuple[str, ...]:
    return tuple(f"{field.label}: {field.value}" for field in notification.fields)


def offer_notice(offer_id: OfferId, notification: Notification, timeout_s: float) -> Notice:
    """The OS notification for an offer: template title and fields, never the countdown."""
    return Notice(
        offer_id=offer_id,
        title=notification.title,
        lines=_lines(notification),
        kind=NotificationKind.ALERT,
        timeout_s=timeout_s,
        accept_label=notification.accept_label,
        reject_label=notification.reject_label,
    )


class Announcer:
    def __init__(
        self,
        core: AgentCore,
        notifier: OfferNotifier,
        tasks: TaskOwner,
        window: QWidget,
        *,
        sound: IncomingSound | None = None,
    ) -> None:
        self.core = core
        self._notifier = notifier
        self._tasks = tasks
        self._window = window
        self._sound = sound or IncomingSound()
        self._ringing: dict[OfferId, QTimer] = {}
        """Offers whose sound repeats until they are answered or gone."""

    def announce(self, announcement: Announcement) -> None:
        decision = announcement.decision
        match announcement.effect:
            case OfferArrived(offer=pending):
                if decision is not None and decision.os_notification:
                    notice = offer_notice(
                        pending.offer_id,
                        pending.offer.notification,
                        pending.remaining(self.core.clock.now()),
                    )
                    self._tasks.run("Show notification", self._notifier.show(notice))
            case ToastArrived(toast=shown):
                if decision is not None and decision.os_notification:
                    toast = shown.toast
                    notice = Notice(
                        offer_id=OfferId(f"toast:{toast.session_id}"),
                        title=toast.title,
                        lines=tuple(f"{f.label}: {f.value}" for f in toast.fields),
                        kind=NotificationKind.TOAST,
                        timeout_s=toast.dismiss_after_s,
                        accept_label=None,
                        reject_label=None,
                    )
                    self._tasks.run("Show notification", self._notifier.show(notice))
            case OfferLeft(offer_id=offer_id):
                self._stop_ringing(offer_id)
                self._tasks.run("Withdraw notification", self._notifier.withdraw(offer_id))
                return
            case AlertArrived():
                QApplication.alert(self._window, 0)
                return
        if decision is None:
            return
        if decision.sound:
            self._sound.play()
        if decision.repeat_sound and isinstance(announcement.effect, OfferArrived):
            self._ring(announcement.effect.offer.offer_id)
        if decision.flash:
            # On Windows a window may not steal focus: flash the taskbar, raise on click.
            QApplication.alert(self._window, 0)

    def _ring(self, offer_id: OfferId) -> None:
        """Repeat the sound until the offer leaves ("repeat until answered")."""
        timer = QTimer(self._window)
        timer.setInterval(REPEAT_SOUND_MS)
        timer.timeout.connect(self._sound.play)
        timer.start()
        self._ringing[offer_id] = timer

    def _stop_ringing(self, offer_id: OfferId) -> None:
        timer = self._ringing.pop(offer_id, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()

    def close(self) -> None:
        for offer_id in list(self._ringing):
            self._stop_ringing(offer_id)
