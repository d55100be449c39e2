"""The websocket layer around the routing engine: handshake, login, frames in, events out.

Everything a client sends is decoded at this edge; the engine only ever sees typed requests from
a logged-in principal. Each connection has one outbox drained by one writer task, so the frames
of a connection leave in exactly the order the engine produced them, and a slow or dead client
never holds up delivery to anyone else.

Frames: every request is JSON in a text frame, as docs/protocol.md says; a binary frame is
refused with `invalid_message` (and the connection stays), so no second way in goes untested.
Replies are always text frames. Over 64 KiB is `message_too_large` and the connection stays;
over 1 MiB websockets itself closes the connection with 1009.
"""

from __future__ import annotations

import http
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request as HttpRequest
from websockets.http11 import Response
from websockets.typing import Subprotocol

from agent_desktop import __version__
from agent_desktop.clock import Clock
from agent_desktop.protocol.bookings import BookingRequest, is_booking_request
from agent_desktop.protocol.codec import (
    CLOSE_SIGNED_OUT,
    PROTOCOL_VERSION,
    SUBPROTOCOL,
    ProtocolError,
    decode_client,
    encode_text,
    negotiate,
)
from agent_desktop.protocol.messages import (
    Ack,
    ClientMessage,
    Error,
    Hello,
    LoggedIn,
    Login,
    Logout,
    ServerMessage,
    ServerReply,
    Welcome,
)
from agent_desktop.protocol.model import QueueView
from agent_desktop.protocol.vocabulary import (
    ErrorCode,
    QueueId,
    RequestId,
    Role,
    UserId,
    WorkState,
)
from agent_desktop.server.auth import Authenticator
from agent_desktop.server.connection import Link
from agent_desktop.server.customer_notifications.conversation import Route
from agent_desktop.server.customer_notifications.desk import CustomerNotifications
from agent_desktop.server.deadlines import DeadlineTimer
from agent_desktop.server.engine import ConnId, Delivery, Engine, Principal
from agent_desktop.server.health import answer_health, http_response
from agent_desktop.server.heap_freezer import HeapFreezer

log = logging.getLogger(__name__)

SERVER_NAME: Final = f"agent-desktop-server/{__version__}"


def select_subprotocol(
    connection: ServerConnection, offered: Sequence[Subprotocol]
) -> Subprotocol | None:
    """Speak `agent-desktop.v1` when offered; a client that offers nothing is welcome too."""
    return Subprotocol(SUBPROTOCOL) if SUBPROTOCOL in offered else None


