"""A booking's lifecycle: `(status, requested status) -> next status, notification`.

scheduled -> traveling -> in_progress -> completed, and canceled from any open status. Anything
not in the table is refused before any state changes ("what may follow traveling?" is answered
by reading this table and nothing else).
"""

from __future__ import annotations

from typing import Final, NamedTuple

from agent_desktop.protocol.bookings import BookingStatus, NotificationType

S = BookingStatus
N = NotificationType


class Transition(NamedTuple):
    next: BookingStatus
    notifies: NotificationType | None
    """The notification this change triggers (its own rules still decide whether it goes)."""


TRANSITIONS: Final[dict[tuple[BookingStatus, BookingStatus], Transition]] = {
    (S.SCHEDULED, S.TRAVELING): Transition(S.TRAVELING, N.TRAVELING),
    (S.SCHEDULED, S.IN_PROGRESS): Transition(S.IN_PROGRESS, None),
    (S.TRAVELING, S.IN_PROGRESS): Transition(S.IN_PROGRESS, None),
    (S.IN_PROGRESS, S.COMPLETED): Transition(S.COMPLETED, N.COMPLETED),
    (S.SCHEDULED, S.CANCELED): Transition(S.CANCELED, N.CANCELED),
    (S.TRAVELING, S.CANCELED): Transition(S.CANCELED, N.CANCELED),
    (S.IN_PROGRESS, S.CANCELED): Transition(S.CANCELED, N.CANCELED),
}

OPEN: Final = frozenset({S.SCHEDULED, S.TRAVELING, S.IN_PROGRESS})
"""Statuses in which a booking may still be moved or reassigned."""


class IllegalTransition(Exception):
    def __init__(self, current: BookingStatus, requested: BookingStatus) -> None:
        super().__init__(f"a {current} booking cannot become {requested}")
        self.current = current
        self.requested = requested


def transition(current: BookingStatus, requested: BookingStatus) -> Transition:
    found = TRANSITIONS.get((current, requested))
    if found is None:
        raise IllegalTransition(current, requested)
    return found
