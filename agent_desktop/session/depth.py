"""The routing-depth events (issue 11) into `AgentState`, pure: wrap-ups with their deadlines,
the next status, the repeat-miss penalty, custom presences and the supervisor's queue table.

`reducer.apply` hands these events here so the reducer stays one readable `match`.
"""

from __future__ import annotations

from msgspec.structs import replace

from agent_desktop.protocol.depth_messages import (
    NextPresenceChanged,
    QueueUpdated,
    WrapUpChanged,
    WrapUpEnded,
)
from agent_desktop.protocol.messages import Snapshot
from agent_desktop.protocol.model import Alert, QueueStats
from agent_desktop.protocol.vocabulary import AlertId, Reason
from agent_desktop.session.events import QueuesListed
from agent_desktop.session.state import AgentState

DepthCoreEvent = WrapUpChanged | WrapUpEnded | NextPresenceChanged | QueueUpdated | QueuesListed


def apply(state: AgentState, event: DepthCoreEvent) -> AgentState:
    match event:
        case WrapUpChanged(wrap_up=wrap_up):
            if state.wrap_up(wrap_up.work_id) is None:
                return replace(state, wrap_ups=(*state.wrap_ups, wrap_up))
            wrap_ups = tuple(w if w.work_id != wrap_up.work_id else wrap_up for w in state.wrap_ups)
            return replace(state, wrap_ups=wrap_ups)
        case WrapUpEnded(work_id=work_id):
            return replace(state, wrap_ups=tuple(w for w in state.wrap_ups if w.work_id != work_id))
        case NextPresenceChanged(next_presence=next_presence):
            return replace(state, next_presence=next_presence)
        case QueueUpdated(queue=queue):
            if state.queue_stats is None:
                return state  # not listed (or listed on a link since lost): nothing to update
            return replace(state, queue_stats=_upsert_queue(state.queue_stats, queue))
        case QueuesListed(queues=queues):
            return replace(state, queue_stats=queues)


def resync(state: AgentState, snapshot: Snapshot) -> AgentState:
    """The snapshot's routing-depth parts are the truth after (re)login."""
    return replace(
        state,
        custom_presences=tuple(snapshot.custom_presences),
        wrap_ups=tuple(snapshot.wrap_ups),
        next_presence=snapshot.next_presence,
        penalty_until=snapshot.penalty_until,
    )


def alert_raised(state: AgentState, alert: Alert) -> AgentState:
    """The penalty's alert carries its end: the agent sees the time left at once."""
    if alert.reason is Reason.REPEAT_MISSES and alert.until is not None:
        return replace(state, penalty_until=alert.until)
    return state


def alert_cleared(state: AgentState, alert_id: AlertId | str) -> AgentState:
    """The server clears the penalty's alert when the penalty ends or a supervisor lifts it."""
    alert = state.alert(alert_id)
    if alert is not None and alert.penalty and alert.from_server:
        return replace(state, penalty_until=None)
    return state


def _upsert_queue(queues: tuple[QueueStats, ...], queue: QueueStats) -> tuple[QueueStats, ...]:
    if any(q.queue == queue.queue for q in queues):
        return tuple(queue if q.queue == queue.queue else q for q in queues)
    return (*queues, queue)
