"""`AgentCore`: the headless agent desktop. One object the UI (or a script) holds.

A thin shell: the state (`AgentState` in a `StateStore`) changes only by `reducer.step`, whose
effects say what to notify, what to send and which timer to arm; the `StateStore` performs the
notifications and the timer, the `Sender` the sending, and the `Connector` keeps the link
(hello, login, heartbeat, reconnect with backoff, resume with the token). This class holds them
together and turns the public intents into requests or events. Shells observe it:
`subscribe(callback)` or `async for state in core.states()` for the state,
`on_announcement(callback)` for "notify the user" decisions.

Timing: rule time comes from the injected `Clock`. The only real-time waits are the loop timer
that fires `Tick` at the next local deadline (re-armed by `wake()` after a test moves a
ManualClock) and the reconnect pause; neither decides a rule on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from agent_desktop.clock import Clock, SystemClock
from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    CallControl,
    ClientMessage,
    ClockReading,
    CloseSession,
    DismissAlert,
    Escalate,
    GetPresenceTimeline,
    ListAgents,
    Logout,
    PresenceTimeline,
    RejectOffer,
    ResetPresence,
    ServerEvent,
    ServerReply,
    SetPresence,
    Snapshot,
    SyncClock,
    Transfer,
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
from agent_desktop.session.connector import Connector, Timeouts
from agent_desktop.session.credentials import TokenStore
from agent_desktop.session.effects import Command, Connect
from agent_desktop.session.errors import LinkLostError, NotConnectedError, RequestError
from agent_desktop.session.events import (
    AcceptPressed,
    AgentsListed,
    AlertRemoved,
    ClockSynced,
    LinkChanged,
    MessageDiscarded,
    MessageQueued,
    SignedOut,
    Tick,
    ToastDismissed,
)
from agent_desktop.session.sender import Sender
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import (
    AgentState,
    AlertAction,
    Connection,
    LinkStatus,
    OutboxStatus,
    OutgoingMessage,
    PendingOffer,
    ShownToast,
    ToastId,
)
from agent_desktop.session.store import (
    Announcement,
    AnnouncementListener,
    StateListener,
    StateStore,
)

R = TypeVar("R")

__all__ = ["AgentCore", "Announcement"]


class AgentCore:
    """The agent's desktop without a GUI.

    Intents (`reject`, `set_presence`, ...) are coroutines that wait for the server's reply and
    raise `RequestError` (with the `ErrorCode` and the server's message) when refused,
    `NotConnectedError` while the link is down, and `LinkLostError` when the link dropped
    before the reply. Two intents survive an outage: `send_message` queues the message, and
    `accept` queues the accept (the offer shows `waiting_for_link`) and waits for the resume,
    raising `RequestError(OFFER_EXPIRED)` if the offer's deadline passes first.
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
        self._clock: Clock = clock or SystemClock()
        self._store = StateStore(settings, self._clock)
        self._connector = Connector(
            settings,
            self._store,
            self._clock,
            tokens=token_store,
            backoff=backoff or Backoff(),
            timeouts=Timeouts(
                open_s=open_timeout,
                request_s=request_timeout,
                ping_interval_s=ping_interval,
                ping_timeout_s=ping_timeout,
            ),
            client_name=client_name,
            # Looked up on each event, so a measuring hook on `_on_event` sees every one.
            on_event=lambda event: self._on_event(event),
            on_reply=self._on_reply,
            on_online=self._after_resume,
        )
        self._connector.password = password
        self._sender = Sender(self._store, self._connector)
        self._store.perform = self._perform

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
        connector = self._connector
        if connector.running:
            raise RuntimeError("the core is already started")
        await connector.load_token()
        if connector.token is None and connector.password is None:
            self._store.dispatch(
                LinkChanged(
                    Connection(LinkStatus.AUTH_FAILED, detail="Please enter your password.")
                )
            )
            return
        connector.start()

    def login(self, password: str) -> None:
        """Remember a password the user typed (after AUTH_FAILED); `start()` uses it."""
        self._connector.password = password

    async def close(self) -> None:
        """Drop the link without a goodbye (the server keeps the work for the grace window)."""
        await self._connector.stop()
        # The offer timer keeps running: an offer still leaves the desktop at its expiry.
        if self.state.connection.status is not LinkStatus.AUTH_FAILED:
            self._store.dispatch(LinkChanged(Connection(LinkStatus.OFFLINE)))

    async def logout(self) -> None:
        """Sign out: say goodbye (offers rerouted at once), revoke the token and forget it.

        The desktop empties; the next start asks for the password.
        """
        await self._goodbye(revoke_token=True)
        await self._connector.forget_token()
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
        if self.state.online:
            # Best effort: if the link is already gone the grace windows apply anyway.
            with contextlib.suppress(LinkLostError, NotConnectedError, RequestError):
                await self._call(Logout(id=self._next_id(), revoke_token=revoke_token), Ack)
        await self.close()

    def reconnect_now(self) -> None:
        """Skip the backoff pause (network came back, the machine woke up)."""
        self._connector.retry_now()

    async def force_reconnect(self) -> None:
        """Drop a link that may be dead (after sleep/resume or a network change) and resume."""
        await self._connector.drop()

    def wake(self) -> None:
        """Apply local deadlines now and re-arm the timer (after a test advanced a clock)."""
        self._store.dispatch(Tick())

    # --- intents -----------------------------------------------------------------------------

    async def accept(self, offer_id: OfferId) -> None:
        """Accept an offer; returns once the server acknowledged it.

        With the link down the accept waits in the outbox (the offer shows `waiting_for_link`,
        "Accepting… reconnecting") and goes out on the resume; if the offer's deadline passes
        first it is dropped and this raises `RequestError(OFFER_EXPIRED)` saying so.
        """
        self._require_offer(offer_id)
        outcome = self._sender.accept_outcome(offer_id)
        self._store.dispatch(AcceptPressed(offer_id))
        await outcome

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
        cid = uuid.uuid4().hex
        message = OutgoingMessage(cid, session_id, text, typed_at=self._clock.now())
        self._store.dispatch(MessageQueued(message))
        async for state in self.states():
            mine = next((m for m in state.outbox if m.client_msg_id == cid), None)
            if mine is None or not state.online:
                return cid  # delivered, or queued until the resume
            if mine.status is OutboxStatus.FAILED:
                assert mine.error_code is not None
                raise RequestError(mine.error_code, mine.error)
        raise AssertionError("unreachable: states() never ends")  # pragma: no cover

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

    def dismiss_toast(self, toast: ShownToast | ToastId) -> None:
        """Close a toast before it dismisses itself (by the toast or its `toast_id`)."""
        shown = self.state.toast(toast) if isinstance(toast, str) else toast
        if shown is not None:
            self._store.dispatch(ToastDismissed(shown))

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

    # --- the link's callbacks ------------------------------------------------------------------

    def _on_event(self, event: ServerEvent) -> None:
        self._store.dispatch(event)
        if isinstance(event, Snapshot):
            self._connector.snapshot_seen()

    def _on_reply(self, reply: ServerReply) -> None:
        if isinstance(reply, Agents):
            self._store.dispatch(AgentsListed(tuple(reply.agents)))

    async def _after_resume(self) -> None:
        if self.state.agents is not None:
            # agent_updated is subscribed per connection: list again after a resume.
            # On failure the next resume tries again.
            with contextlib.suppress(RequestError, LinkLostError, NotConnectedError):
                await self.list_agents()

    def _perform(self, command: Command) -> None:
        if isinstance(command, Connect):
            self._connector.connect()
        else:
            self._sender.perform(command)

    async def _call(self, request: ClientMessage, expect: type[R]) -> R:
        return await self._connector.call(request, expect)

    def _require_offer(self, offer_id: OfferId) -> PendingOffer:
        offer = self.state.offer(offer_id)
        if offer is None:
            raise RequestError(
                ErrorCode.UNKNOWN_OFFER, "That offer is gone (answered or expired).", local=True
            )
        return offer

    def _next_id(self) -> str:
        return self._connector.next_id()


def _one_target(to_queue: QueueId | None, to_agent: UserId | None) -> None:
    if (to_queue is None) == (to_agent is None):
        raise RequestError(
            ErrorCode.INVALID_MESSAGE, "Name exactly one target: a queue or an agent.", local=True
        )
