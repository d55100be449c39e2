"""The outbox rules, pure: what the agent asked to send (accepts, chat messages) and when it goes.

Everything waits in the state until the link is online; then `pump` sends it: every waiting
accept at once (each is its own offer, idempotent by the offer id), chat messages one at a time
in the order typed. A link that drops puts what was on the wire back in the queue; the resume
sends it again, and the server applies each once (accept by offer, message by client_msg_id).
An accept still waiting at its offer's deadline is dropped with a reason, never sent late.
"""

from __future__ import annotations

from msgspec.structs import replace

from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.session.effects import (
    AcceptConfirmed,
    AcceptDropped,
    Effect,
    SendAccept,
    SendChat,
    SendDismiss,
)
from agent_desktop.session.state import AgentState, AnswerStatus, OutboxStatus, PendingOffer

Result = tuple[AgentState, list[Effect]]

EXPIRED_OFFLINE = (
    "The connection did not come back before the offer expired, so it was not accepted."
)
WITHDRAWN_OFFLINE = "The offer was withdrawn while the connection was down, so it was not accepted."
LOST_AFTER_EXPIRY = (
    "The connection dropped before the server answered and the offer has left the desktop; "
    "if the accept arrived in time, its session opens after the reconnect."
)


def pump(state: AgentState) -> Result:
    """Online: send every waiting accept, the next chat message if none is on the wire, and
    the dismissals of alerts that are no longer true."""
    if not state.online:
        return state, []
    effects: list[Effect] = []
    offers = state.offers
    if any(o.answer is AnswerStatus.WAITING_FOR_LINK for o in offers):
        effects.extend(
            SendAccept(o.offer_id) for o in offers if o.answer is AnswerStatus.WAITING_FOR_LINK
        )
        offers = tuple(
            replace(o, answer=AnswerStatus.SENDING)
            if o.answer is AnswerStatus.WAITING_FOR_LINK
            else o
            for o in offers
        )
    outbox = state.outbox
    if not any(m.status is OutboxStatus.SENDING for m in outbox):
        queued = next((m for m in outbox if m.status is OutboxStatus.QUEUED), None)
        if queued is not None:
            sending = replace(queued, status=OutboxStatus.SENDING)
            outbox = tuple(sending if m is queued else m for m in outbox)
            effects.append(SendChat(sending))
    effects.extend(SendDismiss(alert_id) for alert_id in state.dismissals)
    if not effects:
        return state, []
    return replace(state, offers=offers, outbox=outbox, dismissals=()), effects


def link_down(state: AgentState) -> AgentState:
    """What was on the wire goes back to the queue: its reply can no longer come."""
    if not any(o.answer is AnswerStatus.SENDING for o in state.offers) and not any(
        m.status is OutboxStatus.SENDING for m in state.outbox
    ):
        return state
    return replace(
        state,
        offers=tuple(_unsent(o) for o in state.offers),
        outbox=tuple(
            replace(m, status=OutboxStatus.QUEUED) if m.status is OutboxStatus.SENDING else m
            for m in state.outbox
        ),
    )


def accept_pressed(state: AgentState, offer_id: OfferId) -> AgentState:
    offer = state.offer(offer_id)
    if offer is None or offer.answer is not None:
        return state  # gone, or already on its way: the offer id keeps it to one accept
    return _with_answer(state, offer_id, AnswerStatus.WAITING_FOR_LINK)


def accept_answered(state: AgentState, offer_id: OfferId, refused: bool) -> AgentState:
    """An ack leaves the offer "accepting" until the server's events take it away; a refusal
    gives the agent the buttons back (the server ends the offer itself if it is over)."""
    if not refused:
        return state
    return _with_answer(state, offer_id, None)


def accept_unsent(state: AgentState, offer_id: OfferId) -> Result:
    offer = state.offer(offer_id)
    if offer is None:
        return state, [AcceptDropped(offer_id, LOST_AFTER_EXPIRY)]
    return replace(
        state, offers=tuple(_unsent(o) if o.offer_id == offer_id else o for o in state.offers)
    ), []


def message_unsent(state: AgentState, client_msg_id: str) -> AgentState:
    return replace(
        state,
        outbox=tuple(
            replace(m, status=OutboxStatus.QUEUED)
            if m.client_msg_id == client_msg_id and m.status is OutboxStatus.SENDING
            else m
            for m in state.outbox
        ),
    )


def settle_answers(before: AgentState, after: AgentState, now: float) -> list[Effect]:
    """Accepts still waiting for the link whose offer left the desktop: the session opened
    (a lost ack, seen in the resync) or the accept is dropped, with the reason."""
    effects: list[Effect] = []
    for offer in before.offers:
        if offer.answer is not AnswerStatus.WAITING_FOR_LINK:
            continue
        if after.offer(offer.offer_id) is not None:
            continue
        work_id = offer.offer.work.work_id
        if any(s.work.work_id == work_id for s in after.sessions):
            effects.append(AcceptConfirmed(offer.offer_id))
        else:
            reason = EXPIRED_OFFLINE if offer.deadline <= now else WITHDRAWN_OFFLINE
            effects.append(AcceptDropped(offer.offer_id, reason))
    return effects


def _unsent(offer: PendingOffer) -> PendingOffer:
    if offer.answer is AnswerStatus.SENDING:
        return replace(offer, answer=AnswerStatus.WAITING_FOR_LINK)
    return offer


def _with_answer(state: AgentState, offer_id: OfferId, answer: AnswerStatus | None) -> AgentState:
    offers = tuple(replace(o, answer=answer) if o.offer_id == offer_id else o for o in state.offers)
    return replace(state, offers=offers)
