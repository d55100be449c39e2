"""A real `org.freedesktop.Notifications` service on a private D-Bus session, for tests.

Not a mock of desktop-notifier: the app's real DesktopNotifier talks D-Bus to this service
exactly as it would to dunst or GNOME Shell. The service records every `Notify` call and
lets a test press a button (`ActionInvoked`), click the body (the "default" action) or close
a notification (`NotificationClosed`) at the protocol level, the way a notification daemon
does. It stands in for the daemon only because a real one needs a display and offers no
way to press a chosen button from a test (the dunst test covers the real daemon).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from dbus_fast import Message
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature, DBusStr, DBusUInt32
from dbus_fast.constants import RequestNameReply
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.ui.notify.notice import NoticeKey, OfferKey

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"

# NotificationClosed reasons from the freedesktop notification spec.
CLOSED_EXPIRED = 1
CLOSED_DISMISSED = 2
CLOSED_BY_CALL = 3

DBusStrList = Annotated[list[str], DBusSignature("as")]
DBusHints = Annotated[dict[str, Any], DBusSignature("a{sv}")]
DBusInt = Annotated[int, DBusSignature("i")]
DBusServerInfo = Annotated[list[str], DBusSignature("ssss")]
DBusIdAndKey = Annotated[list[Any], DBusSignature("us")]
DBusIdAndReason = Annotated[list[int], DBusSignature("uu")]
DBusNothing = Annotated[None, DBusSignature("")]


@dataclass(frozen=True, slots=True)
class NotifyCall:
    """One `Notify` call as the notification daemon received it."""

    notification_id: int
    app_name: str
    replaces_id: int
    icon: str
    title: str
    body: str
    actions: tuple[str, ...]
    """Flat pairs, as on the wire: key, label, key, label, ..."""
    hints: dict[str, Any]
    timeout_ms: int

    @property
    def action_labels(self) -> dict[str, str]:
        """Action key -> label, including "default" (the body click) if present."""
        return dict(zip(self.actions[::2], self.actions[1::2], strict=True))

    @property
    def buttons(self) -> dict[str, str]:
        """The visible buttons: every action except the body click."""
        return {k: v for k, v in self.action_labels.items() if k != "default"}


class NotificationService(ServiceInterface):
    """The freedesktop notification interface, recording calls instead of drawing."""

    def __init__(
        self,
        *,
        capabilities: tuple[str, ...] = ("actions", "body"),
        server: tuple[str, str, str, str] = ("test-notifyd", "Agent Desktop tests", "1.0", "1.2"),
    ) -> None:
        super().__init__(BUS_NAME)
        self.capabilities = capabilities
        self.server = server
        self.calls: list[NotifyCall] = []
        self.closed_by_call: list[int] = []
        """Ids the client asked to close with CloseNotification, in order."""
        self.open_ids: set[int] = set()
        self._next_id = 1
        self._answering = asyncio.Event()
        self._answering.set()

    # --- the D-Bus interface (member names are the spec's CamelCase) -----------------------

    @dbus_method()
    async def Notify(
        self,
        app_name: DBusStr,
        replaces_id: DBusUInt32,
        app_icon: DBusStr,
        summary: DBusStr,
        body: DBusStr,
        actions: DBusStrList,
        hints: DBusHints,
        expire_timeout: DBusInt,
    ) -> DBusUInt32:
        await self._answering.wait()
        notification_id = replaces_id or self._next_id
        if not replaces_id:
            self._next_id += 1
        self.calls.append(
            NotifyCall(
                notification_id=notification_id,
                app_name=app_name,
                replaces_id=replaces_id,
                icon=app_icon,
                title=summary,
                body=body,
                actions=tuple(actions),
                hints={k: getattr(v, "value", v) for k, v in hints.items()},
                timeout_ms=expire_timeout,
            )
        )
        self.open_ids.add(notification_id)
        return notification_id

    @dbus_method()
    def CloseNotification(self, notification_id: DBusUInt32) -> DBusNothing:
        self.closed_by_call.append(notification_id)
        if notification_id in self.open_ids:
            self.close(notification_id, CLOSED_BY_CALL)

    @dbus_method()
    async def GetCapabilities(self) -> DBusStrList:
        await self._answering.wait()
        return list(self.capabilities)

    @dbus_method()
    async def GetServerInformation(self) -> DBusServerInfo:
        await self._answering.wait()
        return list(self.server)

    @dbus_signal()
    def ActionInvoked(self, notification_id: int, action_key: str) -> DBusIdAndKey:
        return [notification_id, action_key]

    @dbus_signal()
    def NotificationClosed(self, notification_id: int, reason: int) -> DBusIdAndReason:
        return [notification_id, reason]

    # --- what a test does as the user ----------------------------------------------------

    def freeze(self) -> None:
        """Stop answering method calls, like a hung daemon, until `thaw()`."""
        self._answering.clear()

    def thaw(self) -> None:
        self._answering.set()

    @property
    def last(self) -> NotifyCall:
        return self.calls[-1]

    def press(self, notification_id: int, action_key: str) -> None:
        """The user pressed a button ("default" is the body): invoke it, then close, like dunst."""
        self.ActionInvoked(notification_id, action_key)
        self.close(notification_id, CLOSED_DISMISSED)

    def invoke(self, notification_id: int, action_key: str) -> None:
        """The user pressed a button and the notification stays up, as the spec allows (it
        leaves closing after an action to the daemon; resident notifications stay)."""
        self.ActionInvoked(notification_id, action_key)

    def close(self, notification_id: int, reason: int) -> None:
        self.open_ids.discard(notification_id)
        self.NotificationClosed(notification_id, reason)


@asynccontextmanager
async def serving_notifications(
    service: NotificationService | None = None,
) -> AsyncIterator[NotificationService]:
    """Own `org.freedesktop.Notifications` on the session bus in $DBUS_SESSION_BUS_ADDRESS."""
    service = service or NotificationService()
    bus = await MessageBus().connect()
    try:
        bus.export(OBJECT_PATH, service)
        reply = await bus.request_name(BUS_NAME)
        if reply is not RequestNameReply.PRIMARY_OWNER:
            raise RuntimeError(f"could not own {BUS_NAME}: {reply}")
        yield service
    finally:
        service.thaw()  # let calls a test left hanging finish before the bus goes
        bus.disconnect()
        # dbus-fast leaves this one unannotated; it returns None.
        await bus.wait_for_disconnect()  # type: ignore[no-untyped-call]


async def wait_for_bus_name(name: str, timeout_s: float = 10.0) -> None:
    """Return once `name` has an owner on the session bus (e.g. a daemon we just started).

    Waits on NameOwnerChanged rather than polling, and never triggers D-Bus activation.
    """
    bus = await MessageBus().connect()
    owned = asyncio.Event()

    def on_message(message: Message) -> None:
        if message.member == "NameOwnerChanged" and message.body[0] == name and message.body[2]:
            owned.set()

    bus.add_message_handler(on_message)
    try:
        await bus.call(
            _bus_daemon_call("AddMatch", f"type='signal',member='NameOwnerChanged',arg0='{name}'")
        )
        reply = await bus.call(_bus_daemon_call("NameHasOwner", name))
        if not reply.body[0]:
            async with asyncio.timeout(timeout_s):
                await owned.wait()
    finally:
        bus.disconnect()


def _bus_daemon_call(member: str, argument: str) -> Message:
    return Message(
        destination="org.freedesktop.DBus",
        path="/org/freedesktop/DBus",
        interface="org.freedesktop.DBus",
        member=member,
        signature="s",
        body=[argument],
    )


@contextmanager
def private_session_bus() -> Iterator[str]:
    """Start a throwaway `dbus-daemon --session`; yields its address.

    The daemon runs without DISPLAY/WAYLAND_DISPLAY, so D-Bus activation of an installed
    notification daemon fails the way it does on a headless machine.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--print-address", "--nofork"],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon printed no address")
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        if daemon.stdout is not None:
            daemon.stdout.close()


