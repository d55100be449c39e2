"""The reducer's routing-depth rules, pure: wrap-ups, next status, penalty, queue statistics."""

from __future__ import annotations

import msgspec
from msgspec.structs import replace

from agent_desktop.protocol.depth_messages import (
    NextPresenceChanged,
    QueueUpdated,
    WrapUpChanged,
    WrapUpEnded,
)
from agent_desktop.protocol.messages import AlertCleared, AlertRaised
from agent_desktop.protocol.model import (
    CustomPresence,
    NextPresence,
    QueueStats,
    WrapUp,
)
from agent_desktop.protocol.vocabulary import (
    AlertId,
    Channel,
    Presence,
    QueueId,
    Reason,
    WorkId,
)
from agent_desktop.session.events import QueuesListed
from agent_desktop.session.reducer import step
from tests.session.factories import T0, alert, presence
from tests.session.reducer_helpers import online, run, snapshot


def wrap_up(work_id: str = "w1", ends_at: float = T0 + 60) -> WrapUp:
    return WrapUp(work_id=WorkId(work_id), queue=QueueId("chat"), started_at=T0, ends_at=ends_at)


def stats(queue: str = "chat", waiting: int = 0) -> QueueStats:
    return QueueStats(
        queue=QueueId(queue),
        name=queue,
        channel=Channel.CHAT,
        waiting=waiting,
        oldest_waiting_since=None,
        estimated_wait_s=None,
        average_handle_s=300.0,
        agents_available=0,
        agents_busy=0,
        agents_away=0,
        offers_in_flight=0,
        missed_last_hour=0,
        rejected_last_hour=0,
    )


def test_a_wrap_up_starts_moves_and_ends() -> None:
    state = run(online(), WrapUpChanged(wrap_up=wrap_up()), WrapUpChanged(wrap_up=wrap_up("w2")))
    state = run(state, WrapUpChanged(wrap_up=wrap_up(ends_at=T0 + 120)))
    assert [(w.work_id, w.ends_at) for w in state.wrap_ups] == [("w1", T0 + 120), ("w2", T0 + 60)]
    assert state.wrap_up_remaining(state.wrap_ups[0], T0 + 30) == 90
    state = run(state, WrapUpEnded(work_id=WorkId("w1"), reason=Reason.WRAP_UP_DONE))
    assert [w.work_id for w in state.wrap_ups] == ["w2"]


def test_the_countdown_follows_the_clock_offset() -> None:
    shifted = run(online(), WrapUpChanged(wrap_up=wrap_up(ends_at=T0 + 60)))
    shifted = replace(shifted, clock_offset=10.0)  # the server is 10 s ahead
    assert shifted.wrap_up_remaining(shifted.wrap_ups[0], T0) == 50


def test_queue_updates_apply_only_once_listed() -> None:
    state = run(online(), QueueUpdated(queue=stats(waiting=3)))
    assert state.queue_stats is None
    state = run(state, QueuesListed((stats(), stats("sms"))))
    state = run(state, QueueUpdated(queue=stats(waiting=3)), QueueUpdated(queue=stats("voice")))
    assert state.queue_stats is not None
    assert [(q.queue, q.waiting) for q in state.queue_stats] == [
        ("chat", 3),
        ("sms", 0),
        ("voice", 0),
    ]


def test_the_snapshot_brings_the_depth_parts_back() -> None:
    lunch = CustomPresence(name="Lunch", colour="#e0a030", base=Presence.AWAY)
    upcoming = NextPresence(presence=Presence.AWAY, custom="Lunch", set_at=T0)
    state = run(
        online(),
        snapshot(
            custom_presences=[lunch],
            wrap_ups=[wrap_up()],
            penalty_until=T0 + 300,
            next_presence=upcoming,
        ),
    )
    assert state.custom_presences == (lunch,)
    assert state.custom_presence("Lunch") == lunch
    assert state.wrap_ups == (wrap_up(),)
    assert state.penalty_until == T0 + 300
    assert state.next_presence == upcoming
    state = run(state, NextPresenceChanged(next_presence=None), snapshot())
    assert (state.next_presence, state.wrap_ups, state.penalty_until) == (None, (), None)


def test_the_penalty_alert_carries_its_end_and_stays_while_available() -> None:
    penalty = msgspec.structs.replace(alert("p1"), reason=Reason.REPEAT_MISSES, until=T0 + 300)
    state, _ = step(online(), AlertRaised(alert=penalty), T0)
    assert state.penalty_until == T0 + 300
    assert state.penalty_remaining(T0 + 100) == 200
    # Available does not lift it: the alert is still true (a plain missed alert would go).
    state, _ = step(
        state,
        snapshot(presence=presence(Presence.AVAILABLE), alerts=[penalty], penalty_until=T0 + 300),
        T0,
    )
    assert state.alert("p1") is not None
    state, _ = step(state, AlertCleared(alert_id=AlertId("p1")), T0)
    assert state.penalty_until is None
    assert state.penalty_remaining(T0) is None
