"""The timers as the reducer's effects: the deadline timer (offer expiry, toast dismissal) and
the pause before the next connection attempt, which ends in exactly one `Connect`."""

from __future__ import annotations

from msgspec.structs import replace

from agent_desktop.protocol.messages import OfferAdded
from agent_desktop.session.effects import CancelTimer, Connect, StartTimer, Timer
from agent_desktop.session.events import LinkChanged, RetryDue, Tick
from agent_desktop.session.reducer import step
from agent_desktop.session.state import Connection, LinkStatus
from tests.session.factories import T0, offer
from tests.session.reducer_helpers import ONLINE, online

# --- reconnecting: the pause is a timer the reducer arms ------------------------------------


def test_a_drop_arms_the_retry_timer_and_its_end_asks_for_one_attempt() -> None:
    dropped = Connection(LinkStatus.RECONNECTING, retry_at=T0 + 2, attempt=1, detail="gone")
    state, effects = step(online(), LinkChanged(dropped), T0)
    assert StartTimer(T0 + 2, Timer.RETRY) in effects
    state, effects = step(state, RetryDue(), T0 + 2)
    assert Connect() in effects
    assert state.connection.retry_at is None  # attempting: "reconnecting…", no countdown
    _, effects = step(state, RetryDue(), T0 + 2)
    assert Connect() not in effects  # one attempt at a time


def test_retry_due_while_online_or_closed_connects_nothing() -> None:
    for connection in (ONLINE, Connection(LinkStatus.OFFLINE)):
        _, effects = step(replace(online(), connection=connection), RetryDue(), T0)
        assert Connect() not in effects


def test_going_offline_during_the_pause_cancels_the_retry_timer() -> None:
    dropped = Connection(LinkStatus.RECONNECTING, retry_at=T0 + 2, attempt=1)
    state, _ = step(online(), LinkChanged(dropped), T0)
    _, effects = step(state, LinkChanged(Connection(LinkStatus.OFFLINE)), T0)
    assert CancelTimer(Timer.RETRY) in effects


def test_the_deadline_timer_follows_the_earliest_offer_and_is_rearmed_on_each_tick() -> None:
    state, effects = step(online(), OfferAdded(offer=offer(expires_at=T0 + 30)), T0)
    assert StartTimer(T0 + 30) in effects
    _, effects = step(state, Tick(), T0 + 1)  # fired early (a moved clock): armed again
    assert StartTimer(T0 + 30) in effects
    _, effects = step(state, Tick(), T0 + 30)
    assert CancelTimer() in effects
