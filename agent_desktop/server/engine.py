"""The routing engine: the server's state and rules, pure, on an injected clock.

The IO layer calls `connect`, `disconnect`, `handle` and `tick`; each returns the events to send
(`Delivery`) and commits the store first, so nothing a client is told is missing after a crash.
A refused request raises `ProtocolError` before anything changes (validate first, then act).

Routing rule (DESIGN.md rule 1): work goes only to an agent who is connected, in a presence the
queue allows, has capacity left for the queue's `capacity_cost` (pending offers reserve capacity),
and whose open sessions plus pending offers are fewer than `MAX_SESSIONS`. Among those, the one
idle longest wins: smallest `last_work_at` (last offer or assignment, last session close, or
login), ties by user id. Items wait per queue in order (highest priority, oldest, arrival). Each
queue keeps both orders in sorted indexes (`routing.QueueIndex`) that are updated whenever an
agent's eligibility changes, so routing never scans every agent. When an agent becomes eligible
(presence, session closed, connect) the agent's queues are tried again; across queues the best
waiting item goes first. An item an agent rejected, missed or could not take goes to someone else
if anyone else is eligible, and back to that agent only if nobody else is.

Directed work (`CreateWork.agent`, transfer or escalation `to_agent`) skips the presence check (a
person chose the agent) but never the connection, capacity or session limit: an agent at the
session limit gets the max-sessions alert (rule 7), any other refusal puts the item in its queue.

Transfers and escalations are assignments: they open without a decision (with a toast), also
when they wait in a queue first.

Choices the rules leave open, made here:
- A pending offer counts toward the session limit for routing (so routing never needs to refuse
  an accept), but a directed assignment is limited by open sessions only (rule 7's 11th session).
- The session-limit refusal of an accept changes state (alert, presence, reroute), so it is
  *returned* as an `Error` reply with code `session_limit` instead of raised.
- Dismissing an alert that is already resolved is acknowledged (like a repeated accept).
- A supervisor cannot reset the presence of an agent who is not connected (`invalid_presence`).
- After a goodbye the next login is fresh (`available`, reason login); only a vanished link
  gets its presence back within the restore window.
- Closed work, ended offers and cleared alerts leave memory `Timings.closed_retention_s` after
  they finish (checked at the end of every public call); GetWork, a late accept/reject and a
  late dismiss read them back from the store and answer as before. `accounting()` counts closed
  items from a persisted counter, so it still adds up to every item ever created.

Layers: `engine_state.EngineState` (records, indexes, presence, alerts, views, invariants) <-
`engine_work.WorkFlow` (queueing, routing, offers, sessions, deadlines, arrivals) <- `Engine`
(the public calls and the requests). Rendering is in `engine_render`, rules without state in
`presence` and `routing`, the stored record types in `records`.
"""

from __future__ import annotations

import heapq
from collections import Counter
from typing import Any, Final

