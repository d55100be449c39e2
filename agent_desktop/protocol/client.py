"""The one client of the protocol: the app's core, ctl, the bench and the tests speak through it.

It owns one websocket connection: `connect` (ws:// or wss:// with an optional CA, a frame
limit), `hello` (version negotiation), `login` (password or token resume), requests matched to
their replies by id, and everything else the server pushes handed to `on_push` in frame order.
A refusal raises `Refused` with the server's `ErrorCode`; a connection that ends before the
reply raises `ConnectionLost` saying how it ended (a frame over the limit is named as such).

Hooks, all called synchronously by the one reader task, in frame order:

- `on_frame(frame)`: every frame as it arrives, before decoding (the bench stamps times here);
- `on_message(message)`: every decoded message, before a reply settles its request;
- `on_push(message)`: events, and replies nobody waits for (an `error` with no `re` included);
- `on_invalid(error)`: a frame that does not decode as a server message (logged and skipped
  when not given).

Reconnecting and state are the caller's business: a client lives as long as its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import ssl
from collections.abc import Callable
from typing import Final, TypeVar, cast, get_args

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.frames import Close
from websockets.typing import Subprotocol

from agent_desktop.protocol.agent_list import AgentListing
from agent_desktop.protocol.codec import (
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    SUBPROTOCOL,
    ProtocolError,
    decode_server,
    encode_text,
)
from agent_desktop.protocol.direct_connection import DirectConnection
from agent_desktop.protocol.messages import (
    AGENT_PAGE_DEFAULT,
    Agents,
    AgentUpdated,
    ClientMessage,
    Error,
    Hello,
    ListAgents,
    LoggedIn,
    Login,
    ServerMessage,
    ServerReply,
    Welcome,
)
from agent_desktop.protocol.vocabulary import ErrorCode

log = logging.getLogger(__name__)
# websockets logs every frame at DEBUG, the login frame with its password or token included:
# its logger never goes below INFO, whatever the application configures.
_websocket_log = logging.getLogger(f"{__name__}.websocket")
_websocket_log.setLevel(logging.INFO)

R = TypeVar("R")
_REPLY_TYPES: Final = get_args(ServerReply)
MESSAGE_TOO_BIG: Final = 1009
"""The WebSocket close code for a frame over the receiver's limit."""

FrameHook = Callable[[str | bytes], None]
MessageHook = Callable[[ServerMessage], None]


class Refused(ProtocolError):
    """The server answered the request with `error`: the request changed nothing."""

    def __init__(self, error: Error) -> None:
        super().__init__(error.code, error.message, error.re)
        self.error = error


