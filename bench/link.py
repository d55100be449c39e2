"""A lean protocol connection that stamps every frame with the moment it arrived.

`agent_desktop.ctl.client.WireClient` queues events without a time; a latency benchmark needs
the arrival time taken before decoding, and thousands of agents need one reader task each
and nothing more (no client-side pings: the server's heartbeat keeps the link honest).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from typing import TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from agent_desktop.protocol.codec import (
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    SUBPROTOCOL,
    decode_server,
    encode_text,
)
from agent_desktop.protocol.messages import (
    ClientMessage,
    Error,
    Hello,
    LoggedIn,
    Login,
    Reply,
    ServerEvent,
    ServerMessage,
    Welcome,
)

R = TypeVar("R", bound=Reply)
EventHandler = Callable[[ServerEvent, float], None]
"""Called with each pushed event and its arrival time (time.time(), taken before decoding)."""


class Refused(Exception):
    def __init__(self, error: Error) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


class Link:
    def __init__(self, ws: ClientConnection, on_event: EventHandler | None) -> None:
        self.ws = ws
        self.on_event = on_event
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[tuple[ServerMessage, float]]] = {}
        self._sends: set[asyncio.Task[None]] = set()
        self.unclaimed_errors: list[Error] = []
        """Refusals of fire-and-forget requests (`send_nowait`)."""
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(
        cls,
        url: str,
        user: str,
        password: str,
        on_event: EventHandler | None = None,
        *,
        max_size: int | None = MAX_FRAME_BYTES,
    ) -> tuple[Link, LoggedIn]:
        """Connect, hello, login. `max_size=None` lifts the frame limit (accounting only)."""
        ws = await connect(
            url,
            subprotocols=[Subprotocol(SUBPROTOCOL)],
            max_size=max_size,
            ping_interval=None,
            open_timeout=60,
        )
        link = cls(ws, on_event)
        try:
            await link.request(lambda rid: Hello(id=rid, versions=[PROTOCOL_VERSION]), Welcome)
            logged_in = await link.request(
                lambda rid: Login(id=rid, user=user, password=password), LoggedIn
            )
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
        request_id = f"b{next(self._ids)}"
        future: asyncio.Future[tuple[ServerMessage, float]] = (
            asyncio.get_running_loop().create_future()
        )
        self._pending[request_id] = future
        try:
            await self.ws.send(encode_text(build(request_id)))
            reply, at = await future
        finally:
            self._pending.pop(request_id, None)
        if isinstance(reply, Error):
            raise Refused(reply)
        if not isinstance(reply, expect):
            raise TypeError(f"expected {expect.__name__}, got {type(reply).__name__}")
        return reply, at

    def send_nowait(self, message: ClientMessage) -> None:
        """Fire and forget (a refusal lands in `unclaimed_errors`): for load generation."""
        task = asyncio.get_running_loop().create_task(self._send_quietly(encode_text(message)))
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _send_quietly(self, frame: str) -> None:
        # A request sent as the link closes is simply not sent; nobody waits for it.
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(frame)

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                at = time.time()
                message = decode_server(frame)
                re = getattr(message, "re", None)
                if re is not None:
                    future = self._pending.get(re)
                    if future is not None and not future.done():
                        future.set_result((message, at))
                    elif isinstance(message, Error):
                        self.unclaimed_errors.append(message)
                elif self.on_event is not None and not isinstance(message, Error):
                    self.on_event(message, at)  # type: ignore[arg-type]  # replies have `re`
        except ConnectionClosed:
            pass
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the server closed the connection"))

    async def close(self) -> None:
        await asyncio.gather(*self._sends)
        await self.ws.close()
        await self._reader
