"""The engine's invariants across its parts: every work item accounted for exactly once.

Each part checks its own records (`violations()` on offers, sessions, alerts, router); this file
adds the checks that tie a work item's state to the other parts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from agent_desktop.protocol.vocabulary import OfferState, WorkState
from agent_desktop.server.routing.flow import WorkFlow

_EXPECTED = {
    # state: (waiting in its queue, pending offers, open sessions)
    WorkState.QUEUED: (True, 0, 0),
    WorkState.OFFERED: (False, 1, 0),
    WorkState.ASSIGNED: (False, 0, 1),
    WorkState.CLOSED: (False, 0, 0),
}


def violations(flow: WorkFlow) -> Iterator[str]:
    yield from _work_accounted(flow)
    yield from flow.offers.violations()
    yield from flow.sessions.violations()
    yield from flow.alerts.violations()
    yield from flow.router.violations()


def _work_accounted(flow: WorkFlow) -> Iterator[str]:
    offers = flow.offers.records
    pending_per_work = Counter(o.work_id for o in offers.values() if o.state is OfferState.PENDING)
    sessions_per_work = Counter(s.work_id for s in flow.sessions.records.values())
    closed_here = flow.works.closed_in_memory()
    closed_ever = flow.ledger.counters.closed
    if closed_here > closed_ever:
        yield f"{closed_here} closed items in memory but {closed_ever} ever closed"
    for work_id, work in flow.works.items.items():
        state = work.item.state
        index = flow.router.index.get(work.item.queue)
        queued = index is not None and index.has_item(work_id)
        seen = (queued, pending_per_work.get(work_id, 0), sessions_per_work.get(work_id, 0))
        if seen != _EXPECTED[state]:
            yield (
                f"{work_id} is {state.value} but queued={seen[0]}, pending offers={seen[1]}, "
                f"open sessions={seen[2]}"
            )
        if state is WorkState.OFFERED and (
            work.offer_id is None or offers[work.offer_id].state is not OfferState.PENDING
        ):
            yield f"{work_id} is offered but does not point at its pending offer"
        if state is WorkState.ASSIGNED and work.session_id not in flow.sessions.records:
            yield f"{work_id} is assigned but does not point at its session"
