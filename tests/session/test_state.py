"""What `AgentState` and its parts answer: countdowns, the shown presence, lookups, toast keys."""

from __future__ import annotations

from agent_desktop.protocol.vocabulary import OfferId, Presence, SessionId
from agent_desktop.session.state import (
    AgentState,
    AnswerStatus,
    Connection,
    LinkStatus,
    PendingOffer,
    ShownToast,
    ToastId,
)
from tests.session.factories import T0, offer, presence, toast


def test_an_offer_shows_its_accept_state_for_the_card() -> None:
    pending = PendingOffer(offer(), deadline=T0 + 120)
    assert not pending.accepting
    waiting = PendingOffer(offer(), T0 + 120, answer=AnswerStatus.WAITING_FOR_LINK)
    assert waiting.accepting
    assert waiting.waiting_for_link
    sending = PendingOffer(offer(), T0 + 120, answer=AnswerStatus.SENDING)
    assert sending.accepting
    assert not sending.waiting_for_link


def test_a_hidden_countdown_is_none_but_the_time_still_runs() -> None:
    hidden = PendingOffer(offer(show_timeout=False), deadline=T0 + 30)
    assert hidden.countdown(T0) is None
    assert hidden.remaining(T0 + 10) == 20
    assert hidden.remaining(T0 + 99) == 0


def test_the_presence_is_never_shown_available_over_a_dead_link() -> None:
    state = AgentState(connection=Connection(LinkStatus.ONLINE), presence=presence())
    assert state.shown_presence is Presence.AVAILABLE
    down = AgentState(connection=Connection(LinkStatus.RECONNECTING), presence=presence())
    assert down.shown_presence is Presence.OFFLINE
    assert AgentState().shown_presence is None


def test_toasts_have_their_own_key_distinct_per_session_and_time() -> None:
    first = ShownToast(toast("s1"), until=T0 + 8)
    again = ShownToast(toast("s1"), until=T0 + 20)
    other = ShownToast(toast("s2"), until=T0 + 8)
    assert len({first.toast_id, again.toast_id, other.toast_id}) == 3
    assert first.toast_id == ShownToast(toast("s1"), until=T0 + 8).toast_id  # stable
    state = AgentState(toasts=(first, other))
    assert state.toast(other.toast_id) is other
    assert state.toast(ToastId("toast:nothing")) is None


def test_lookups_by_id() -> None:
    pending = PendingOffer(offer("o7"), deadline=T0 + 1)
    state = AgentState(offers=(pending,))
    assert state.offer(OfferId("o7")) is pending
    assert state.offer(OfferId("o8")) is None
    assert state.session(SessionId("s1")) is None
