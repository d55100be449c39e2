"""The connection's life: connect, hello, login (token or password), stay online.

`Connector` performs one attempt at a time (`connect()`, the reducer's `Connect` effect): it
opens a `Link`, signs in and reads until the link ends, then reports the drop as
`LinkChanged(RECONNECTING, retry_at=...)` with the backoff pause. When to try again is the
reducer's decision (its `RETRY` timer, `RetryDue`, then `Connect`), as is what to send once
online (the `LinkChanged(ONLINE)` step sends the outbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from websockets.exceptions import WebSocketException

from agent_desktop.clock import Clock
from agent_desktop.protocol.codec import PROTOCOL_VERSION, ProtocolError
from agent_desktop.protocol.messages import (
    ClientMessage,
    Hello,
    LoggedIn,
    Login,
    PushedEvent,
    ServerReply,
    Welcome,
)
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.session.backoff import Backoff
from agent_desktop.session.clock_offset import measure_offset
from agent_desktop.session.credentials import TokenStore
from agent_desktop.session.errors import (
    AuthFailedError,
    CredentialsUnavailableError,
    LinkLostError,
    NotConnectedError,
    RequestError,
    SignedOutError,
)
from agent_desktop.session.events import CredentialsNoticed, LinkChanged, RetryDue, SignedIn
from agent_desktop.session.link import Link, describe, open_link, ssl_context_for
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import Connection, Identity, LinkStatus
from agent_desktop.session.store import StateStore

log = logging.getLogger(__name__)

R = TypeVar("R")

# Codes that mean "these credentials will never work": retrying would only hammer the server.
_AUTH_CODES: Final = frozenset({ErrorCode.AUTH_FAILED, ErrorCode.TOKEN_EXPIRED})


class _LinkDown(Exception):
    """Internal: the current connection is unusable; reconnect unless closing."""


class Timeouts:
    """How long to wait for the server: connecting, each reply, and the heartbeat."""

    def __init__(
        self,
        *,
        open_s: float,
        request_s: float,
        ping_interval_s: float | None,
        ping_timeout_s: float | None,
    ) -> None:
        self.open_s = open_s
        self.request_s = request_s
        self.ping_interval_s = ping_interval_s
        self.ping_timeout_s = ping_timeout_s


class Connector:
    def __init__(
        self,
        settings: Settings,
        store: StateStore,
        clock: Clock,
        *,
        tokens: TokenStore | None,
        backoff: Backoff,
        timeouts: Timeouts,
        client_name: str,
        on_event: Callable[[PushedEvent], None],
        on_reply: Callable[[ServerReply], None],
        on_online: Callable[[], Awaitable[None]],
    ) -> None:
        self.settings = settings
        self.password: str | None = None
        self.token: str | None = None
        self._store = store
        self._clock = clock
        self._tokens = tokens
        self._backoff = backoff
        self._timeouts = timeouts
        self._client_name = client_name
        self._on_event = on_event
        self._on_reply = on_reply
        self._on_online = on_online
        self._ssl = ssl_context_for(settings.server_url, settings.ca_path)
        self._ids = itertools.count(1)
        self._link: Link | None = None
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self._attempted = False
        self._skip_pause = False
        self._snapshot_seen = asyncio.Event()

    @property
    def running(self) -> bool:
        """Started and not stopped: connected, attempting, or pausing before the next try."""
        return self._running

    def next_id(self) -> str:
        return f"c{next(self._ids)}"

    async def load_token(self) -> None:
        if self._tokens is not None and self.token is None:
            try:
                self.token = await self._tokens.load()
            except CredentialsUnavailableError as exc:
                self._store.dispatch(CredentialsNoticed(str(exc)))

    async def forget_token(self) -> None:
        self.token = None
        if self._tokens is not None:
            try:
                await self._tokens.delete()
            except CredentialsUnavailableError as exc:
                self._store.dispatch(CredentialsNoticed(str(exc)))

    def start(self) -> None:
        self._running = True
        self._attempted = False
        self._skip_pause = False
        self.connect()

    def connect(self) -> None:
        """One attempt now, unless stopped or one is already under way."""
        if not self._running or (self._task is not None and not self._task.done()):
            return
        status = LinkStatus.RECONNECTING if self._attempted else LinkStatus.CONNECTING
        self._attempted = True
        self._task = asyncio.create_task(
            self._attempt(status), name=f"agent-core {self.settings.user}"
        )

    async def stop(self) -> None:
        """Drop the link without a goodbye and stop reconnecting."""
        self._running = False
        if self._link is not None:
            await self._link.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def retry_now(self) -> None:
        """End the pause now; if the link is still up (or dropping), skip the next pause."""
        self._skip_pause = True
        self._store.dispatch(RetryDue())

    async def drop(self) -> None:
        """Close the current link (it may be dead); the next attempt follows at once (also
        when there is no link: a pause under way ends now)."""
        self.retry_now()
        if self._link is not None:
            await self._link.close()

    def snapshot_seen(self) -> None:
        self._snapshot_seen.set()

    async def call(self, request: ClientMessage, expect: type[R]) -> R:
        link = self._link
        if link is None or not self._store.state.online:
            raise NotConnectedError("Not connected to the server; try again once online.")
        return await link.call(request, expect)

    async def _attempt(self, status: LinkStatus) -> None:
        self._changed(Connection(status, attempt=self._backoff.attempt))
        try:
            await self._connect_once()
            detail = "The server closed the connection."
        except AuthFailedError as exc:
            self._running = False
            if isinstance(exc, SignedOutError):
                self.password = None
                await self.forget_token()
            self._changed(Connection(LinkStatus.AUTH_FAILED, detail=str(exc)))
            return
        except (OSError, WebSocketException, ProtocolError, LinkLostError, _LinkDown) as exc:
            detail = describe(exc)
            log.info("link to %s down: %s", self.settings.server_url, detail)
        except Exception as exc:
            # A bug must not leave the agent silently stuck at "connecting": say it, retry.
            log.exception("unexpected error on the link to %s", self.settings.server_url)
            detail = describe(exc)
        if not self._running:
            return
        # Not rule timing: only how long to leave the server alone. retry_now() cuts it (also
        # when it was called just before the link dropped, as drop() does).
        delay = self._backoff.next_delay()
        if self._skip_pause:
            self._skip_pause = False
            delay = 0.0
        self._changed(
            Connection(
                LinkStatus.RECONNECTING,
                retry_at=self._clock.now() + delay,
                attempt=self._backoff.attempt,
                detail=detail,
            )
        )

    async def _connect_once(self) -> None:
        self._snapshot_seen.clear()
        timeouts = self._timeouts
        async with open_link(
            self.settings.server_url,
            on_event=self._on_event,
            on_reply=self._on_reply,
            ssl_context=self._ssl,
            open_timeout=timeouts.open_s,
            ping_interval=timeouts.ping_interval_s,
            ping_timeout=timeouts.ping_timeout_s,
            request_timeout=timeouts.request_s,
        ) as (link, reader):
            self._link = link
            try:
                await self._sign_in(link)
                # Online only once the snapshot has resynced offers, sessions and presence.
                try:
                    async with asyncio.timeout(timeouts.request_s):
                        await self._snapshot_seen.wait()
                except TimeoutError:
                    raise _LinkDown("no snapshot after login") from None
                self._backoff.reset()
                # The reducer sends the outbox on this step (accepts first, then messages).
                self._changed(Connection(LinkStatus.ONLINE))
                await self._on_online()
                await reader
            finally:
                self._link = None

    async def _sign_in(self, link: Link) -> None:
        sent = self._clock.now()
        hello = Hello(id=self.next_id(), versions=[PROTOCOL_VERSION], client=self._client_name)
        welcome = await link.call(hello, Welcome)
        received = self._clock.now()
        offset = measure_offset(sent, received, welcome.server_time)
        round_trip = received - sent
        sent = self._clock.now()
        logged_in = await self._login(link)
        received = self._clock.now()
        # Both replies carry server_time; the shorter round trip bounds the error tighter
        # (a password login spends time hashing, so the welcome usually wins).
        if received - sent < round_trip:
            offset = measure_offset(sent, received, logged_in.server_time)
        identity = Identity(
            logged_in.user, logged_in.role, logged_in.display_name, tuple(logged_in.queues)
        )
        self._store.dispatch(SignedIn(identity, clock_offset=offset))
        if logged_in.token != self.token:
            self.token = logged_in.token
            if self._tokens is not None:
                try:
                    await self._tokens.save(logged_in.token)
                except CredentialsUnavailableError as exc:
                    self._store.dispatch(CredentialsNoticed(str(exc)))

    async def _login(self, link: Link) -> LoggedIn:
        user = self.settings.user
        if self.token is not None:
            try:
                return await link.call(
                    Login(id=self.next_id(), user=user, token=self.token), LoggedIn
                )
            except RequestError as exc:
                if exc.code not in _AUTH_CODES:
                    raise _LinkDown(exc.message) from exc
                log.info("stored token refused (%s); forgetting it", exc.code)
                self.token = None
                if self._tokens is not None:
                    with contextlib.suppress(CredentialsUnavailableError):
                        await self._tokens.delete()
        if self.password is None:
            raise AuthFailedError("Your session ended. Please enter your password.")
        try:
            return await link.call(
                Login(id=self.next_id(), user=user, password=self.password), LoggedIn
            )
        except RequestError as exc:
            if exc.code in _AUTH_CODES:
                # Do not retry a wrong password on every reconnect.
                self.password = None
                raise AuthFailedError(exc.message) from exc
            raise _LinkDown(exc.message) from exc

    def _changed(self, connection: Connection) -> None:
        self._store.dispatch(LinkChanged(connection))
