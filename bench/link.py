"""A lean protocol connection that stamps every frame with the moment it arrived.

A latency benchmark needs the arrival time taken before decoding (the protocol client's
`on_frame` hook), and thousands of agents need one reader task each and nothing more (no
client-side pings: the server's heartbeat keeps the link honest).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar, cast, get_args

from agent_desktop.protocol.client import ProtocolClient
from agent_desktop.protocol.client import Refused as _ProtocolRefused
from agent_desktop.protocol.codec import MAX_FRAME_BYTES
from agent_desktop.protocol.messages import (
    Agents,
    ClientMessage,
    Error,
    LoggedIn,
    Reply,
    ServerEvent,
    ServerMessage,
)

R = TypeVar("R", bound=Reply)
T = TypeVar("T")
EventHandler = Callable[[ServerEvent, float], None]
"""Called with each pushed event and its arrival time (time.time(), taken before decoding)."""
_EVENT_TYPES: Final = get_args(ServerEvent)


class Refused(Exception):
    def __init__(self, error: Error) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


class Link:
    def __init__(self, client: ProtocolClient, on_event: EventHandler | None) -> None:
        self.client = client
        self.ws = client.ws
        self.on_event = on_event
        self.unclaimed_errors: list[Error] = []
        """Refusals of fire-and-forget requests (`send_nowait`)."""
        self._frame_at = 0.0
        self._reply_at: dict[str, float] = {}
        client.on_frame = self._stamp
        client.on_message = self._note_reply_time
        client.on_push = self._pushed

    @classmethod
    async def open(
        cls,
        url: str,
        user: str,
        password: str,
        on_event: EventHandler | None = None,
        *,
        max_size: int | None = MAX_FRAME_BYTES,
        source: str | None = None,
    ) -> tuple[Link, LoggedIn]:
        """Connect, hello, login. `max_size=None` lifts the frame limit (accounting only);
        `source` binds our end to that loopback address (the server sees another machine)."""
        client = await ProtocolClient.connect(
            url,
            max_frame_bytes=max_size,
            ping_interval=None,
            open_timeout=60,
            id_prefix="b",
            local_address=source,
        )
        link = cls(client, on_event)
        try:
            await link._refusal_raised(client.hello())
            logged_in = await link._refusal_raised(client.login(user, password=password))
        except BaseException:
            await link.close()
            raise
        return link, logged_in

    async def request(self, build: Callable[[str], ClientMessage], expect: type[R]) -> R:
        reply, _ = await self.timed_request(build, expect)
        return reply

    async def timed_request(
        self, build: Callable[[str], ClientMessage], expect: type[R]
    ) -> tuple[R, float]:
        """The reply and the moment it arrived."""
        message = build(self.client.next_id())
        self._reply_at[message.id] = 0.0
        try:
            reply = await self._refusal_raised(self.client.request(message, expect))
            return reply, self._reply_at[message.id]
        finally:
            self._reply_at.pop(message.id, None)

    async def list_agents(self) -> Agents:
        """Supervisor: the whole agent list, every page of it."""
        return await self._refusal_raised(self.client.list_agents())

    def send_nowait(self, message: ClientMessage) -> None:
        """Fire and forget (a refusal lands in `unclaimed_errors`): for load generation."""
        self.client.send_nowait(message)

    async def _refusal_raised(self, pending: Awaitable[T]) -> T:
        try:
            return await pending
        except _ProtocolRefused as exc:
            raise Refused(exc.error) from None

    def _stamp(self, frame: str | bytes) -> None:
        self._frame_at = time.time()

    def _note_reply_time(self, message: ServerMessage) -> None:
        re = getattr(message, "re", None)
        if re is not None and re in self._reply_at:
            self._reply_at[re] = self._frame_at

    def _pushed(self, message: ServerMessage) -> None:
        if isinstance(message, Error):
            if message.re is not None:
                self.unclaimed_errors.append(message)
        elif self.on_event is not None and isinstance(message, _EVENT_TYPES):
            self.on_event(cast(ServerEvent, message), self._frame_at)

    async def close(self) -> None:
        await self.client.close()