class ConnectionLost(ConnectionError):
    """The connection ended before the reply; the request's outcome is unknown.

    `reason` says how it ended, in words a user can act on.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def describe_close(closed: ConnectionClosed | None, max_frame_bytes: int | None) -> str:
    """How a connection ended, naming a frame over a limit for what it is."""
    if closed is None:
        return "the connection is closed"
    sent, received = closed.sent, closed.rcvd
    if sent is not None and not closed.rcvd_then_sent:  # this side closed first
        if sent.code == MESSAGE_TOO_BIG:
            limit = f"{max_frame_bytes} bytes" if max_frame_bytes is not None else "its limit"
            return f"the server's reply was larger than {limit} ({MESSAGE_TOO_BIG} message too big)"
        return f"this client closed the connection ({_code_and_reason(sent)})"
    if received is not None:
        if received.code == MESSAGE_TOO_BIG:
            return (
                "the server refused a frame larger than its limit "
                f"({MESSAGE_TOO_BIG} message too big)"
            )
        return f"the server closed the connection ({_code_and_reason(received)})"
    return "the connection dropped without a closing handshake"


def _code_and_reason(frame: Close) -> str:
    return f"{frame.code}: {frame.reason}" if frame.reason else str(frame.code)


class ProtocolClient:
    """One connection to the server. Build it with `connect`; `close` it when done."""

    def __init__(
        self,
        ws: ClientConnection,
        *,
        max_frame_bytes: int | None = MAX_FRAME_BYTES,
        id_prefix: str = "r",
    ) -> None:
        self.ws = ws
        self.max_frame_bytes = max_frame_bytes
        # The hooks (see the module's docstring); set them before the first frame can arrive,
        # i.e. before the first request.
        self.on_frame: FrameHook | None = None
        self.on_message: MessageHook | None = None
        self.on_push: MessageHook | None = None
        self.on_invalid: Callable[[ProtocolError], None] | None = None
        self._listings: set[AgentListing] = set()
        """Agent listings under way (`list_agents`)."""
        self._pages: dict[str, AgentListing] = {}
        """The listing each page request in flight belongs to, by request id."""
        self.close_reason: str | None = None
        """Set when the connection has ended: how it ended (see `describe_close`)."""
        self._id_prefix = id_prefix
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[ServerReply]] = {}
        self._sends: set[asyncio.Task[None]] = set()
        self.ended: asyncio.Task[None] = asyncio.get_running_loop().create_task(
            self._read(), name="protocol client reader"
        )
        """The reader; done when the connection has ended."""
        if isinstance(ws, DirectConnection):
            ws.on_text = self._take_text

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_frame_bytes: int | None = MAX_FRAME_BYTES,
        open_timeout: float = 10.0,
        ping_interval: float | None = 20.0,
        ping_timeout: float | None = 20.0,
        close_timeout: float = 2.0,
        subprotocol: bool = True,
        id_prefix: str = "r",
        local_address: str | None = None,
    ) -> ProtocolClient:
        """Open the websocket (nothing sent yet). `max_frame_bytes=None` lifts the limit;
        `local_address` binds our end of the TCP connection (tests: another loopback source)."""
        ws = await connect(
            url,
            local_addr=(local_address, 0) if local_address is not None else None,
            subprotocols=[Subprotocol(SUBPROTOCOL)] if subprotocol else None,
            ssl=ssl_context,
            open_timeout=open_timeout,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            # A dead link never answers the closing handshake either: do not wait long for it.
            close_timeout=close_timeout,
            max_size=max_frame_bytes,
            logger=_websocket_log,
            create_connection=DirectConnection,
            proxy=None,  # clients talk to their routing server directly
        )
        return cls(ws, max_frame_bytes=max_frame_bytes, id_prefix=id_prefix)

    # --- requests ----------------------------------------------------------------------------

    def next_id(self) -> str:
        return f"{self._id_prefix}{next(self._ids)}"

    async def hello(self, client_name: str = "") -> Welcome:
        hello = Hello(id=self.next_id(), versions=[PROTOCOL_VERSION], client=client_name)
        return await self.request(hello, Welcome)

    async def login(
        self, user: str, *, password: str | None = None, token: str | None = None
    ) -> LoggedIn:
        """Log in with a password, or resume with `token` (then the password is not sent)."""
        login = Login(
            id=self.next_id(), user=user, password=None if token else password, token=token
        )
        return await self.request(login, LoggedIn)

    async def request(self, message: ClientMessage, expect: type[R]) -> R:
        """Send `message` and return its reply, which must be an `expect`.

        Raises `Refused` for an `error` reply, `ProtocolError` for a reply of another type,
        `ConnectionLost` when the connection ends first. Bound the wait with `asyncio.timeout`.
        """
        reply = await self.exchange(message)
        if isinstance(reply, Error):
            raise Refused(reply)
        if not isinstance(reply, expect):
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                f"expected {expect.__name__} for {message.id}, got {type(reply).__name__}",
                message.id,
            )
        return reply

    async def exchange(self, message: ClientMessage) -> ServerReply:
        """Send `message` and return its reply as it came, an `error` included."""
        request_id = message.id
        future: asyncio.Future[ServerReply] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            if self.ended.done():
                raise ConnectionLost(self.close_reason or "the connection is closed")
            try:
                await self.ws.send(encode_text(message))
            except ConnectionClosed as exc:
                raise ConnectionLost(describe_close(exc, self.max_frame_bytes)) from exc
            return await future
        finally:
            self._pending.pop(request_id, None)

    async def list_agents(
        self, request_id: str | None = None, *, limit: int = AGENT_PAGE_DEFAULT
    ) -> Agents:
        """Supervisor: every page of the agent list, as one `agents` reply to `request_id`.

        `on_message` sees that one reply (not the pages), in frame order with the events, so a
        caller keeping the list live with `agent_updated` never applies an older row last.
        """
        first_id = request_id or self.next_id()
        listing = AgentListing(first_id)
        page_id, after = first_id, None
        self._listings.add(listing)
        try:
            while not listing.done:
                self._pages[page_id] = listing
                request = ListAgents(id=page_id, after=after, limit=limit)
                page = await self.request(request, Agents)
                after, page_id = page.next, self.next_id()
        finally:
            self._listings.discard(listing)
            self._pages.pop(page_id, None)
        return Agents(re=first_id, agents=listing.agents())

    def send_nowait(self, message: ClientMessage) -> None:
        """Fire and forget (for load generation): its reply goes to `on_push`."""
        task = asyncio.get_running_loop().create_task(self.send_raw(encode_text(message)))
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def send_raw(self, frame: str | bytes) -> None:
        """Send any frame as it is (tests send malformed ones). A closed link drops it."""
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(frame)

    def fail_pending(self, exc: BaseException) -> None:
        """Every request still waiting fails with `exc`."""
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(exc)

    # --- the connection ----------------------------------------------------------------------

    @property
    def closed_exc(self) -> ConnectionClosed | None:
        """The websockets exception for how the connection ended (None while open)."""
        if not self.ended.done():
            return None
        return self.ws.protocol.close_exc

    async def close(self, reason: str = "") -> None:
        """Close with a normal closure (1000) and `reason`, and wait for the reader to end."""
        if self._sends:
            await asyncio.gather(*self._sends, return_exceptions=True)
        await self.ws.close(reason=reason)
        # wait(), not await: the reader's own end (even cancelled) is not the caller's error,
        # and a cancellation of the caller still propagates.
        await asyncio.wait({self.ended})

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                self._dispatch(frame)
        except ConnectionClosed:
            pass  # how it ended is read from the protocol below
        finally:
            self.close_reason = describe_close(self.ws.protocol.close_exc, self.max_frame_bytes)
            self.fail_pending(ConnectionLost(self.close_reason))
            # Nothing more arrives. Dropping the hooks breaks the client <-> owner cycle, so the
            # owner dies by reference counting on its own thread, not in a later GC pass on
            # whatever thread triggers it (Qt objects behind an owner must die on theirs).
            self.on_frame = self.on_message = self.on_push = self.on_invalid = None
            if isinstance(self.ws, DirectConnection):
                self.ws.on_text = None

    def _take_text(self, frame: str) -> None:
        """A text frame straight from the transport's callback (`DirectConnection`)."""
        try:
            self._dispatch(frame)
        except Exception:
            # Raised into websockets' data_received it would kill the transport with a
            # "fatal error" and no reason; the reader task's way ends the connection too.
            log.exception("handling a frame from the server failed; closing the connection")
            self.ws.transport.abort()

    def _dispatch(self, frame: str | bytes) -> None:
        if self.on_frame is not None:
            self.on_frame(frame)
        try:
            message = decode_server(frame)
        except ProtocolError as exc:
            if self.on_invalid is not None:
                self.on_invalid(exc)
            else:
                log.warning("ignoring a frame the server should not send: %s", exc.message)
            return
        if self.on_message is not None:
            shown = self._through_listings(message)
            if shown is not None:
                self.on_message(shown)
        elif self._listings:
            self._through_listings(message)
        if isinstance(message, _REPLY_TYPES):
            reply = cast(ServerReply, message)
            future = self._pending.pop(reply.re, None) if reply.re is not None else None
            if future is not None and not future.done():
                future.set_result(reply)
                return
        if self.on_push is not None:
            self.on_push(message)

    def _through_listings(self, message: ServerMessage) -> ServerMessage | None:
        """Feed the listings under way; a page becomes None, the last one the whole list."""
        if isinstance(message, AgentUpdated):
            for listing in self._listings:
                listing.update(message.agent)
        elif isinstance(message, Agents):
            page_of = self._pages.pop(message.re, None)
            if page_of is not None:
                return page_of.add_page(message)
        return message
