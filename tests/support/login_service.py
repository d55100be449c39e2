"""A double of systemd-logind on a private D-Bus bus that stands in for the SYSTEM bus.

A double at the OS boundary: this machine (a container) has no system bus and no logind, and
a test cannot put a real machine to sleep. The double owns `org.freedesktop.login1` and speaks
the parts of logind's documented interface the app uses: `Manager.PrepareForSleep(b)`,
`Manager.Inhibit(ssss) -> h` (a real pipe's file descriptor, closed by the app to let the
sleep go on), `Manager.GetSessionByPID(u) -> o`, and `Session.Lock` / `Session.Unlock`.
The app's real dbus-fast code talks to it over a real dbus-daemon.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature
from dbus_fast.constants import RequestNameReply
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

from tests.support.notification_service import private_session_bus

BUS_NAME = "org.freedesktop.login1"
MANAGER_PATH = "/org/freedesktop/login1"
SESSION_PATH = "/org/freedesktop/login1/session/_31"

DBusBool = Annotated[bool, DBusSignature("b")]
DBusFd = Annotated[int, DBusSignature("h")]
DBusPath = Annotated[str, DBusSignature("o")]
DBusStr = Annotated[str, DBusSignature("s")]
DBusUInt = Annotated[int, DBusSignature("u")]
DBusNothing = Annotated[None, DBusSignature("")]


class LoginManager(ServiceInterface):
    """`org.freedesktop.login1.Manager`, as much as the app uses."""

    def __init__(self) -> None:
        super().__init__("org.freedesktop.login1.Manager")
        self.inhibitors: list[tuple[str, str, str, str]] = []
        self._held: list[int] = []
        """Our ends of the inhibitor pipes: EOF on one means the app let its lock go."""
        self._given: list[int] = []
        """The ends handed out (the app got its own copy over D-Bus): ours closed later."""

    @dbus_method()
    def Inhibit(self, what: DBusStr, who: DBusStr, why: DBusStr, mode: DBusStr) -> DBusFd:
        self.inhibitors.append((what, who, why, mode))
        ours, theirs = os.pipe()
        self._held.append(ours)
        self._given.append(theirs)
        return theirs

    @dbus_method()
    def GetSessionByPID(self, pid: DBusUInt) -> DBusPath:
        return SESSION_PATH

    @dbus_signal()
    def PrepareForSleep(self, start: bool) -> DBusBool:
        return start

    async def wait_until_released(self, timeout_s: float = 10.0) -> None:
        """Return once the app closed every delay lock it holds (EOF on our end of the pipe)."""
        # The replies went out long ago: only the app's copies keep the write ends open now.
        for fd in self._given:
            os.close(fd)
        self._given.clear()
        async with asyncio.timeout(timeout_s):
            for fd in self._held:
                await asyncio.to_thread(os.read, fd, 1)  # EOF once every copy is closed

    def close(self) -> None:
        for fd in self._held + self._given:
            os.close(fd)
        self._held.clear()
        self._given.clear()


class LoginSession(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.login1.Session")

    @dbus_signal()
    def Lock(self) -> DBusNothing:
        return None

    @dbus_signal()
    def Unlock(self) -> DBusNothing:
        return None


@asynccontextmanager
async def serving_login(address: str) -> AsyncIterator[tuple[LoginManager, LoginSession]]:
    manager, session = LoginManager(), LoginSession()
    bus = await MessageBus(bus_address=address, negotiate_unix_fd=True).connect()
    try:
        bus.export(MANAGER_PATH, manager)
        bus.export(SESSION_PATH, session)
        reply = await bus.request_name(BUS_NAME)
        if reply is not RequestNameReply.PRIMARY_OWNER:
            raise RuntimeError(f"could not own {BUS_NAME}: {reply}")
        yield manager, session
    finally:
        bus.disconnect()
        await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]  # unannotated upstream
        manager.close()


@contextmanager
def private_system_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway dbus-daemon whose address the app takes as its system bus."""
    with private_session_bus() as address:
        monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
        yield address
