"""Where the offer-latency clock stops: a notification service that stamps each `Notify`.

The app's real `DesktopNotifier` talks D-Bus to this service on a private session bus exactly
as it would to dunst or GNOME Shell; the service records when each request arrived. It stands
in for the daemon only because a real one needs a display (a benchmark measures the request,
not the drawing).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature, DBusStr, DBusUInt32
from dbus_fast.constants import RequestNameReply
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"

_StrList = Annotated[list[str], DBusSignature("as")]
_Hints = Annotated[dict[str, Any], DBusSignature("a{sv}")]
_Int = Annotated[int, DBusSignature("i")]
_ServerInfo = Annotated[list[str], DBusSignature("ssss")]
_IdAndKey = Annotated[list[Any], DBusSignature("us")]
_IdAndReason = Annotated[list[int], DBusSignature("uu")]
_Nothing = Annotated[None, DBusSignature("")]


class NotifyRecorder(ServiceInterface):
    def __init__(self) -> None:
        super().__init__(BUS_NAME)
        self.arrivals: asyncio.Queue[tuple[float, str]] = asyncio.Queue()
        """(time.time() at arrival, body) for each Notify."""
        self._next_id = 1

    @dbus_method()
    def Notify(
        self,
        app_name: DBusStr,
        replaces_id: DBusUInt32,
        app_icon: DBusStr,
        summary: DBusStr,
        body: DBusStr,
        actions: _StrList,
        hints: _Hints,
        expire_timeout: _Int,
    ) -> DBusUInt32:
        self.arrivals.put_nowait((time.time(), body))
        notification_id = replaces_id or self._next_id
        self._next_id += 1
        return notification_id

    @dbus_method()
    def CloseNotification(self, notification_id: DBusUInt32) -> _Nothing:
        self.NotificationClosed(notification_id, 3)

    @dbus_method()
    def GetCapabilities(self) -> _StrList:
        return ["actions", "body"]

    @dbus_method()
    def GetServerInformation(self) -> _ServerInfo:
        return ["bench-notifyd", "Agent Desktop benchmarks", "1.0", "1.2"]

    @dbus_signal()
    def ActionInvoked(self, notification_id: int, action_key: str) -> _IdAndKey:
        return [notification_id, action_key]

    @dbus_signal()
    def NotificationClosed(self, notification_id: int, reason: int) -> _IdAndReason:
        return [notification_id, reason]


@contextlib.contextmanager
def private_session_bus() -> Iterator[str]:
    """A throwaway `dbus-daemon --session`, set as this process's session bus meanwhile."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--print-address", "--nofork"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    previous = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        yield address
    finally:
        if previous is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous
        daemon.terminate()
        daemon.wait(timeout=10)


@contextlib.asynccontextmanager
async def recording_notifications() -> AsyncIterator[NotifyRecorder]:
    recorder = NotifyRecorder()
    bus = await MessageBus().connect()
    try:
        bus.export(OBJECT_PATH, recorder)
        if await bus.request_name(BUS_NAME) is not RequestNameReply.PRIMARY_OWNER:
            raise RuntimeError(f"could not own {BUS_NAME}")
        yield recorder
    finally:
        bus.disconnect()
        await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]  # returns None


async def _serve_forever() -> None:
    async with recording_notifications():
        print("READY", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    # `python -m bench.notify_recorder`: serve on $DBUS_SESSION_BUS_ADDRESS until terminated.
    asyncio.run(_serve_forever())
