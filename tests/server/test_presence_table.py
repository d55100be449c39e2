"""Every row of the presence table happens in the engine as the row says, and a change the table
does not have raises and changes nothing."""

from __future__ import annotations

import msgspec
import pytest

from agent_desktop.protocol.messages import (
    CloseSession,
    RejectOffer,
    ResetPresence,
    SetNextPresence,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    Channel,
    Presence,
    PresenceSource,
    Role,
    UserId,
)
from agent_desktop.server.config import CustomPresenceConfig, RepeatMisses
from agent_desktop.server.routing import presence as presence_module
from agent_desktop.server.routing.presence_table import (
    AGENT_CHOOSABLE,
    PRESENCE_TABLE,
    IllegalPresenceTransition,
    PresenceMove,
    PresenceTrigger,
    Standing,
    Target,
    capacity_presence,
    presence_move,
    standing,
)
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user

Row = tuple[Standing, PresenceTrigger]
ALICE = UserId("alice")
WAIT = 120.0
CAPACITY = 20
CHOSEN = {
    Standing.AVAILABLE: Presence.AVAILABLE,
    Standing.BUSY: Presence.BUSY,
    Standing.BUSY_DND: Presence.BUSY_DND,
    Standing.AWAY: Presence.AWAY,
    Standing.OFFLINE: Presence.OFFLINE,
}


def _harness(repeat_misses: int = 0) -> EngineHarness:
    config = make_config(
        queues=[
            queue("free", Channel.CHAT, capacity_cost=0),
            queue("free_vip", Channel.CHAT, capacity_cost=0, auto_accept=True),
            queue("vip", Channel.CHAT, capacity_cost=10, auto_accept=True),
            queue("big", Channel.CHAT, capacity_cost=CAPACITY, auto_accept=True),
        ],
        users=[
            user("alice", ["free", "free_vip", "vip", "big"], capacity=CAPACITY),
            user("sam", role=Role.SUPERVISOR),
        ],
    )
    config = msgspec.structs.replace(
        config,
        presences=[CustomPresenceConfig(name="Back office", base=Presence.BUSY)],
        repeat_misses=RepeatMisses(count=repeat_misses),
    )
    return harness(config, login=["sam", "alice"])


def _open(h: EngineHarness, count: int, queue_id: str = "free_vip") -> None:
    for _ in range(count):
        h.create(Channel.CHAT, queue_id=queue_id, agent=ALICE)


def _offer(h: EngineHarness) -> None:
    h.create(Channel.CHAT, queue_id="free", agent=ALICE)


def _reach(h: EngineHarness, where: Standing, sessions: int) -> None:
    """Put connected alice in `where` with `sessions` open sessions."""
    if where in CHOSEN:
        _open(h, sessions)
        h.call("alice", SetPresence(id=h.rid(), presence=CHOSEN[where]))
    elif where is Standing.CUSTOM:  # rule 12: a custom presence over busy
        _open(h, sessions)
        h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY, custom="Back office"))
    elif where is Standing.INACTIVE:
        _open(h, max(sessions - 1, 0))
        _offer(h)
        _open(h, 1 if sessions else 0)
        h.tick(WAIT)
    else:  # capacity full: two sessions of cost 10, the rest free
        _open(h, 2, "vip")
        _open(h, max(sessions - 2, 0))
    agent = h.engine.presences.agents[ALICE]
    assert standing(agent.presence.presence, agent.auto_dnd, agent.presence.custom) is where
    assert h.engine.sessions.count(ALICE) == max(sessions, 2 if where is S_FULL else 0)


S_FULL = Standing.BUSY_DND_FULL


def _fire(h: EngineHarness, trigger: PresenceTrigger, where: Standing) -> Presence | None:
    """Make `trigger` happen to alice; the presence a person chose, if any."""
    match trigger:
        case PresenceTrigger.DISCONNECT:
            h.disconnect("alice")
        case PresenceTrigger.LOGOUT:
            h.disconnect("alice", goodbye=True)
        case PresenceTrigger.AGENT_CHOOSES:
            chosen = Presence.AWAY if where is not Standing.AWAY else Presence.BUSY
            h.call("alice", SetPresence(id=h.rid(), presence=chosen))
            return chosen
        case PresenceTrigger.SUPERVISOR_RESETS:
            chosen = Presence.AWAY if where is not Standing.AWAY else Presence.BUSY
            h.call("sam", ResetPresence(id=h.rid(), agent=ALICE, presence=chosen))
            return chosen
        case PresenceTrigger.MISSED | PresenceTrigger.REPEAT_MISSES:
            _offer(h)
            h.tick(WAIT)
        case PresenceTrigger.REJECTED:
            _offer(h)
            h.call("alice", RejectOffer(id=h.rid(), offer_id=h.offer_id("alice")))
        case PresenceTrigger.SESSION_LIMIT:
            _offer(h)  # work comes in for alice at 10 sessions
        case PresenceTrigger.LOAD_CHANGED:
            if not h.engine.sessions.count(ALICE):
                _open(h, 1)
            session_id = h.engine.sessions.of(ALICE)[0]
            h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
        case _:
            raise AssertionError(trigger)
    return None


