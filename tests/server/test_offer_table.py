"""Every row of the offer life-cycle table happens in the engine as the row says, and a change
the table does not have raises and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent_desktop.protocol.messages import AcceptOffer, Ack, CustomerEnd, RejectOffer, Transfer
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    Channel,
    ErrorCode,
    OfferId,
    OfferState,
    Role,
    UserId,
)
from agent_desktop.server.config import Timings
from agent_desktop.server.routing import offers as offers_module
from agent_desktop.server.routing.offer_table import (
    OFFER_TABLE,
    IllegalOfferTransition,
    OfferMove,
    OfferPhase,
    OfferTrigger,
    offer_move,
    wire_state,
)
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user

Row = tuple[OfferPhase, OfferTrigger]
WAIT = 120.0
GRACE = 480.0


def _config() -> object:
    return make_config(
        queues=[
            queue("chat", Channel.CHAT, capacity_cost=0),
            queue("chat_vip", Channel.CHAT, capacity_cost=0, auto_accept=True),
            queue("case", Channel.CASE, capacity_cost=0, allow_reject=False),
            queue("voice", Channel.VOICE, capacity_cost=0),
        ],
        users=[
            user("alice", ["chat", "chat_vip", "case", "voice"]),
            user("bob", ["chat_vip"]),
            user("sam", role=Role.SUPERVISOR),
        ],
        timings=Timings(offer_reroute_grace_s=GRACE),
    )


def _offered(channel: Channel = Channel.CHAT) -> tuple[EngineHarness, OfferId]:
    h = harness(_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    h.create(channel, queue_id=channel.value)
    return h, h.offer_id("alice")


def _held() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered()
    h.disconnect("alice")
    h.tick(WAIT)
    assert h.offer(offer_id).held
    return h, offer_id


def _accept() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered()
    h.accept("alice", offer_id)
    return h, offer_id


def _reject() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered()
    h.call("alice", RejectOffer(id=h.rid(), offer_id=offer_id))
    return h, offer_id


def _timeout() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered()
    h.tick(WAIT)
    return h, offer_id


def _timeout_assigns() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered(Channel.CASE)
    h.tick(WAIT)
    return h, offer_id


def _returns() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _held()
    h.connect("alice")
    return h, offer_id


def _grace_ends() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _held()
    h.tick(GRACE)
    return h, offer_id


def _customer_left(held: bool) -> Callable[[], tuple[EngineHarness, OfferId]]:
    def run() -> tuple[EngineHarness, OfferId]:
        h, offer_id = _held() if held else _offered()
        work_id = h.offer(offer_id).work_id
        h.call("sam", CustomerEnd(id=h.rid(), work_id=work_id))
        return h, offer_id

    return run


def _agent_gone() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered(Channel.VOICE)
    h.disconnect("alice")  # a caller on the line does not wait for a vanished agent
    return h, offer_id


def _logout() -> tuple[EngineHarness, OfferId]:
    h, offer_id = _offered()
    h.disconnect("alice", goodbye=True)
    return h, offer_id


def _session_limit() -> tuple[EngineHarness, OfferId]:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    for _ in range(MAX_SESSIONS - 1):
        h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("alice"))
    h.create(Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.create(Channel.CHAT, queue_id="chat_vip", agent=UserId("bob"))
    [bob_session] = h.engine.sessions.open[UserId("bob")]
    h.call("bob", Transfer(id=h.rid(), session_id=bob_session, to_agent=UserId("alice")))
    h.accept("alice", offer_id)  # the 11th: refused with session_limit
    return h, offer_id


SCENARIOS: dict[Row, Callable[[], tuple[EngineHarness, OfferId]]] = {
    (OfferPhase.PENDING, OfferTrigger.ACCEPT): _accept,
    (OfferPhase.PENDING, OfferTrigger.REJECT): _reject,
    (OfferPhase.PENDING, OfferTrigger.TIMEOUT): _timeout,
    (OfferPhase.PENDING, OfferTrigger.TIMEOUT_ASSIGNS): _timeout_assigns,
    (OfferPhase.PENDING, OfferTrigger.TIMEOUT_AWAY): _held,
    (OfferPhase.HELD, OfferTrigger.AGENT_RETURNS): _returns,
    (OfferPhase.HELD, OfferTrigger.GRACE_ENDS): _grace_ends,
    (OfferPhase.PENDING, OfferTrigger.CUSTOMER_LEFT): _customer_left(held=False),
    (OfferPhase.HELD, OfferTrigger.CUSTOMER_LEFT): _customer_left(held=True),
    (OfferPhase.PENDING, OfferTrigger.AGENT_GONE): _agent_gone,
    (OfferPhase.PENDING, OfferTrigger.LOGOUT): _logout,
    (OfferPhase.PENDING, OfferTrigger.SESSION_LIMIT): _session_limit,
}


@pytest.fixture
def moves(monkeypatch: pytest.MonkeyPatch) -> list[Row]:
    """Every row the engine looks up, in order."""
    seen: list[Row] = []

    def recording(phase: OfferPhase, trigger: OfferTrigger) -> OfferMove:
        seen.append((phase, trigger))
        return offer_move(phase, trigger)

    monkeypatch.setattr(offers_module, "offer_move", recording)
    return seen


def test_every_row_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(OFFER_TABLE)


@pytest.mark.parametrize("row", list(OFFER_TABLE), ids=lambda r: f"{r[0].value}-{r[1].value}")
def test_each_row_happens_as_the_table_says(row: Row, moves: list[Row]) -> None:
    h, offer_id = SCENARIOS[row]()
    assert moves[-1] == row, moves
    move = OFFER_TABLE[row]
    offer = h.offer(offer_id)
    assert offer.state is wire_state(move.next)
    assert offer.held == (move.next is OfferPhase.HELD)
    assert offer.reason == (move.reason if move.ends else None)
    h.ok()


def test_an_illegal_transition_raises_and_changes_nothing() -> None:
    h, offer_id = _accept()
    offer = h.offer(offer_id)
    before = h.state()
    with pytest.raises(IllegalOfferTransition):
        h.engine.offers.move(offer, OfferTrigger.TIMEOUT)  # ending an ended offer
    with pytest.raises(IllegalOfferTransition):
        h.engine.offers.move(offer, OfferTrigger.ACCEPT)
    assert h.state() == before
    assert h.offer(offer_id).state is OfferState.ACCEPTED
    h.ok()


def test_no_row_leaves_an_ended_offer() -> None:
    ended = {p for p in OfferPhase} - {OfferPhase.PENDING, OfferPhase.HELD}
    assert not [row for row in OFFER_TABLE if row[0] in ended]
    for phase in ended:
        for trigger in OfferTrigger:
            with pytest.raises(IllegalOfferTransition):
                offer_move(phase, trigger)


def test_a_late_answer_to_an_ended_offer_is_refused_by_the_request_check() -> None:
    h, offer_id = _accept()
    h.clear()
    assert h.refused("alice", RejectOffer(id=h.rid(), offer_id=offer_id)) is (
        ErrorCode.OFFER_NOT_PENDING
    )
    retried = h.call("alice", AcceptOffer(id=h.rid(), offer_id=offer_id))
    assert isinstance(retried, Ack)  # a retried accept is applied once
