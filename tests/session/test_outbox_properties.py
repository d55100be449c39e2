"""Properties of the outbox rules (through `reducer.step`) over arbitrary event sequences:
nothing is on the wire while the link is down, one chat message at a time, nothing waits while
online, and an accept that leaves the desk waiting is always settled (confirmed or dropped)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent_desktop.protocol.messages import OfferAdded, SessionClosed, SessionOpened, Snapshot
from agent_desktop.protocol.vocabulary import ErrorCode, OfferId, Reason, SessionId
from agent_desktop.session.effects import AcceptConfirmed, AcceptDropped, SendAccept, SendChat
from agent_desktop.session.events import (
    AcceptAnswered,
    AcceptPressed,
    AcceptUnsent,
    CoreEvent,
    LinkChanged,
    MessageAcked,
    MessageQueued,
    MessageRefused,
    MessageUnsent,
    Tick,
)
from agent_desktop.session.reducer import step
from agent_desktop.session.state import (
    AgentState,
    AnswerStatus,
    Connection,
    LinkStatus,
    OutboxStatus,
    OutgoingMessage,
)
from tests.session.factories import T0, offer, presence, session

ids = st.sampled_from(["1", "2"])  # few ids, so events meet the same offer or message
offer_ids = ids.map(lambda n: OfferId(f"o{n}"))
cids = ids.map(lambda m: f"c{m}")

links = st.sampled_from(
    [
        LinkChanged(Connection(LinkStatus.ONLINE)),
        LinkChanged(Connection(LinkStatus.RECONNECTING, retry_at=T0 + 1, attempt=1)),
        LinkChanged(Connection(LinkStatus.OFFLINE)),
    ]
)

events: st.SearchStrategy[CoreEvent] = st.one_of(
    links,
    st.builds(AcceptPressed, offer_ids),
    st.builds(
        lambda n, life: OfferAdded(offer=offer(f"o{n}", work_id=f"w{n}", expires_at=T0 + life)),
        ids,
        st.floats(min_value=1, max_value=60),
    ),
    st.builds(lambda n: SessionOpened(session=session(f"s{n}", work_id=f"w{n}")), ids),
    st.builds(
        lambda n: SessionClosed(session_id=SessionId(f"s{n}"), reason=Reason.CLOSED_BY_AGENT),
        ids,
    ),
    st.builds(
        lambda n: Snapshot(
            presence=presence(),
            offers=[],
            sessions=[session(f"s{n}", work_id=f"w{n}")],
            alerts=[],
            server_time=T0,
        ),
        ids,
    ),
    links,
    st.builds(AcceptAnswered, offer_ids),
    st.builds(lambda o: AcceptAnswered(o, ErrorCode.SESSION_LIMIT, "ten"), offer_ids),
    st.builds(AcceptUnsent, offer_ids),
    st.builds(
        lambda n, m: MessageQueued(OutgoingMessage(m, SessionId(f"s{n}"), "x", typed_at=T0)),
        ids,
        cids,
    ),
    st.builds(MessageAcked, cids),
    st.builds(MessageUnsent, cids),
    st.builds(lambda m: MessageRefused(m, ErrorCode.WORK_CLOSED, "closed"), cids),
    st.just(Tick()),
)


@settings(max_examples=500, deadline=None)
@given(
    online_at_first=st.booleans(),
    steps=st.lists(st.tuples(events, st.floats(min_value=0, max_value=5)), min_size=4, max_size=40),
)
def test_outbox_invariants_hold_for_any_event_sequence(
    online_at_first: bool, steps: list[tuple[CoreEvent, float]]
) -> None:
    # Starting online half the time, with two offers on the desk: hypothesis favours short
    # lists, and most rules only act once the link is up and an offer is there to accept.
    state = (
        AgentState(connection=Connection(LinkStatus.ONLINE)) if online_at_first else AgentState()
    )
    for n in ("1", "2"):
        state, _ = step(state, OfferAdded(offer=offer(f"o{n}", work_id=f"w{n}")), T0)
    now = T0
    for event, elapsed in steps:
        now += elapsed
        before = state
        state, effects = step(state, event, now)
        sending = [m for m in state.outbox if m.status is OutboxStatus.SENDING]
        assert len(sending) <= 1  # one message on the wire keeps the order typed
        answers = {o.offer_id: o.answer for o in state.offers}
        if state.online:
            assert AnswerStatus.WAITING_FOR_LINK not in answers.values()  # nothing waits online
            if any(m.status is OutboxStatus.QUEUED for m in state.outbox):
                assert sending  # the queue moves
        else:
            assert not sending
            assert AnswerStatus.SENDING not in answers.values()
            assert not [e for e in effects if isinstance(e, SendAccept | SendChat)]
        for effect in effects:
            if isinstance(effect, SendAccept):
                assert answers.get(effect.offer_id) is AnswerStatus.SENDING
            if isinstance(effect, SendChat):
                assert effect.message in sending
        settled = {e.offer_id for e in effects if isinstance(e, AcceptDropped | AcceptConfirmed)}
        for old in before.offers:
            if old.answer is AnswerStatus.WAITING_FOR_LINK and state.offer(old.offer_id) is None:
                assert old.offer_id in settled  # whoever waits for this accept is told
