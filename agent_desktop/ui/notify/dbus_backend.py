"""Two things desktop-notifier's Linux (D-Bus) backend does not do, done from outside it.

Both reach into the backend's attributes (`interface`, the id map); on any other backend, or
should those attributes move in a later version, each is a no-op rather than an error.

- It forgets a notification's D-Bus id as soon as a button is pressed, so `clear()` can no
  longer close it. The notification spec leaves closing after an action to the daemon (a
  resident notification, and some daemons, keep it up with working buttons): the app closes
  it itself once its offer is no longer pending.
- It sends the body-click action as `"default"` with an empty label, which dunst lists as a
  blank entry in its action menu: the label is filled in.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from desktop_notifier import DesktopNotifier

log = logging.getLogger(__name__)

BODY_ACTION = "default"


def _backend(notifier: DesktopNotifier) -> Any:
    return getattr(notifier, "_backend", None)


def dbus_id(notifier: DesktopNotifier, identifier: str) -> int | None:
    """The daemon's id for a notification just sent (None off D-Bus)."""
    ids = getattr(_backend(notifier), "_platform_to_interface_notification_identifier", None)
    inverse = getattr(ids, "inverse", None)
    if inverse is None:
        return None
    found = inverse.get(identifier)
    return found if isinstance(found, int) else None


async def close_by_dbus_id(notifier: DesktopNotifier, notification_id: int) -> None:
    """CloseNotification for an id the backend has already forgotten."""
    interface = getattr(_backend(notifier), "interface", None)
    close = getattr(interface, "call_close_notification", None)
    if close is None:
        return
    # The daemon answers with an error when the notification is already gone: nothing to do.
    with contextlib.suppress(Exception):
        await close(notification_id)


def name_body_action(notifier: DesktopNotifier, label: str) -> None:
    """Give the body-click action a label (call after the backend has connected)."""
    interface: Any = getattr(_backend(notifier), "interface", None)
    notify: Callable[..., Awaitable[Any]] | None = getattr(interface, "call_notify", None)
    if interface is None or notify is None or getattr(notify, "_names_body_action", False):
        return

    async def call_notify(
        app_name: str,
        replaces_id: int,
        icon: str,
        title: str,
        body: str,
        actions: list[str],
        *rest: Any,
    ) -> Any:
        named = list(actions)
        for index in range(0, len(named) - 1, 2):
            if named[index] == BODY_ACTION and not named[index + 1]:
                named[index + 1] = label
        return await notify(app_name, replaces_id, icon, title, body, named, *rest)

    call_notify._names_body_action = True  # type: ignore[attr-defined]  # marks it wrapped
    interface.call_notify = call_notify
