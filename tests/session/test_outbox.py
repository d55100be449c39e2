"""The outbox rules through `reducer.step`: accepts and chat messages wait for the link, go out
once it is online (accepts at once, messages one at a time in order), go back to the queue when
it drops, and a queued accept is dropped with a reason at its deadline, never sent late."""

from __future__ import annotations

from agent_desktop.protocol.messages import (
    MessageAdded,
    OfferAdded,
    OfferEnded,
    SessionOpened,
)
from agent_desktop.protocol.vocabulary import (
    ErrorCode,
    OfferId,
    OfferState,
    Reason,
    Sender,
    SessionId,
)
from agent_desktop.session.effects import (
    AcceptConfirmed,
    AcceptDropped,
    Effect,
    SendAccept,
    SendChat,
)
from agent_desktop.session.events import (
    AcceptAnswered,
    AcceptPressed,
    AcceptUnsent,
    CoreEvent,
    LinkChanged,
    MessageAcked,
    MessageDiscarded,
    MessageQueued,
    MessageRefused,
    MessageUnsent,
    Tick,
)
from agent_desktop.session.outbox import EXPIRED_OFFLINE, LOST_AFTER_EXPIRY, WITHDRAWN_OFFLINE
from agent_desktop.session.reducer import step
from agent_desktop.session.state import (
    AgentState,
    AnswerStatus,
    Connection,
    LinkStatus,
    OutboxStatus,
    OutgoingMessage,
)
from tests.session.factories import T0, message, offer, presence, session
from tests.session.reducer_helpers import ALICE, ONLINE, online, queued, run, snapshot

RECONNECTING = Connection(LinkStatus.RECONNECTING, retry_at=T0 + 1, attempt=1)
O1 = OfferId("o1")


def commands(effects: list[Effect]) -> list[Effect]:
    """The sending side of the effects (notifications and timers are tested elsewhere)."""
    return [
        e for e in effects if isinstance(e, SendAccept | SendChat | AcceptDropped | AcceptConfirmed)
    ]


def steps(
    state: AgentState, *events: CoreEvent, now: float = T0
) -> tuple[AgentState, list[Effect]]:
    sent: list[Effect] = []
    for event in events:
        state, effects = step(state, event, now)
        sent.extend(commands(effects))
    return state, sent


def with_offer(connection: Connection = ONLINE) -> AgentState:
    state = AgentState(connection=ONLINE, identity=ALICE, presence=presence())
    state, _ = step(state, OfferAdded(offer=offer()), T0)
    state, _ = step(state, LinkChanged(connection), T0)
    return state


def typed(cid: str) -> OutgoingMessage:
    return OutgoingMessage(cid, SessionId("s1"), f"text {cid}", typed_at=T0)


# --- accepts ---------------------------------------------------------------------------------


def test_an_accept_online_is_sent_at_once_and_shown_as_accepting() -> None:
    state, sent = steps(with_offer(), AcceptPressed(O1))
    assert sent == [SendAccept(O1)]
    [pending] = state.offers
    assert pending.answer is AnswerStatus.SENDING
    assert pending.accepting
    assert not pending.waiting_for_link


def test_an_accept_offline_waits_for_the_link_and_goes_out_on_the_resume() -> None:
    state, sent = steps(with_offer(RECONNECTING), AcceptPressed(O1))
    assert sent == []
    assert state.offers[0].waiting_for_link
    state, sent = steps(state, LinkChanged(ONLINE), now=T0 + 30)
    assert sent == [SendAccept(O1)]
    assert state.offers[0].answer is AnswerStatus.SENDING


def test_pressing_accept_twice_sends_one_accept() -> None:
    _, sent = steps(with_offer(), AcceptPressed(O1), AcceptPressed(O1))
    assert sent == [SendAccept(O1)]


def test_an_accept_on_the_wire_when_the_link_drops_is_sent_again_after_the_resume() -> None:
    state, _ = steps(with_offer(), AcceptPressed(O1))
    state, sent = steps(state, LinkChanged(RECONNECTING), AcceptUnsent(O1))
    assert sent == []
    assert state.offers[0].waiting_for_link
    state, sent = steps(state, LinkChanged(ONLINE))
    assert sent == [SendAccept(O1)]


def test_a_queued_accept_is_dropped_at_the_deadline_with_the_reason() -> None:
    state, _ = steps(with_offer(RECONNECTING), AcceptPressed(O1))
    state, sent = steps(state, Tick(), now=T0 + 120)
    assert state.offers == ()
    assert sent == [AcceptDropped(O1, EXPIRED_OFFLINE)]
    assert "not accepted" in EXPIRED_OFFLINE
    state, sent = steps(state, LinkChanged(ONLINE), now=T0 + 121)
    assert sent == []  # never sent late


def test_the_resync_keeps_a_queued_accept_and_sends_it() -> None:
    state, _ = steps(with_offer(RECONNECTING), AcceptPressed(O1))
    state, sent = steps(state, snapshot(offers=[offer()]), LinkChanged(ONLINE), now=T0 + 5)
    assert sent == [SendAccept(O1)]


