"""How work moves: queueing, routing, offers, sessions, deadlines, arrivals and departures.

The routing rule itself is documented in `agent_desktop.server.engine`.
"""

from __future__ import annotations

import heapq
from typing import Any

import msgspec

from agent_desktop.protocol.messages import (
    OfferAdded,
    OfferEnded,
    SessionClosed,
    SessionOpened,
)
from agent_desktop.protocol.model import (
    Call,
    HistoryEntry,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    CallState,
    Channel,
    OfferId,
    OfferState,
    Origin,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.config import QueueConfig, TemplateConfig
from agent_desktop.server.engine_render import (
    render_notification,
    render_toast,
    work_phrase,
)
from agent_desktop.server.engine_state import (
    DEADLINE_EXPIRE,
    DEADLINE_HOLD,
    DEADLINE_RECLAIM,
    EngineState,
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
    encode_work,
    message_key,
)
from agent_desktop.server.routing import QueueIndex


class WorkFlow(EngineState):
    """Queueing, routing, offers and sessions over the engine's state."""

    def _load(self) -> None:
        """Only what is open comes back: open work with its transcript, pending offers, open
        sessions, alerts still shown. Finished things stay on disk and are read on demand."""
        store = self.store
        self._begin()
        for key, data in store.load(KIND_META):
            if key == META_COUNTERS:
                self._counters = decode_record(data, Counters)
        for _, data in list(store.load(KIND_SESSION)):
            session = decode_record(data, SessionRecord)
            self._sessions[session.session_id] = session
        for key, data in list(store.load(KIND_WORK)):
            self._load_work(key, decode_record(data, WorkRecord))
        for key, data in list(store.load(KIND_OFFER)):
            offer = decode_record(data, OfferRecord)
            if offer.state is OfferState.PENDING:
                self._offers[offer.offer_id] = offer
            else:  # stored by a version that kept ended offers with the pending ones
                store.put(KIND_OFFER_ENDED, key, data)
                store.delete(KIND_OFFER, key)
        for _, data in store.load(KIND_AGENT):
            agent = decode_record(data, AgentRecord)
            if agent.user in self._users:
                self._agents[agent.user] = agent
        for key, data in list(store.load(KIND_ALERT)):
            alert = decode_record(data, AlertRecord)
            if alert.cleared:  # stored by a version that kept cleared alerts with the shown ones
                store.put(KIND_ALERT_CLEARED, key, data)
                store.delete(KIND_ALERT, key)
                continue
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
                    self._schedule(offer.expires_at + grace, DEADLINE_HOLD, offer.offer_id)
                else:
                    self._schedule(offer.expires_at, DEADLINE_EXPIRE, offer.offer_id)
        for session in self._sessions.values():
            self._open.setdefault(session.agent, set()).add(session.session_id)
        for work in self._work.values():
            if work.item.state is WorkState.QUEUED and work.item.queue in self._index:
                self._enqueue(work)

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
                self._schedule(now + self.config.timings.session_reclaim_s, DEADLINE_RECLAIM, user)
        self._flush()
        self.store.commit()
        self._out = []

    def _load_work(self, key: str, work: WorkRecord) -> None:
        """One stored open work item, with its transcript and its session's message ids."""
        store = self.store
        work_id = work.item.work_id
        session = self._sessions.get(work.session_id) if work.session_id else None
        if work.transcript:
            # Stored by a version that kept the transcript inline: one record per message now.
            legacy_ids = set(session.client_msg_ids) if session else set()
            for seq, message in enumerate(work.transcript, start=1):
                sent_in = (
                    session.session_id if session and message.client_msg_id in legacy_ids else None
                )
                record = MessageRecord(session_id=sent_in, message=message)
                store.put(KIND_MESSAGE, message_key(work_id, seq), encode_record(record))
            self._dirty.add((KIND_WORK, key))
            if session is not None:
                self._dirty.add((KIND_SESSION, session.session_id))
        elif work.item.state is not WorkState.CLOSED:
            for record in self._message_records(work_id):
                work.transcript.append(record.message)
                client_msg_id = record.message.client_msg_id
                if session and record.session_id == session.session_id and client_msg_id:
                    session.client_msg_ids.append(client_msg_id)
        if work.item.state is WorkState.CLOSED:
            # Stored by a version that kept closed work with the open: move it, count it.
            store.put(KIND_WORK_CLOSED, key, encode_work(work))
            store.delete(KIND_WORK, key)
            self._dirty.discard((KIND_WORK, key))
            self._next("closed")
            return
        self._work[work_id] = work

    def _run_due(self) -> None:
        now = self.clock.now()
        heap = self._heap
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            if not self._deadline_live(entry):
                continue
            _, _, kind, key = entry
            if kind == DEADLINE_EXPIRE:
                self._offer_timed_out(self._offers[OfferId(key)])
            elif kind == DEADLINE_HOLD:
                self._held_offer_lapsed(self._offers[OfferId(key)])
            elif kind == DEADLINE_RECLAIM:
                self._reclaim_sessions(self._agents[UserId(key)])
            self._dispatch()

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
                self._schedule(offer.expires_at, DEADLINE_EXPIRE, offer_id)
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
            self._schedule(now + self.config.timings.session_reclaim_s, DEADLINE_RECLAIM, user)
        self._refresh(user)

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
        closing = (
            changes.get("state") is WorkState.CLOSED and work.item.state is not WorkState.CLOSED
        )
        work.item = msgspec.structs.replace(work.item, **changes)
        self._dirty.add((KIND_WORK, work.item.work_id))
        if closing:
            self._next("closed")
            self._retire(KIND_WORK_CLOSED, work.item.work_id)

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
        self._schedule(offer.expires_at, DEADLINE_EXPIRE, offer.offer_id)
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
        self._retire(KIND_OFFER_ENDED, offer.offer_id)
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
            f"{work_phrase(work.item).capitalize()} could not open: you already have "
            f"{MAX_SESSIONS} sessions, so you were set to Do not disturb. Close a session and "
            "set yourself Available to take new work.",
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
            self._schedule(offer.expires_at + grace, DEADLINE_HOLD, offer.offer_id)
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
                    f"You missed {work_phrase(work.item)}, so you were set to Inactive. "
                    "Set yourself Available to get new work.",
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

    def _close_work(self, work: WorkRecord, reason: Reason = Reason.CUSTOMER_LEFT) -> None:
        self._set_work(work, state=WorkState.CLOSED)
        self._history(work, "closed", reason=reason)
