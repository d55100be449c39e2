"""Properties of the reducer over arbitrary event sequences (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_desktop.protocol.messages import (
    MessageAdded,
    OfferAdded,
    OfferEnded,
    SessionClosed,
    SessionOpened,
)
from agent_desktop.protocol.vocabulary import OfferId, OfferState, Reason, Sender, SessionId
from agent_desktop.session.effects import OfferArrived, OfferLeft
from agent_desktop.session.events import CoreEvent, MessageAcked, MessageQueued, Tick
from agent_desktop.session.reducer import apply
from agent_desktop.session.state import AgentState, OutgoingMessage
from tests.session.factories import T0, message, offer, session

ids = st.sampled_from(["1", "2", "3"])

events: st.SearchStrategy[CoreEvent] = st.one_of(
    st.builds(
        lambda n, life: OfferAdded(offer=offer(f"o{n}", work_id=f"w{n}", expires_at=T0 + life)),
        ids,
        st.floats(min_value=-5, max_value=60),
    ),
    st.builds(
        lambda n: OfferEnded(
            offer_id=OfferId(f"o{n}"), state=OfferState.MISSED, reason=Reason.DISPLAY_TIMEOUT
        ),
        ids,
    ),
    st.builds(lambda n: SessionOpened(session=session(f"s{n}", work_id=f"w{n}")), ids),
    st.builds(
        lambda n: SessionClosed(session_id=SessionId(f"s{n}"), reason=Reason.CLOSED_BY_AGENT),
        ids,
    ),
    st.builds(
        lambda n, m: MessageAdded(
            session_id=SessionId(f"s{n}"),
            message=message(f"m{m}", "x", sender=Sender.AGENT, client_msg_id=f"c{m}"),
        ),
        ids,
        ids,
    ),
    st.builds(
        lambda n, m: MessageQueued(
            OutgoingMessage(
                client_msg_id=f"c{m}", session_id=SessionId(f"s{n}"), text="x", typed_at=T0
            )
        ),
        ids,
        ids,
    ),
    st.builds(lambda m: MessageAcked(f"c{m}"), ids),
    st.just(Tick()),
)


@settings(max_examples=300, deadline=None)
@given(steps=st.lists(st.tuples(events, st.floats(min_value=0, max_value=5)), max_size=40))
def test_desk_invariants_hold_for_any_event_sequence(
    steps: list[tuple[CoreEvent, float]],
) -> None:
    state = AgentState()
    now = T0
    shown: set[OfferId] = set()
    for event, elapsed in steps:
        now += elapsed
        state, effects = apply(state, event, now)
        for effect in effects:
            if isinstance(effect, OfferArrived):
                assert effect.offer.offer_id not in shown  # announced once
                shown.add(effect.offer.offer_id)
            elif isinstance(effect, OfferLeft):
                assert effect.offer_id in shown  # only what was shown leaves
                shown.discard(effect.offer_id)
        offer_ids = [o.offer_id for o in state.offers]
        assert len(offer_ids) == len(set(offer_ids))
        assert set(offer_ids) == shown  # every offer on the desk has its notification, and no more
        session_ids = [s.session_id for s in state.sessions]
        assert len(session_ids) == len(set(session_ids))
        if isinstance(event, Tick):
            assert all(o.deadline > now for o in state.offers)  # nothing past its expiry stays
        for s in state.sessions:
            msg_ids = [m.msg_id for m in s.transcript]
            assert len(msg_ids) == len(set(msg_ids))
        if isinstance(event, SessionOpened):
            # Accepted or assigned work is no longer on offer.
            assert all(o.offer.work.work_id != event.session.work.work_id for o in state.offers)