class RecordingResponder:
    """The app's side of a notice: records each answer as (what, offer id), in order.

    A body click or dismissal of a toast's notice is recorded with the toast's session id.

    A real `NoticeResponder` implementation (no mocking library), with an awaitable for the
    next answer so tests wait on the event itself rather than on time.
    """

    def __init__(self) -> None:
        self.answers: list[tuple[str, str]] = []
        self._changed = asyncio.Event()

    def on_accept(self, offer_id: OfferId) -> None:
        self._record("accept", offer_id)

    def on_reject(self, offer_id: OfferId) -> None:
        self._record("reject", offer_id)

    def on_open(self, key: NoticeKey) -> None:
        self._record("open", _key_id(key))

    def on_dismissed(self, key: NoticeKey) -> None:
        self._record("dismissed", _key_id(key))

    async def wait_for(self, count: int, timeout_s: float = 5.0) -> list[tuple[str, str]]:
        """The answers once there are at least `count` of them."""
        async with asyncio.timeout(timeout_s):
            while len(self.answers) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.answers

    def _record(self, what: str, offer_id: str) -> None:
        self.answers.append((what, offer_id))
        self._changed.set()


def _key_id(key: NoticeKey) -> str:
    return key.offer_id if isinstance(key, OfferKey) else key.session_id