class Hub:
    """All connections of one server, the engine they share, and the engine's deadline timer."""

    def __init__(
        self,
        engine: Engine,
        auth: Authenticator,
        clock: Clock,
        freezer: HeapFreezer | None = None,
    ) -> None:
        self.engine = engine
        self.auth = auth
        self.clock = clock
        self.freezer = freezer
        self._links: dict[UserId, set[Link]] = {}
        self._ids = itertools.count(1)
        self.deadlines = DeadlineTimer(engine, clock, self._deliver)
        self.customer_notifications: CustomerNotifications | None = None
        """The sibling domain of bookings; set by the runner (None: no booking requests)."""
        self._queue_directory = [
            QueueView(queue=QueueId(q.id), name=q.name, channel=q.channel)
            for q in engine.config.queues
        ]

    # --- HTTP before the upgrade ---------------------------------------------------------------

    def process_request(
        self, connection: ServerConnection, request: HttpRequest
    ) -> Response | None:
        """`GET /health` answers plain JSON; any other non-websocket request is a 404."""
        path = request.path.split("?", 1)[0]
        if path == "/health":
            return answer_health(request, SERVER_NAME, self.health, self.auth.role_of)
        portal = self._portal_page(connection, path)
        if portal is not None:
            return portal
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return http_response(
                http.HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", SERVER_NAME
            )
        return None

    def _portal_page(self, connection: ServerConnection, path: str) -> Response | None:
        """`GET /portal/<code>`: the customer's page of one booking (customer notifications)."""
        notifications = self.customer_notifications
        if notifications is None or not notifications.is_portal_path(path):
            return None
        remote = connection.remote_address
        client = str(remote[0]) if remote else "unknown"
        page = notifications.portal_page(client, path)
        return http_response(
            page.status, page.html.encode(), "text/html; charset=utf-8", SERVER_NAME
        )

    def health(self) -> dict[str, object]:
        agents = sum(
            1
            for links in self._links.values()
            if any(link.principal and link.principal.role is Role.AGENT for link in links)
        )
        try:
            queued = self.engine.accounting().get(WorkState.QUEUED.value, 0)
        except Exception:
            log.exception("engine accounting failed during a health check")
            return {"status": "error", "version": __version__}
        return {
            "status": "ok",
            "version": __version__,
            "protocol": PROTOCOL_VERSION,
            "connected_agents": agents,
            "queued_items": queued,
        }

    # --- one connection ------------------------------------------------------------------------

    async def handle(self, ws: ServerConnection) -> None:
        link = Link(ConnId(next(self._ids)), ws, self.clock)
        try:
            async for frame in ws:
                if not await self._on_frame(link, frame):
                    break
        except ConnectionClosed:
            pass
        finally:
            if self.customer_notifications is not None:
                self.customer_notifications.log_watch.unwatch(link.conn_id)
            if link.principal is not None and not link.said_goodbye:
                self._unregister(link)
                self._call_engine(
                    lambda: self.engine.disconnect(
                        link.conn_id, goodbye=False, last_alive=link.proved_until
                    ),
                    what=f"disconnect of {link.principal.user}",
                )
            await link.stop()

    async def _on_frame(self, link: Link, frame: str | bytes) -> bool:
        """Answer one frame; False when the connection is to close."""
        try:
            message = _decode(frame)
        except ProtocolError as exc:
            link.send(Error(re=exc.re, code=exc.code, message=exc.message))
            return True
        try:
            return await self._on_message(link, message)
        except ProtocolError as exc:
            link.send(Error(re=exc.re or RequestId(message.id), code=exc.code, message=exc.message))
        except Exception:
            log.exception("request %s of type %s failed", message.id, type(message).__name__)
            link.send(
                Error(
                    re=RequestId(message.id),
                    code=ErrorCode.INTERNAL_ERROR,
                    message="the server failed to handle this request (logged on the server)",
                )
            )
        finally:
            self.deadlines.rearm()
        return True

    async def _on_message(self, link: Link, message: ClientMessage) -> bool:
        re = RequestId(message.id)
        if isinstance(message, Hello):
            if self._hello(link, message):
                return True
            await link.flush_and_close(CloseCode.POLICY_VIOLATION)
            return False
        if not link.negotiated:
            raise ProtocolError(ErrorCode.NOT_NEGOTIATED, "say hello first", re)
        if isinstance(message, Login):
            await self._login(link, message)
            return True
        if link.principal is None:
            raise ProtocolError(ErrorCode.NOT_LOGGED_IN, "log in first", re)
        if isinstance(message, Logout):
            await self._logout(link, message)
            return False
        if is_booking_request(message):
            link.send(await self._booking_request(link, link.principal, message))
            return True
        reply, deliveries = self.engine.handle(link.principal, link.conn_id, message)
        link.send(reply)
        self._deliver(deliveries)
        return True

    async def _booking_request(
        self, link: Link, principal: Principal, message: BookingRequest
    ) -> ServerMessage:
        """Customer notifications answer their own requests; the routing engine never sees them."""
        if self.customer_notifications is None:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE, "this server has no customer notifications", message.id
            )
        # Awaited: a change may wait (bounded) for the routing service's ETA; this connection's
        # next frames wait with it, other connections do not.
        return await self.customer_notifications.answer(
            principal.role,
            principal.user,
            message,
            route=lambda r: self._routed(link, r),
            watcher=(link.conn_id, link.send),
        )

    def _routed(self, link: Link, request: ClientMessage) -> ServerReply:
        """A routing request made on behalf of a customer-notifications request (an SMS reply
        becoming a conversation): the engine handles it as if this connection had sent it."""
        assert link.principal is not None
        reply, deliveries = self.engine.handle(link.principal, link.conn_id, request)
        self._deliver(deliveries)
        return reply

    def service_route(self, user: UserId) -> Route:
        """Routing requests made by the server on behalf of `user` (a supervisor with no
        connection: the SMS webhook's replies becoming conversations)."""
        principal = Principal(user=user, role=Role.SUPERVISOR)

        def route(request: ClientMessage) -> ServerReply:
            try:
                reply, deliveries = self.engine.handle_for_service(principal, request)
            finally:
                self.deadlines.rearm()  # a new conversation brings deadlines (its offer's expiry)
            self._deliver(deliveries)
            return reply

        return route

    def _hello(self, link: Link, hello: Hello) -> bool:
        if link.negotiated:
            # Negotiated once per connection: a stray second hello must not end a logged-in
            # agent's link (offline, offers rerouted) the way a failed first one does.
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                "the protocol version is already negotiated on this connection",
                RequestId(hello.id),
            )
        version = negotiate(hello.versions)
        if version is None:
            link.send(
                Error(
                    re=RequestId(hello.id),
                    code=ErrorCode.UNSUPPORTED_VERSION,
                    message=f"this server speaks protocol version {PROTOCOL_VERSION}; "
                    f"offered {hello.versions}",
                )
            )
            return False
        link.negotiated = True
        link.send(
            Welcome(
                re=RequestId(hello.id),
                version=version,
                server_time=self.clock.now(),
                server=SERVER_NAME,
            )
        )
        return True

    async def _login(self, link: Link, login: Login) -> None:
        if link.principal is not None:
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                "already logged in on this connection; open another one for another user",
                RequestId(login.id),
            )
        result = await self.auth.login(login, source=link.source)
        principal = Principal(user=UserId(result.user.id), role=result.user.role)
        snapshot, deliveries = self.engine.connect(principal, link.conn_id)
        link.principal = principal
        link.expire_after(result.token_expires_at - self.clock.now())
        link.tokens.add(result.token)
        if login.token is not None:
            link.tokens.add(login.token)
        self._links.setdefault(principal.user, set()).add(link)
        if self.freezer is not None:
            self.freezer.login_seen()
        link.send(
            LoggedIn(
                re=RequestId(login.id),
                user=principal.user,
                role=principal.role,
                display_name=result.user.name,
                token=result.token,
                token_expires_at=result.token_expires_at,
                server_time=self.clock.now(),
                queues=self._queue_directory,
            )
        )
        link.send(snapshot)
        self._deliver(deliveries)

    async def _logout(self, link: Link, logout: Logout) -> None:
        assert link.principal is not None
        if logout.everywhere:
            self.auth.tokens.revoke_all(link.principal.user)
        elif logout.revoke_token:
            for token in link.tokens:
                self.auth.tokens.revoke(token)
        others = [o for o in self._links.get(link.principal.user, ()) if o is not link]
        deliveries = self._say_goodbye(link)
        if logout.everywhere:
            for other in others:
                deliveries += self._say_goodbye(other)
                other.close_now(CLOSE_SIGNED_OUT, "signed out everywhere")
        link.send(Ack(re=RequestId(logout.id)))
        self._deliver(deliveries)
        await link.flush_and_close()

    def _say_goodbye(self, link: Link) -> list[Delivery]:
        """This link leaves on purpose: the engine reroutes its offers without a grace period."""
        link.said_goodbye = True
        self._unregister(link)
        return self.engine.disconnect(link.conn_id, goodbye=True)

    # --- fan-out -------------------------------------------------------------------------------

    def _unregister(self, link: Link) -> None:
        assert link.principal is not None
        links = self._links.get(link.principal.user)
        if links is not None:
            links.discard(link)
            if not links:
                del self._links[link.principal.user]

    def _deliver(self, deliveries: Iterable[Delivery]) -> None:
        for delivery in deliveries:
            links = self._links.get(delivery.to)
            if not links:
                continue
            frame = encode_text(delivery.message)
            for link in links:
                link.post(frame)

    def _call_engine(self, call: Callable[[], list[Delivery]], *, what: str) -> None:
        try:
            self._deliver(call())
        except Exception:
            log.exception("engine failed: %s", what)
        self.deadlines.rearm()

    # --- lifetime -----------------------------------------------------------------------------

    def start(self) -> None:
        self.deadlines.start()

    def stop(self) -> None:
        if self.freezer is not None:
            self.freezer.stop()
        self.deadlines.stop()

    def wake(self) -> None:
        """Re-arm the deadline timer now (after a test moved a ManualClock, for instance)."""
        self.deadlines.rearm()


def _decode(frame: str | bytes) -> ClientMessage:
    if isinstance(frame, bytes):
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, "binary frame refused: send each message as a text frame"
        )
    return decode_client(frame)
