"""Queue statistics and the wait estimate (rule 16): per queue, what waits, for how long, who
staffs it, and what a new arrival may expect; pushed to supervisors as `queue_updated` deltas.

The estimator: an item at position p (1 = next) waits about
`average_handle_s * p / slots`, where `average_handle_s` is the mean of the queue's last 20
handle times (session opened -> closed by its agent or a supervisor; the queue's
`expected_handle_s` until there is one) and `slots` is how many items of the queue the staffing
agents can hold at once: for every connected agent of the queue in a presence the queue allows
and without a penalty, `capacity // capacity_cost` (10 for a free queue), at most 10. No such
agent: no estimate (None), since nobody will take the item until someone changes presence.

Agents are counted by their presence: available; busy (`busy`, `busy_dnd`); away (`away`,
`inactive`). Offline agents are not counted. Missed and rejected offers count for an hour.
Changes go out at once, then at most once a second (`COALESCE_S`) while they keep coming, each
row built once per flush.
"""

from __future__ import annotations

from collections import Counter, deque
from typing import Final

from agent_desktop.protocol.messages import QueueUpdated
from agent_desktop.protocol.model import QueueStats
from agent_desktop.protocol.vocabulary import MAX_SESSIONS, Presence, QueueId, UserId, WorkId
from agent_desktop.server.config import QueueConfig
from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.deadlines import Deadlines
from agent_desktop.server.routing.directory import Directory
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.offers import Offers
from agent_desktop.server.routing.presence import Presences
from agent_desktop.server.routing.queue_index import QueueIndex
from agent_desktop.server.routing.records import (
    KIND_META,
    KIND_WORK,
    QueueHistory,
    queue_history_key,
)
from agent_desktop.server.routing.works import WorkBook

HANDLE_SAMPLES: Final = 20
HOUR: Final = 3600.0
COALESCE_S: Final = 1.0
"""At most one `queue_updated` per queue this often: a busy queue changes on every call."""
_BUSY: Final = frozenset({Presence.BUSY, Presence.BUSY_DND})
_AWAY: Final = frozenset({Presence.AWAY, Presence.INACTIVE})


