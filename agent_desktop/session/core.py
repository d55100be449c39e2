"""`AgentCore`: the headless agent desktop. One object the UI (or a script) holds.

It owns the link to the server (hello, login, heartbeat, reconnect with backoff, resume with the
token), the state (`AgentState`, made only by `reducer.apply`), the local timers, and the intents.
Shells observe it: `subscribe(callback)` or `async for state in core.states()` for the state,
`on_announcement(callback)` for "notify the user" decisions.

Timing: rule time comes from the injected `Clock`. The only real-time waits are the loop timer
that fires `Tick` at the next local deadline (re-armed by `wake()` after a test moves a
ManualClock) and the reconnect pause; neither decides a rule on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import ssl
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar, get_args

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

from agent_desktop.clock import Clock, SystemClock
from agent_desktop.protocol.codec import (
    MAX_FRAME_BYTES,
    PROTOCOL_VERSION,
    SUBPROTOCOL,
    ProtocolError,
    decode_server,
    encode_text,
)
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    Agents,
    CallControl,
    ClientMessage,
    ClockReading,
    CloseSession,
    DismissAlert,
    Error,
    Escalate,
    GetPresenceTimeline,
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
from agent_desktop.protocol.messages import Hello as HelloRequest
from agent_desktop.protocol.model import PresenceChange
from agent_desktop.protocol.vocabulary import (
    AlertId,
    CallAction,
    Channel,
    ErrorCode,
    NotificationKind,
    OfferId,
    Presence,
    QueueId,
    RequestId,
    SessionId,
    UserId,
)
from agent_desktop.session.backoff import Backoff
from agent_desktop.session.clock_offset import measure_offset
from agent_desktop.session.credentials import TokenStore
from agent_desktop.session.effects import (
    AlertArrived,
    Effect,
    OfferArrived,
    OfferLeft,
    ToastArrived,
)
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
    CoreEvent,
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
from agent_desktop.session.policy import NotificationDecision, decide
from agent_desktop.session.reducer import apply, next_deadline
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

log = logging.getLogger(__name__)

R = TypeVar("R")
StateListener = Callable[[AgentState], None]
AnnouncementListener = Callable[["Announcement"], None]

_REPLY_TYPES: Final = get_args(ServerReply)
# Codes that mean "these credentials will never work": retrying would only hammer the server.
_AUTH_CODES: Final = frozenset({ErrorCode.AUTH_FAILED, ErrorCode.TOKEN_EXPIRED})


@dataclass(frozen=True, slots=True)
class Announcement:
    """An effect of the reducer plus, for offers and toasts, how the policy says to notify."""

    effect: Effect
    decision: NotificationDecision | None


class _LinkDown(Exception):
    """Internal: the current connection ended; reconnect unless closing."""


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
        self._ssl = _ssl_context(settings)

        self._state = AgentState()
        self._listeners: list[StateListener] = []
        self._announcement_listeners: list[AnnouncementListener] = []
        self._window_active = False

        self._ids = itertools.count(1)
        self._pending: dict[RequestId, asyncio.Future[ServerReply]] = {}
        self._ws: ClientConnection | None = None
        self._run_task: asyncio.Task[None] | None = None
        self._closing = False
        self._retry_now = asyncio.Event()
        self._snapshot_seen = asyncio.Event()
        self._outbox_lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_deadline: float | None = None

    # --- observing ---------------------------------------------------------------------------

    @property
    def state(self) -> AgentState:
        return self._state

    @property
    def clock(self) -> Clock:
        return self._clock

    def subscribe(self, listener: StateListener) -> Callable[[], None]:
        """Call `listener(state)` after every change. Returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def on_announcement(self, listener: AnnouncementListener) -> Callable[[], None]:
        """Call `listener(announcement)` for each new offer, gone offer, toast and alert."""
        self._announcement_listeners.append(listener)
        return lambda: self._announcement_listeners.remove(listener)

    async def states(self) -> AsyncIterator[AgentState]:
        """The current state, then every change (a slow reader skips to the newest)."""
        changed = asyncio.Event()
        unsubscribe = self.subscribe(lambda _state: changed.set())
        try:
            while True:
                changed.clear()
                yield self._state
                await changed.wait()
        finally:
            unsubscribe()

    async def wait_for(
        self, predicate: Callable[[AgentState], bool], within: float | None = 10.0
    ) -> AgentState:
        """Wait until the state satisfies `predicate` (tests, scripts, the headless runner)."""
        async with asyncio.timeout(within):
            async for state in self.states():
                if predicate(state):
                    return state
        raise AssertionError("unreachable: states() never ends")  # pragma: no cover

    def set_window_active(self, active: bool) -> None:
        """The UI reports focus, so the policy can decide between OS and in-app notifications."""
        self._window_active = active

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Read the stored token, then connect and stay connected (in a background task)."""
        if self._run_task is not None:
            raise RuntimeError("the core is already started")
        self._closing = False
        if self._tokens is not None:
            try:
                self._token = await self._tokens.load()
            except CredentialsUnavailableError as exc:
                self._dispatch(CredentialsNoticed(str(exc)))
        if self._token is None and self._password is None:
            self._dispatch(
                LinkChanged(
                    Connection(LinkStatus.AUTH_FAILED, detail="Please enter your password.")
                )
            )
            return
        self._run_task = asyncio.create_task(self._run(), name=f"agent-core {self.settings.user}")

    def login(self, password: str) -> None:
        """After AUTH_FAILED: try again with a password the user typed."""
        self._password = password

    async def close(self) -> None:
        """Drop the link without a goodbye (the server keeps the work for the grace window)."""
        self._closing = True
        self._retry_now.set()
        if self._ws is not None:
            await self._ws.close()
        if self._run_task is not None:
            self._run_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._run_task
            self._run_task = None
        self._cancel_timer()
        if self._state.connection.status is not LinkStatus.AUTH_FAILED:
            self._dispatch(LinkChanged(Connection(LinkStatus.OFFLINE)))

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
                self._dispatch(CredentialsNoticed(str(exc)))
        self._dispatch(SignedOut())

    async def quit(self) -> None:
        """Say goodbye but keep the token: the app closes or the machine sleeps.

        The server reroutes pending offers in seconds instead of after the grace window, and
        the next `start()` resumes with the stored token, without the password.
        """
        await self._goodbye(revoke_token=False)

    go_offline = quit
    """Going offline is a goodbye that keeps the token; `start()` comes back online."""

    async def _goodbye(self, *, revoke_token: bool) -> None:
        if self._ws is not None and self.state.online:
            # Best effort: if the link is already gone the grace windows apply anyway.
            with contextlib.suppress(LinkLostError, NotConnectedError, RequestError, TimeoutError):
                await self._call(Logout(id=self._next_id(), revoke_token=revoke_token), Ack)
        await self.close()

    def reconnect_now(self) -> None:
        """Skip the backoff pause (network came back, the machine woke up)."""
        self._retry_now.set()

    async def force_reconnect(self) -> None:
        """Drop a link that may be dead (after sleep/resume or a network change) and resume."""
        self._retry_now.set()
        if self._ws is not None:
            await self._ws.close()

    def wake(self) -> None:
        """Apply local deadlines now and re-arm the timer (after a test advanced a clock)."""
        self._dispatch(Tick())

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
        if self._state.session(session_id) is None:
            raise RequestError(
                ErrorCode.UNKNOWN_SESSION, "That session is not open any more.", local=True
            )
        message = OutgoingMessage(
            client_msg_id=uuid.uuid4().hex,
            session_id=session_id,
            text=text,
            typed_at=self._clock.now(),
        )
        self._dispatch(MessageQueued(message))
        if self.state.online:
            await self._flush_outbox()
            sent = next(
                (m for m in self._state.outbox if m.client_msg_id == message.client_msg_id), None
            )
            if sent is not None and sent.status is OutboxStatus.FAILED:
                assert sent.error_code is not None
                raise RequestError(sent.error_code, sent.error)
        return message.client_msg_id

    def discard_unsent(self, client_msg_id: str) -> None:
        """Remove a failed (or queued) message from the outbox."""
        self._dispatch(MessageDiscarded(client_msg_id))

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
        alert = self._state.alert(alert_id)
        if alert is not None and not alert.from_server:
            self._dispatch(AlertRemoved(alert_id))
            return
        try:
            await self._call(DismissAlert(id=self._next_id(), alert_id=AlertId(alert_id)), Ack)
        except RequestError as exc:
            # Already cleared on the server (e.g. by the presence change that resolved it):
            # gone is what the agent asked for.
            if exc.code is not ErrorCode.UNKNOWN_ALERT:
                raise
        self._dispatch(AlertRemoved(alert_id))

    async def respond_to_alert(self, alert_id: str) -> None:
        """Do what the alert's button says ("Set me Available", "Reconnect"), then dismiss it."""
        alert = self._state.alert(alert_id)
        if alert is None:
            raise RequestError(ErrorCode.UNKNOWN_ALERT, "That alert is gone.", local=True)
        match alert.action:
            case AlertAction.SET_AVAILABLE:
                await self.set_presence(Presence.AVAILABLE)
                if self._state.alert(alert_id) is not None:
                    await self.dismiss_alert(alert_id)
            case AlertAction.RECONNECT:
                self.reconnect_now()

    def dismiss_toast(self, toast: ShownToast) -> None:
        self._dispatch(ToastDismissed(toast))

    async def list_agents(self) -> None:
        """Supervisor: fill `state.agents` and keep it live with `agent_updated` events."""
        reply = await self._call(ListAgents(id=self._next_id()), Agents)
        self._dispatch(AgentsListed(tuple(reply.agents)))

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
        self._dispatch(ClockSynced(offset))
        return offset

    # --- state changes -----------------------------------------------------------------------

    def _dispatch(self, event: CoreEvent) -> None:
        state, effects = apply(self._state, event, self._clock.now())
        changed = state != self._state
        self._state = state
        if changed:
            for listener in list(self._listeners):
                _safely(listener, state)
        for effect in effects:
            announcement = Announcement(effect, self._decide(effect))
            for announce in list(self._announcement_listeners):
                _safely(announce, announcement)
        self._arm_timer()

    def _decide(self, effect: Effect) -> NotificationDecision | None:
        channel: Channel | None
        match effect:
            case OfferArrived(offer=pending):
                kind = pending.offer.notification.kind
                channel = pending.offer.work.channel
            case ToastArrived(toast=shown):
                kind = NotificationKind.TOAST
                session = self._state.session(shown.toast.session_id)
                channel = session.work.channel if session is not None else None
            case OfferLeft() | AlertArrived():
                return None
        sound_on = self.settings.sound_for(channel) if channel is not None else self.settings.sound
        return decide(
            self.settings.notification_mode,
            window_active=self._window_active,
            kind=kind,
            sound_on=sound_on,
            repeat_sound=self.settings.repeat_sound,
        )

    def _arm_timer(self) -> None:
        deadline = next_deadline(self._state)
        if deadline == self._timer_deadline:
            return
        self._cancel_timer()
        if deadline is None:
            return
        loop = asyncio.get_running_loop()
        self._timer_deadline = deadline
        self._timer = loop.call_later(max(0.0, deadline - self._clock.now()), self._on_timer)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_deadline = None

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_deadline = None
        self._dispatch(Tick())

    # --- the link ----------------------------------------------------------------------------

    async def _run(self) -> None:
        status = LinkStatus.CONNECTING
        while not self._closing:
            self._dispatch(LinkChanged(Connection(status, attempt=self._backoff.attempt)))
            try:
                await self._connect_once()
                detail = "The server closed the connection."
            except AuthFailedError as exc:
                self._dispatch(LinkChanged(Connection(LinkStatus.AUTH_FAILED, detail=str(exc))))
                self._run_task = None
                return
            except (OSError, TimeoutError, WebSocketException, ProtocolError, _LinkDown) as exc:
                detail = _describe(exc)
                log.info("link to %s down: %s", self.settings.server_url, detail)
            if self._is_closing():
                break
            delay = self._backoff.next_delay()
            self._dispatch(
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
        async with connect(
            self.settings.server_url,
            subprotocols=[Subprotocol(SUBPROTOCOL)],
            ssl=self._ssl,
            open_timeout=self._open_timeout,
            ping_interval=self._ping_interval,
            ping_timeout=self._ping_timeout,
            max_size=MAX_FRAME_BYTES,
            proxy=None,
        ) as ws:
            self._ws = ws
            self._snapshot_seen.clear()
            reader = asyncio.create_task(self._read(ws), name="agent-core reader")
            try:
                await self._sign_in()
                async with asyncio.timeout(self._request_timeout):
                    await self._snapshot_seen.wait()
                self._backoff.reset()
                self._dispatch(LinkChanged(Connection(LinkStatus.ONLINE)))
                await self._flush_outbox()
                await reader
            finally:
                self._ws = None
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await reader
                self._fail_pending()

    async def _sign_in(self) -> None:
        sent = self._clock.now()
        welcome = await self._call(
            HelloRequest(id=self._next_id(), versions=[PROTOCOL_VERSION], client=self._client_name),
            Welcome,
            signing_in=True,
        )
        received = self._clock.now()
        offset = measure_offset(sent, received, welcome.server_time)
        round_trip = received - sent
        sent = self._clock.now()
        logged_in = await self._login()
        received = self._clock.now()
        # Both replies carry server_time; the shorter round trip bounds the error tighter
        # (a password login spends time hashing, so the welcome usually wins).
        if received - sent < round_trip:
            offset = measure_offset(sent, received, logged_in.server_time)
        self._dispatch(
            SignedIn(
                Identity(logged_in.user, logged_in.role, logged_in.display_name),
                clock_offset=offset,
            )
        )
        if logged_in.token != self._token:
            self._token = logged_in.token
            if self._tokens is not None:
                try:
                    await self._tokens.save(logged_in.token)
                except CredentialsUnavailableError as exc:
                    self._dispatch(CredentialsNoticed(str(exc)))

    async def _login(self) -> LoggedIn:
        user = self.settings.user
        if self._token is not None:
            try:
                return await self._call(
                    Login(id=self._next_id(), user=user, token=self._token),
                    LoggedIn,
                    signing_in=True,
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
            return await self._call(
                Login(id=self._next_id(), user=user, password=self._password),
                LoggedIn,
                signing_in=True,
            )
        except RequestError as exc:
            if exc.code in _AUTH_CODES:
                # Do not retry a wrong password on every reconnect.
                self._password = None
                raise AuthFailedError(exc.message) from exc
            raise _LinkDown(exc.message) from exc

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for frame in ws:
                try:
                    message = decode_server(frame)
                except ProtocolError as exc:
                    log.warning("ignoring a frame the server should not send: %s", exc.message)
                    continue
                if isinstance(message, _REPLY_TYPES):
                    self._settle(message)
                else:
                    self._on_event(message)  # type: ignore[arg-type]  # the rest are events
        finally:
            self._fail_pending()

    def _on_event(self, event: ServerEvent) -> None:
        self._dispatch(event)
        if isinstance(event, Snapshot):
            self._snapshot_seen.set()

    def _settle(self, reply: ServerReply) -> None:
        if reply.re is None:
            assert isinstance(reply, Error)
            log.warning("server error without a request: %s %s", reply.code, reply.message)
            return
        future = self._pending.pop(RequestId(reply.re), None)
        if future is None or future.done():
            return
        if isinstance(reply, Error):
            future.set_exception(RequestError(reply.code, reply.message))
        else:
            future.set_result(reply)

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(LinkLostError("the link dropped before the reply"))

    async def _call(
        self, request: ClientMessage, expect: type[R], *, signing_in: bool = False
    ) -> R:
        ws = self._ws
        if ws is None or not (signing_in or self._state.online):
            raise NotConnectedError("Not connected to the server; try again once online.")
        future: asyncio.Future[ServerReply] = asyncio.get_running_loop().create_future()
        request_id = RequestId(request.id)
        self._pending[request_id] = future
        try:
            await ws.send(encode_text(request))
            async with asyncio.timeout(self._request_timeout):
                reply = await future
        except WebSocketException as exc:
            raise LinkLostError(_describe(exc)) from exc
        finally:
            self._pending.pop(request_id, None)
        if not isinstance(reply, expect):
            raise ProtocolError(
                ErrorCode.INVALID_MESSAGE,
                f"expected {expect.__name__} for {request.id}, got {type(reply).__name__}",
            )
        return reply

    async def _flush_outbox(self) -> None:
        """Send queued messages in the order typed; one at a time keeps that order."""
        async with self._outbox_lock:
            while self.state.online:
                queued = next(
                    (m for m in self._state.outbox if m.status is OutboxStatus.QUEUED), None
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
                    self._dispatch(MessageRefused(queued.client_msg_id, exc.code, exc.message))
                except (LinkLostError, NotConnectedError, TimeoutError):
                    return  # stays queued; the next resume sends it again
                else:
                    self._dispatch(MessageAcked(queued.client_msg_id))

    def _require_offer(self, offer_id: OfferId) -> PendingOffer:
        offer = self._state.offer(offer_id)
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


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """Certificate verification always on for wss://; a custom CA is added, not substituted."""
    if not settings.server_url.startswith("wss://"):
        return None
    context = ssl.create_default_context()
    if settings.ca_path is not None:
        context.load_verify_locations(cafile=settings.ca_path)
    return context


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 200 else text[:197] + "..."


def _safely(listener: Callable[[Any], None], value: Any) -> None:
    """A broken observer must not break the core or the other observers."""
    try:
        listener(value)
    except Exception:
        log.exception("state observer %r failed", listener)
