"""The routing state on disk: loaded at start, changed records written at the end of each call,
finished things evicted from memory after `Timings.closed_retention_s`.

Only what is open comes back at start: open work with its transcript, pending offers, open
sessions, alerts still shown. Finished things stay on disk and are read on demand.
"""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.vocabulary import (
    AlertId,
    OfferId,
    OfferState,
    QueueId,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.arrivals import Arrivals
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.records import (
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
    KIND_WRAP_UP,
    META_COUNTERS,
    META_QUEUE_HISTORY,
    AgentRecord,
    AlertRecord,
    Counters,
    MessageRecord,
    OfferRecord,
    QueueHistory,
    SessionRecord,
    TimelineRecord,
    WorkRecord,
    WrapUpRecord,
    decode_record,
    encode_record,
    encode_session,
    encode_work,
    message_key,
)


class Persistence:
    def __init__(self, flow: WorkFlow, arrivals: Arrivals) -> None:
        self.flow = flow
        self.arrivals = arrivals

    # -- start ---------------------------------------------------------------------------------

    def load(self) -> None:
        """After a (re)start nobody is connected: every agent counts as disconnected since now,
        so grace windows apply and clients resume."""
        flow = self.flow
        ledger = flow.ledger
        store = ledger.store
        ledger.begin()
        for key, data in store.load(KIND_META):
            if key == META_COUNTERS:
                ledger.counters = decode_record(data, Counters)
            elif key.startswith(META_QUEUE_HISTORY):
                queue_id = QueueId(key.removeprefix(META_QUEUE_HISTORY))
                flow.queue_stats.restore(queue_id, decode_record(data, QueueHistory))
        for _, data in list(store.load(KIND_SESSION)):
            session = decode_record(data, SessionRecord)
            flow.sessions.records[session.session_id] = session
        for key, data in list(store.load(KIND_WORK)):
            self._load_work(key, decode_record(data, WorkRecord))
        for key, data in list(store.load(KIND_OFFER)):
            offer = decode_record(data, OfferRecord)
            if offer.state is OfferState.PENDING:
                flow.offers.records[offer.offer_id] = offer
            else:  # stored by a version that kept ended offers with the pending ones
                store.put(KIND_OFFER_ENDED, key, data)
                store.delete(KIND_OFFER, key)
        for _, data in store.load(KIND_AGENT):
            agent = decode_record(data, AgentRecord)
            if agent.user in flow.directory.users:
                flow.presences.agents[agent.user] = agent
                if agent.penalty_until is not None:
                    flow.deadlines.schedule(agent.penalty_until, deadlines.PENALTY, agent.user)
        for key, data in list(store.load(KIND_ALERT)):
            alert = decode_record(data, AlertRecord)
            if alert.cleared:  # stored by a version that kept cleared alerts with the shown ones
                store.put(KIND_ALERT_CLEARED, key, data)
                store.delete(KIND_ALERT, key)
                continue
            flow.alerts.records[alert.alert.alert_id] = alert
            flow.alerts.shown.setdefault(alert.agent, {})[alert.alert.alert_id] = alert.alert
        for _, data in store.load(KIND_WRAP_UP):
            wrap_up = decode_record(data, WrapUpRecord)
            if wrap_up.queue in flow.directory.queues and wrap_up.agent in flow.directory.users:
                flow.sessions.wrap_ups.add(wrap_up)
                flow.deadlines.schedule(wrap_up.ends_at, deadlines.WRAP_UP, wrap_up.work_id)
        for key, data in sorted(store.load(KIND_TIMELINE)):
            entry = decode_record(data, TimelineRecord)
            flow.presences.timeline.setdefault(entry.agent, []).append((key, data))

        for offer in flow.offers.records.values():
            flow.offers.pending.setdefault(offer.agent, set()).add(offer.offer_id)
            if offer.held:
                grace = flow.directory.reroute_grace(flow.works[offer.work_id].item.queue)
                flow.deadlines.schedule(offer.expires_at + grace, deadlines.HOLD, offer.offer_id)
            else:
                flow.deadlines.schedule(offer.expires_at, deadlines.EXPIRE, offer.offer_id)
        for session in flow.sessions.records.values():
            flow.sessions.open.setdefault(session.agent, set()).add(session.session_id)
        for work in flow.works.items.values():
            if work.item.state is WorkState.QUEUED and work.item.queue in flow.router.index:
                flow.router.enqueue(work)

        for user in flow.directory.users:
            agent = flow.presences.agent(user)
            if agent.disconnected_at is None:
                # It was connected when the server stopped: this is a vanished link.
                self.arrivals.went_away(agent)
            self.arrivals.schedule_reclaim(agent)
        flow.router.settle()
        self.flush()
        store.commit()
        ledger.out = []

    def _load_work(self, key: str, work: WorkRecord) -> None:
        """One stored open work item, with its transcript and its session's message ids."""
        flow = self.flow
        store = flow.ledger.store
        work_id = work.item.work_id
        session = flow.sessions.records.get(work.session_id) if work.session_id else None
        if work.transcript:
            # Stored by a version that kept the transcript inline: one record per message now.
            legacy_ids = set(session.client_msg_ids) if session else set()
            for seq, message in enumerate(work.transcript, start=1):
                sent_in = (
                    session.session_id if session and message.client_msg_id in legacy_ids else None
                )
                record = MessageRecord(session_id=sent_in, message=message)
                store.put(KIND_MESSAGE, message_key(work_id, seq), encode_record(record))
            flow.ledger.mark(KIND_WORK, key)
            if session is not None:
                flow.ledger.mark(KIND_SESSION, session.session_id)
        elif work.item.state is not WorkState.CLOSED:
            for record in flow.works.message_records(work_id):
                work.transcript.append(record.message)
                client_msg_id = record.message.client_msg_id
                if session and record.session_id == session.session_id and client_msg_id:
                    session.client_msg_ids.append(client_msg_id)
        if work.item.state is WorkState.CLOSED:
            # Stored by a version that kept closed work with the open: move it, count it.
            store.put(KIND_WORK_CLOSED, key, encode_work(work))
            store.delete(KIND_WORK, key)
            flow.ledger.dirty.discard((KIND_WORK, key))
            flow.ledger.next("closed")
            return
        flow.works.items[work_id] = work

    # -- each call -----------------------------------------------------------------------------

    def flush(self) -> None:
        ledger = self.flow.ledger
        store = ledger.store
        for kind, key in sorted(ledger.dirty):
            stored_kind, data = self._stored_form(kind, key)
            if data is None:
                store.delete(kind, key)
                continue
            store.put(stored_kind, key, data)
            if stored_kind != kind:
                store.delete(kind, key)  # it finished: out of the kind a restart loads
        ledger.dirty = set()

    def _stored_form(self, kind: str, key: str) -> tuple[str, bytes | None]:
        """(kind it is stored under now, bytes) of a changed record; None bytes: it is gone."""
        flow = self.flow
        if kind == KIND_WORK:
            work = flow.works.items.get(WorkId(key))
            if work is None:
                return kind, None
            closed = work.item.state is WorkState.CLOSED
            return (KIND_WORK_CLOSED if closed else kind), encode_work(work)
        if kind == KIND_OFFER:
            offer = flow.offers.records.get(OfferId(key))
            if offer is None:
                return kind, None
            ended = offer.state is not OfferState.PENDING
            return (KIND_OFFER_ENDED if ended else kind), encode_record(offer)
        if kind == KIND_ALERT:
            alert = flow.alerts.records.get(AlertId(key))
            if alert is None:
                return kind, None
            return (KIND_ALERT_CLEARED if alert.cleared else kind), encode_record(alert)
        if kind == KIND_SESSION:
            session = flow.sessions.records.get(SessionId(key))
            return kind, None if session is None else encode_session(session)
        record: msgspec.Struct | None
        if kind == KIND_AGENT:
            record = flow.presences.agents.get(UserId(key))
        elif kind == KIND_WRAP_UP:
            record = flow.sessions.wrap_ups.records.get(WorkId(key))
        elif kind == KIND_META and key.startswith(META_QUEUE_HISTORY):
            record = flow.queue_stats.history(QueueId(key.removeprefix(META_QUEUE_HISTORY)))
        elif kind == KIND_META:
            record = flow.ledger.counters
        else:
            raise AssertionError(f"unknown record kind {kind}")
        return kind, None if record is None else encode_record(record)

    def evict(self) -> None:
        """Drop finished things past the retention from memory (the store keeps them).

        Nothing open refers to them: an ended offer is only looked up to answer a late
        accept/reject, a closed item only by GetWork, a cleared alert only by a late dismiss,
        and each of those falls back to the store."""
        flow = self.flow
        now = flow.ledger.now()
        retired = flow.ledger.retired
        while retired and retired[0][0] <= now:
            _, kind, key = retired.popleft()
            if kind == KIND_WORK_CLOSED:
                flow.works.evict(WorkId(key))
            elif kind == KIND_OFFER_ENDED:
                flow.offers.evict(OfferId(key))
            elif kind == KIND_ALERT_CLEARED:
                flow.alerts.evict(AlertId(key))
