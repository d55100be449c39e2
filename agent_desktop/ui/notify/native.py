"""The first link of the chain: OS-native notifications through desktop-notifier.

desktop-notifier picks one backend per OS (D-Bus on Linux, Notification Center on macOS,
WinRT toasts on Windows). Its `send()` never raises when delivery fails (it logs a warning,
see PLATFORM.md), so this adapter judges the path by `get_capabilities()` and
`has_authorisation()` at start, and each delivery by whether `on_dispatched` fired.

The `DesktopNotifier` is injected: tests on Linux hand in a real one talking to a real
D-Bus service; there is no double of it here.
"""

from __future__ import annotations

import asyncio
import logging
import math
import platform
from collections.abc import Callable
from dataclasses import dataclass

from desktop_notifier import Button, Capability, DesktopNotifier, Notification, Urgency

from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.notify.adapter import NoticeHandle
from agent_desktop.ui.notify.dbus_backend import close_by_dbus_id, dbus_id, name_body_action
from agent_desktop.ui.notify.notice import Notice, NoticeKey, NoticeResponder
from agent_desktop.ui.notify.path import NotificationPath, Probe
from agent_desktop.ui.notify.service_info import describe_notification_service

log = logging.getLogger(__name__)

# Stable action keys, never list indexes: a falsy "0" key once broke buttons on Linux
# (STYLE.md point 10). desktop-notifier sends `Button.identifier` as the D-Bus action key.
ACCEPT_ACTION = "accept"
REJECT_ACTION = "reject"
OPEN_ACTION = "open"
OPEN_LABEL = QT_TRANSLATE_NOOP("Notify", "Show in app")
"""The name of the body click too: dunst lists every action, the body's among them."""

# D-Bus calls have no timeout of their own: a frozen notification daemon would otherwise
# stall the self-test and every later notice behind it.
ANSWER_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class _Delivered:
    """A notification the OS took: desktop-notifier's identifier and the daemon's own id."""

    identifier: str
    dbus_id: int | None


