"""A plain request/reply client of the protocol, for the tester CLI and scripted agents.

It does what a script needs and no more: hello, login, requests that wait for their reply, and a
queue of pushed events. The desktop app's core (`agent_desktop.session`) is the full client, with
reconnects and state; this one fails loudly instead.
"""

from __future__ import annotations

import asyncio
import itertools
import ssl
from collections.abc import Callable
from typing import TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

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
from agent_desktop.protocol.vocabulary import ErrorCode

R = TypeVar("R", bound=Reply)


class RequestFailed(Exception):
    """The server refused a request; `code` is the protocol's stable error code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message


class WireClient:
    def __init__(self, websocket: ClientConnection) -> None:
        self._ws = websocket
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[ServerMessage]] = {}
        self.events: asyncio.Queue[ServerEvent] = asyncio.Queue()
        self.server_time_offset = 0.0
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url: str, *, ssl_context: ssl.SSLContext | None = None) -> WireClient:
        websocket = await connect(
            url,
            subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]  # websockets wants a NewType
            max_size=MAX_FRAME_BYTES,
            ssl=ssl_context,
            open_timeout=10,
        )
        client = cls(websocket)
        try:
            await client.request(
                lambda rid: Hello(id=rid, versions=[PROTOCOL_VERSION], client="agent-desktop-ctl"),
                Welcome,
            )
        except BaseException:
            await client.close()
            raise
        return client

    async def login(
        self, user: str, *, password: str | None = None, token: str | None = None
    ) -> LoggedIn:
        return await self.request(
            lambda rid: Login(id=rid, user=user, password=password, token=token), LoggedIn
        )

    async def request(self, build: Callable[[str], ClientMessage], expect: type[R]) -> R:
        """Send the request `build(id)` and wait for the reply that names that id."""
        request_id = f"r{next(self._ids)}"
        future: asyncio.Future[ServerMessage] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self._ws.send(encode_text(build(request_id)))
            reply = await future
        finally:
            self._pending.pop(request_id, None)
        if isinstance(reply, Error):
            raise RequestFailed(reply.code, reply.message)
        if not isinstance(reply, expect):
            raise RequestFailed(
                ErrorCode.INVALID_MESSAGE, f"expected {expect.__name__}, got {type(reply).__name__}"
            )
        return reply

    async def next_event(self, within_s: float = 10.0) -> ServerEvent:
        return await asyncio.wait_for(self.events.get(), within_s)

    async def _read(self) -> None:
        try:
            async for frame in self._ws:
                message = decode_server(frame)
                re = getattr(message, "re", None)
                if re is not None:
                    future = self._pending.get(re)
                    if future is not None and not future.done():
                        future.set_result(message)
                elif isinstance(message, Error):
                    # An error about a frame without an id: nothing waits for it by id.
                    for future in self._pending.values():
                        if not future.done():
                            future.set_result(message)
                else:
                    self.events.put_nowait(message)  # type: ignore[arg-type]  # a ServerEvent
        except ConnectionClosed:
            pass
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the server closed the connection"))

    async def close(self) -> None:
        await self._ws.close()
        await self._reader

    async def __aenter__(self) -> WireClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def open_session(
    url: str,
    user: str,
    password: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> tuple[WireClient, LoggedIn]:
    """Connect, negotiate and log in with a password."""
    client = await WireClient.open(url, ssl_context=ssl_context)
    try:
        logged_in = await client.login(user, password=password)
    except BaseException:
        await client.close()
        raise
    return client, logged_in