class QueueStatistics:
    def __init__(
        self,
        ledger: Ledger,
        directory: Directory,
        presences: Presences,
        works: WorkBook,
        offers: Offers,
        index: dict[QueueId, QueueIndex],
        deadlines: Deadlines,
    ) -> None:
        self.ledger = ledger
        self.directory = directory
        self.presences = presences
        self.works = works
        self.offers = offers
        self.index = index
        self.deadlines = deadlines
        self.staff: dict[QueueId, list[UserId]] = {q: [] for q in directory.queues}
        for user in directory.users:
            for queue_id in directory.user_queues(user):
                self.staff[queue_id].append(user)
        self.handle_times: dict[QueueId, deque[float]] = {}
        self.missed: dict[QueueId, deque[float]] = {}
        self.rejected: dict[QueueId, deque[float]] = {}
        self.touched: set[QueueId] = set()
        """Queues changed in this call beside what the ledger says (handle times, offers)."""
        self.pending: set[QueueId] = set()
        """Changed queues whose rows go out at `flush_at`."""
        self.flush_at: float | None = None
        self.published: dict[QueueId, QueueStats] = {}

    # -- what happened -------------------------------------------------------------------------

    def handled(self, queue_id: QueueId, seconds: float) -> None:
        samples = self.handle_times.setdefault(queue_id, deque(maxlen=HANDLE_SAMPLES))
        samples.append(max(0.0, seconds))
        self.touched.add(queue_id)
        self.ledger.mark(KIND_META, queue_history_key(queue_id))

    def offer_ended(self, queue_id: QueueId, *, missed: bool) -> None:
        """A missed or rejected offer: counted for an hour (a deadline re-publishes then)."""
        now = self.ledger.now()
        seen = (self.missed if missed else self.rejected).setdefault(queue_id, deque())
        while seen and seen[0] <= now - HOUR:  # also pruned when nobody watches
            seen.popleft()
        seen.append(now)
        self.touched.add(queue_id)
        self.deadlines.schedule(now + HOUR, deadlines.STATS_HOUR, queue_id)
        self.ledger.mark(KIND_META, queue_history_key(queue_id))

    # -- on disk -------------------------------------------------------------------------------

    def history(self, queue_id: QueueId) -> QueueHistory:
        return QueueHistory(
            handle_s=list(self.handle_times.get(queue_id, ())),
            missed_at=list(self.missed.get(queue_id, ())),
            rejected_at=list(self.rejected.get(queue_id, ())),
        )

    def restore(self, queue_id: QueueId, history: QueueHistory) -> None:
        """At start: a queue no longer configured is dropped, the hour's counts keep only what
        is still inside it and end when they would have without the restart."""
        if queue_id not in self.directory.queues:
            return
        now = self.ledger.now()
        if history.handle_s:
            self.handle_times[queue_id] = deque(history.handle_s, maxlen=HANDLE_SAMPLES)
        for times, seen in ((history.missed_at, self.missed), (history.rejected_at, self.rejected)):
            recent = deque(t for t in times if t > now - HOUR)
            if recent:
                seen[queue_id] = recent
            for at in recent:  # each one's hour ends on its own, as before the restart
                self.deadlines.schedule(at + HOUR, deadlines.STATS_HOUR, queue_id)

    def touch(self, queue_id: QueueId) -> None:
        self.touched.add(queue_id)

    # -- estimates -----------------------------------------------------------------------------

    def average_handle(self, queue: QueueConfig) -> float:
        samples = self.handle_times.get(QueueId(queue.id))
        return sum(samples) / len(samples) if samples else queue.expected_handle_s

    def staffing(self, queue: QueueConfig) -> tuple[int, Counter[Presence], int]:
        """One pass over the queue's agents: (slots, connected agents per presence, pending
        offers of this queue)."""
        queue_id = QueueId(queue.id)
        slots, offers = 0, 0
        presences: Counter[Presence] = Counter()
        connections = self.ledger.connections
        cost = queue.capacity_cost
        for user in self.staff[queue_id]:
            agent = self.presences.agents.get(user)
            if agent is None or not connections.is_connected(user):
                continue
            presence = agent.presence.presence
            presences[presence] += 1
            for offer_id in self.offers.pending.get(user, ()):
                offers += int(self.works[self.offers[offer_id].work_id].item.queue == queue_id)
            if agent.penalty_until is None and presence in queue.allowed_presences:
                per_agent = self.directory.capacity(user) // cost if cost else MAX_SESSIONS
                slots += min(MAX_SESSIONS, per_agent)
        return slots, presences, offers

    def estimate(self, queue: QueueConfig, position: int, slots: int | None = None) -> float | None:
        slots = self.staffing(queue)[0] if slots is None else slots
        if slots == 0:
            return None
        return round(self.average_handle(queue) * position / slots, 1)

    def position(self, queue_id: QueueId, work_id: WorkId) -> int | None:
        index = self.index.get(queue_id)
        return None if index is None else index.position(work_id)

    # -- the supervisor's rows -----------------------------------------------------------------

    def _recent(self, times: dict[QueueId, deque[float]], queue_id: QueueId) -> int:
        seen = times.get(queue_id)
        if not seen:
            return 0
        since = self.ledger.now() - HOUR
        while seen and seen[0] <= since:
            seen.popleft()
        return len(seen)

    def view(self, queue_id: QueueId) -> QueueStats:
        queue = self.directory.queues[queue_id]
        index = self.index[queue_id]
        slots, presences, in_flight = self.staffing(queue)
        return QueueStats(
            queue=queue_id,
            name=queue.name,
            channel=queue.channel,
            waiting=index.item_count(),
            oldest_waiting_since=self._oldest(index),
            estimated_wait_s=self.estimate(queue, index.item_count() + 1, slots),
            average_handle_s=round(self.average_handle(queue), 1),
            agents_available=presences[Presence.AVAILABLE],
            agents_busy=sum(presences[p] for p in _BUSY),
            agents_away=sum(presences[p] for p in _AWAY),
            offers_in_flight=in_flight,
            missed_last_hour=self._recent(self.missed, queue_id),
            rejected_last_hour=self._recent(self.rejected, queue_id),
        )

    def _oldest(self, index: QueueIndex) -> float | None:
        """The longest-waiting item's arrival (priority orders the queue, not age)."""
        waiting = index.waiting()
        return min(self.works[w].item.created_at for w in waiting) if waiting else None

    def rows(self) -> list[QueueStats]:
        views = [self.view(q) for q in self.directory.queues]
        self.published.update((v.queue, v) for v in views)
        return views

    def publish(self) -> None:
        """Note the queues this call changed; at most every `COALESCE_S`, `queue_updated` to
        every watching supervisor for each of them whose row changed. A row costs a pass over
        the queue's agents, so it is built once per flush, not once per call."""
        ledger = self.ledger
        touched, self.touched = self.touched, set()
        if not ledger.connections.queue_watchers:
            self.pending.clear()
            self.flush_at = None
            return
        for user in ledger.touched:
            touched.update(self.directory.user_queues(user))
        for kind, key in ledger.dirty:
            if kind == KIND_WORK:
                work = self.works.items.get(WorkId(key))
                if work is not None and work.item.queue in self.index:
                    touched.add(work.item.queue)
        self.pending |= touched
        if not self.pending:
            return
        now = ledger.now()
        if self.flush_at is None:
            # Quiet until now: out at once, and the next flush no sooner than COALESCE_S.
            self.flush_at = now
        elif now < self.flush_at:
            return  # the deadline at `flush_at` sends them
        self._flush()
        self.flush_at = now + COALESCE_S
        self.deadlines.schedule(self.flush_at, deadlines.STATS, "")

    def flush_due(self, at: float) -> bool:
        return self.flush_at == at

    def flush_time_came(self) -> None:
        """The quiet period after a flush is over: what is pending goes out at the end of this
        call (`publish`); with nothing pending the next change goes out at once."""
        if not self.pending:
            self.flush_at = None

    def _flush(self) -> None:
        ledger = self.ledger
        watchers = ledger.connections.queue_watchers
        touched, self.pending = self.pending, set()
        for queue_id in sorted(touched):
            view = self.view(queue_id)
            if self.published.get(queue_id) == view:
                continue
            self.published[queue_id] = view
            for supervisor in sorted(watchers):
                ledger.deliver(supervisor, QueueUpdated(queue=view))
