"""Who gets the next item (rule 1), kept in per-queue indexes so routing never scans every agent.

An agent is a *candidate* for a queue when connected, in a presence the queue allows, with
capacity left for the queue's `capacity_cost` (pending offers reserve capacity), and either
below the session limit counting open sessions plus pending offers, or at exactly 10 open
sessions with no max-sessions alert showing: work routed to such an agent raises that alert
instead (rule 7, see `flow.WorkFlow.session_limit`). Among candidates the one idle longest wins:
smallest `last_work_at`, ties by user id. Items wait per queue in order (highest priority,
oldest, arrival). An item an agent rejected, missed or could not take goes to someone else if
anyone else is a candidate, and back to that agent only if nobody else is.

Parts mark agents whose eligibility may have changed in the ledger (`Ledger.changed`); `settle`
re-files them before every routing decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    QueueId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.config import QueueConfig
from agent_desktop.server.routing.alerts import Alerts
from agent_desktop.server.routing.directory import Directory
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.offers import Offers
from agent_desktop.server.routing.presence import Presences
from agent_desktop.server.routing.queue_index import QueueIndex
from agent_desktop.server.routing.records import KIND_WORK, WorkRecord
from agent_desktop.server.routing.sessions import Sessions
from agent_desktop.server.routing.works import WorkBook


class Router:
    def __init__(
        self,
        ledger: Ledger,
        directory: Directory,
        presences: Presences,
        works: WorkBook,
        offers: Offers,
        sessions: Sessions,
        alerts: Alerts,
    ) -> None:
        self.ledger = ledger
        self.directory = directory
        self.presences = presences
        self.works = works
        self.offers = offers
        self.sessions = sessions
        self.alerts = alerts
        self.index: dict[QueueId, QueueIndex] = {q: QueueIndex(q) for q in directory.queues}
        self.dirty_queues: set[QueueId] = set()
        """Queues that may have both waiting work and a candidate: tried at the next dispatch."""

    # -- load ----------------------------------------------------------------------------------

    def cost(self, work_id: WorkId) -> int:
        queue = self.directory.queues.get(self.works[work_id].item.queue)
        return queue.capacity_cost if queue is not None else 0

    def session_load(self, user: UserId) -> int:
        """Open sessions plus wrap-ups (rule 13: a wrap-up keeps its queue's capacity)."""
        sessions = self.sessions
        open_load = sum(self.cost(sessions[s].work_id) for s in sessions.open.get(user, ()))
        return open_load + sessions.wrap_ups.load(user)

    def load_with_offers(self, user: UserId) -> int:
        offers = self.offers
        pending = sum(self.cost(offers[o].work_id) for o in offers.pending.get(user, ()))
        return self.session_load(user) + pending

    def engaged(self, user: UserId) -> int:
        """Open sessions plus pending offers: the routing limit counts both."""
        return self.sessions.count(user) + self.offers.count(user)

    def fits(self, user: UserId, queue: QueueConfig) -> bool:
        return self.load_with_offers(user) + queue.capacity_cost <= self.directory.capacity(user)

    def has_room(self, user: UserId, queue: QueueConfig) -> bool:
        return self.fits(user, queue) and self.engaged(user) < MAX_SESSIONS

    def _may_route(self, user: UserId, queue: QueueConfig) -> bool:
        agent = self.presences.agents.get(user)
        return (
            agent is not None
            and agent.penalty_until is None  # rule 14: out of routing for repeated misses
            and self.ledger.connections.is_connected(user)
            and agent.presence.presence in queue.allowed_presences
        )

    def eligible(self, user: UserId, queue: QueueConfig) -> bool:
        """Rule 1: the agent can take an item of this queue now."""
        return self._may_route(user, queue) and self.has_room(user, queue)

    def candidate(self, user: UserId, queue: QueueConfig) -> bool:
        """Eligible, or at the session limit and not yet told (rule 7)."""
        if not self._may_route(user, queue) or not self.fits(user, queue):
            return False
        if self.engaged(user) < MAX_SESSIONS:
            return True
        return self.sessions.at_limit(user) and not self.alerts.showing(
            user, AlertKind.MAX_SESSIONS
        )

    # -- indexes -------------------------------------------------------------------------------

    def refresh(self, user: UserId) -> None:
        """Re-file the agent in its queues' indexes."""
        agent = self.presences.agents.get(user)
        for queue_id in self.directory.user_queues(user):
            ok = agent is not None and self.candidate(user, self.directory.queues[queue_id])
            self.index[queue_id].set_agent(user, agent.last_work_at if agent and ok else None)
            if ok:
                self.dirty_queues.add(queue_id)

    def settle(self) -> None:
        stale, self.ledger.stale = self.ledger.stale, set()
        for user in sorted(stale):
            self.refresh(user)

    def enqueue(self, work: WorkRecord, *, avoid: UserId | None = None) -> None:
        """The item waits in its queue (again); `avoid` is who just could not take it."""
        if avoid is not None and avoid not in work.declined_by:
            work.declined_by.append(avoid)
        if work.item.state is not WorkState.QUEUED:
            self.works.update(work, state=WorkState.QUEUED)
        item = work.item
        self.index[item.queue].add_item(item.work_id, item.priority, item.created_at, work.seq)
        self.dirty_queues.add(item.queue)
        self.ledger.mark(KIND_WORK, item.work_id)

    def unqueue(self, work: WorkRecord) -> None:
        self.index[work.item.queue].remove_item(work.item.work_id)

    def dispatch(self, route: Callable[[WorkRecord, UserId], None]) -> None:
        """Route waiting items to candidates until one side runs out, best item first."""
        while True:
            self.settle()
            best: tuple[tuple[int, float, int, WorkId], QueueId] | None = None
            for queue_id in list(self.dirty_queues):
                index = self.index[queue_id]
                head = index.head()
                if head is None or index.agent_count() == 0:
                    self.dirty_queues.discard(queue_id)
                    continue
                if best is None or head < best[0]:
                    best = (head, queue_id)
            if best is None:
                return
            head, queue_id = best
            index = self.index[queue_id]
            work = self.works[head[3]]
            user = self._pick_agent(index, work)
            index.remove_item(work.item.work_id)
            route(work, user)

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
        assert first is not None, "dispatch picks only from queues with candidates"
        return first

    def violations(self) -> Iterator[str]:
        directory = self.directory
        for user in directory.users:
            load = self.load_with_offers(user)
            if load > directory.capacity(user):
                yield f"{user} uses {load} capacity of {directory.capacity(user)}"
            for queue_id in directory.user_queues(user):
                indexed = self.index[queue_id].has_agent(user)
                if indexed != self.candidate(user, directory.queues[queue_id]):
                    yield f"{user} routing index for {queue_id} is stale (indexed={indexed})"
        for queue_id, index in self.index.items():
            if index.item_count() and index.agent_count():
                yield f"{queue_id} has waiting work and an eligible agent after dispatch"