@pytest.fixture
def moves(monkeypatch: pytest.MonkeyPatch) -> list[Row]:
    seen: list[Row] = []

    def recording(
        current: Standing, trigger: PresenceTrigger, chosen: Presence | None = None
    ) -> PresenceMove:
        seen.append((current, trigger))
        return presence_move(current, trigger, chosen)

    monkeypatch.setattr(presence_module, "presence_move", recording)
    return seen


ARRIVALS = {PresenceTrigger.LOGIN, PresenceTrigger.RECONNECT}
OWN_TEST = {PresenceTrigger.NEXT_STATUS}
ROWS = [row for row in PRESENCE_TABLE if row[1] not in ARRIVALS | OWN_TEST]
NEXT_ROWS = [row for row in PRESENCE_TABLE if row[1] is PresenceTrigger.NEXT_STATUS]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r[0].value}-{r[1].value}")
def test_each_row_happens_as_the_table_says(row: Row, moves: list[Row]) -> None:
    where, trigger = row
    # Rule 14: the miss that makes `count` (reaching Inactive takes one miss of its own).
    repeat = trigger is PresenceTrigger.REPEAT_MISSES
    h = _harness((2 if where is Standing.INACTIVE else 1) if repeat else 0)
    at_limit = trigger is PresenceTrigger.SESSION_LIMIT
    _reach(h, where, MAX_SESSIONS if at_limit else 0)
    before = h.engine.presences.agents[ALICE].presence
    moves.clear()
    chosen = _fire(h, trigger, where)
    assert row in moves, moves
    move = PRESENCE_TABLE[row]
    info = h.engine.presences.agents[ALICE].presence
    if move.next is Target.STAYS:
        assert info == before
    elif move.next is Target.BY_LOAD:
        load = h.engine.router.session_load(ALICE)
        expected = capacity_presence(load, CAPACITY, h.engine.sessions.count(ALICE))
        assert (info.presence, info.reason, info.source) == (
            expected,
            move.reason,
            move.source,
        )
    else:
        target = chosen if move.next is Target.CHOSEN else move.next
        assert (info.presence, info.reason, info.source) == (target, move.reason, move.source)
        assert info.previous is before.presence
    h.ok()


@pytest.mark.parametrize("row", NEXT_ROWS, ids=lambda r: r[0].value)
def test_each_next_status_row_happens_as_the_table_says(row: Row, moves: list[Row]) -> None:
    """Rule 15: set with nothing open, it applies at once from the standing; a full agent
    reaches it when the one session that filled the capacity closes."""
    where, _ = row
    h = _harness()
    chosen = Presence.AWAY if where is not Standing.AWAY else Presence.BUSY
    if where is S_FULL:
        _open(h, 1, "big")
    else:
        _reach(h, where, 0)
    before = h.engine.presences.agents[ALICE].presence
    moves.clear()
    h.call("alice", SetNextPresence(id=h.rid(), presence=chosen))
    if where is S_FULL:
        session_id = h.engine.sessions.of(ALICE)[0]
        h.call("alice", CloseSession(id=h.rid(), session_id=session_id))
    assert row in moves, moves
    move = PRESENCE_TABLE[row]
    info = h.engine.presences.agents[ALICE].presence
    assert (info.presence, info.reason, info.source) == (chosen, move.reason, move.source)
    assert info.previous is before.presence
    assert h.engine.presences.agents[ALICE].next_presence is None
    h.ok()


def test_login_and_reconnect_rows() -> None:
    h = _harness()
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    h.disconnect("alice")
    h.connect("alice")  # within the restore window
    info = h.engine.presences.agents[ALICE].presence
    login = PRESENCE_TABLE[(Standing.OFFLINE, PresenceTrigger.RECONNECT)]
    assert (info.presence, info.reason, info.source) == (Presence.AWAY, login.reason, login.source)
    h.disconnect("alice", goodbye=True)
    h.connect("alice")
    info = h.engine.presences.agents[ALICE].presence
    fresh = PRESENCE_TABLE[(Standing.OFFLINE, PresenceTrigger.LOGIN)]
    assert (info.presence, info.reason, info.source) == (fresh.next, fresh.reason, fresh.source)
    h.ok()


def test_only_a_missed_offer_makes_an_agent_inactive() -> None:
    makes_inactive = {t for (_, t), m in PRESENCE_TABLE.items() if m.next is Presence.INACTIVE}
    assert makes_inactive == {PresenceTrigger.MISSED, PresenceTrigger.REPEAT_MISSES}
    assert Presence.INACTIVE not in AGENT_CHOOSABLE


def test_an_illegal_transition_raises_and_changes_nothing() -> None:
    h = _harness()
    before = h.state()
    with pytest.raises(IllegalPresenceTransition):
        h.engine.presences.apply(ALICE, PresenceTrigger.LOGIN)  # she is connected, not offline
    with pytest.raises(IllegalPresenceTransition):
        h.engine.presences.apply(
            ALICE, PresenceTrigger.AGENT_CHOOSES, chosen=Presence.INACTIVE, by=ALICE
        )
    assert h.state() == before
    assert h.engine.presences.agents[ALICE].presence.source is PresenceSource.SYSTEM
    h.ok()
