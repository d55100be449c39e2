"""The routing engine's state: records, indexes, presence, alerts, views and invariants.

`EngineState` is the bottom layer of the engine (`engine_work.WorkFlow` moves work through it,
`engine.Engine` answers requests on top). It owns every record and index, writes what changed to
the store at the end of each public call, and knows who is eligible for which queue.

Memory holds the working set: open work, pending offers, open sessions, alerts still shown, and
finished things for `Timings.closed_retention_s` after they finish (then they are evicted; the
store keeps them and the engine reads them back on demand).
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, NewType

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.messages import (
    AgentUpdated,
    AlertCleared,
    AlertRaised,
    PresenceChanged,
    ServerEvent,
    Snapshot,
)
from agent_desktop.protocol.model import (
    AgentView,
    Alert,
    Offer,
    PresenceChange,
    PresenceInfo,
    Session,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertId,
    AlertKind,
    OfferId,
    OfferState,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    Role,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.config import QueueConfig, ServerConfig, UserConfig
from agent_desktop.server.presence import (
    capacity_presence,
    follows_capacity,
)
from agent_desktop.server.records import (
    KIND_AGENT,
    KIND_ALERT,
    KIND_ALERT_CLEARED,
    KIND_MESSAGE,
    KIND_META,
    KIND_OFFER,
    KIND_OFFER_ENDED,
    KIND_SESSION,
    KIND_TIMELINE,
    KIND_WORK,
    KIND_WORK_CLOSED,
    META_COUNTERS,
    AgentRecord,
    AlertRecord,
    Counters,
    MessageRecord,
    OfferRecord,
    SessionRecord,
    TimelineRecord,
    WorkRecord,
    decode_record,
    encode_record,
    encode_session,
    encode_work,
    message_prefix,
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

DEADLINE_EXPIRE: Final = "expire"
DEADLINE_HOLD: Final = "hold"
DEADLINE_RECLAIM: Final = "reclaim"

_json: Final = msgspec.json.Encoder()


class EngineState:
    """Records, indexes and the per-call bookkeeping shared by the engine's layers."""

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
        self._retired: deque[tuple[float, str, str]] = deque()
        """(evict at, finished kind, key) in time order: finished things to drop from memory."""
        # What the current public call produced; flushed by `_finish`.
        self._out: list[Delivery] = []
        self._dirty: set[tuple[str, str]] = set()
        self._touched: set[UserId] = set()
        self._dirty_queues: set[QueueId] = set()

    # ==== call bookkeeping ======================================================================

    def _begin(self) -> None:
        self._out = []
        self._dirty = set()
        self._touched = set()

    def _finish(self) -> list[Delivery]:
        self._publish_views()
        self._flush()
        self._evict()
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

    def _flush(self) -> None:
        store = self.store
        for kind, key in sorted(self._dirty):
            stored_kind, data = self._stored_form(kind, key)
            if data is None:
                store.delete(kind, key)
                continue
            store.put(stored_kind, key, data)
            if stored_kind != kind:
                store.delete(kind, key)  # it finished: out of the kind a restart loads
        self._dirty = set()

    def _stored_form(self, kind: str, key: str) -> tuple[str, bytes | None]:
        """(kind it is stored under now, bytes) of a changed record; None bytes: it is gone."""
        if kind == KIND_WORK:
            work = self._work.get(WorkId(key))
            if work is None:
                return kind, None
            closed = work.item.state is WorkState.CLOSED
            return (KIND_WORK_CLOSED if closed else kind), encode_work(work)
        if kind == KIND_OFFER:
            offer = self._offers.get(OfferId(key))
            if offer is None:
                return kind, None
            ended = offer.state is not OfferState.PENDING
            return (KIND_OFFER_ENDED if ended else kind), encode_record(offer)
        if kind == KIND_ALERT:
            alert = self._alerts.get(AlertId(key))
            if alert is None:
                return kind, None
            return (KIND_ALERT_CLEARED if alert.cleared else kind), encode_record(alert)
        if kind == KIND_SESSION:
            session = self._sessions.get(SessionId(key))
            return kind, None if session is None else encode_session(session)
        record: msgspec.Struct | None
        if kind == KIND_AGENT:
            record = self._agents.get(UserId(key))
        elif kind == KIND_META:
            record = self._counters
        else:
            raise AssertionError(f"unknown record kind {kind}")
        return kind, None if record is None else encode_record(record)

    def _message_records(self, work_id: WorkId) -> list[MessageRecord]:
        """A work item's transcript as stored, in order."""
        stored = self.store.load_prefix(KIND_MESSAGE, message_prefix(work_id))
        return [decode_record(data, MessageRecord) for _, data in stored]

    def _stored_work(self, work_id: WorkId, *, transcript: bool) -> WorkRecord | None:
        """A closed work item that has left memory, read back from the store (not kept)."""
        data = self.store.get(KIND_WORK_CLOSED, work_id)
        if data is None:
            return None
        work = decode_record(data, WorkRecord)
        if transcript and not work.transcript:
            work.transcript = [r.message for r in self._message_records(work_id)]
        return work

    def _stored_offer(self, offer_id: OfferId) -> OfferRecord | None:
        data = self.store.get(KIND_OFFER_ENDED, offer_id)
        return None if data is None else decode_record(data, OfferRecord)

    def _stored_alert(self, alert_id: AlertId) -> AlertRecord | None:
        data = self.store.get(KIND_ALERT_CLEARED, alert_id)
        return None if data is None else decode_record(data, AlertRecord)

    # ==== retention =============================================================================

    def _retire(self, finished_kind: str, key: str) -> None:
        """A work item closed, an offer ended or an alert cleared: it leaves memory later."""
        at = self.clock.now() + self.config.timings.closed_retention_s
        self._retired.append((at, finished_kind, key))

    def _evict(self) -> None:
        """Drop finished things past the retention from memory (the store keeps them).

        Nothing open refers to them: an ended offer is only looked up to answer a late
        accept/reject, a closed item only by GetWork, a cleared alert only by a late dismiss,
        and each of those falls back to the store."""
        now = self.clock.now()
        retired = self._retired
        while retired and retired[0][0] <= now:
            _, kind, key = retired.popleft()
            if kind == KIND_WORK_CLOSED:
                work = self._work.get(WorkId(key))
                if work is not None and work.item.state is WorkState.CLOSED:
                    del self._work[work.item.work_id]
            elif kind == KIND_OFFER_ENDED:
                offer = self._offers.get(OfferId(key))
                if offer is not None and offer.state is not OfferState.PENDING:
                    del self._offers[offer.offer_id]
            elif kind == KIND_ALERT_CLEARED:
                alert = self._alerts.get(AlertId(key))
                if alert is not None and alert.cleared:
                    del self._alerts[alert.alert.alert_id]

    # ==== deadlines =============================================================================

    def _schedule(self, at: float, kind: str, key: str) -> None:
        heapq.heappush(self._heap, (at, next(self._heap_seq), kind, key))

    def _deadline_live(self, entry: tuple[float, int, str, str]) -> bool:
        """Lazy invalidation: an entry counts only if the thing it was set for still holds."""
        at, _, kind, key = entry
        if kind in (DEADLINE_EXPIRE, DEADLINE_HOLD):
            offer = self._offers.get(OfferId(key))
            if offer is None or offer.state is not OfferState.PENDING:
                return False
            if kind == DEADLINE_EXPIRE:
                return not offer.held and offer.expires_at == at
            return offer.held and offer.expires_at + self.config.timings.offer_reroute_grace_s == at
        if kind == DEADLINE_RECLAIM:
            agent = self._agents.get(UserId(key))
            return (
                agent is not None
                and agent.disconnected_at is not None
                and agent.disconnected_at + self.config.timings.session_reclaim_s == at
                and bool(self._open.get(agent.user))
            )
        return False

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
        record = self._alerts[alert_id]
        record.cleared = True
        self._agent_alerts.get(record.agent, {}).pop(alert_id, None)
        self._dirty.add((KIND_ALERT, alert_id))
        self._retire(KIND_ALERT_CLEARED, alert_id)
        self._deliver(record.agent, AlertCleared(alert_id=alert_id))
        self._touched.add(record.agent)

    def _alerts_of(self, user: UserId) -> list[Alert]:
        return sorted(
            self._agent_alerts.get(user, {}).values(),
            key=lambda a: (a.raised_at, a.alert_id),
        )

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

    # ==== invariants ============================================================================

    def _violations(self) -> Iterator[str]:
        pending_per_work = Counter(
            o.work_id for o in self._offers.values() if o.state is OfferState.PENDING
        )
        sessions_per_work = Counter(s.work_id for s in self._sessions.values())
        closed_here = sum(1 for w in self._work.values() if w.item.state is WorkState.CLOSED)
        if closed_here > self._counters.closed:
            yield f"{closed_here} closed items in memory but {self._counters.closed} ever closed"
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
            if (alert_id in self._agent_alerts.get(alert.agent, {})) == alert.cleared:
                yield f"{alert_id} cleared={alert.cleared} but listed otherwise for {alert.agent}"
        for session_id, session in self._sessions.items():
            if session_id not in self._open.get(session.agent, set()):
                yield f"{session_id} is open but not listed for {session.agent}"
        for queue_id, index in self._index.items():
            if index.item_count() and index.agent_count():
                yield f"{queue_id} has waiting work and an eligible agent after dispatch"
