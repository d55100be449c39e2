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
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, NewType

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    Agents,
    AgentUpdated,
    AlertCleared,
    AlertRaised,
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
    OfferAdded,
    OfferEnded,
    PresenceChanged,
    PresenceTimeline,
    RejectOffer,
    Request,
    ResetPresence,
    SendMessage,
    ServerEvent,
    ServerReply,
    SessionClosed,
    SessionOpened,
    SessionUpdated,
    SetPresence,
    Snapshot,
    SyncClock,
    Transfer,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.model import (
    AgentView,
    Alert,
    Call,
    CaseRecord,
    ChatMessage,
    HistoryEntry,
    Offer,
    PresenceChange,
    PresenceInfo,
    Session,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertId,
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
from agent_desktop.server.config import QueueConfig, ServerConfig, TemplateConfig, UserConfig
from agent_desktop.server.engine_render import (
    customer_for,
    render_notification,
    render_toast,
)
from agent_desktop.server.presence import (
    AGENT_CHOOSABLE,
    capacity_presence,
    follows_capacity,
)
from agent_desktop.server.records import (
    KIND_AGENT,
    KIND_ALERT,
    KIND_META,
    KIND_OFFER,
    KIND_SESSION,
    KIND_TIMELINE,
    KIND_WORK,
    META_COUNTERS,
    AgentRecord,
    AlertRecord,
    Counters,
    OfferRecord,
    SessionRecord,
    TimelineRecord,
    WorkRecord,
    decode_record,
    encode_record,
)
from agent_desktop.server.routing import QueueIndex
from agent_desktop.server.store import Store

ConnId = NewType("ConnId", int)


@dataclass(frozen=True, slots=True)
class Principal:
    user: UserId
    role: Role


@dataclass(frozen=True, slots=True)
class Delivery:
    to: UserId
    """The IO layer sends `message` to every live connection of `to`."""
    message: ServerEvent


TIMELINE_KEEP: Final = 500
"""Presence changes kept per agent (the protocol's timeline limit)."""

_EXPIRE: Final = "expire"
_HOLD: Final = "hold"
_RECLAIM: Final = "reclaim"

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

_json: Final = msgspec.json.Encoder()


def _refuse(code: ErrorCode, message: str, request: Request) -> ProtocolError:
    return ProtocolError(code, message, RequestId(request.id))


class Engine:
    """State and rules of the routing server. Not thread-safe: one caller at a time."""

    def __init__(self, config: ServerConfig, store: Store, clock: Clock) -> None:
        """Loads persisted state from `store`. After a (re)start nobody is connected: every agent
        counts as disconnected since clock.now(), so grace windows apply and clients resume."""
        self.config = config
        self.store = store
        self.clock = clock
        self._queues: dict[QueueId, QueueConfig] = {QueueId(q.id): q for q in config.queues}
        self._users: dict[UserId, UserConfig] = {UserId(u.id): u for u in config.users}
        self._index: dict[QueueId, QueueIndex] = {q: QueueIndex(q) for q in self._queues}
        self._work: dict[WorkId, WorkRecord] = {}
        self._offers: dict[OfferId, OfferRecord] = {}
        self._sessions: dict[SessionId, SessionRecord] = {}
        """Open sessions only; a closed session is gone (its work item remembers the rest)."""
        self._agents: dict[UserId, AgentRecord] = {}
        self._alerts: dict[AlertId, AlertRecord] = {}
        self._agent_alerts: dict[UserId, dict[AlertId, Alert]] = {}
        self._listed_users: tuple[UserId, ...] = tuple(
            u for u, c in self._users.items() if c.role is Role.AGENT or c.queues
        )
        """Who appears in the supervisor's table: agents, and anyone who takes work."""
        self._timeline: dict[UserId, list[tuple[str, PresenceChange]]] = {}
        self._counters = Counters()
        self._pending: dict[UserId, set[OfferId]] = {}
        self._open: dict[UserId, set[SessionId]] = {}
        self._conns: dict[ConnId, Principal] = {}
        self._user_conns: dict[UserId, set[ConnId]] = {}
        self._subscribers: set[UserId] = set()
        self._views: dict[UserId, AgentView] = {}
        self._heap: list[tuple[float, int, str, str]] = []
        self._heap_seq = itertools.count()
        # What the current public call produced; flushed by `_finish`.
        self._out: list[Delivery] = []
        self._dirty: set[tuple[str, str]] = set()
        self._touched: set[UserId] = set()
        self._dirty_queues: set[QueueId] = set()
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
        """Work items per WorkState value."""
        counts = Counter(w.item.state.value for w in self._work.values())
        return {state.value: counts.get(state.value, 0) for state in WorkState}

    # ==== call bookkeeping ======================================================================

    def _begin(self) -> None:
        self._out = []
        self._dirty = set()
        self._touched = set()

    def _finish(self) -> list[Delivery]:
        self._publish_views()
        self._flush()
        self.store.commit()
        out, self._out = self._out, []
        return out

    def _deliver(self, to: UserId, message: ServerEvent) -> None:
        if to in self._user_conns:
            self._out.append(Delivery(to=to, message=message))

    def _audit(self, kind: str, **body: Any) -> None:
        self.store.append_audit(self.clock.now(), kind, _json.encode(body))

    def _next(self, counter: str) -> int:
        value: int = getattr(self._counters, counter) + 1
        setattr(self._counters, counter, value)
        self._dirty.add((KIND_META, META_COUNTERS))
        return value

    # ==== persistence ===========================================================================

    def _load(self) -> None:
        store = self.store
        for key, data in store.load(KIND_META):
            if key == META_COUNTERS:
                self._counters = decode_record(data, Counters)
        for _, data in store.load(KIND_WORK):
            work = decode_record(data, WorkRecord)
            self._work[work.item.work_id] = work
        for _, data in store.load(KIND_OFFER):
            offer = decode_record(data, OfferRecord)
            self._offers[offer.offer_id] = offer
        for _, data in store.load(KIND_SESSION):
            session = decode_record(data, SessionRecord)
            self._sessions[session.session_id] = session
        for _, data in store.load(KIND_AGENT):
            agent = decode_record(data, AgentRecord)
            if agent.user in self._users:
                self._agents[agent.user] = agent
        for _, data in store.load(KIND_ALERT):
            alert = decode_record(data, AlertRecord)
            self._alerts[alert.alert.alert_id] = alert
            self._agent_alerts.setdefault(alert.agent, {})[alert.alert.alert_id] = alert.alert
        for key, data in sorted(store.load(KIND_TIMELINE)):
            entry = decode_record(data, TimelineRecord)
            self._timeline.setdefault(entry.agent, []).append((key, entry.change))

        grace = self.config.timings.offer_reroute_grace_s
        for offer in self._offers.values():
            if offer.state is OfferState.PENDING:
                self._pending.setdefault(offer.agent, set()).add(offer.offer_id)
                if offer.held:
                    self._schedule(offer.expires_at + grace, _HOLD, offer.offer_id)
                else:
                    self._schedule(offer.expires_at, _EXPIRE, offer.offer_id)
        for session in self._sessions.values():
            self._open.setdefault(session.agent, set()).add(session.session_id)
        for work in self._work.values():
            if work.item.state is WorkState.QUEUED and work.item.queue in self._index:
                self._enqueue(work)

        self._begin()
        now = self.clock.now()
        for user in self._users:
            agent = self._agent(user)
            if agent.disconnected_at is None:
                # It was connected when the server stopped: this is a vanished link.
                agent.before_disconnect = agent.presence
                agent.auto_dnd_before_disconnect = agent.auto_dnd
                self._set_presence(
                    agent, Presence.OFFLINE, PresenceSource.SYSTEM, Reason.DISCONNECT
                )
            agent.disconnected_at = now
            self._dirty.add((KIND_AGENT, user))
            if self._open.get(user):
                self._schedule(now + self.config.timings.session_reclaim_s, _RECLAIM, user)
        self._flush()
        self.store.commit()
        self._out = []

    def _flush(self) -> None:
        store = self.store
        for kind, key in sorted(self._dirty):
            record: msgspec.Struct | None
            if kind == KIND_WORK:
                record = self._work.get(WorkId(key))
            elif kind == KIND_OFFER:
                record = self._offers.get(OfferId(key))
            elif kind == KIND_SESSION:
                record = self._sessions.get(SessionId(key))
            elif kind == KIND_AGENT:
                record = self._agents.get(UserId(key))
            elif kind == KIND_ALERT:
                record = self._alerts.get(AlertId(key))
            elif kind == KIND_META:
                record = self._counters
            else:
                raise AssertionError(f"unknown record kind {kind}")
            if record is None:
                store.delete(kind, key)
            else:
                store.put(kind, key, encode_record(record))
        self._dirty = set()

    # ==== deadlines =============================================================================

    def _schedule(self, at: float, kind: str, key: str) -> None:
        heapq.heappush(self._heap, (at, next(self._heap_seq), kind, key))

    def _deadline_live(self, entry: tuple[float, int, str, str]) -> bool:
        """Lazy invalidation: an entry counts only if the thing it was set for still holds."""
        at, _, kind, key = entry
        if kind in (_EXPIRE, _HOLD):
            offer = self._offers.get(OfferId(key))
            if offer is None or offer.state is not OfferState.PENDING:
                return False
            if kind == _EXPIRE:
                return not offer.held and offer.expires_at == at
            return offer.held and offer.expires_at + self.config.timings.offer_reroute_grace_s == at
        if kind == _RECLAIM:
            agent = self._agents.get(UserId(key))
            return (
                agent is not None
                and agent.disconnected_at is not None
                and agent.disconnected_at + self.config.timings.session_reclaim_s == at
                and bool(self._open.get(agent.user))
            )
        return False

    def _run_due(self) -> None:
        now = self.clock.now()
        heap = self._heap
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            if not self._deadline_live(entry):
                continue
            _, _, kind, key = entry
            if kind == _EXPIRE:
                self._offer_timed_out(self._offers[OfferId(key)])
            elif kind == _HOLD:
                self._held_offer_lapsed(self._offers[OfferId(key)])
            elif kind == _RECLAIM:
                self._reclaim_sessions(self._agents[UserId(key)])
            self._dispatch()

    # ==== agents: lookups, load and eligibility =================================================

    def _agent(self, user: UserId) -> AgentRecord:
        agent = self._agents.get(user)
        if agent is None:
            now = self.clock.now()
            agent = AgentRecord(
                user=user,
                presence=PresenceInfo(
                    presence=Presence.OFFLINE,
                    source=PresenceSource.SYSTEM,
                    reason=Reason.DISCONNECT,
                    previous=None,
                    changed_at=now,
                ),
                last_work_at=now,
                disconnected_at=now,
            )
            self._agents[user] = agent
            self._dirty.add((KIND_AGENT, user))
        return agent

    def _connected(self, user: UserId) -> bool:
        return user in self._user_conns

    def _capacity(self, user: UserId) -> int:
        config = self._users.get(user)
        return config.capacity if config is not None else 0

    def _cost(self, work_id: WorkId) -> int:
        queue = self._queues.get(self._work[work_id].item.queue)
        return queue.capacity_cost if queue is not None else 0

    def _session_load(self, user: UserId) -> int:
        return sum(self._cost(self._sessions[s].work_id) for s in self._open.get(user, ()))

    def _load_with_offers(self, user: UserId) -> int:
        offers = sum(self._cost(self._offers[o].work_id) for o in self._pending.get(user, ()))
        return self._session_load(user) + offers

    def _session_count(self, user: UserId) -> int:
        return len(self._open.get(user, ()))

    def _engaged(self, user: UserId) -> int:
        """Open sessions plus pending offers: the routing limit counts both."""
        return self._session_count(user) + len(self._pending.get(user, ()))

    def _has_room(self, user: UserId, queue: QueueConfig) -> bool:
        fits = self._load_with_offers(user) + queue.capacity_cost <= self._capacity(user)
        return fits and self._engaged(user) < MAX_SESSIONS

    def _eligible(self, user: UserId, queue: QueueConfig) -> bool:
        agent = self._agents.get(user)
        return (
            agent is not None
            and self._connected(user)
            and agent.presence.presence in queue.allowed_presences
            and self._has_room(user, queue)
        )

    def _user_queues(self, user: UserId) -> list[QueueId]:
        config = self._users.get(user)
        if config is None:
            return []
        return [QueueId(q) for q in config.queues if q in self._queues]

    def _refresh(self, user: UserId) -> None:
        """Re-file the agent in its queues' indexes after anything that may change eligibility."""
        self._touched.add(user)
        agent = self._agents.get(user)
        for queue_id in self._user_queues(user):
            eligible = agent is not None and self._eligible(user, self._queues[queue_id])
            self._index[queue_id].set_agent(
                user, agent.last_work_at if agent and eligible else None
            )
            if eligible:
                self._dirty_queues.add(queue_id)

    def _allowed_presences(self, user: UserId) -> set[Presence]:
        """Presences in which the agent can get work from at least one of its queues."""
        allowed: set[Presence] = set()
        for queue_id in self._user_queues(user):
            allowed.update(self._queues[queue_id].allowed_presences)
        return allowed or {Presence.AVAILABLE, Presence.BUSY}

    # ==== presence ==============================================================================

    def _set_presence(
        self,
        agent: AgentRecord,
        presence: Presence,
        source: PresenceSource,
        reason: Reason,
        *,
        by: UserId | None = None,
        auto_dnd: bool = False,
    ) -> None:
        now = self.clock.now()
        info = PresenceInfo(
            presence=presence,
            source=source,
            reason=reason,
            previous=agent.presence.presence,
            changed_at=now,
        )
        agent.presence = info
        agent.auto_dnd = auto_dnd
        self._dirty.add((KIND_AGENT, agent.user))
        change = PresenceChange(
            presence=presence,
            source=source,
            reason=reason,
            previous=info.previous,
            changed_at=now,
            by=by,
        )
        self._record_timeline(agent.user, change)
        self._audit(
            "presence",
            agent=agent.user,
            presence=presence,
            previous=info.previous,
            source=source,
            reason=reason,
            by=by,
        )
        self._deliver(agent.user, PresenceChanged(presence=info))
        self._refresh(agent.user)

    def _record_timeline(self, user: UserId, change: PresenceChange) -> None:
        key = f"{self._next('timeline'):012d}"
        entries = self._timeline.setdefault(user, [])
        entries.append((key, change))
        self.store.put(KIND_TIMELINE, key, encode_record(TimelineRecord(agent=user, change=change)))
        while len(entries) > TIMELINE_KEEP:
            old_key, _ = entries.pop(0)
            self.store.delete(KIND_TIMELINE, old_key)

    def _follow_capacity(self, user: UserId) -> None:
        """Rule 10: available/busy (or busy_dnd the system set for capacity) follow the load."""
        agent = self._agents.get(user)
        if agent is None or not self._connected(user):
            return
        if not follows_capacity(agent.presence.presence, agent.auto_dnd):
            return
        target = capacity_presence(
            self._session_load(user), self._capacity(user), self._session_count(user)
        )
        if target is not agent.presence.presence:
            self._set_presence(
                agent,
                target,
                PresenceSource.SYSTEM,
                Reason.CAPACITY,
                auto_dnd=target is Presence.BUSY_DND,
            )

    def _arrive(self, agent: AgentRecord) -> None:
        """The agent's first connection: restore presence, re-offer held offers."""
        now = self.clock.now()
        timings = self.config.timings
        previous = agent.before_disconnect
        recent = (
            agent.disconnected_at is not None
            and now - agent.disconnected_at <= timings.presence_restore_window_s
        )
        login = False
        if previous is not None and recent:
            self._set_presence(
                agent,
                previous.presence,
                PresenceSource.SYSTEM,
                Reason.RECONNECT,
                auto_dnd=agent.auto_dnd_before_disconnect,
            )
        else:
            agent.last_work_at = now
            self._set_presence(agent, Presence.AVAILABLE, PresenceSource.SYSTEM, Reason.LOGIN)
            login = True
        agent.disconnected_at = None
        agent.before_disconnect = None
        agent.auto_dnd_before_disconnect = False
        for offer_id in sorted(self._pending.get(agent.user, ())):
            offer = self._offers[offer_id]
            if offer.held:
                # Still within the reroute grace (else `_run_due` ended it): a fresh countdown.
                offer.held = False
                offer.expires_at = now + offer.notification.wait_time_s
                self._schedule(offer.expires_at, _EXPIRE, offer_id)
                self._dirty.add((KIND_OFFER, offer_id))
        if login:
            self._follow_capacity(agent.user)  # a reconnect restores the presence as it was
        self._refresh(agent.user)

    def _depart(self, agent: AgentRecord, *, goodbye: bool) -> None:
        """The agent's last connection went away."""
        now = self.clock.now()
        user = agent.user
        if goodbye:
            for offer_id in sorted(self._pending.get(user, ())):
                offer = self._offers[offer_id]
                self._end_offer(offer, OfferState.WITHDRAWN, Reason.LOGOUT)
                self._enqueue(self._work[offer.work_id])
            agent.before_disconnect = None
            agent.auto_dnd_before_disconnect = False
            self._set_presence(
                agent, Presence.OFFLINE, PresenceSource.AGENT, Reason.LOGOUT, by=user
            )
        else:
            agent.before_disconnect = agent.presence
            agent.auto_dnd_before_disconnect = agent.auto_dnd
            self._set_presence(agent, Presence.OFFLINE, PresenceSource.SYSTEM, Reason.DISCONNECT)
        agent.disconnected_at = now
        if self._open.get(user):
            self._schedule(now + self.config.timings.session_reclaim_s, _RECLAIM, user)
        self._refresh(user)

    # ==== alerts ================================================================================

    def _raise_alert(
        self, user: UserId, kind: AlertKind, message: str, work_id: WorkId | None
    ) -> None:
        alert = Alert(
            alert_id=AlertId(f"A{self._next('alert')}"),
            kind=kind,
            message=message,
            raised_at=self.clock.now(),
            work_id=work_id,
        )
        self._alerts[alert.alert_id] = AlertRecord(agent=user, alert=alert)
        self._agent_alerts.setdefault(user, {})[alert.alert_id] = alert
        self._dirty.add((KIND_ALERT, alert.alert_id))
        self._audit("alert", agent=user, alert=alert)
        self._deliver(user, AlertRaised(alert=alert))
        self._touched.add(user)

    def _clear_alert(self, alert_id: AlertId) -> None:
        record = self._alerts.pop(alert_id)
        self._agent_alerts.get(record.agent, {}).pop(alert_id, None)
        self._dirty.add((KIND_ALERT, alert_id))
        self._deliver(record.agent, AlertCleared(alert_id=alert_id))
        self._touched.add(record.agent)

    def _alerts_of(self, user: UserId) -> list[Alert]:
        return sorted(
            self._agent_alerts.get(user, {}).values(),
            key=lambda a: (a.raised_at, a.alert_id),
        )

    # ==== work: queueing, offers, sessions ======================================================

    def _history(
        self,
        work: WorkRecord,
        event: str,
        detail: str = "",
        agent: UserId | None = None,
        reason: Reason | None = None,
    ) -> None:
        work.history.append(
            HistoryEntry(
                at=self.clock.now(), event=event, detail=detail, agent=agent, reason=reason
            )
        )
        self._dirty.add((KIND_WORK, work.item.work_id))

    def _set_work(self, work: WorkRecord, **changes: Any) -> None:
        work.item = msgspec.structs.replace(work.item, **changes)
        self._dirty.add((KIND_WORK, work.item.work_id))

    def _enqueue(self, work: WorkRecord, *, avoid: UserId | None = None) -> None:
        """The item waits in its queue (again); `avoid` is who just could not take it."""
        if avoid is not None and avoid not in work.declined_by:
            work.declined_by.append(avoid)
        if work.item.state is not WorkState.QUEUED:
            self._set_work(work, state=WorkState.QUEUED)
        item = work.item
        self._index[item.queue].add_item(item.work_id, item.priority, item.created_at, work.seq)
        self._dirty_queues.add(item.queue)
        self._dirty.add((KIND_WORK, item.work_id))

    def _dispatch(self) -> None:
        """Route waiting items to eligible agents until one side runs out, best item first."""
        while True:
            best: tuple[tuple[int, float, int, WorkId], QueueId] | None = None
            for queue_id in list(self._dirty_queues):
                index = self._index[queue_id]
                head = index.head()
                if head is None or index.agent_count() == 0:
                    self._dirty_queues.discard(queue_id)
                    continue
                if best is None or head < best[0]:
                    best = (head, queue_id)
            if best is None:
                return
            head, queue_id = best
            index = self._index[queue_id]
            work = self._work[head[3]]
            user = self._pick_agent(index, work)
            index.remove_item(work.item.work_id)
            self._route(work, user)

    @staticmethod
    def _pick_agent(index: QueueIndex, work: WorkRecord) -> UserId:
        """Idle longest, preferring anyone who has not already turned this item down."""
        declined = set(work.declined_by)
        first: UserId | None = None
        for user in index.eligible_agents():
            if first is None:
                first = user
            if user not in declined:
                return user
        assert first is not None, "dispatch picks only from queues with eligible agents"
        return first

    def _route(self, work: WorkRecord, user: UserId) -> None:
        """Give a routed item to an agent with room: an assignment or an offer per its queue."""
        queue = self._queues[work.item.queue]
        origin = work.item.origin
        if origin is Origin.TRANSFER:
            self._open_session(work, user, Reason.TRANSFER, toast=True)
        elif origin is Origin.ESCALATION:
            self._open_session(work, user, Reason.ESCALATION, toast=True)
        elif queue.auto_accept:
            self._open_session(work, user, Reason.AUTO_ACCEPT, toast=True)
        else:
            self._make_offer(work, user, queue)

    def _direct(self, work: WorkRecord, user: UserId) -> None:
        """Directed work: to this agent if it can take it, else the queue (rule 7 at the limit)."""
        queue = self._queues[work.item.queue]
        assigns = work.item.origin in (Origin.TRANSFER, Origin.ESCALATION) or queue.auto_accept
        if assigns and self._connected(user) and self._session_count(user) >= MAX_SESSIONS:
            self._session_limit(user, work, None)
            return
        fits = self._load_with_offers(user) + queue.capacity_cost <= self._capacity(user)
        # An assignment is limited by open sessions (rule 7); an offer also by pending offers.
        room = fits if assigns else self._has_room(user, queue)
        if self._connected(user) and room:
            self._route(work, user)
        else:
            self._history(work, "queued", f"{user} cannot take it now", agent=user)
            self._enqueue(work)

    def _template(self, queue: QueueConfig) -> TemplateConfig:
        template = self.config.templates.get(queue.template)
        return template if template is not None else TemplateConfig(title=queue.name)

    def _make_offer(self, work: WorkRecord, user: UserId, queue: QueueConfig) -> None:
        now = self.clock.now()
        template = self._template(queue)
        offer = OfferRecord(
            offer_id=OfferId(f"O{self._next('offer')}"),
            work_id=work.item.work_id,
            agent=user,
            notification=render_notification(work.item, queue, template, now),
            offered_at=now,
            expires_at=now + template.wait_time_s,
        )
        self._offers[offer.offer_id] = offer
        self._pending.setdefault(user, set()).add(offer.offer_id)
        self._dirty.add((KIND_OFFER, offer.offer_id))
        work.offer_id = offer.offer_id
        self._set_work(work, state=WorkState.OFFERED)
        self._history(work, "offered", offer.offer_id, agent=user)
        agent = self._agents[user]
        agent.last_work_at = now
        self._dirty.add((KIND_AGENT, user))
        self._schedule(offer.expires_at, _EXPIRE, offer.offer_id)
        self._audit(
            "offer", offer=offer.offer_id, work=work.item.work_id, agent=user, state="pending"
        )
        self._deliver(user, OfferAdded(offer=self._offer_view(offer)))
        self._refresh(user)

    def _end_offer(self, offer: OfferRecord, state: OfferState, reason: Reason) -> None:
        offer.state = state
        offer.reason = reason
        offer.held = False
        self._dirty.add((KIND_OFFER, offer.offer_id))
        self._pending.get(offer.agent, set()).discard(offer.offer_id)
        work = self._work[offer.work_id]
        if work.offer_id == offer.offer_id:
            work.offer_id = None
        self._history(work, state.value, offer.offer_id, agent=offer.agent, reason=reason)
        self._audit(
            "offer",
            offer=offer.offer_id,
            work=offer.work_id,
            agent=offer.agent,
            state=state,
            reason=reason,
        )
        self._deliver(offer.agent, OfferEnded(offer_id=offer.offer_id, state=state, reason=reason))
        self._refresh(offer.agent)

    def _open_session(
        self,
        work: WorkRecord,
        user: UserId,
        reason: Reason,
        *,
        toast: bool,
    ) -> SessionRecord:
        now = self.clock.now()
        call, work.carried_call = work.carried_call, None
        if call is None and work.item.channel is Channel.VOICE:
            call = Call(state=CallState.CONNECTED)
        session = SessionRecord(
            session_id=SessionId(f"S{self._next('session')}"),
            work_id=work.item.work_id,
            agent=user,
            opened_at=now,
            opened_reason=reason,
            call=call,
        )
        self._sessions[session.session_id] = session
        self._open.setdefault(user, set()).add(session.session_id)
        self._dirty.add((KIND_SESSION, session.session_id))
        work.session_id = session.session_id
        work.offer_id = None
        self._set_work(work, state=WorkState.ASSIGNED)
        self._history(work, "assigned", session.session_id, agent=user, reason=reason)
        agent = self._agents[user]
        agent.last_work_at = now
        self._dirty.add((KIND_AGENT, user))
        self._audit(
            "session", session=session.session_id, work=work.item.work_id, agent=user, reason=reason
        )
        queue = self._queues[work.item.queue]
        shown = (
            render_toast(self.config, work.item, queue, session.session_id, reason, now)
            if toast
            else None
        )
        self._deliver(user, SessionOpened(session=self._session_view(session), toast=shown))
        self._follow_capacity(user)
        self._refresh(user)
        return session

    def _close_session(self, session: SessionRecord, reason: Reason) -> WorkRecord:
        """The session leaves its agent; the caller decides what becomes of the work item."""
        now = self.clock.now()
        user = session.agent
        del self._sessions[session.session_id]
        self._open.get(user, set()).discard(session.session_id)
        self._dirty.add((KIND_SESSION, session.session_id))
        work = self._work[session.work_id]
        work.session_id = None
        self._history(work, "session_closed", session.session_id, agent=user, reason=reason)
        agent = self._agents[user]
        agent.last_work_at = now
        self._dirty.add((KIND_AGENT, user))
        self._audit("session", session=session.session_id, agent=user, closed=True, reason=reason)
        self._deliver(user, SessionClosed(session_id=session.session_id, reason=reason))
        self._follow_capacity(user)
        self._refresh(user)
        return work

    def _session_limit(self, user: UserId, work: WorkRecord, offer: OfferRecord | None) -> None:
        """Rule 7: work that would be an 11th session is refused and rerouted, never lost."""
        if offer is not None:
            self._end_offer(offer, OfferState.WITHDRAWN, Reason.QUEUE_LIMIT_EXCEEDED)
        self._history(work, "session_limit", f"{user} has {MAX_SESSIONS} sessions", agent=user)
        self._enqueue(work, avoid=user)
        if self._connected(user):
            # A vanished agent stays offline; the alert tells them when they are back.
            self._set_presence(
                self._agents[user],
                Presence.BUSY_DND,
                PresenceSource.SYSTEM,
                Reason.QUEUE_LIMIT_EXCEEDED,
            )
        self._raise_alert(
            user,
            AlertKind.MAX_SESSIONS,
            f"You have {MAX_SESSIONS} open sessions, the most allowed: close one to take new work.",
            work.item.work_id,
        )

    # ==== deadline handlers =====================================================================

    def _offer_timed_out(self, offer: OfferRecord) -> None:
        work = self._work[offer.work_id]
        queue = self._queues[work.item.queue]
        user = offer.agent
        if work.item.channel is Channel.CASE:
            # Rule 4: a case is assigned whatever the timeout, also to a vanished agent.
            if self._session_count(user) >= MAX_SESSIONS:
                self._session_limit(user, work, offer)
                return
            self._end_offer(offer, OfferState.ACCEPTED, Reason.ASSIGNED_AT_TIMEOUT)
            self._open_session(work, user, Reason.ASSIGNED_AT_TIMEOUT, toast=True)
        elif not self._connected(user):
            # Rule 8: not the agent's fault; keep it for a returning client until the grace ends.
            offer.held = True
            self._dirty.add((KIND_OFFER, offer.offer_id))
            grace = self.config.timings.offer_reroute_grace_s
            self._schedule(offer.expires_at + grace, _HOLD, offer.offer_id)
        else:
            self._end_offer(offer, OfferState.MISSED, Reason.DISPLAY_TIMEOUT)
            self._enqueue(work, avoid=user)
            if queue.missed_alerts:
                self._set_presence(
                    self._agents[user],
                    Presence.INACTIVE,
                    PresenceSource.SYSTEM,
                    Reason.DISPLAY_TIMEOUT,
                )
                self._raise_alert(
                    user,
                    AlertKind.MISSED,
                    f"You missed an offer from {queue.name}: set yourself Available to get work.",
                    work.item.work_id,
                )

    def _held_offer_lapsed(self, offer: OfferRecord) -> None:
        self._end_offer(offer, OfferState.WITHDRAWN, Reason.DISCONNECT)
        self._enqueue(self._work[offer.work_id], avoid=offer.agent)

    def _reclaim_sessions(self, agent: AgentRecord) -> None:
        """Rule 8: sessions of an agent gone longer than the reclaim window go back to queue."""
        for session_id in sorted(self._open.get(agent.user, ())):
            work = self._close_session(self._sessions[session_id], Reason.DISCONNECT)
            if work.customer_left:
                self._close_work(work, Reason.DISCONNECT)  # nobody left to serve
            else:
                self._enqueue(work)

    # ==== views =================================================================================

    def _offer_view(self, offer: OfferRecord) -> Offer:
        work = self._work[offer.work_id]
        return Offer(
            offer_id=offer.offer_id,
            work=work.item,
            agent=offer.agent,
            notification=offer.notification,
            offered_at=offer.offered_at,
            expires_at=offer.expires_at,
            state=offer.state,
            reason=offer.reason,
            transcript=list(work.transcript),
        )

    def _session_view(self, session: SessionRecord) -> Session:
        work = self._work[session.work_id]
        return Session(
            session_id=session.session_id,
            work=work.item,
            agent=session.agent,
            opened_at=session.opened_at,
            opened_reason=session.opened_reason,
            transcript=list(work.transcript),
            call=session.call,
            customer_left=work.customer_left,
        )

    def _snapshot(self, user: UserId) -> Snapshot:
        return Snapshot(
            presence=self._agent(user).presence,
            offers=[self._offer_view(self._offers[o]) for o in sorted(self._pending.get(user, ()))],
            sessions=[
                self._session_view(self._sessions[s]) for s in sorted(self._open.get(user, ()))
            ],
            alerts=self._alerts_of(user),
            server_time=self.clock.now(),
        )

    def _agent_view(self, user: UserId) -> AgentView:
        config = self._users[user]
        return AgentView(
            agent=user,
            display_name=config.name,
            role=config.role,
            presence=self._agent(user).presence,
            connected=self._connected(user),
            sessions=self._session_count(user),
            pending_offers=len(self._pending.get(user, ())),
            alerts=[a.kind for a in self._alerts_of(user)],
            queues=self._user_queues(user),
            capacity_used=self._load_with_offers(user),
            capacity=config.capacity,
        )

    def _publish_views(self) -> None:
        """AgentUpdated to every subscribed supervisor for each row that changed."""
        touched, self._touched = self._touched, set()
        if not self._subscribers:
            return
        listed = set(self._listed_users)
        for user in sorted(touched & listed):
            view = self._agent_view(user)
            if self._views.get(user) == view:
                continue
            self._views[user] = view
            for supervisor in sorted(self._subscribers):
                self._deliver(supervisor, AgentUpdated(agent=view))

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
                rows = [self._agent_view(u) for u in self._listed_users]
                self._views.update((row.agent, row) for row in rows)
                return Agents(re=re, agents=rows)
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
        offer = self._offers.get(offer_id)
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

    def _work_for(self, work_id: WorkId, request: Request) -> WorkRecord:
        work = self._work.get(work_id)
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
        record = self._alerts.get(request.alert_id)
        if record is None:
            raise _refuse(ErrorCode.UNKNOWN_ALERT, f"no alert {request.alert_id}", request)
        if record.agent != principal.user and principal.role not in _SUPERVISING:
            raise _refuse(ErrorCode.FORBIDDEN, f"alert {request.alert_id} is not yours", request)
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
                f"You rejected work from {queue.name}: set yourself Available to get work.",
                work.item.work_id,
            )
        return Ack(re=RequestId(request.id))

    # -- sessions ----------------------------------------------------------------------------

    def _append(
        self, work: WorkRecord, sender: Sender, text: str, client_msg_id: str | None
    ) -> ChatMessage:
        message = ChatMessage(
            msg_id=f"{work.item.work_id}-{len(work.transcript) + 1}",
            sender=sender,
            text=text,
            at=self.clock.now(),
            client_msg_id=client_msg_id,
        )
        work.transcript.append(message)
        self._dirty.add((KIND_WORK, work.item.work_id))
        return message

    def _on_send_message(self, principal: Principal, request: SendMessage) -> ServerReply:
        session = self._session_for(principal, request.session_id, request, supervised=False)
        if request.client_msg_id not in session.client_msg_ids:
            session.client_msg_ids.append(request.client_msg_id)
            self._dirty.add((KIND_SESSION, session.session_id))
            work = self._work[session.work_id]
            message = self._append(work, Sender.AGENT, request.text, request.client_msg_id)
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
        work = self._work_for(request.work_id, request)
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
        message = self._append(work, Sender.CUSTOMER, request.text, None)
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
            message = self._append(work, Sender.SYSTEM, "The customer left.", None)
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

    def _close_work(self, work: WorkRecord, reason: Reason = Reason.CUSTOMER_LEFT) -> None:
        self._set_work(work, state=WorkState.CLOSED)
        self._history(work, "closed", reason=reason)

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

    # ==== invariants ============================================================================

    def _violations(self) -> Iterator[str]:
        pending_per_work = Counter(
            o.work_id for o in self._offers.values() if o.state is OfferState.PENDING
        )
        sessions_per_work = Counter(s.work_id for s in self._sessions.values())
        for work_id, work in self._work.items():
            state = work.item.state
            index = self._index.get(work.item.queue)
            queued = index is not None and index.has_item(work_id)
            offers = pending_per_work.get(work_id, 0)
            sessions = sessions_per_work.get(work_id, 0)
            expected = {
                WorkState.QUEUED: (True, 0, 0),
                WorkState.OFFERED: (False, 1, 0),
                WorkState.ASSIGNED: (False, 0, 1),
                WorkState.CLOSED: (False, 0, 0),
            }[state]
            if (queued, offers, sessions) != expected:
                yield (
                    f"{work_id} is {state.value} but queued={queued}, pending offers={offers}, "
                    f"open sessions={sessions}"
                )
            if state is WorkState.OFFERED and (
                work.offer_id is None or self._offers[work.offer_id].state is not OfferState.PENDING
            ):
                yield f"{work_id} is offered but does not point at its pending offer"
            if state is WorkState.ASSIGNED and work.session_id not in self._sessions:
                yield f"{work_id} is assigned but does not point at its session"
        for user in self._users:
            count = self._session_count(user)
            if count > MAX_SESSIONS:
                yield f"{user} has {count} open sessions (limit {MAX_SESSIONS})"
            load = self._load_with_offers(user)
            if load > self._capacity(user):
                yield f"{user} uses {load} capacity of {self._capacity(user)}"
            for queue_id in self._user_queues(user):
                indexed = self._index[queue_id].has_agent(user)
                if indexed != self._eligible(user, self._queues[queue_id]):
                    yield f"{user} routing index for {queue_id} is stale (indexed={indexed})"
        for offer_id, offer in self._offers.items():
            listed = offer_id in self._pending.get(offer.agent, set())
            if listed != (offer.state is OfferState.PENDING):
                yield f"{offer_id} is {offer.state.value} but pending-listed={listed}"
        for alert_id, alert in self._alerts.items():
            if alert_id not in self._agent_alerts.get(alert.agent, {}):
                yield f"{alert_id} is not listed for {alert.agent}"
        for session_id, session in self._sessions.items():
            if session_id not in self._open.get(session.agent, set()):
                yield f"{session_id} is open but not listed for {session.agent}"
        for queue_id, index in self._index.items():
            if index.item_count() and index.agent_count():
                yield f"{queue_id} has waiting work and an eligible agent after dispatch"
