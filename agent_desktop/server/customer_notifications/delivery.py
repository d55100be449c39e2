"""A message's delivery: `(state, event) -> next state`, and the capped retry backoff.

queued -> sent -> delivered, or -> failed (where the provider reports either); queued -> queued
again after a transient failure until the attempts run out (-> failed); a permanent failure ->
failed at once;
a message the rules withdraw before it goes (an exclusion, a canceled booking) -> excluded.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from agent_desktop.protocol.bookings import DeliveryState
from agent_desktop.server.customer_notifications.config import RetryPolicy

D = DeliveryState


class DeliveryEvent(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    TRANSIENT_FAILURE = "transient_failure"
    LAST_TRANSIENT_FAILURE = "last_transient_failure"
    PERMANENT_FAILURE = "permanent_failure"
    WITHDRAWN = "withdrawn"


E = DeliveryEvent

TRANSITIONS: Final[dict[tuple[DeliveryState, DeliveryEvent], DeliveryState]] = {
    (D.QUEUED, E.SENT): D.SENT,
    (D.SENT, E.DELIVERED): D.DELIVERED,
    (D.SENT, E.UNDELIVERED): D.FAILED,
    (D.QUEUED, E.TRANSIENT_FAILURE): D.QUEUED,
    (D.QUEUED, E.LAST_TRANSIENT_FAILURE): D.FAILED,
    (D.QUEUED, E.PERMANENT_FAILURE): D.FAILED,
    (D.QUEUED, E.WITHDRAWN): D.EXCLUDED,
}


class IllegalDelivery(Exception):
    pass


def next_state(state: DeliveryState, event: DeliveryEvent) -> DeliveryState:
    found = TRANSITIONS.get((state, event))
    if found is None:
        raise IllegalDelivery(f"a {state} message cannot take {event}")
    return found


def failure_event(attempts: int, policy: RetryPolicy) -> DeliveryEvent:
    """A transient failure of attempt number `attempts` (1-based)."""
    if attempts >= policy.max_attempts:
        return E.LAST_TRANSIENT_FAILURE
    return E.TRANSIENT_FAILURE


def backoff(attempts: int, policy: RetryPolicy) -> float:
    """Delay before the next attempt after `attempts` failed ones: doubling, capped."""
    return min(policy.first_delay_s * 2.0 ** max(0, attempts - 1), policy.max_delay_s)
