"""The core's connection to the server, over the protocol's one client.

A `Link` lives as long as its connection. The core opens a new one for every (re)connect; when
the connection ends, every request still waiting fails with `LinkLostError`. This layer maps the
protocol client's errors to the core's (`RequestError`, `LinkLostError`) and keeps its timeouts.

The heartbeat is the link's own, not websockets' keepalive: after a missed pong websockets
waits its close timeout for a closing handshake that a dead link never answers, and the agent
would be shown online (Available) for that long. Here a ping not answered within the timeout
aborts the connection at once, so the core shows the link down after interval + timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Final, TypeVar, cast, get_args

from websockets.exceptions import ConnectionClosed, ConnectionClosedError

from agent_desktop.protocol.client import (
    ConnectionLost,
    ProtocolClient,
    Refused,
    describe_close,
    ssl_context_for,
)
from agent_desktop.protocol.codec import CLOSE_SIGNED_OUT, CLOSE_TOKEN_EXPIRED, MAX_FRAME_BYTES
from agent_desktop.protocol.messages import (
    ClientMessage,
    Error,
    ListAgents,
    PushedEvent,
    ServerMessage,
    ServerReply,
)
from agent_desktop.session.errors import LinkLostError, RequestError, SignedOutError

__all__ = ["Link", "describe", "open_link", "ssl_context_for"]

log = logging.getLogger(__name__)

R = TypeVar("R")
_REPLY_TYPES: Final = get_args(ServerReply)
_SIGNED_OUT: Final = {
    CLOSE_TOKEN_EXPIRED: "Your sign-in expired, so the server closed the connection. "
    "Enter your password to sign in again.",
    CLOSE_SIGNED_OUT: "You were signed out everywhere (from this or another of your devices). "
    "Enter your password to sign in again.",
}
"""The server's closes that end the sign-in itself, in words the sign-in dialog shows."""


class Link:
    def __init__(
        self,
        client: ProtocolClient,
        on_event: Callable[[PushedEvent], None],
        request_timeout: float,
        on_reply: Callable[[ServerReply], None] | None = None,
    ) -> None:
        self._client = client
        self._on_event = on_event
        self._on_reply = on_reply
        self._request_timeout = request_timeout
        self._dead: str | None = None
        """Why the heartbeat gave up on the connection, once it did."""
        client.on_message = self._take
        client.on_push = self._unclaimed

    async def call(self, request: ClientMessage, expect: type[R]) -> R:
        """Send `request` and wait for its reply; a `ListAgents` gathers every page.

        Raises `RequestError` for an `error` reply, `LinkLostError` when the connection ends
        (or stays silent past the request timeout) before the reply.
        """
        try:
            async with asyncio.timeout(self._request_timeout):
                if isinstance(request, ListAgents):
                    reply: object = await self._client.list_agents(request.id)
                else:
                    reply = await self._client.request(request, expect)
        except Refused as exc:
            raise RequestError(exc.code, exc.message) from exc
        except ConnectionLost as exc:
            raise LinkLostError(exc.reason) from exc
        except TimeoutError:
            raise LinkLostError(f"no reply within {self._request_timeout:g} s") from None
        return cast(R, reply)

    async def read(self) -> None:
        """Wait until the connection ends; an abnormal end raises `LinkLostError` saying how."""
        await asyncio.shield(self._client.ended)
        if self._dead is not None:
            raise LinkLostError(self._dead)
        closed = self._client.closed_exc
        if isinstance(closed, ConnectionClosedError):
            if closed.rcvd is not None and closed.rcvd.code in _SIGNED_OUT:
                raise SignedOutError(_SIGNED_OUT[closed.rcvd.code])
            raise LinkLostError(self._client.close_reason or "the connection dropped")

    async def heartbeat(self, interval: float, pong_within: float) -> None:
        """Ping every `interval`; no pong within `pong_within`: the link is dead, drop it now."""
        ws = self._client.ws
        while True:
            await asyncio.sleep(interval)
            try:
                # Sending the ping may itself wait on a full socket buffer: bound both.
                async with asyncio.timeout(pong_within):
                    pong = await ws.ping()
                    await pong
            except TimeoutError:
                self._dead = (
                    f"the server stopped answering (no reply to a ping within {pong_within:g} s)"
                )
                log.info("link dead: %s", self._dead)
                ws.transport.abort()  # the reader ends now, not after a closing handshake
                return
            except ConnectionClosed:
                return

    async def close(self) -> None:
        await self._client.ws.close()

    def fail_pending(self) -> None:
        self._client.fail_pending(LinkLostError("the link dropped before the reply"))

    def _take(self, message: ServerMessage) -> None:
        # Replies in frame order with the events: a reply that carries state (the agent list)
        # must not overwrite an event that came after it.
        if isinstance(message, _REPLY_TYPES):
            if self._on_reply is not None:
                self._on_reply(cast(ServerReply, message))
        else:
            self._on_event(cast(PushedEvent, message))

    def _unclaimed(self, message: ServerMessage) -> None:
        if isinstance(message, Error) and message.re is None:
            log.warning("server error without a request: %s %s", message.code, message.message)


@asynccontextmanager
async def open_link(
    url: str,
    *,
    on_event: Callable[[PushedEvent], None],
    on_reply: Callable[[ServerReply], None] | None = None,
    ssl_context: ssl.SSLContext | None,
    open_timeout: float,
    ping_interval: float | None,
    ping_timeout: float | None,
    request_timeout: float,
    max_frame_bytes: int = MAX_FRAME_BYTES,
) -> AsyncIterator[tuple[Link, asyncio.Task[None]]]:
    """Connect and start reading. Yields the link and its reader task, which ends with the
    connection; both are cleaned up on exit."""
    # The heartbeat: a server that stops answering pings is dropped within interval + timeout,
    # and the core starts reconnecting. The core numbers its own requests "c…".
    client = await ProtocolClient.connect(
        url,
        ssl_context=ssl_context,
        open_timeout=open_timeout,
        id_prefix="p",
        max_frame_bytes=max_frame_bytes,
        ping_interval=None,  # the link's own heartbeat (see the module's docstring)
        ping_timeout=None,
    )
    link = Link(client, on_event, request_timeout, on_reply)
    reader = asyncio.create_task(link.read(), name="agent-core reader")
    heartbeat = (
        asyncio.create_task(link.heartbeat(ping_interval, ping_timeout), name="agent-core ping")
        if ping_interval is not None and ping_timeout is not None
        else None
    )
    try:
        yield link, reader
    finally:
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await heartbeat
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
        with contextlib.suppress(Exception):
            await client.close()
        link.fail_pending()


def describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionClosed):
        text = describe_close(exc, MAX_FRAME_BYTES)
    else:
        text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:197] + "..."
