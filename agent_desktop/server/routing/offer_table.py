"""The offer life cycle as a table: (phase, trigger) -> (next phase, typed reason, rule).

Every change of an offer goes through `offer_move`; a pair that is not in the table raises
`IllegalOfferTransition` before anything changes (an offer that is no longer pending cannot be
ended again). The rule numbers are DESIGN.md's rules; `docs/protocol.md` points here.

`held` is not a wire state: it is a pending offer whose timeout passed while its agent was
disconnected (rule 8), kept for the agent until the reroute grace ends. On the wire it is still
`pending` (`wire_state`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from agent_desktop.protocol.vocabulary import OfferState, Reason


class OfferPhase(StrEnum):
    PENDING = "pending"
    HELD = "held"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    MISSED = "missed"
    WITHDRAWN = "withdrawn"


class OfferTrigger(StrEnum):
    ACCEPT = "accept"
    """The agent accepts in time."""
    REJECT = "reject"
    """The agent rejects (the engine checked first that the template allows it)."""
    TIMEOUT = "timeout"
    """`expires_at` passed while the agent was connected."""
    TIMEOUT_ASSIGNS = "timeout_assigns"
    """`expires_at` passed on a channel that is assigned at the timeout (cases)."""
    TIMEOUT_AWAY = "timeout_away"
    """`expires_at` passed while the agent was disconnected."""
    AGENT_RETURNS = "agent_returns"
    """The agent reconnected within the reroute grace."""
    GRACE_ENDS = "grace_ends"
    """The reroute grace after the timeout ended with the agent still away."""
    CUSTOMER_LEFT = "customer_left"
    LOGOUT = "logout"
    """The agent said goodbye (logout, quit, sleep)."""
    AGENT_GONE = "agent_gone"
    """The agent's link vanished and the offer's queue keeps nothing for them (grace 0), or
    the offer was sent after the link was last proved alive (it never reached the agent)."""
    SESSION_LIMIT = "session_limit"
    """Accepting (or a case assigned at its timeout) would open an 11th session."""


@dataclass(frozen=True, slots=True)
class OfferMove:
    next: OfferPhase
    reason: Reason
    rule: int | None
    """The DESIGN.md rule this row enforces; None: the Domain's offer state machine alone."""

    @property
    def ends(self) -> bool:
        return self.next not in (OfferPhase.PENDING, OfferPhase.HELD)


P, H = OfferPhase.PENDING, OfferPhase.HELD
T = OfferTrigger

OFFER_TABLE: Final[dict[tuple[OfferPhase, OfferTrigger], OfferMove]] = {
    # rule 1: the agent takes the offer; a session opens.
    (P, T.ACCEPT): OfferMove(OfferPhase.ACCEPTED, Reason.ACCEPT, 1),
    # rule 3: rejected, rerouted to someone else (busy_dnd + alert if the queue says so).
    (P, T.REJECT): OfferMove(OfferPhase.REJECTED, Reason.DECLINED_BY_AGENT, 3),
    # rule 2: missed, rerouted (inactive + alert if the queue says so).
    (P, T.TIMEOUT): OfferMove(OfferPhase.MISSED, Reason.DISPLAY_TIMEOUT, 2),
    # rule 4: a case is assigned whatever the timeout, also to a vanished agent.
    (P, T.TIMEOUT_ASSIGNS): OfferMove(OfferPhase.ACCEPTED, Reason.ASSIGNED_AT_TIMEOUT, 4),
    # rule 8: not the agent's fault; kept for a returning client until the grace ends.
    (P, T.TIMEOUT_AWAY): OfferMove(OfferPhase.HELD, Reason.DISCONNECT, 8),
    # rule 8: back in time: a fresh countdown.
    (H, T.AGENT_RETURNS): OfferMove(OfferPhase.PENDING, Reason.RECONNECT, 8),
    # rule 8: rerouted `offer_reroute_grace_s` after the timeout.
    (H, T.GRACE_ENDS): OfferMove(OfferPhase.WITHDRAWN, Reason.DISCONNECT, 8),
    # rule 8: a caller waits on the line (voice by default, grace 0): rerouted as soon as the
    # server knows the agent's link is gone, not at the timeout plus 8 minutes. Likewise any
    # offer never proved delivered to a live connection: there is nothing to hold it for.
    (P, T.AGENT_GONE): OfferMove(OfferPhase.WITHDRAWN, Reason.DISCONNECT, 8),
    # DESIGN.md Domain (offer): withdrawn when the customer left before anyone took it.
    (P, T.CUSTOMER_LEFT): OfferMove(OfferPhase.WITHDRAWN, Reason.CUSTOMER_LEFT, None),
    (H, T.CUSTOMER_LEFT): OfferMove(OfferPhase.WITHDRAWN, Reason.CUSTOMER_LEFT, None),
    # rule 10: a client that says goodbye has its offers rerouted at once. (A held offer has
    # no live connection to say goodbye: it becomes pending again first, AGENT_RETURNS.)
    (P, T.LOGOUT): OfferMove(OfferPhase.WITHDRAWN, Reason.LOGOUT, 10),
    # rule 7: it would be an 11th session: withdrawn and rerouted, never lost.
    (P, T.SESSION_LIMIT): OfferMove(OfferPhase.WITHDRAWN, Reason.QUEUE_LIMIT_EXCEEDED, 7),
}


class IllegalOfferTransition(RuntimeError):
    """A bug in the engine: it tried a change the life cycle does not have."""


def offer_move(phase: OfferPhase, trigger: OfferTrigger) -> OfferMove:
    move = OFFER_TABLE.get((phase, trigger))
    if move is None:
        raise IllegalOfferTransition(f"an offer that is {phase.value} cannot take {trigger.value}")
    return move


def phase_of(state: OfferState, held: bool) -> OfferPhase:
    if state is OfferState.PENDING and held:
        return OfferPhase.HELD
    return OfferPhase(state.value)


def wire_state(phase: OfferPhase) -> OfferState:
    return OfferState.PENDING if phase is OfferPhase.HELD else OfferState(phase.value)
