"""The SMS provider's webhook over HTTP/1.1: `POST /sms/inbound` and `POST /sms/status`.

Its own listener (`[customer_notifications.webhook] listen`), off unless configured: the
routing server's port speaks websockets, whose HTTP hook takes GET only. h11 parses; this module
holds the limits, so a client can neither make it buffer more than `max_body_bytes` nor hold a
connection open longer than `READ_TIMEOUT_S`, and an address sending more than
`requests_per_minute` gets 429 before its body is read. One request per connection (providers
open one per callback). What a request means is `inbound.py`'s business.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
from collections.abc import Callable
from typing import Final

import h11

from agent_desktop.protocol.vocabulary import UserId
from agent_desktop.server.customer_notifications.config import WebhookConfig
from agent_desktop.server.customer_notifications.conversation import Route
from agent_desktop.server.customer_notifications.desk import CustomerNotifications
from agent_desktop.server.customer_notifications.inbound import (
    PATHS,
    SIGNATURE_HEADER,
    Answer,
    WebhookDesk,
    WebhookNotStarted,
    refusal,
    webhook_secret,
)
from agent_desktop.server.customer_notifications.portal import RateLimit

log = logging.getLogger(__name__)

READ_TIMEOUT_S: Final = 10.0
"""The whole request (headers and body) must arrive within this; a slow client is cut off."""
MAX_HEADER_BYTES: Final = 16_384
MAX_CONNECTIONS: Final = 256
"""Open at once; more are answered 503 at once (each may otherwise sit READ_TIMEOUT_S)."""
LINGER_S: Final = 1.0
LINGER_BYTES: Final = 1_048_576
SERVER_HEADER: Final = b"agent-desktop-sms-webhook"
S = http.HTTPStatus


class _TooLarge(Exception):
    pass


class _Busy(Exception):
    pass


class SmsWebhook:
    def __init__(
        self,
        desk: WebhookDesk,
        config: WebhookConfig,
        limit: RateLimit,
    ) -> None:
        self.desk = desk
        self.config = config
        self.limit = limit
        self.port = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        host, _, port = self.config.listen.rpartition(":")
        try:
            self._server = await asyncio.start_server(self._serve, host.strip("[]"), int(port))
        except OSError as exc:
            raise WebhookNotStarted(
                f"cannot listen on {self.config.listen} for the SMS webhook: {exc.strerror}"
            ) from None
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("SMS webhook listening on %s:%d", host, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            peer = writer.get_extra_info("peername")
            client = str(peer[0]) if peer else "unknown"
            conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
            try:
                if len(self._handlers) > MAX_CONNECTIONS:  # idle sockets must not pile up
                    raise _Busy
                async with asyncio.timeout(READ_TIMEOUT_S):
                    answer = await self._answer(client, conn, reader)
            except _Busy:
                answer = refusal(S.SERVICE_UNAVAILABLE, "too many connections, try again later")
            except TimeoutError:
                answer = refusal(S.REQUEST_TIMEOUT, "the request took too long")
            except h11.RemoteProtocolError as exc:
                answer = refusal(S.BAD_REQUEST, f"not valid HTTP/1.1: {exc}")
            except _TooLarge:
                answer = refusal(
                    S.REQUEST_ENTITY_TOO_LARGE,
                    f"the body is larger than {self.config.max_body_bytes} bytes",
                )
            except Exception:
                # A defect here must not leave the provider without an answer: it retries.
                log.exception("SMS webhook: a request failed")
                answer = refusal(S.INTERNAL_SERVER_ERROR, "internal error, try again later")
            writer.write(_response(conn, answer))
            with contextlib.suppress(ConnectionError, TimeoutError):
                await writer.drain()
                await _linger(reader, writer)
        except Exception:
            log.exception("SMS webhook: a request failed")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
            self._handlers.discard(task)

    async def _answer(
        self, client: str, conn: h11.Connection, reader: asyncio.StreamReader
    ) -> Answer:
        request = await _next(conn, reader)
        if not isinstance(request, h11.Request):
            return refusal(S.BAD_REQUEST, "no request")
        if not self.limit.allow(client):
            return refusal(S.TOO_MANY_REQUESTS, "too many requests")
        path = request.target.decode("ascii", "replace").split("?", 1)[0]
        if path not in PATHS:
            return refusal(S.NOT_FOUND, "no such endpoint")
        if request.method != b"POST":
            return refusal(S.METHOD_NOT_ALLOWED, "POST only")
        headers = {
            name.decode().lower(): value.decode("latin-1") for name, value in request.headers
        }
        declared = headers.get("content-length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > self.config.max_body_bytes
        ):
            raise _TooLarge  # refused before a byte of the body is read
        body = bytearray()
        while True:
            event = await _next(conn, reader)
            if isinstance(event, h11.Data):
                body += event.data
                if len(body) > self.config.max_body_bytes:  # chunked bodies have no length
                    raise _TooLarge
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                return refusal(S.BAD_REQUEST, "the body ended early")
        return self.desk.answer(
            path, headers.get("content-type", ""), headers.get(SIGNATURE_HEADER), bytes(body)
        )


async def _next(conn: h11.Connection, reader: asyncio.StreamReader) -> object:
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(await reader.read(65_536))  # b"" at EOF: h11 sees the close
            continue
        return event


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read and drop what the client still sends (a body refused unread) before closing, for
    a bounded time: closing with unread input resets the connection, and the client would see
    the reset instead of our 413 or 429."""
    if writer.can_write_eof():
        writer.write_eof()
    dropped = 0
    async with asyncio.timeout(LINGER_S):
        while dropped < LINGER_BYTES and (chunk := await reader.read(65_536)):
            dropped += len(chunk)


def _response(conn: h11.Connection, answer: Answer) -> bytes:
    body = json.dumps(answer.body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        (b"server", SERVER_HEADER),
    ]
    if answer.status is S.METHOD_NOT_ALLOWED:
        headers.append((b"allow", b"POST"))
    try:
        response = h11.Response(
            status_code=answer.status.value, headers=headers, reason=answer.status.phrase.encode()
        )
        head = conn.send(response)
        assert head is not None
        return head + body
    except h11.LocalProtocolError:
        # The request was not valid HTTP: h11 will not frame a reply to it; say 4xx plainly.
        lines = [f"HTTP/1.1 {answer.status.value} {answer.status.phrase}".encode()]
        lines += [name + b": " + value for name, value in headers]
        return b"\r\n".join(lines) + b"\r\n\r\n" + body


async def start_webhook(
    notifications: CustomerNotifications, route_for: Callable[[UserId], Route]
) -> SmsWebhook | None:
    """The webhook when `[customer_notifications.webhook]` is configured (None otherwise);
    `route_for(user)` routes a reply as that user. Refuses to start without its secret."""
    config = notifications.config.webhook
    if config is None:
        return None
    desk = WebhookDesk(
        notifications, config, webhook_secret(config), route_for(UserId(config.user))
    )
    webhook = SmsWebhook(desk, config, RateLimit(notifications.clock, config.requests_per_minute))
    await webhook.start()
    return webhook
