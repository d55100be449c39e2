"""What the agent (or supervisor) asks of the server: the intents of `AgentCore`.

Holds no state of its own: it reads the state from the store, turns an intent into a request
on the connector (waiting for the reply) or into an event for the reducer (an accept, a
message: the outbox sends those), and reports refusals as `RequestError`.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from agent_desktop.clock import Clock
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
    GetTranscript,
    ListAgents,
    PresenceTimeline,
    RejectOffer,
    ResetPresence,
    SetPresence,
    SyncClock,
    TranscriptPage,
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
from agent_desktop.session.clock_offset import measure_offset
from agent_desktop.session.connector import Connector
from agent_desktop.session.errors import RequestError
from agent_desktop.session.events import (
    AcceptPressed,
    AlertRemoved,
    ClockSynced,
    EarlierMessagesLoaded,
    MessageDiscarded,
    MessageQueued,
    ToastDismissed,
)
from agent_desktop.session.sender import Sender
from agent_desktop.session.state import (
    AgentState,
    AlertAction,
    OutboxStatus,
    OutgoingMessage,
    PendingOffer,
    ShownToast,
    ToastId,
)
from agent_desktop.session.store import StateStore

R = TypeVar("R")


class AgentIntents:
    """The intents, over the parts `AgentCore` composes (store, connector, sender, clock)."""

    _store: StateStore
    _connector: Connector
    _sender: Sender
    _clock: Clock

    @property
    def state(self) -> AgentState:
        return self._store.state

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

    async def set_presence(self, presence: Presence, custom: str | None = None) -> None:
        """Choose a presence; `custom` names an admin-defined one, `presence` being its base."""
        if presence is Presence.INACTIVE:
            raise RequestError(
                ErrorCode.INVALID_PRESENCE, "Inactive is set by the system only.", local=True
            )
        await self._call(SetPresence(id=self._next_id(), presence=presence, custom=custom), Ack)

    async def reset_presence(
        self, agent: UserId, presence: Presence = Presence.AVAILABLE, custom: str | None = None
    ) -> None:
        """Supervisor: set another agent's presence (default back to Available)."""
        await self._call(
            ResetPresence(id=self._next_id(), agent=agent, presence=presence, custom=custom), Ack
        )

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
        async for state in self._store.states():
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
                self._connector.retry_now()

    def dismiss_toast(self, toast: ShownToast | ToastId) -> None:
        """Close a toast before it dismisses itself (by the toast or its `toast_id`)."""
        shown = self.state.toast(toast) if isinstance(toast, str) else toast
        if shown is not None:
            self._store.dispatch(ToastDismissed(shown))

    async def list_agents(self) -> None:
        """Supervisor: fill `state.agents` and keep it live with `agent_updated` events."""
        # The reply is applied by _on_reply, in order with the agent_updated events.
        await self._call(ListAgents(id=self._next_id()), Agents)

    async def load_earlier_messages(self, session_id: SessionId) -> None:
        """The page of messages before the first one the session shows (a long chat's
        views carry only the newest; `Session.earlier_messages` says how many are left)."""
        session = self.state.session(session_id)
        if session is None or not session.earlier_messages or not session.transcript:
            return
        before = session.transcript[0].msg_id
        reply = await self._call(
            GetTranscript(id=self._next_id(), work_id=session.work.work_id, before=before),
            TranscriptPage,
        )
        self._store.dispatch(
            EarlierMessagesLoaded(session_id, before, tuple(reply.messages), reply.earlier_messages)
        )

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
