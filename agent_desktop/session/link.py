"""One websocket connection to the server: requests matched to their replies, events passed on.

A `Link` lives as long as its connection. The core opens a new one for every (re)connect; when
the connection ends, every request still waiting fails with `LinkLostError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Final, TypeVar, cast, get_args

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

from agent_desktop.protocol.codec import (
    MAX_FRAME_BYTES,
    SUBPROTOCOL,
    ProtocolError,
    decode_server,
    encode_text,
)
from agent_desktop.protocol.messages import ClientMessage, Error, ServerEvent, ServerReply
from agent_desktop.protocol.vocabulary import ErrorCode, RequestId
from agent_desktop.session.errors import LinkLostError, RequestError

log = logging.getLogger(__name__)
# websockets logs every frame at DEBUG, the login frame with its password or token included:
# its logger never goes below INFO, whatever the application configures.
_websocket_log = logging.getLogger(f"{__name__}.websocket")
_websocket_log.setLevel(logging.INFO)

R = TypeVar("R")
_REPLY_TYPES: Final = get_args(ServerReply)
CLOSE_TIMEOUT_S: Final = 2.0


class Link:
    def __init__(
        self,
        ws: ClientConnection,
        on_event: Callable[[ServerEvent], None],
        request_timeout: float,
        on_reply: Callable[[ServerReply], None] | None = None,
    ) -> None:
        self._ws = ws
        self._on_event = on_event
        self._on_reply = on_reply
        self._request_timeout = request_timeout
        self._pending: dict[RequestId, asyncio.Future[ServerReply]] = {}

    async def call(self, request: ClientMessage, expect: type[R]) -> R:
        """Send `request` and wait for its reply.

        Raises `RequestError` for an `error` reply, `LinkLostError` when the connection ends
        (or stays silent past the request timeout) before the reply.
        """
        future: asyncio.Future[ServerReply] = asyncio.get_running_loop().create_future()
        request_id = RequestId(request.id)
        self._pending[request_id] = future
        try:
            await self._ws.send(encode_text(request))
            async with asyncio.timeout(self._request_timeout):
                reply = await future
        except WebSocketException as exc:
            raise LinkLostError(describe(exc)) from exc
        except TimeoutError:
            raise LinkLostError(f"no reply within {self._request_timeout:g} s") from None
        finally:
            self._pending.pop(request_id, None)
        if not isinstance(reply, expect):
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                f"expected {expect.__name__} for {request.id}, got {type(reply).__name__}",
            )
        return reply

    async def read(self) -> None:
        """Dispatch frames until the connection ends (normally or not)."""
        try:
            async for frame in self._ws:
                try:
                    message = decode_server(frame)
                except ProtocolError as exc:
                    log.warning("ignoring a frame the server should not send: %s", exc.message)
                    continue
                if isinstance(message, _REPLY_TYPES):
                    reply = cast(ServerReply, message)
                    if self._on_reply is not None:
                        # In frame order with the events: a reply that carries state (the
                        # agent list) must not overwrite an event that came after it.
                        self._on_reply(reply)
                    self._settle(reply)
                else:
                    self._on_event(cast(ServerEvent, message))
        finally:
            self.fail_pending()

    async def close(self) -> None:
        await self._ws.close()

    def _settle(self, reply: ServerReply) -> None:
        if reply.re is None:
            assert isinstance(reply, Error)
            log.warning("server error without a request: %s %s", reply.code, reply.message)
            return
        future = self._pending.pop(RequestId(reply.re), None)
        if future is None or future.done():
            return  # its caller gave up (timeout or cancel)
        if isinstance(reply, Error):
            future.set_exception(RequestError(reply.code, reply.message))
        else:
            future.set_result(reply)

    def fail_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(LinkLostError("the link dropped before the reply"))


@asynccontextmanager
async def open_link(
    url: str,
    *,
    on_event: Callable[[ServerEvent], None],
    on_reply: Callable[[ServerReply], None] | None = None,
    ssl_context: ssl.SSLContext | None,
    open_timeout: float,
    ping_interval: float | None,
    ping_timeout: float | None,
    request_timeout: float,
) -> AsyncIterator[tuple[Link, asyncio.Task[None]]]:
    """Connect and start reading. Yields the link and its reader task, which ends with the
    connection; both are cleaned up on exit."""
    async with connect(
        url,
        subprotocols=[Subprotocol(SUBPROTOCOL)],
        ssl=ssl_context,
        open_timeout=open_timeout,
        # The heartbeat: a server that stops answering pings is dropped within
        # interval + timeout, and the core starts reconnecting.
        ping_interval=ping_interval,
        ping_timeout=ping_timeout,
        # A dead link never answers the closing handshake either: do not wait long for it.
        close_timeout=CLOSE_TIMEOUT_S,
        max_size=MAX_FRAME_BYTES,
        logger=_websocket_log,
        proxy=None,  # an agent desktop talks to its routing server directly
    ) as ws:
        link = Link(ws, on_event, request_timeout, on_reply)
        reader = asyncio.create_task(link.read(), name="agent-core reader")
        try:
            yield link, reader
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
            link.fail_pending()


def ssl_context_for(url: str, ca_path: str | None) -> ssl.SSLContext | None:
    """Verification always on for wss://; a custom CA is trusted in addition, not instead."""
    if not url.startswith("wss://"):
        return None
    context = ssl.create_default_context()
    if ca_path is not None:
        try:
            context.load_verify_locations(cafile=ca_path)
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"cannot use the CA certificate {ca_path!r}: {exc}") from exc
    return context


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:197] + "..."
