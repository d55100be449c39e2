"""A plain request/reply client of the protocol, for the tester CLI and scripted agents.

It does what a script needs and no more: hello, login, requests that wait for their reply, and a
queue of pushed events, over the protocol's one client. The desktop app's core
(`agent_desktop.session`) is the full client, with reconnects and state; this one fails loudly
instead.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar, cast, get_args

from agent_desktop.protocol.client import ProtocolClient, Refused
from agent_desktop.protocol.messages import (
    Agents,
    ClientMessage,
    Error,
    LoggedIn,
    Reply,
    ServerEvent,
    ServerMessage,
)
from agent_desktop.protocol.vocabulary import ErrorCode

R = TypeVar("R", bound=Reply)
T = TypeVar("T")
_EVENT_TYPES: Final = get_args(ServerEvent)
CLIENT_NAME: Final = "agent-desktop-ctl"


class RequestFailed(Exception):
    """The server refused a request; `code` is the protocol's stable error code."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message


class WireClient:
    def __init__(self, client: ProtocolClient) -> None:
        self.protocol = client
        self.events: asyncio.Queue[ServerEvent] = asyncio.Queue()
        self.server_time_offset = 0.0
        client.on_push = self._pushed

    @classmethod
    async def open(cls, url: str, *, ssl_context: ssl.SSLContext | None = None) -> WireClient:
        client = cls(await ProtocolClient.connect(url, ssl_context=ssl_context))
        try:
            await client._refusals_raised(client.protocol.hello(CLIENT_NAME))
        except BaseException:
            await client.close()
            raise
        return client

    async def login(
        self, user: str, *, password: str | None = None, token: str | None = None
    ) -> LoggedIn:
        return await self._refusals_raised(
            self.protocol.login(user, password=password, token=token)
        )

    async def request(self, build: Callable[[str], ClientMessage], expect: type[R]) -> R:
        """Send the request `build(id)` and wait for the reply that names that id."""
        message = build(self.protocol.next_id())
        return await self._refusals_raised(self.protocol.request(message, expect))

    async def list_agents(self) -> Agents:
        """Supervisor: the whole agent list, every page of it."""
        return await self._refusals_raised(self.protocol.list_agents())

    async def next_event(self, within_s: float = 10.0) -> ServerEvent:
        return await asyncio.wait_for(self.events.get(), within_s)

    async def _refusals_raised(self, reply: Awaitable[T]) -> T:
        try:
            return await reply
        except Refused as exc:
            raise RequestFailed(exc.code, exc.message) from None

    def _pushed(self, message: ServerMessage) -> None:
        if isinstance(message, _EVENT_TYPES):
            self.events.put_nowait(cast(ServerEvent, message))
        elif isinstance(message, Error) and message.re is None:
            # An error about a frame without an id: nothing waits for it by id, so every
            # request still waiting learns of it rather than waiting forever.
            self.protocol.fail_pending(RequestFailed(message.code, message.message))

    async def close(self) -> None:
        await self.protocol.close()

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