def test_a_resync_showing_the_session_confirms_an_accept_whose_reply_was_lost() -> None:
    state, _ = steps(with_offer(RECONNECTING), AcceptPressed(O1))
    state, sent = steps(state, snapshot(sessions=[session()]), now=T0 + 5)
    assert sent == [AcceptConfirmed(O1)]


def test_a_resync_without_the_offer_drops_the_accept_as_withdrawn() -> None:
    state, _ = steps(with_offer(RECONNECTING), AcceptPressed(O1))
    state, sent = steps(state, snapshot(), now=T0 + 5)
    assert sent == [AcceptDropped(O1, WITHDRAWN_OFFLINE)]


def test_a_refused_accept_gives_the_buttons_back_and_an_ack_waits_for_the_events() -> None:
    state, _ = steps(with_offer(), AcceptPressed(O1))
    acked, _ = steps(state, AcceptAnswered(O1))
    assert acked.offers[0].answer is AnswerStatus.SENDING
    gone, _ = steps(acked, OfferEnded(offer_id=O1, state=OfferState.ACCEPTED, reason=Reason.ACCEPT))
    assert gone.offers == ()
    refused, _ = steps(state, AcceptAnswered(O1, ErrorCode.SESSION_LIMIT, "ten sessions"))
    assert refused.offers[0].answer is None


def test_an_accept_unsent_after_its_offer_left_is_dropped_not_kept() -> None:
    state, _ = steps(with_offer(), AcceptPressed(O1))
    state, _ = steps(state, Tick(), now=T0 + 120)  # on the wire at the deadline: leaves
    state, sent = steps(state, AcceptUnsent(O1), now=T0 + 121)
    assert sent == [AcceptDropped(O1, LOST_AFTER_EXPIRY)]


# --- chat messages ---------------------------------------------------------------------------


def test_messages_go_one_at_a_time_in_the_order_typed() -> None:
    state = AgentState(connection=ONLINE, identity=ALICE, sessions=(session(),))
    state, sent = steps(state, MessageQueued(typed("c1")), MessageQueued(typed("c2")))
    assert sent == [SendChat(state.outbox[0])]
    assert [m.status for m in state.outbox] == [OutboxStatus.SENDING, OutboxStatus.QUEUED]
    state, sent = steps(state, MessageAcked("c1"))
    assert [m.client_msg_id for m in state.outbox] == ["c2"]
    assert sent == [SendChat(state.outbox[0])]


def test_a_refused_message_fails_and_the_next_goes() -> None:
    state = AgentState(connection=ONLINE, identity=ALICE, sessions=(session(),))
    state, _ = steps(state, MessageQueued(typed("c1")), MessageQueued(typed("c2")))
    state, sent = steps(state, MessageRefused("c1", ErrorCode.WORK_CLOSED, "closed"))
    assert state.outbox[0].status is OutboxStatus.FAILED
    assert sent == [SendChat(state.outbox[1])]


def test_messages_wait_offline_and_a_lost_one_is_resent_first() -> None:
    state = AgentState(connection=ONLINE, identity=ALICE, sessions=(session(),))
    state, _ = steps(state, MessageQueued(typed("c1")))
    state, sent = steps(
        state, LinkChanged(RECONNECTING), MessageUnsent("c1"), MessageQueued(typed("c2"))
    )
    assert sent == []
    assert [m.status for m in state.outbox] == [OutboxStatus.QUEUED, OutboxStatus.QUEUED]
    state, sent = steps(state, LinkChanged(ONLINE))
    assert [e.message.client_msg_id for e in sent if isinstance(e, SendChat)] == ["c1"]


# --- the outbox in apply: echoes, repeats, refusals ------------------------------------------


def test_message_echo_with_client_msg_id_empties_the_outbox() -> None:
    state = run(online(), SessionOpened(session=session()), MessageQueued(queued("c1")))
    assert state.unsent(SessionId("s1")) == (queued("c1"),)
    echo = MessageAdded(
        session_id=SessionId("s1"),
        message=message("m1", "hi", sender=Sender.AGENT, client_msg_id="c1"),
    )
    state = run(state, echo)
    assert state.outbox == ()
    assert state.sessions[0].transcript[-1].client_msg_id == "c1"


def test_a_message_delivered_twice_shows_once() -> None:
    state = run(online(), SessionOpened(session=session(transcript=3)))
    repeat = MessageAdded(session_id=SessionId("s1"), message=message("m2", "earlier"))
    assert run(state, repeat).sessions[0].transcript == state.sessions[0].transcript
    fresh = MessageAdded(session_id=SessionId("s1"), message=message("m9", "new"))
    assert [m.msg_id for m in run(state, fresh).sessions[0].transcript][-1] == "m9"


def test_ack_refusal_and_discard() -> None:
    state = run(online(), MessageQueued(queued("c1")), MessageQueued(queued("c2")))
    state = run(state, MessageAcked("c1"))
    assert [m.client_msg_id for m in state.outbox] == ["c2"]
    state = run(state, MessageRefused("c2", ErrorCode.WORK_CLOSED, "the customer left"))
    assert state.outbox[0].status is OutboxStatus.FAILED
    assert state.outbox[0].error == "the customer left"
    assert run(state, MessageDiscarded("c2")).outbox == ()
