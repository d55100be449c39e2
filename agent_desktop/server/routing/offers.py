"""Offers: a work item proposed to one agent until `expires_at`.

Every change of an offer's phase goes through the life-cycle table (`offer_table`); this part
keeps the records, the pending offers per agent, and the facts an accept or reject is checked
against.
"""

from __future__ import annotations

from collections.abc import Iterator

from agent_desktop.protocol.messages import OfferEnded
from agent_desktop.protocol.model import Notification
from agent_desktop.protocol.vocabulary import OfferId, OfferState, UserId, WorkId
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.offer_table import (
    OfferMove,
    OfferPhase,
    OfferTrigger,
    offer_move,
    phase_of,
    wire_state,
)
from agent_desktop.server.routing.records import (
    KIND_OFFER,
    KIND_OFFER_ENDED,
    OfferRecord,
    decode_record,
)
from agent_desktop.server.routing.works import WorkBook


class Offers:
    def __init__(self, ledger: Ledger, works: WorkBook) -> None:
        self.ledger = ledger
        self.works = works
        self.records: dict[OfferId, OfferRecord] = {}
        """Pending offers, and ended ones until they are evicted (the store keeps them)."""
        self.pending: dict[UserId, set[OfferId]] = {}

    def __getitem__(self, offer_id: OfferId) -> OfferRecord:
        return self.records[offer_id]

    def of(self, user: UserId) -> list[OfferId]:
        return sorted(self.pending.get(user, ()))

    def count(self, user: UserId) -> int:
        return len(self.pending.get(user, ()))

    def find(self, offer_id: OfferId) -> OfferRecord | None:
        offer = self.records.get(offer_id)
        if offer is not None:
            return offer
        data = self.ledger.store.get(KIND_OFFER_ENDED, offer_id)
        return None if data is None else decode_record(data, OfferRecord)

    @staticmethod
    def phase(offer: OfferRecord) -> OfferPhase:
        return phase_of(offer.state, offer.held)

    def expired(self, offer: OfferRecord) -> bool:
        """Too late to answer: missed, lapsed while away, held, or past its timeout."""
        phase = self.phase(offer)
        if phase in (OfferPhase.MISSED, OfferPhase.HELD):
            return True
        if phase is OfferPhase.WITHDRAWN:
            return offer.reason is offer_move(OfferPhase.HELD, OfferTrigger.GRACE_ENDS).reason
        return phase is OfferPhase.PENDING and self.ledger.now() >= offer.expires_at

    def add(
        self,
        work_id: WorkId,
        user: UserId,
        notification: Notification,
        expires_at: float,
    ) -> OfferRecord:
        now = self.ledger.now()
        offer = OfferRecord(
            offer_id=OfferId(f"O{self.ledger.next('offer')}"),
            work_id=work_id,
            agent=user,
            notification=notification,
            offered_at=now,
            expires_at=expires_at,
        )
        self.records[offer.offer_id] = offer
        self.pending.setdefault(user, set()).add(offer.offer_id)
        self.ledger.mark(KIND_OFFER, offer.offer_id)
        self.ledger.audit(
            "offer", offer=offer.offer_id, work=work_id, agent=user, state=OfferState.PENDING
        )
        self.ledger.changed(user)
        return offer

    def move(self, offer: OfferRecord, trigger: OfferTrigger) -> OfferMove:
        """Apply one row of the life cycle; an illegal one raises before anything changes."""
        move = offer_move(self.phase(offer), trigger)
        if move.ends:
            self._end(offer, move)
        else:
            offer.held = move.next is OfferPhase.HELD
            self.ledger.mark(KIND_OFFER, offer.offer_id)
        return move

    def _end(self, offer: OfferRecord, move: OfferMove) -> None:
        state = wire_state(move.next)
        reason = move.reason
        offer.state = state
        offer.reason = reason
        offer.held = False
        ledger = self.ledger
        ledger.mark(KIND_OFFER, offer.offer_id)
        ledger.retire(KIND_OFFER_ENDED, offer.offer_id)
        self.pending.get(offer.agent, set()).discard(offer.offer_id)
        work = self.works[offer.work_id]
        if work.offer_id == offer.offer_id:
            work.offer_id = None
        self.works.history(work, state.value, offer.offer_id, agent=offer.agent, reason=reason)
        ledger.audit(
            "offer",
            offer=offer.offer_id,
            work=offer.work_id,
            agent=offer.agent,
            state=state,
            reason=reason,
        )
        ledger.deliver(offer.agent, OfferEnded(offer_id=offer.offer_id, state=state, reason=reason))
        ledger.changed(offer.agent)

    def evict(self, offer_id: OfferId) -> None:
        offer = self.records.get(offer_id)
        if offer is not None and offer.state is not OfferState.PENDING:
            del self.records[offer_id]

    def violations(self) -> Iterator[str]:
        for offer_id, offer in self.records.items():
            listed = offer_id in self.pending.get(offer.agent, set())
            if listed != (offer.state is OfferState.PENDING):
                yield f"{offer_id} is {offer.state.value} but pending-listed={listed}"