from agent_desktop.clock import Clock
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    Agents,
    CallControl,
    ClockReading,
    CloseSession,
    CreateWork,
    CustomerEnd,
    CustomerMessage,
    DismissAlert,
    Error,
    Escalate,
    GetPresenceTimeline,
    GetWork,
    ListAgents,
    MessageAdded,
    PresenceTimeline,
    RejectOffer,
    Request,
    ResetPresence,
    SendMessage,
    ServerReply,
    SessionUpdated,
    SetPresence,
    Snapshot,
    SyncClock,
    Transfer,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.model import (
    Call,
    CaseRecord,
    ChatMessage,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    CallAction,
    CallState,
    Channel,
    ErrorCode,
    OfferId,
    OfferState,
    Origin,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    RequestId,
    Role,
    Sender,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.agent_page import agent_page
from agent_desktop.server.config import ServerConfig, UserConfig
from agent_desktop.server.engine_render import (
    customer_for,
    work_phrase,
)
from agent_desktop.server.engine_state import ConnId, Delivery, Principal
from agent_desktop.server.engine_work import WorkFlow
from agent_desktop.server.presence import (
    AGENT_CHOOSABLE,
)
from agent_desktop.server.records import (
    KIND_MESSAGE,
    KIND_SESSION,
    MessageRecord,
    OfferRecord,
    SessionRecord,
    WorkRecord,
    encode_record,
    message_key,
)
from agent_desktop.server.store import Store

__all__ = ["ConnId", "Delivery", "Engine", "Principal"]

_SUPERVISING: Final = frozenset({Role.SUPERVISOR, Role.ADMIN})
_READ_ONLY: Final = (SyncClock, GetWork, GetPresenceTimeline)

# Legal call-control transitions: (state, action) -> new state; anything else is refused.
_CALL_MOVES: Final[dict[tuple[CallState, CallAction], CallState]] = {
    (CallState.CONNECTED, CallAction.HOLD): CallState.ON_HOLD,
    (CallState.ON_HOLD, CallAction.RESUME): CallState.CONNECTED,
    (CallState.CONNECTED, CallAction.MUTE): CallState.CONNECTED,
    (CallState.ON_HOLD, CallAction.MUTE): CallState.ON_HOLD,
    (CallState.CONNECTED, CallAction.UNMUTE): CallState.CONNECTED,
    (CallState.ON_HOLD, CallAction.UNMUTE): CallState.ON_HOLD,
    (CallState.RINGING, CallAction.END): CallState.ENDED,
    (CallState.CONNECTED, CallAction.END): CallState.ENDED,
    (CallState.ON_HOLD, CallAction.END): CallState.ENDED,
}


def _refuse(code: ErrorCode, message: str, request: Request) -> ProtocolError:
    return ProtocolError(code, message, RequestId(request.id))


class Engine(WorkFlow):
    """State and rules of the routing server. Not thread-safe: one caller at a time."""

    def __init__(self, config: ServerConfig, store: Store, clock: Clock) -> None:
        """Loads persisted state from `store`. After a (re)start nobody is connected: every agent
        counts as disconnected since clock.now(), so grace windows apply and clients resume."""
        super().__init__(config, store, clock)
        self._load()

    # ==== public API ============================================================================

    def connect(self, principal: Principal, conn: ConnId) -> tuple[Snapshot, list[Delivery]]:
        """A logged-in connection. The Snapshot goes to that connection only."""
        self._begin()
        self._run_due()
        user = principal.user
        agent = self._agent(user)
        first = user not in self._user_conns
        self._conns[conn] = principal
        self._user_conns.setdefault(user, set()).add(conn)
        if first:
            self._arrive(agent)
            # The snapshot says all of this so far to the user's only connection.
            self._out = [d for d in self._out if d.to != user]
        snapshot = self._snapshot(user)
        # Work routed to the newcomer now follows the snapshot as events (toasts included).
        self._dispatch()
        return snapshot, self._finish()

    def disconnect(self, conn: ConnId, *, goodbye: bool) -> list[Delivery]:
        """goodbye=True: the client logged out/quit (offers rerouted at once);
        False: the link vanished (heartbeat/TCP), grace windows apply."""
        self._begin()
        self._run_due()
        principal = self._conns.pop(conn, None)
        if principal is not None:
            user = principal.user
            conns = self._user_conns.get(user, set())
            conns.discard(conn)
            if not conns:
                self._user_conns.pop(user, None)
                self._subscribers.discard(user)
                self._depart(self._agent(user), goodbye=goodbye)
        self._dispatch()
        return self._finish()

    def handle(
        self, principal: Principal, conn: ConnId, request: Request
    ) -> tuple[ServerReply, list[Delivery]]:
        """Every client request except Hello/Login/Logout (the IO layer does those). Refusals
        raise ProtocolError(code, human message, re=request.id) and change NO state."""
        self._begin()
        if self._conns.get(conn) != principal:
            raise _refuse(ErrorCode.NOT_LOGGED_IN, "this connection is not logged in", request)
        try:
            reply = self._handle(principal, request)
        except ProtocolError:
            self._begin()  # drop anything a refused request might have queued
            raise
        if principal.role in _SUPERVISING and not isinstance(request, _READ_ONLY):
            self._audit("supervisor", by=principal.user, request=request)
        self._dispatch()
        return reply, self._finish()

    def tick(self) -> list[Delivery]:
        """Apply every deadline <= clock.now() (offer expiry, reroute grace, presence window...)."""
        self._begin()
        self._run_due()
        self._dispatch()
        return self._finish()

    def next_deadline(self) -> float | None:
        heap = self._heap
        while heap and not self._deadline_live(heap[0]):
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def invariant_violations(self) -> list[str]:
        """Empty when every work item is accounted for (queued/offered/assigned/closed) and no
        agent exceeds capacity or MAX_SESSIONS. Used by tests and benchmarks."""
        return list(self._violations())

    def accounting(self) -> dict[str, int]:
        """Work items per WorkState value (closed ones counted also after they left memory)."""
        counts = Counter(w.item.state.value for w in self._work.values())
        counts[WorkState.CLOSED.value] = self._counters.closed
        return {state.value: counts.get(state.value, 0) for state in WorkState}

    # ==== requests ==============================================================================

    def _handle(self, principal: Principal, request: Request) -> ServerReply:
        re = RequestId(request.id)
        match request:
            case SetPresence():
                return self._on_set_presence(principal, request)
            case AcceptOffer():
                return self._on_accept(principal, request)
            case RejectOffer():
                return self._on_reject(principal, request)
            case SendMessage():
                return self._on_send_message(principal, request)
            case CallControl():
                return self._on_call_control(principal, request)
            case Transfer() | Escalate():
                return self._on_transfer(principal, request)
            case CloseSession():
                return self._on_close(principal, request)
            case DismissAlert():
                return self._on_dismiss(principal, request)
            case ResetPresence():
                return self._on_reset_presence(principal, request)
            case ListAgents():
                self._require_supervisor(principal, request)
                self._subscribers.add(principal.user)
                page, after = agent_page(sorted(self._listed_users), request.after, request.limit)
                rows = [self._agent_view(u) for u in page]
                self._views.update((row.agent, row) for row in rows)
                return Agents(re=re, agents=rows, next=after)
            case GetPresenceTimeline():
                return self._on_timeline(principal, request)
            case SyncClock():
                return ClockReading(re=re, server_time=self.clock.now())
            case CreateWork():
                return self._on_create_work(principal, request)
            case CustomerMessage():
                return self._on_customer_message(principal, request)
            case CustomerEnd():
                return self._on_customer_end(principal, request)
            case GetWork():
                self._require_supervisor(principal, request)
                return self._work_info(re, self._work_for(request.work_id, request))
        raise _refuse(
            ErrorCode.INVALID_MESSAGE,
            f"{type(request).__name__} is handled by the connection layer, not the engine",
            request,
        )

    # -- lookups that refuse -----------------------------------------------------------------

    @staticmethod
    def _require_supervisor(principal: Principal, request: Request) -> None:
        if principal.role not in _SUPERVISING:
            raise _refuse(ErrorCode.FORBIDDEN, "only a supervisor or admin may do this", request)

    def _offer_for(self, principal: Principal, offer_id: OfferId, request: Request) -> OfferRecord:
        offer = self._offers.get(offer_id) or self._stored_offer(offer_id)
        if offer is None:
            raise _refuse(ErrorCode.UNKNOWN_OFFER, f"no offer {offer_id}", request)
        if offer.agent != principal.user:
            raise _refuse(ErrorCode.FORBIDDEN, f"offer {offer_id} is not yours", request)
        return offer

    def _check_pending(self, offer: OfferRecord, request: Request) -> None:
        lapsed = offer.state is OfferState.WITHDRAWN and offer.reason is Reason.DISCONNECT
        expired = (
            offer.state is OfferState.MISSED
            or lapsed
            or (
                offer.state is OfferState.PENDING
                and (offer.held or self.clock.now() >= offer.expires_at)
            )
        )
        if expired:
            raise _refuse(ErrorCode.OFFER_EXPIRED, f"offer {offer.offer_id} has expired", request)
        if offer.state is not OfferState.PENDING:
            raise _refuse(
                ErrorCode.OFFER_NOT_PENDING,
                f"offer {offer.offer_id} is already {offer.state.value}",
                request,
            )

    def _session_for(
        self, principal: Principal, session_id: SessionId, request: Request, *, supervised: bool
    ) -> SessionRecord:
        """The open session, if the principal may act on it (its agent, or a supervisor)."""
        session = self._sessions.get(session_id)
        if session is None:
            raise _refuse(ErrorCode.UNKNOWN_SESSION, f"no open session {session_id}", request)
        if session.agent != principal.user and not (supervised and principal.role in _SUPERVISING):
            raise _refuse(ErrorCode.FORBIDDEN, f"session {session_id} is not yours", request)
        return session

    def _work_for(
        self, work_id: WorkId, request: Request, *, transcript: bool = True
    ) -> WorkRecord:
        """The work item; a closed one that left memory is read from the store (not kept)."""
        work = self._work.get(work_id) or self._stored_work(work_id, transcript=transcript)
        if work is None:
            raise _refuse(ErrorCode.UNKNOWN_WORK, f"no work item {work_id}", request)
        return work

    def _known_agent(self, user: UserId, request: Request) -> UserConfig:
        config = self._users.get(user)
        if config is None:
            raise _refuse(ErrorCode.UNKNOWN_AGENT, f"no agent {user}", request)
        return config

    # -- presence and alerts -----------------------------------------------------------------

    def _on_set_presence(self, principal: Principal, request: SetPresence) -> ServerReply:
        if request.presence not in AGENT_CHOOSABLE:
            raise _refuse(
                ErrorCode.INVALID_PRESENCE,
                f"{request.presence.value} is set by the system only",
                request,
            )
        user = principal.user
        self._set_presence(
            self._agent(user), request.presence, PresenceSource.AGENT, Reason.MANUAL, by=user
        )
        self._after_presence_choice(user)
        return Ack(re=RequestId(request.id))

    def _on_reset_presence(self, principal: Principal, request: ResetPresence) -> ServerReply:
        self._require_supervisor(principal, request)
        self._known_agent(request.agent, request)
        if request.presence not in AGENT_CHOOSABLE:
            raise _refuse(
                ErrorCode.INVALID_PRESENCE,
                f"{request.presence.value} is set by the system only",
                request,
            )
        if not self._connected(request.agent):
            raise _refuse(
                ErrorCode.INVALID_PRESENCE,
                f"{request.agent} is not connected; presence is set when they log in",
                request,
            )
        self._set_presence(
            self._agent(request.agent),
            request.presence,
            PresenceSource.SUPERVISOR,
            Reason.SUPERVISOR,
            by=principal.user,
        )
        self._after_presence_choice(request.agent)
        return Ack(re=RequestId(request.id))

    def _after_presence_choice(self, user: UserId) -> None:
        """A person set the presence: a workable one resolves the alerts.

        The capacity rule does not overrule the choice on the spot (else `busy` could never be
        chosen with nothing open); it applies again at the next change of load.
        """
        if self._agent(user).presence.presence in self._allowed_presences(user):
            for alert in self._alerts_of(user):
                self._clear_alert(alert.alert_id)

    def _on_dismiss(self, principal: Principal, request: DismissAlert) -> ServerReply:
        record = self._alerts.get(request.alert_id) or self._stored_alert(request.alert_id)
        if record is None:
            raise _refuse(ErrorCode.UNKNOWN_ALERT, f"no alert {request.alert_id}", request)
        if record.agent != principal.user and principal.role not in _SUPERVISING:
            raise _refuse(ErrorCode.FORBIDDEN, f"alert {request.alert_id} is not yours", request)
        if not record.cleared:  # already resolved (e.g. by setting Available): nothing to do
            self._clear_alert(request.alert_id)
        return Ack(re=RequestId(request.id))

    def _on_timeline(self, principal: Principal, request: GetPresenceTimeline) -> ServerReply:
        user = request.agent or principal.user
        if user != principal.user:
            self._require_supervisor(principal, request)
            self._known_agent(user, request)
        changes = [change for _, change in self._timeline.get(user, [])][-request.limit :]
        return PresenceTimeline(re=RequestId(request.id), agent=user, changes=changes)

    # -- offers ------------------------------------------------------------------------------

    def _on_accept(self, principal: Principal, request: AcceptOffer) -> ServerReply:
        re = RequestId(request.id)
        offer = self._offer_for(principal, request.offer_id, request)
        if offer.state is OfferState.ACCEPTED:
            return Ack(re=re)  # a retried accept is applied once
        self._check_pending(offer, request)
        work = self._work[offer.work_id]
        user = principal.user
        if self._session_count(user) >= MAX_SESSIONS:
            # Rule 7 changes state (alert, presence, reroute), so it is a reply, not a raise.
            self._session_limit(user, work, offer)
            return Error(
                re=re,
                code=ErrorCode.SESSION_LIMIT,
                message=f"you already have {MAX_SESSIONS} open sessions; the item was rerouted",
            )
        self._end_offer(offer, OfferState.ACCEPTED, Reason.ACCEPT)
        self._open_session(work, user, Reason.ACCEPT, toast=False)
        return Ack(re=re)

    def _on_reject(self, principal: Principal, request: RejectOffer) -> ServerReply:
        offer = self._offer_for(principal, request.offer_id, request)
        self._check_pending(offer, request)
        if offer.notification.reject_label is None:
            raise _refuse(
                ErrorCode.NOT_REJECTABLE, f"offer {offer.offer_id} cannot be rejected", request
            )
        work = self._work[offer.work_id]
        queue = self._queues[work.item.queue]
        user = principal.user
        self._end_offer(offer, OfferState.REJECTED, Reason.DECLINED_BY_AGENT)
        self._enqueue(work, avoid=user)
        if queue.reject_alerts:
            self._set_presence(
                self._agent(user),
                Presence.BUSY_DND,
                PresenceSource.SYSTEM,
                Reason.DECLINED_BY_AGENT,
            )
            self._raise_alert(
                user,
                AlertKind.REJECTED,
                f"You rejected {work_phrase(work.item)}, so you were set to Do not disturb. "
                "Set yourself Available when you are ready for new work.",
                work.item.work_id,
            )
        return Ack(re=RequestId(request.id))

    # -- sessions ----------------------------------------------------------------------------

    def _append(
        self,
        work: WorkRecord,
        sender: Sender,
        text: str,
        client_msg_id: str | None = None,
        session_id: SessionId | None = None,
    ) -> ChatMessage:
        """One transcript line, stored as its own record (written once, committed before the
        reply), so a long chat costs the same per message as a short one."""
        work_id = work.item.work_id
        seq = len(work.transcript) + 1
        message = ChatMessage(
            msg_id=f"{work_id}-{seq}",
            sender=sender,
            text=text,
            at=self.clock.now(),
            client_msg_id=client_msg_id,
        )
        work.transcript.append(message)
        record = MessageRecord(session_id=session_id, message=message)
        self.store.put(KIND_MESSAGE, message_key(work_id, seq), encode_record(record))
        return message

    def _on_send_message(self, principal: Principal, request: SendMessage) -> ServerReply:
        session = self._session_for(principal, request.session_id, request, supervised=False)
        if request.client_msg_id not in session.client_msg_ids:
            # The id is stored in the message record, not in the session's (see records).
            session.client_msg_ids.append(request.client_msg_id)
            work = self._work[session.work_id]
            message = self._append(
                work, Sender.AGENT, request.text, request.client_msg_id, session.session_id
            )
            self._deliver(
                session.agent, MessageAdded(session_id=session.session_id, message=message)
            )
        return Ack(re=RequestId(request.id))

    def _on_call_control(self, principal: Principal, request: CallControl) -> ServerReply:
        session = self._session_for(principal, request.session_id, request, supervised=False)
        work = self._work[session.work_id]
        if work.item.channel is not Channel.VOICE or session.call is None:
            raise _refuse(
                ErrorCode.WRONG_CHANNEL,
                f"session {session.session_id} is {work.item.channel.value}, not a call",
                request,
            )
        call = session.call
        new_state = _CALL_MOVES.get((call.state, request.action))
        muting = {CallAction.MUTE: True, CallAction.UNMUTE: False}.get(request.action)
        if new_state is None or (muting is not None and muting == call.muted):
            raise _refuse(
                ErrorCode.INVALID_MESSAGE,
                f"cannot {request.action.value} a call that is {call.state.value}"
                + (" and muted" if call.muted else ""),
                request,
            )
        session.call = Call(state=new_state, muted=call.muted if muting is None else muting)
        self._dirty.add((KIND_SESSION, session.session_id))
        self._deliver(
            session.agent,
            SessionUpdated(
                session_id=session.session_id, call=session.call, customer_left=work.customer_left
            ),
        )
        return Ack(re=RequestId(request.id))

    def _on_transfer(self, principal: Principal, request: Transfer | Escalate) -> ServerReply:
        session = self._session_for(principal, request.session_id, request, supervised=True)
        work = self._work[session.work_id]
        if (request.to_queue is None) == (request.to_agent is None):
            raise _refuse(
                ErrorCode.INVALID_MESSAGE, "name exactly one target: to_queue or to_agent", request
            )
        if request.to_queue is not None:
            queue = self._queues.get(request.to_queue)
            if queue is None:
                raise _refuse(ErrorCode.UNKNOWN_QUEUE, f"no queue {request.to_queue}", request)
            if queue.channel is not work.item.channel:
                raise _refuse(
                    ErrorCode.WRONG_CHANNEL,
                    f"queue {queue.id} takes {queue.channel.value}, not {work.item.channel.value}",
                    request,
                )
        if request.to_agent is not None:
            self._known_agent(request.to_agent, request)
            if request.to_agent == session.agent:
                raise _refuse(
                    ErrorCode.INVALID_MESSAGE, "the session is already with that agent", request
                )
        escalation = isinstance(request, Escalate)
        reason = Reason.ESCALATION if escalation else Reason.TRANSFER
        sender = session.agent
        work.carried_call = session.call  # the customer stays on the line
        self._close_session(session, reason)
        changes: dict[str, Any] = {"origin": Origin.ESCALATION if escalation else Origin.TRANSFER}
        if request.to_queue is not None:
            changes["queue"] = request.to_queue
        self._set_work(work, **changes)
        target = request.to_agent or request.to_queue or ""
        self._history(work, reason.value, f"to {target}", agent=sender, reason=reason)
        if request.to_agent is not None:
            self._direct(work, request.to_agent)
        else:
            self._enqueue(work, avoid=sender)
        return Ack(re=RequestId(request.id))

    def _on_close(self, principal: Principal, request: CloseSession) -> ServerReply:
        session = self._session_for(principal, request.session_id, request, supervised=True)
        reason = Reason.CLOSED_BY_AGENT if principal.user == session.agent else Reason.SUPERVISOR
        work = self._close_session(session, reason)
        self._set_work(work, state=WorkState.CLOSED)
        self._history(work, "closed", agent=principal.user, reason=reason)
        return Ack(re=RequestId(request.id))

    # -- tester and supervisor work ----------------------------------------------------------

    def _on_create_work(self, principal: Principal, request: CreateWork) -> ServerReply:
        self._require_supervisor(principal, request)
        queue = self._queues.get(request.queue)
        if queue is None:
            raise _refuse(ErrorCode.UNKNOWN_QUEUE, f"no queue {request.queue}", request)
        if queue.channel is not request.channel:
            raise _refuse(
                ErrorCode.WRONG_CHANNEL,
                f"queue {queue.id} takes {queue.channel.value}, not {request.channel.value}",
                request,
            )
        if request.agent is not None:
            self._known_agent(request.agent, request)
        now = self.clock.now()
        case = None
        if request.channel is Channel.CASE:
            case = CaseRecord(
                case_number=f"CAS-{self._next('case'):05d}",
                title=request.case_title or request.subject or "Case",
            )
        item = WorkItem(
            work_id=WorkId(f"W{self._next('work')}"),
            channel=request.channel,
            queue=QueueId(queue.id),
            customer=customer_for(
                self.config, request.channel, request.customer_name, request.phone, request.email
            ),
            subject=request.subject,
            priority=request.priority,
            origin=Origin.BOT_ESCALATION if request.bot_summary else Origin.NEW,
            bot_summary=request.bot_summary,
            case=case,
            state=WorkState.QUEUED,
            created_at=now,
        )
        work = WorkRecord(item=item, seq=self._next("seq"))
        self._work[item.work_id] = work
        self._history(work, "created", f"in {queue.id}", agent=principal.user)
        self._audit("work", work=item.work_id, queue=queue.id, by=principal.user)
        if request.agent is not None:
            self._direct(work, request.agent)
        else:
            self._enqueue(work)
        self._dispatch()
        return WorkCreated(re=RequestId(request.id), work=work.item)

    def _open_work(self, request: CustomerMessage | CustomerEnd) -> WorkRecord:
        work = self._work_for(request.work_id, request, transcript=False)
        if work.item.state is WorkState.CLOSED:
            raise _refuse(ErrorCode.WORK_CLOSED, f"work item {request.work_id} is closed", request)
        return work

    def _on_customer_message(self, principal: Principal, request: CustomerMessage) -> ServerReply:
        self._require_supervisor(principal, request)
        work = self._open_work(request)
        if work.customer_left:
            raise _refuse(
                ErrorCode.WORK_CLOSED, f"the customer of {request.work_id} has left", request
            )
        message = self._append(work, Sender.CUSTOMER, request.text)
        session = self._sessions.get(work.session_id) if work.session_id else None
        if session is not None:
            self._deliver(
                session.agent, MessageAdded(session_id=session.session_id, message=message)
            )
        return Ack(re=RequestId(request.id))

    def _on_customer_end(self, principal: Principal, request: CustomerEnd) -> ServerReply:
        self._require_supervisor(principal, request)
        work = self._open_work(request)
        re = RequestId(request.id)
        if work.customer_left:
            return Ack(re=re)  # already recorded; the agent closes the session
        work.customer_left = True
        self._history(work, "customer_left", reason=Reason.CUSTOMER_LEFT)
        state = work.item.state
        if state is WorkState.OFFERED and work.offer_id is not None:
            self._end_offer(self._offers[work.offer_id], OfferState.WITHDRAWN, Reason.CUSTOMER_LEFT)
            self._close_work(work)
        elif state is WorkState.QUEUED:
            self._index[work.item.queue].remove_item(work.item.work_id)
            self._close_work(work)
        elif state is WorkState.ASSIGNED and work.session_id is not None:
            session = self._sessions[work.session_id]
            message = self._append(work, Sender.SYSTEM, "The customer left.")
            self._deliver(
                session.agent, MessageAdded(session_id=session.session_id, message=message)
            )
            self._deliver(
                session.agent,
                SessionUpdated(
                    session_id=session.session_id, call=session.call, customer_left=True
                ),
            )
            self._touched.add(session.agent)
        return Ack(re=re)

    def _work_info(self, re: RequestId, work: WorkRecord) -> WorkInfo:
        agent: UserId | None = None
        if work.offer_id is not None:
            agent = self._offers[work.offer_id].agent
        elif work.session_id is not None:
            agent = self._sessions[work.session_id].agent
        return WorkInfo(
            re=re,
            work=work.item,
            transcript=list(work.transcript),
            history=list(work.history),
            agent=agent,
            offer_id=work.offer_id,
            session_id=work.session_id,
        )
