"""`AgentCore`: the headless agent desktop. One object the UI (or a script) holds.

A thin shell: the state (`AgentState` in a `StateStore`) changes only by `reducer.step`, whose
effects say what to notify, what to send and which timer to arm; the `StateStore` performs the
notifications and the timer, the `Sender` the sending, and the `Connector` keeps the link
(hello, login, heartbeat, resume with the token). This class holds them together; its
intents (`AgentIntents`, in `intents`) turn into requests or events. Shells observe it:
`subscribe(callback)` or `async for state in core.states()` for the state,
`on_announcement(callback)` for "notify the user" decisions.

Timing: rule time comes from the injected `Clock`. The only real-time waits are the two loop
timers the reducer arms: `Tick` at the next local deadline (re-armed by `wake()` after a test
moves a ManualClock) and `RetryDue` after the reconnect pause; neither decides a rule itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from agent_desktop.clock import Clock, SystemClock
from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    Logout,
    PushedEvent,
    Queues,
    ServerReply,
    Snapshot,
)
from agent_desktop.session.backoff import Backoff
from agent_desktop.session.connector import Connector, Timeouts
from agent_desktop.session.credentials import TokenStore
from agent_desktop.session.depth_intents import DepthIntents
from agent_desktop.session.effects import Command, Connect
from agent_desktop.session.errors import LinkLostError, NotConnectedError, RequestError
from agent_desktop.session.events import (
    AgentsListed,
    LinkChanged,
    QueuesListed,
    SignedOut,
    Tick,
)
from agent_desktop.session.intents import AgentIntents
from agent_desktop.session.notification_log import NotificationLogEvent, NotificationLogIntents
from agent_desktop.session.sender import Sender
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import (
    AgentState,
    Connection,
    LinkStatus,
)
from agent_desktop.session.store import (
    Announcement,
    AnnouncementListener,
    StateListener,
    StateStore,
)

R = TypeVar("R")

__all__ = ["AgentCore", "Announcement"]


class AgentCore(AgentIntents, DepthIntents, NotificationLogIntents):
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

    # --- the link's callbacks ------------------------------------------------------------------

    def _on_event(self, event: PushedEvent) -> None:
        self._store.dispatch(event)
        if isinstance(event, Snapshot):
            self._connector.snapshot_seen()

    def _on_reply(self, reply: ServerReply) -> None:
        if isinstance(reply, Agents):
            self._store.dispatch(AgentsListed(tuple(reply.agents)))
        elif isinstance(reply, Queues):
            self._store.dispatch(QueuesListed(tuple(reply.queues)))

    async def _after_resume(self) -> None:
        if self.state.agents is not None:
            # agent_updated is subscribed per connection: list again after a resume.
            # On failure the next resume tries again.
            with contextlib.suppress(RequestError, LinkLostError, NotConnectedError):
                await self.list_agents()
        if self.state.notifications is not None:
            # notifications_updated too: listing again is what subscribes this connection.
            with contextlib.suppress(RequestError, LinkLostError, NotConnectedError):
                await self.list_notifications(self.state.notification_filter)
        if self.state.queue_stats is not None:
            # queue_updated too: the table would go stale without a word.
            with contextlib.suppress(RequestError, LinkLostError, NotConnectedError):
                await self.list_queues()

    def _record(self, event: NotificationLogEvent) -> None:
        self._store.dispatch(event)

    def _perform(self, command: Command) -> None:
        if isinstance(command, Connect):
            self._connector.connect()
        else:
            self._sender.perform(command)