@contextmanager
def xvfb_display() -> Iterator[str]:
    """A throwaway X server; yields its DISPLAY (":N", a free number Xvfb chose itself)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "800x600x24"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        # Xvfb writes the display number once it accepts clients; EOF means it died.
        with os.fdopen(read_end) as ready:
            number = ready.readline().strip()
        if not number:
            raise RuntimeError("Xvfb exited before it was ready")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


class Dunst:
    """dunst on an X display and a bus, with its context menu answered by a script.

    `dunstctl context` asks dunst's `dmenu` for one action; our "dmenu" copies the menu to
    a file and prints the line holding `choose(...)`'s text, i.e. presses that button.
    """

    def __init__(self, workdir: Path, display: str, bus_address: str) -> None:
        self._workdir = workdir
        self._env = {**os.environ, "DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus_address}
        self.menu_file = workdir / "menu.txt"
        self._choice_file = workdir / "choice.txt"
        self._choice_file.write_text("")
        picker = workdir / "pick.sh"
        picker.write_text(
            f'#!/bin/sh\ntee "{self.menu_file}" | grep -m1 -F "$(cat "{self._choice_file}")"\n'
        )
        picker.chmod(0o755)
        config = Path("/etc/xdg/dunst/dunstrc").read_text()
        lines = [
            f"    dmenu = {picker}" if line.strip().startswith("dmenu =") else line
            for line in config.splitlines()
        ]
        self._config = workdir / "dunstrc"
        self._config.write_text("\n".join(lines) + "\n")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self._workdir / "dunst.log").open("wb") as log:
            self._process = subprocess.Popen(
                ["dunst", "-config", str(self._config)],
                env=self._env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def log(self) -> str:
        """What dunst printed, for a failure message."""
        return (self._workdir / "dunst.log").read_text(errors="replace")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def choose(self, text: str) -> None:
        """What the next context menu picks, e.g. "[3,accept]"."""
        self._choice_file.write_text(text)

    async def ctl(self, *args: str) -> str:
        """Run `dunstctl` against this dunst (off the loop: it blocks until dunst answers)."""
        done = await asyncio.to_thread(
            subprocess.run,
            ["dunstctl", *args],
            env=self._env,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return done.stdout.strip()
