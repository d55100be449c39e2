"""The routing engine: the parts composed, and the public calls the IO layer makes.

The IO layer calls `connect`, `disconnect`, `handle` and `tick`; each returns the events to send
(`Delivery`) and commits the store first, so nothing a client is told is missing after a crash.
A refused request raises `ProtocolError` before anything changes (validate first, then act).
Not thread-safe: one caller at a time.

The parts, each owning its state and its invariant checks:
`Connections` (who is connected), `Directory` (queues, users, templates), `Presences` (presence
through `presence_table`), `WorkBook` (work items), `Offers` (through `offer_table`), `Sessions`,
`Alerts`, `Router` (who gets the next item), `Views` (wire views and supervisor deltas),
`Deadlines`; `WorkFlow` and `Arrivals` move work between them, `Dispatcher` maps requests to
handlers, `Persistence` loads and writes through the store. `Ledger` collects what one call
produced.

Choices the rules leave open, made here:
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
"""

from __future__ import annotations

import math
from collections import Counter

from agent_desktop.clock import Clock
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import Request, ServerReply, Snapshot
from agent_desktop.protocol.vocabulary import (
    ErrorCode,
    OfferId,
    OfferState,
    QueueId,
    Reason,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.agent_requests import AgentRequests
from agent_desktop.server.routing.alerts import Alerts
from agent_desktop.server.routing.arrivals import Arrivals
from agent_desktop.server.routing.connections import Connections, ConnId, Delivery, Principal
from agent_desktop.server.routing.deadlines import Deadlines, Entry
from agent_desktop.server.routing.depth_requests import DepthRequests
from agent_desktop.server.routing.directory import Directory
from agent_desktop.server.routing.dispatcher import READ_ONLY, Dispatcher
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.invariants import violations
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.lookups import SUPERVISING, Lookups, refuse
from agent_desktop.server.routing.offers import Offers
from agent_desktop.server.routing.persistence import Persistence
from agent_desktop.server.routing.presence import Presences
from agent_desktop.server.routing.router import Router
from agent_desktop.server.routing.sessions import Sessions
from agent_desktop.server.routing.views import Views
from agent_desktop.server.routing.work_requests import WorkRequests
from agent_desktop.server.routing.works import WorkBook
from agent_desktop.server.store import Store

__all__ = ["ConnId", "Delivery", "Engine", "Principal"]


class Engine:
    """State and rules of the routing server."""

    def __init__(self, config: ServerConfig, store: Store, clock: Clock) -> None:
        """Loads persisted state from `store`. After a (re)start nobody is connected: every agent
        counts as disconnected since clock.now(), so grace windows apply and clients resume."""
        self.config = config
        self.store = store
        self.clock = clock
        self.connections = Connections()
        self.ledger = Ledger(config, store, clock, self.connections)
        self.directory = Directory(config)
        self.presences = Presences(self.ledger)
        self.works = WorkBook(self.ledger)
        self.offers = Offers(self.ledger, self.works)
        self.sessions = Sessions(self.ledger, self.works)
        self.alerts = Alerts(self.ledger)
        self.presences.on_left.append(self.alerts.presence_left)
        parts = (self.ledger, self.directory, self.presences, self.works, self.offers)
        self.router = Router(*parts, self.sessions, self.alerts)
        self.views = Views(*parts, self.sessions, self.alerts, self.router)
        self.deadlines = Deadlines()
        self.flow = WorkFlow(
            *parts, self.sessions, self.alerts, self.router, self.views, self.deadlines
        )
        self.arrivals = Arrivals(self.flow)
        lookups = Lookups(self.flow)
        self.dispatcher = Dispatcher(
            AgentRequests(self.flow, lookups),
            WorkRequests(self.flow, lookups),
            DepthRequests(self.flow, lookups),
        )
        self.persistence = Persistence(self.flow, self.arrivals)
        self.persistence.load()

    # ==== public API ============================================================================

    def connect(self, principal: Principal, conn: ConnId) -> tuple[Snapshot, list[Delivery]]:
        """A logged-in connection. The Snapshot goes to that connection only."""
        self.ledger.begin()
        self._run_due()
        user = principal.user
        if self.connections.add(principal, conn, self.ledger.now()):
            self.arrivals.arrive(self.presences.agent(user))
            # The snapshot says all of this so far to the user's only connection.
            self.ledger.out = [d for d in self.ledger.out if d.to != user]
        snapshot = self.views.snapshot(user)
        # Work routed to the newcomer now follows the snapshot as events (toasts included).
        self.flow.dispatch()
        return snapshot, self._finish()

    def disconnect(
        self, conn: ConnId, *, goodbye: bool, last_alive: float = math.inf
    ) -> list[Delivery]:
        """goodbye=True: the client logged out/quit (offers rerouted at once);
        False: the link vanished (heartbeat/TCP), grace windows apply to the offers it is known
        to have received. `last_alive`: the clock time up to which everything sent on `conn`
        is proved to have arrived (the network layer's ping after it was answered); an offer
        sent later never reached a live client and is rerouted at once. `inf` (the default):
        the caller vouches for delivery, as the engine's own tests without a network do."""
        self.ledger.begin()
        self._run_due()
        since = self.connections.since.get(conn, -math.inf)
        user = self.connections.remove(conn)
        if user is not None:
            self.arrivals.depart(
                self.presences.agent(user),
                goodbye=goodbye,
                delivered=lambda offer: max(offer.offered_at, since) <= last_alive,
            )
        self.flow.dispatch()
        return self._finish()

    def handle(
        self, principal: Principal, conn: ConnId, request: Request
    ) -> tuple[ServerReply, list[Delivery]]:
        """Every client request except Hello/Login/Logout (the IO layer does those). Refusals
        raise ProtocolError(code, human message, re=request.id) and change NO state."""
        self.ledger.begin()
        if self.connections.principal(conn) != principal:
            raise refuse(ErrorCode.NOT_LOGGED_IN, "this connection is not logged in", request)
        return self._apply(principal, request)

    def handle_for_service(
        self, principal: Principal, request: Request
    ) -> tuple[ServerReply, list[Delivery]]:
        """A request the server itself makes on behalf of `principal`, which has no connection
        (the SMS webhook turning a customer's reply into a conversation): the same rules,
        refusals and audit as `handle`, without making anyone arrive or leave."""
        self.ledger.begin()
        return self._apply(principal, request)

    def _apply(self, principal: Principal, request: Request) -> tuple[ServerReply, list[Delivery]]:
        try:
            reply = self.dispatcher.handle(principal, request)
        except ProtocolError:
            self.ledger.begin()  # drop anything a refused request might have queued
            raise
        if principal.role in SUPERVISING and not isinstance(request, READ_ONLY):
            self.ledger.audit("supervisor", by=principal.user, request=request)
        self.flow.dispatch()
        return reply, self._finish()

    def tick(self) -> list[Delivery]:
        """Apply every deadline <= clock.now() (offer expiry, reroute grace, presence window...)."""
        self.ledger.begin()
        self._run_due()
        self.flow.dispatch()
        return self._finish()

    def next_deadline(self) -> float | None:
        return self.deadlines.next_at(self._deadline_live)

    def invariant_violations(self) -> list[str]:
        """Empty when every work item is accounted for (queued/offered/assigned/closed) and no
        agent exceeds capacity or MAX_SESSIONS. Used by tests and benchmarks."""
        return list(violations(self.flow))

    def accounting(self) -> dict[str, int]:
        """Work items per WorkState value (closed ones counted also after they left memory)."""
        counts = Counter(w.item.state.value for w in self.works.items.values())
        counts[WorkState.CLOSED.value] = self.ledger.counters.closed
        return {state.value: counts.get(state.value, 0) for state in WorkState}

    # ==== per call ==============================================================================

    def _finish(self) -> list[Delivery]:
        self.router.settle()
        self.flow.queue_stats.publish()  # before the rows: it reads who changed, they reset it
        self.views.publish()
        self.persistence.flush()
        self.persistence.evict()
        self.store.commit()
        return self.ledger.take_out()

    def _run_due(self) -> None:
        flow = self.flow
        for kind, key in self.deadlines.due(self.clock.now(), self._deadline_live):
            if kind == deadlines.EXPIRE:
                flow.offer_timed_out(self.offers[OfferId(key)])
            elif kind == deadlines.HOLD:
                flow.held_offer_lapsed(self.offers[OfferId(key)])
            elif kind == deadlines.RECLAIM:
                flow.reclaim_sessions(UserId(key))
            elif kind == deadlines.STATS_HOUR:
                flow.queue_stats.touch(QueueId(key))
            elif kind == deadlines.STATS:
                flow.queue_stats.flush_time_came()
            elif kind == deadlines.PENALTY:
                flow.penalties.clear(UserId(key))
            elif kind == deadlines.WRAP_UP:
                record = self.sessions.wrap_ups.records[WorkId(key)]
                flow.end_wrap_up(record, Reason.WRAP_UP_TIMEOUT)
            flow.dispatch()

    def _deadline_live(self, entry: Entry) -> bool:
        """Lazy invalidation: an entry counts only if the thing it was set for still holds."""
        at, _, kind, key = entry
        timings = self.config.timings
        if kind in (deadlines.EXPIRE, deadlines.HOLD):
            offer = self.offers.records.get(OfferId(key))
            if offer is None or offer.state is not OfferState.PENDING:
                return False
            if kind == deadlines.EXPIRE:
                return not offer.held and offer.expires_at == at
            grace = self.directory.reroute_grace(self.works[offer.work_id].item.queue)
            return offer.held and offer.expires_at + grace == at
        if kind == deadlines.WRAP_UP:
            wrap_up = self.sessions.wrap_ups.records.get(WorkId(key))
            return wrap_up is not None and wrap_up.ends_at == at
        if kind == deadlines.STATS_HOUR:
            return True  # a missed or rejected offer's hour is over: the row changes
        if kind == deadlines.STATS:
            return self.flow.queue_stats.flush_due(at)
        if kind == deadlines.PENALTY:
            penalised = self.presences.agents.get(UserId(key))
            return penalised is not None and penalised.penalty_until == at
        if kind == deadlines.RECLAIM:
            agent = self.presences.agents.get(UserId(key))
            return (
                agent is not None
                and agent.disconnected_at is not None
                and agent.disconnected_at + timings.session_reclaim_s == at
                and bool(self.sessions.open.get(agent.user))
            )
        return False