class NativeNoticeAdapter:
    """Shows notices as OS notifications with Accept/Reject buttons where the OS allows."""

    def __init__(
        self,
        notifier: DesktopNotifier,
        responder: NoticeResponder,
        *,
        answer_timeout_s: float = ANSWER_TIMEOUT_S,
    ) -> None:
        self._notifier = notifier
        self._responder = responder
        self._answer_timeout_s = answer_timeout_s
        self._capabilities: frozenset[Capability] = frozenset()

    @property
    def path(self) -> NotificationPath:
        return NotificationPath.NATIVE

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the notification service supports, as learnt by `probe()`."""
        return self._capabilities

    async def probe(self) -> Probe:
        try:
            async with asyncio.timeout(self._answer_timeout_s):
                capabilities = await self._notifier.get_capabilities()
                authorised = await self._notifier.has_authorisation()
        except TimeoutError:
            return Probe(
                works=False,
                reason=translate(
                    "Notify", "The notification service did not answer within {seconds} s"
                ).format(seconds=f"{self._answer_timeout_s:g}"),
            )
        except Exception as exc:  # any failure here means "no native path"; say which
            return Probe(works=False, reason=_explain_failure(exc))
        if not capabilities:
            # desktop-notifier's do-nothing backend: an OS it has no backend for, or macOS
            # outside an app bundle. It accepts and "dispatches" everything, and shows nothing.
            return Probe(
                works=False,
                reason=translate(
                    "Notify",
                    "This system offers no native notifications to this app (on macOS it must "
                    "run as a signed app bundle)",
                ),
            )
        # macOS asks the user once, and waits for them: no timeout on that. Elsewhere asking
        # is a no-op that returns the setting.
        allowed = authorised or await self._notifier.request_authorisation()
        if not allowed:
            return Probe(
                works=False,
                reason=translate(
                    "Notify", "Notifications are turned off for this app in the system settings"
                ),
            )
        self._capabilities = capabilities
        name_body_action(self._notifier, translate("Notify", OPEN_LABEL))
        service = await describe_notification_service(self._answer_timeout_s)
        if Capability.BUTTONS in capabilities:
            return Probe(
                works=True,
                reason=translate(
                    "Notify", "Native notifications with Accept/Reject via {service}"
                ).format(service=service),
                buttons=True,
            )
        return Probe(
            works=True,
            reason=translate(
                "Notify",
                "Native notifications without buttons via {service}: it does not support "
                "actions, so offers are answered in the app",
            ).format(service=service),
            buttons=False,
        )

    async def show(self, notice: Notice) -> NoticeHandle | None:
        dispatched = False

        def mark_dispatched() -> None:
            nonlocal dispatched
            dispatched = True

        key = notice.key
        notification = Notification(
            title=notice.title,
            message=notice.body,
            # An offer starts at normal urgency so that its last call can raise it (on Linux
            # the D-Bus `urgency` hint: 1, then 2; a critical one stays up until answered).
            urgency=Urgency.Critical if notice.urgent else Urgency.Normal,
            buttons=self._buttons(notice),
            on_dispatched=mark_dispatched,
            on_clicked=self._answer(key, self._responder.on_open),
            on_dismissed=self._answer(key, self._responder.on_dismissed),
            # The OS may drop it at the offer's timeout on its own; the app withdraws it the
            # moment the offer is no longer pending, so the two never outlive each other.
            timeout=max(1, math.ceil(notice.timeout_s)),
        )
        try:
            async with asyncio.timeout(self._answer_timeout_s):
                await self._notifier.send_notification(notification)
        except TimeoutError:
            log.info("the notification service did not take %s in time", key)
            return None
        # Every desktop-notifier backend calls on_dispatched inside send() once the OS took
        # the notification; not called means it was lost (and only logged upstream).
        if not dispatched:
            return None
        return _Delivered(notification.identifier, dbus_id(self._notifier, notification.identifier))

    async def withdraw(self, handle: NoticeHandle) -> None:
        assert isinstance(handle, _Delivered)
        try:
            async with asyncio.timeout(self._answer_timeout_s):
                try:
                    await self._notifier.clear(handle.identifier)
                except KeyError:
                    # desktop-notifier forgot it: a button was pressed, or the daemon closed
                    # it. After a press it may still be up with live buttons: close it by id.
                    if handle.dbus_id is not None:
                        await close_by_dbus_id(self._notifier, handle.dbus_id)
        except Exception:
            # A notification we cannot take back is stale, not fatal: the OS times it out.
            log.info("could not withdraw notification %s", handle.identifier, exc_info=True)

    async def close(self) -> None:
        # desktop-notifier offers no way to close the D-Bus connection it opened; left open, its
        # reader fails with EOFError once the bus goes away. Reach in, once, at close.
        bus = getattr(getattr(self._notifier, "_backend", None), "bus", None)
        disconnect = getattr(bus, "disconnect", None)
        if callable(disconnect):
            disconnect()

    def _buttons(self, notice: Notice) -> tuple[Button, ...]:
        offer_id = notice.offer_id
        if Capability.BUTTONS not in self._capabilities or offer_id is None:
            return ()
        buttons: list[Button] = []
        if notice.accept_label:
            buttons.append(
                Button(
                    title=notice.accept_label,
                    identifier=ACCEPT_ACTION,
                    on_pressed=self._answer_offer(offer_id, self._responder.on_accept),
                )
            )
        if notice.reject_label:
            buttons.append(
                Button(
                    title=notice.reject_label,
                    identifier=REJECT_ACTION,
                    on_pressed=self._answer_offer(offer_id, self._responder.on_reject),
                )
            )
        if Capability.ON_CLICKED not in self._capabilities:
            # Without a body click (xfce4-notifyd) a button is the only way to the app.
            buttons.append(
                Button(
                    title=translate("Notify", OPEN_LABEL),
                    identifier=OPEN_ACTION,
                    on_pressed=self._answer(notice.key, self._responder.on_open),
                )
            )
        return tuple(buttons)

    @staticmethod
    def _answer(key: NoticeKey, callback: Callable[[NoticeKey], None]) -> Callable[[], None]:
        return lambda: callback(key)

    @staticmethod
    def _answer_offer(offer_id: OfferId, callback: Callable[[OfferId], None]) -> Callable[[], None]:
        return lambda: callback(offer_id)


def _explain_failure(exc: Exception) -> str:
    if platform.system() == "Linux":
        from dbus_fast.errors import DBusError, InvalidAddressError

        if isinstance(exc, OSError | InvalidAddressError):
            return translate("Notify", "No D-Bus session bus ({why})").format(why=exc)
        if isinstance(exc, DBusError):
            return translate("Notify", "No notification service on the session bus ({why})").format(
                why=exc
            )
    return translate("Notify", "Native notifications failed their self-test ({why})").format(
        why=f"{type(exc).__name__}: {exc}"
    )
