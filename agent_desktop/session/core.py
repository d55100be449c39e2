"""`AgentCore`: the headless agent desktop. One object the UI (or a script) holds.

It owns the link to the server (hello, login, heartbeat, reconnect with backoff, resume with the
token), the state (`AgentState` in a `StateStore`, changed only by `reducer.apply`), and the
intents. Shells observe it: `subscribe(callback)` or `async for state in core.states()` for the
state, `on_announcement(callback)` for "notify the user" decisions.

Timing: rule time comes from the injected `Clock`. The only real-time waits are the loop timer
that fires `Tick` at the next local deadline (re-armed by `wake()` after a test moves a
ManualClock) and the reconnect pause; neither decides a rule on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Final, TypeVar

from websockets.exceptions import WebSocketException

from agent_desktop.clock import Clock, SystemClock
from agent_desktop.protocol.codec import PROTOCOL_VERSION, ProtocolError
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    Agents,
    CallControl,
    ClientMessage,
    ClockReading,
    CloseSession,
    DismissAlert,
    Escalate,
    GetPresenceTimeline,
    Hello,
    ListAgents,
    LoggedIn,
    Login,
    Logout,
    PresenceTimeline,
    RejectOffer,
    ResetPresence,
    SendMessage,
    ServerEvent,
    ServerReply,
    SetPresence,
    Snapshot,
    SyncClock,
    Transfer,
    Welcome,
)
from agent_desktop.protocol.model import PresenceChange
from agent_desktop.protocol.vocabulary import (
    AlertId,
    CallAction,
    ErrorCode,
    OfferId,
    Presence,
    QueueId,
    SessionId,
    UserId,
)
from agent_desktop.session.backoff import Backoff
from agent_desktop.session.clock_offset import measure_offset
from agent_desktop.session.credentials import TokenStore
from agent_desktop.session.errors import (
    AuthFailedError,
    CredentialsUnavailableError,
    LinkLostError,
    NotConnectedError,
    RequestError,
)
from agent_desktop.session.events import (
    AgentsListed,
    AlertRemoved,
    ClockSynced,
    CredentialsNoticed,
    LinkChanged,
    MessageAcked,
    MessageDiscarded,
    MessageQueued,
    MessageRefused,
    SignedIn,
    SignedOut,
    Tick,
    ToastDismissed,
)
from agent_desktop.session.link import Link, describe, open_link, ssl_context_for
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import (
    AgentState,
    AlertAction,
    Connection,
    Identity,
    LinkStatus,
    OutboxStatus,
    OutgoingMessage,
    PendingOffer,
    ShownToast,
)
from agent_desktop.session.store import (
    Announcement,
    AnnouncementListener,
    StateListener,
    StateStore,
)

log = logging.getLogger(__name__)

R = TypeVar("R")

# Codes that mean "these credentials will never work": retrying would only hammer the server.
_AUTH_CODES: Final = frozenset({ErrorCode.AUTH_FAILED, ErrorCode.TOKEN_EXPIRED})

__all__ = ["AgentCore", "Announcement"]


class _LinkDown(Exception):
    """Internal: the current connection is unusable; reconnect unless closing."""


class AgentCore:
    """The agent's desktop without a GUI.

    Intents (`accept`, `reject`, `set_presence`, `send_message`, ...) are coroutines that wait
    for the server's reply and raise `RequestError` (with the `ErrorCode` and the server's
    message) when refused, `NotConnectedError` while the link is down, and `LinkLostError` when
    the link dropped before the reply. `send_message` is the exception: while the link is down
    it queues the message, which is sent after the resume.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        password: str | None = None,
        clock: Clock | None = None,
        token_store: TokenStore | None = None,
        backoff: Backoff | None = None,
        ping_interval: float | None = 10.0,
        ping_timeout: float | None = 10.0,
        open_timeout: float = 10.0,
        request_timeout: float = 30.0,
        client_name: str = "agent-desktop",
    ) -> None:
        """`token_store` None keeps the token in memory only (resume works, restart asks).

        Raises ValueError for settings the core cannot use (no user, unreadable CA file).
        """
        if not settings.user:
            raise ValueError("settings.user is empty: the core needs a user name to log in")
        self.settings = settings
        self._password = password
        self._clock: Clock = clock or SystemClock()
        self._tokens = token_store
        self._token: str | None = None
        self._backoff = backoff or Backoff()
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._open_timeout = open_timeout
        self._request_timeout = request_timeout
        self._client_name = client_name
        self._ssl = ssl_context_for(settings.server_url, settings.ca_path)

        self._store = StateStore(settings, self._clock)
        self._ids = itertools.count(1)
        self._link: Link | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._closing = False
        self._retry_now = asyncio.Event()
        self._snapshot_seen = asyncio.Event()
        self._outbox_lock = asyncio.Lock()

    # --- observing ---------------------------------------------------------------------------

    @property
    def state(self) -> AgentState:
        return self._store.state

    @property
    def clock(self) -> Clock:
        return self._clock

    def subscribe(self, listener: StateListener) -> Callable[[], None]:
        """Call `listener(state)` after every change. Returns a function that unsubscribes."""
        return self._store.subscribe(listener)

    def on_announcement(self, listener: AnnouncementListener) -> Callable[[], None]:
        """Call `listener(announcement)` for each new offer, gone offer, toast and alert."""
        return self._store.on_announcement(listener)

    def states(self) -> AsyncIterator[AgentState]:
        """The current state, then every change (a slow reader skips to the newest)."""
        return self._store.states()

    async def wait_for(
        self, predicate: Callable[[AgentState], bool], within: float | None = 10.0
    ) -> AgentState:
        """Wait until the state satisfies `predicate` (tests, scripts, the headless runner)."""
        async with asyncio.timeout(within):
            async for state in self.states():
                if predicate(state):
                    return state
        raise AssertionError("unreachable: states() never ends")  # pragma: no cover

    def use_settings(self, settings: Settings) -> None:
        """Apply changed preferences (notification mode, sounds) to the next announcements.

        The server, user and CA are what the link is built from: changing those needs a new
        core (and a sign-in), so they must stay as they are.
        """
        if (settings.server_url, settings.user, settings.ca_path) != (
            self.settings.server_url,
            self.settings.user,
            self.settings.ca_path,
        ):
            raise ValueError("a new server, user or CA needs a new core, not use_settings")
        self.settings = settings
        self._store.settings = settings

    def set_window_active(self, active: bool) -> None:
        """The UI reports focus, so the policy can decide between OS and in-app notifications."""
        self._store.window_active = active

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Read the stored token, then connect and stay connected (in a background task).

        Without a token or a password the state goes to AUTH_FAILED ("enter your password");
        call `login(password)` and `start()` again.
        """
        if self._run_task is not None:
            raise RuntimeError("the core is already started")
        self._closing = False
        self._retry_now.clear()
        if self._tokens is not None and self._token is None:
            try:
                self._token = await self._tokens.load()
            except CredentialsUnavailableError as exc:
                self._store.dispatch(CredentialsNoticed(str(exc)))
        if self._token is None and self._password is None:
            self._store.dispatch(
                LinkChanged(
                    Connection(LinkStatus.AUTH_FAILED, detail="Please enter your password.")
                )
            )
            return
        self._run_task = asyncio.create_task(self._run(), name=f"agent-core {self.settings.user}")

    def login(self, password: str) -> None:
        """Remember a password the user typed (after AUTH_FAILED); `start()` uses it."""
        self._password = password

    async def close(self) -> None:
        """Drop the link without a goodbye (the server keeps the work for the grace window)."""
        self._closing = True
        self._retry_now.set()
        if self._link is not None:
            await self._link.close()
        if self._run_task is not None:
            self._run_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._run_task
            self._run_task = None
        # The offer timer keeps running: an offer still leaves the desktop at its expiry.
        if self.state.connection.status is not LinkStatus.AUTH_FAILED:
            self._store.dispatch(LinkChanged(Connection(LinkStatus.OFFLINE)))

    async def logout(self) -> None:
        """Sign out: say goodbye (offers rerouted at once), revoke the token and forget it.

        The desktop empties; the next start asks for the password.
        """
        await self._goodbye(revoke_token=True)
        self._token = None
        if self._tokens is not None:
            try:
                await self._tokens.delete()
            except CredentialsUnavailableError as exc:
                self._store.dispatch(CredentialsNoticed(str(exc)))
        self._store.dispatch(SignedOut())

    async def quit(self) -> None:
        """Say goodbye but keep the token: the app closes or the machine sleeps.

        The server reroutes pending offers in seconds instead of after the grace window, and
        the next `start()` resumes with the stored token, without the password.
        """
        await self._goodbye(revoke_token=False)

    go_offline = quit
    """Going offline is a goodbye that keeps the token; `start()` comes back online."""

    async def _goodbye(self, *, revoke_token: bool) -> None:
        if self._link is not None and self.state.online:
            # Best effort: if the link is already gone the grace windows apply anyway.
            with contextlib.suppress(LinkLostError, NotConnectedError, RequestError):
                await self._call(Logout(id=self._next_id(), revoke_token=revoke_token), Ack)
        await self.close()

    def reconnect_now(self) -> None:
        """Skip the backoff pause (network came back, the machine woke up)."""
        self._retry_now.set()

    async def force_reconnect(self) -> None:
        """Drop a link that may be dead (after sleep/resume or a network change) and resume."""
        self._retry_now.set()
        if self._link is not None:
            await self._link.close()

    def wake(self) -> None:
        """Apply local deadlines now and re-arm the timer (after a test advanced a clock)."""
        self._store.dispatch(Tick())

    # --- intents -----------------------------------------------------------------------------

    async def accept(self, offer_id: OfferId) -> None:
        self._require_offer(offer_id)
        await self._call(AcceptOffer(id=self._next_id(), offer_id=offer_id), Ack)

    open_item = accept
    """A case is opened, not accepted: same request."""

    async def reject(self, offer_id: OfferId) -> None:
        offer = self._require_offer(offer_id)
        if not offer.rejectable:
            raise RequestError(
                ErrorCode.NOT_REJECTABLE,
                f"{offer.offer.notification.title} cannot be rejected; open it instead.",
                local=True,
            )
        await self._call(RejectOffer(id=self._next_id(), offer_id=offer_id), Ack)

    async def set_presence(self, presence: Presence) -> None:
        if presence is Presence.INACTIVE:
            raise RequestError(
                ErrorCode.INVALID_PRESENCE, "Inactive is set by the system only.", local=True
            )
        await self._call(SetPresence(id=self._next_id(), presence=presence), Ack)

    async def reset_presence(self, agent: UserId, presence: Presence = Presence.AVAILABLE) -> None:
        """Supervisor: set another agent's presence (default back to Available)."""
        await self._call(ResetPresence(id=self._next_id(), agent=agent, presence=presence), Ack)

    async def send_message(self, session_id: SessionId, text: str) -> str:
        """Send a message in a session; returns its client_msg_id.

        Online, it waits for the server's acknowledgement and raises `RequestError` if refused
        (the message then stays in the outbox as failed). With the link down it is queued and
        sent after the resume; the server stores it once even if it was already half-sent.
        """
        if not text.strip():
            raise RequestError(ErrorCode.INVALID_MESSAGE, "The message is empty.", local=True)
        if self._store.state.session(session_id) is None:
            raise RequestError(
                ErrorCode.UNKNOWN_SESSION, "That session is not open any more.", local=True
            )
        message = OutgoingMessage(
            client_msg_id=uuid.uuid4().hex,
            session_id=session_id,
            text=text,
            typed_at=self._clock.now(),
        )
        self._store.dispatch(MessageQueued(message))
        if self.state.online:
            await self._flush_outbox()
            sent = next(
                (m for m in self._store.state.outbox if m.client_msg_id == message.client_msg_id),
                None,
            )
            if sent is not None and sent.status is OutboxStatus.FAILED:
                assert sent.error_code is not None
                raise RequestError(sent.error_code, sent.error)
        return message.client_msg_id

    def discard_unsent(self, client_msg_id: str) -> None:
        """Remove a failed (or queued) message from the outbox."""
        self._store.dispatch(MessageDiscarded(client_msg_id))

    async def call_control(self, session_id: SessionId, action: CallAction) -> None:
        await self._call(CallControl(id=self._next_id(), session_id=session_id, action=action), Ack)

    async def hold(self, session_id: SessionId) -> None:
        await self.call_control(session_id, CallAction.HOLD)

    async def resume(self, session_id: SessionId) -> None:
        await self.call_control(session_id, CallAction.RESUME)

    async def mute(self, session_id: SessionId) -> None:
        await self.call_control(session_id, CallAction.MUTE)

    async def unmute(self, session_id: SessionId) -> None:
        await self.call_control(session_id, CallAction.UNMUTE)

    async def end_call(self, session_id: SessionId) -> None:
        await self.call_control(session_id, CallAction.END)

    async def transfer(
        self,
        session_id: SessionId,
        *,
        to_queue: QueueId | None = None,
        to_agent: UserId | None = None,
    ) -> None:
        _one_target(to_queue, to_agent)
        await self._call(
            Transfer(
                id=self._next_id(), session_id=session_id, to_queue=to_queue, to_agent=to_agent
            ),
            Ack,
        )

    async def escalate(
        self,
        session_id: SessionId,
        *,
        to_queue: QueueId | None = None,
        to_agent: UserId | None = None,
    ) -> None:
        _one_target(to_queue, to_agent)
        await self._call(
            Escalate(
                id=self._next_id(), session_id=session_id, to_queue=to_queue, to_agent=to_agent
            ),
            Ack,
        )

    async def close_session(self, session_id: SessionId) -> None:
        await self._call(CloseSession(id=self._next_id(), session_id=session_id), Ack)

    async def dismiss_alert(self, alert_id: str) -> None:
        alert = self._store.state.alert(alert_id)
        if alert is not None and not alert.from_server:
            self._store.dispatch(AlertRemoved(alert_id))
            return
        try:
            await self._call(DismissAlert(id=self._next_id(), alert_id=AlertId(alert_id)), Ack)
        except RequestError as exc:
            # Already cleared on the server (e.g. by the presence change that resolved it):
            # gone is what the agent asked for.
            if exc.code is not ErrorCode.UNKNOWN_ALERT:
                raise
        self._store.dispatch(AlertRemoved(alert_id))

    async def respond_to_alert(self, alert_id: str) -> None:
        """Do what the alert's button says ("Set me Available", "Reconnect"), then dismiss it."""
        alert = self._store.state.alert(alert_id)
        if alert is None:
            raise RequestError(ErrorCode.UNKNOWN_ALERT, "That alert is gone.", local=True)
        match alert.action:
            case AlertAction.SET_AVAILABLE:
                await self.set_presence(Presence.AVAILABLE)
                if self._store.state.alert(alert_id) is not None:
                    await self.dismiss_alert(alert_id)
            case AlertAction.RECONNECT:
                self.reconnect_now()

    def dismiss_toast(self, toast: ShownToast) -> None:
        self._store.dispatch(ToastDismissed(toast))

    async def list_agents(self) -> None:
        """Supervisor: fill `state.agents` and keep it live with `agent_updated` events."""
        # The reply is applied by _on_reply, in order with the agent_updated events.
        await self._call(ListAgents(id=self._next_id()), Agents)

    async def presence_timeline(
        self, agent: UserId | None = None, limit: int = 50
    ) -> list[PresenceChange]:
        """Why am I Inactive? The newest presence changes with their typed reasons."""
        reply = await self._call(
            GetPresenceTimeline(id=self._next_id(), agent=agent, limit=limit), PresenceTimeline
        )
        return reply.changes

    async def sync_clock(self) -> float:
        """Measure the clock offset again; offer deadlines follow. Returns the offset."""
        sent = self._clock.now()
        reply = await self._call(SyncClock(id=self._next_id()), ClockReading)
        offset = measure_offset(sent, self._clock.now(), reply.server_time)
        self._store.dispatch(ClockSynced(offset))
        return offset

    # --- the link ----------------------------------------------------------------------------

    async def _run(self) -> None:
        status = LinkStatus.CONNECTING
        while not self._closing:
            self._store.dispatch(LinkChanged(Connection(status, attempt=self._backoff.attempt)))
            try:
                await self._connect_once()
                detail = "The server closed the connection."
            except AuthFailedError as exc:
                self._store.dispatch(
                    LinkChanged(Connection(LinkStatus.AUTH_FAILED, detail=str(exc)))
                )
                self._run_task = None
                return
            except (OSError, WebSocketException, ProtocolError, LinkLostError, _LinkDown) as exc:
                detail = describe(exc)
                log.info("link to %s down: %s", self.settings.server_url, detail)
            except Exception as exc:
                # A bug must not leave the agent silently stuck at "connecting": say it, retry.
                log.exception("unexpected error on the link to %s", self.settings.server_url)
                detail = describe(exc)
            if self._is_closing():
                break
            delay = self._backoff.next_delay()
            self._store.dispatch(
                LinkChanged(
                    Connection(
                        LinkStatus.RECONNECTING,
                        retry_at=self._clock.now() + delay,
                        attempt=self._backoff.attempt,
                        detail=detail,
                    )
                )
            )
            # Not rule timing: only how long to leave the server alone. reconnect_now() cuts it
            # (also when it was called just before the link dropped, as force_reconnect does).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._retry_now.wait(), delay)
            self._retry_now.clear()
            status = LinkStatus.RECONNECTING

    async def _connect_once(self) -> None:
        self._snapshot_seen.clear()
        async with open_link(
            self.settings.server_url,
            on_event=self._on_event,
            on_reply=self._on_reply,
            ssl_context=self._ssl,
            open_timeout=self._open_timeout,
            ping_interval=self._ping_interval,
            ping_timeout=self._ping_timeout,
            request_timeout=self._request_timeout,
        ) as (link, reader):
            self._link = link
            try:
                await self._sign_in(link)
                # Online only once the snapshot has resynced offers, sessions and presence.
                try:
                    async with asyncio.timeout(self._request_timeout):
                        await self._snapshot_seen.wait()
                except TimeoutError:
                    raise _LinkDown("no snapshot after login") from None
                self._backoff.reset()
                self._store.dispatch(LinkChanged(Connection(LinkStatus.ONLINE)))
                await self._flush_outbox()
                if self.state.agents is not None:
                    # agent_updated is subscribed per connection: list again after a resume.
                    with contextlib.suppress(RequestError, LinkLostError, NotConnectedError):
                        await self.list_agents()
                await reader
            finally:
                self._link = None

    async def _sign_in(self, link: Link) -> None:
        sent = self._clock.now()
        hello = Hello(id=self._next_id(), versions=[PROTOCOL_VERSION], client=self._client_name)
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
        if logged_in.token != self._token:
            self._token = logged_in.token
            if self._tokens is not None:
                try:
                    await self._tokens.save(logged_in.token)
                except CredentialsUnavailableError as exc:
                    self._store.dispatch(CredentialsNoticed(str(exc)))

    async def _login(self, link: Link) -> LoggedIn:
        user = self.settings.user
        if self._token is not None:
            try:
                return await link.call(
                    Login(id=self._next_id(), user=user, token=self._token), LoggedIn
                )
            except RequestError as exc:
                if exc.code not in _AUTH_CODES:
                    raise _LinkDown(exc.message) from exc
                log.info("stored token refused (%s); forgetting it", exc.code)
                self._token = None
                if self._tokens is not None:
                    with contextlib.suppress(CredentialsUnavailableError):
                        await self._tokens.delete()
        if self._password is None:
            raise AuthFailedError("Your session ended. Please enter your password.")
        try:
            return await link.call(
                Login(id=self._next_id(), user=user, password=self._password), LoggedIn
            )
        except RequestError as exc:
            if exc.code in _AUTH_CODES:
                # Do not retry a wrong password on every reconnect.
                self._password = None
                raise AuthFailedError(exc.message) from exc
            raise _LinkDown(exc.message) from exc

    def _on_event(self, event: ServerEvent) -> None:
        self._store.dispatch(event)
        if isinstance(event, Snapshot):
            self._snapshot_seen.set()

    def _on_reply(self, reply: ServerReply) -> None:
        if isinstance(reply, Agents):
            self._store.dispatch(AgentsListed(tuple(reply.agents)))

    async def _call(self, request: ClientMessage, expect: type[R]) -> R:
        link = self._link
        if link is None or not self.state.online:
            raise NotConnectedError("Not connected to the server; try again once online.")
        return await link.call(request, expect)

    async def _flush_outbox(self) -> None:
        """Send queued messages in the order typed; one at a time keeps that order."""
        async with self._outbox_lock:
            while self.state.online:
                queued = next(
                    (m for m in self.state.outbox if m.status is OutboxStatus.QUEUED), None
                )
                if queued is None:
                    return
                request = SendMessage(
                    id=self._next_id(),
                    session_id=queued.session_id,
                    text=queued.text,
                    client_msg_id=queued.client_msg_id,
                )
                try:
                    await self._call(request, Ack)
                except RequestError as exc:
                    self._store.dispatch(
                        MessageRefused(queued.client_msg_id, exc.code, exc.message)
                    )
                except (LinkLostError, NotConnectedError):
                    return  # stays queued; the next resume sends it again
                else:
                    self._store.dispatch(MessageAcked(queued.client_msg_id))

    def _require_offer(self, offer_id: OfferId) -> PendingOffer:
        offer = self.state.offer(offer_id)
        if offer is None:
            raise RequestError(
                ErrorCode.UNKNOWN_OFFER, "That offer is gone (answered or expired).", local=True
            )
        return offer

    def _is_closing(self) -> bool:
        # A method, not the attribute, so mypy does not narrow it across awaits.
        return self._closing

    def _next_id(self) -> str:
        return f"c{next(self._ids)}"


def _one_target(to_queue: QueueId | None, to_agent: UserId | None) -> None:
    if (to_queue is None) == (to_agent is None):
        raise RequestError(
            ErrorCode.INVALID_MESSAGE, "Name exactly one target: a queue or an agent.", local=True
        )
