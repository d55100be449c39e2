"""The OS state on Linux, over D-Bus (dbus-fast, already here for desktop-notifier).

- Sleep: systemd-logind's `org.freedesktop.login1.Manager.PrepareForSleep(true)` on the SYSTEM
  bus comes just before suspend or hibernate, `(false)` after resume. A "delay" inhibitor
  (`Inhibit("sleep", …, "delay")`) holds the sleep back until we close its file descriptor, at
  most logind's `InhibitDelayMaxSec` (5 s by default): time for the goodbye to leave.
- Lock: the logind session of this process (`GetSessionByPID`) signals `Lock` and `Unlock`.
- Do Not Disturb: dunst exposes `paused` on `org.dunstproject.cmd0` (session bus) and announces
  changes with `PropertiesChanged`. GNOME keeps it in the setting
  `org.gnome.desktop.notifications show-banners` (not read here: no GSettings binding in the
  app's dependencies); other notification servers have no common interface for it.

A part that is missing (no system bus in a container, no logind, a daemon other than dunst)
is skipped and named in the description `start()` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Coroutine
from typing import Any, Final

from dbus_fast import BusType, Message, MessageFlag, MessageType
from dbus_fast.aio import MessageBus
from dbus_fast.errors import DBusError

from agent_desktop.ui.os_state import OsStateListener

log = logging.getLogger(__name__)

LOGIN1: Final = "org.freedesktop.login1"
LOGIN1_PATH: Final = "/org/freedesktop/login1"
MANAGER: Final = "org.freedesktop.login1.Manager"
SESSION: Final = "org.freedesktop.login1.Session"
NOTIFICATIONS: Final = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH: Final = "/org/freedesktop/Notifications"
DUNST: Final = "org.dunstproject.cmd0"
PROPERTIES: Final = "org.freedesktop.DBus.Properties"
CALL_TIMEOUT_S: Final = 3.0


class LinuxOsState:
    """logind (sleep, lock) on the system bus and dunst (pause) on the session bus."""

    implemented = True

    def __init__(self) -> None:
        self._system: MessageBus | None = None
        self._session: MessageBus | None = None
        self._listener: OsStateListener | None = None
        self._inhibitor: int | None = None
        """The delay lock's file descriptor: sleep waits until it is closed."""
        self._session_path: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, listener: OsStateListener) -> str:
        self._listener = listener
        parts = [await self._watch_logind(), await self._watch_dunst()]
        return "; ".join(parts)

    async def close(self) -> None:
        self._release()
        for task in list(self._tasks):
            task.cancel()
        for bus in (self._system, self._session):
            if bus is not None:
                bus.disconnect()
        self._system = self._session = None

    # --- logind ------------------------------------------------------------------------------

    async def _watch_logind(self) -> str:
        try:
            bus = await MessageBus(bus_type=BusType.SYSTEM, negotiate_unix_fd=True).connect()
        except Exception as exc:  # no system bus (a container): nothing to watch there
            return f"sleep and lock not watched: no system bus ({exc})"
        self._system = bus
        bus.add_message_handler(self._on_system_message)
        # sender= keeps other programs on the system bus from faking a sleep.
        await _add_match(
            bus, f"type='signal',sender='{LOGIN1}',interface='{MANAGER}',member='PrepareForSleep'"
        )
        said = ["sleep via logind"]
        if await self._take_delay_lock():
            said.append("with a delay lock")
        try:
            reply = await _call(
                bus, LOGIN1, LOGIN1_PATH, MANAGER, "GetSessionByPID", "u", [os.getpid()]
            )
            self._session_path = str(reply.body[0])
            await _add_match(
                bus,
                f"type='signal',sender='{LOGIN1}',interface='{SESSION}',"
                f"path='{self._session_path}'",
            )
            said.append("screen lock via the logind session")
        except (DBusError, TimeoutError) as exc:
            said.append(f"screen lock not watched ({exc})")
        return ", ".join(said)

    async def _take_delay_lock(self) -> bool:
        bus = self._system
        if bus is None or self._inhibitor is not None:
            return self._inhibitor is not None
        why = "Say goodbye to the routing server so offers go to other agents at once"
        try:
            reply = await _call(
                bus,
                LOGIN1,
                LOGIN1_PATH,
                MANAGER,
                "Inhibit",
                "ssss",
                ["sleep", "Agent Desktop", why, "delay"],
            )
        except (DBusError, TimeoutError) as exc:
            log.info("no sleep delay lock (%s): the goodbye races the sleep", exc)
            return False
        if reply.unix_fds:
            self._inhibitor = reply.unix_fds[0]
            return True
        return False

    def _release(self) -> None:
        if self._inhibitor is not None:
            with contextlib.suppress(OSError):
                os.close(self._inhibitor)
            self._inhibitor = None

    def _on_system_message(self, message: Message) -> None:
        if message.message_type is not MessageType.SIGNAL or self._listener is None:
            return
        if message.interface == MANAGER and message.member == "PrepareForSleep":
            going = bool(message.body[0])
            self._run(self._before_sleep() if going else self._after_wake())
        elif (
            message.interface == SESSION
            and message.path == self._session_path
            and message.member in ("Lock", "Unlock")
        ):
            self._listener.lock_changed(message.member == "Lock")

    async def _before_sleep(self) -> None:
        assert self._listener is not None
        try:
            await self._listener.before_sleep()
        finally:
            self._release()  # the machine may sleep now

    async def _after_wake(self) -> None:
        assert self._listener is not None
        await self._take_delay_lock()  # for the next sleep
        self._listener.after_wake()

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- dunst -------------------------------------------------------------------------------

    async def _watch_dunst(self) -> str:
        try:
            bus = await MessageBus().connect()
        except Exception as exc:
            return f"Do not disturb not watched: no session bus ({exc})"
        try:
            # No auto-start: asking must not launch a notification daemon that is not running.
            reply = await _call(
                bus,
                NOTIFICATIONS,
                NOTIFICATIONS_PATH,
                PROPERTIES,
                "Get",
                "ss",
                [DUNST, "paused"],
                flags=MessageFlag.NO_AUTOSTART,
            )
        except (DBusError, TimeoutError):
            bus.disconnect()
            return "Do not disturb not watched (the notification server is not dunst)"
        self._session = bus
        bus.add_message_handler(self._on_session_message)
        await _add_match(
            bus,
            f"type='signal',interface='{PROPERTIES}',member='PropertiesChanged',"
            f"path='{NOTIFICATIONS_PATH}',arg0='{DUNST}'",
        )
        if self._listener is not None:
            self._listener.do_not_disturb_changed(bool(reply.body[0].value))
        return "Do not disturb via dunst's paused state"

    def _on_session_message(self, message: Message) -> None:
        if (
            message.message_type is MessageType.SIGNAL
            and message.member == "PropertiesChanged"
            and message.body[0] == DUNST
            and "paused" in message.body[1]
            and self._listener is not None
        ):
            self._listener.do_not_disturb_changed(bool(message.body[1]["paused"].value))


async def _call(
    bus: MessageBus,
    destination: str,
    path: str,
    interface: str,
    member: str,
    signature: str,
    body: list[Any],
    *,
    flags: MessageFlag = MessageFlag.NONE,
) -> Message:
    async with asyncio.timeout(CALL_TIMEOUT_S):
        reply = await bus.call(
            Message(
                destination=destination,
                path=path,
                interface=interface,
                member=member,
                signature=signature,
                body=body,
                flags=flags,
            )
        )
    assert reply is not None
    if reply.message_type is MessageType.ERROR:
        raise DBusError(reply.error_name or "error", str(reply.body[0] if reply.body else ""))
    return reply


async def _add_match(bus: MessageBus, rule: str) -> None:
    await _call(
        bus,
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "AddMatch",
        "s",
        [rule],
    )
