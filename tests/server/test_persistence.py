"""Durability: a killed server (no clean close) restarts from SQLite with nothing accepted lost."""

from __future__ import annotations

from pathlib import Path

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import (
    CloseSession,
    CustomerMessage,
    GetPresenceTimeline,
    GetWork,
    PresenceTimeline,
    SendMessage,
    SetPresence,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    OfferState,
    Presence,
    Reason,
    UserId,
    WorkState,
)
from agent_desktop.server.config import Timings
from agent_desktop.server.store import SqliteStore
from tests.server.engine_fixtures import EngineHarness, harness, make_config

T0 = 1_800_000_000.0
CONFIG = make_config(
    capacity=20,  # two chats fill an agent, so the last item of the scenario waits
    timings=Timings(offer_reroute_grace_s=60, session_reclaim_s=300, presence_restore_window_s=150),
)


def _restart(old: EngineHarness, path: Path, *, after: float = 0.0) -> EngineHarness:
    """Simulate `kill -9`: the old engine and store are dropped, nothing is closed or flushed."""
    clock = ManualClock(old.clock.now() + after)
    return harness(CONFIG, SqliteStore(path), clock=clock, login=[])


def _scenario(path: Path) -> tuple[EngineHarness, dict[str, object]]:
    h = harness(CONFIG, SqliteStore(path), login=["sam", "alice", "bob"])
    accepted = h.create(Channel.CHAT, customer_name="Ann")
    h.accept("alice")
    session_id = h.work(accepted.work_id).session_id
    assert session_id is not None
    h.call("alice", SendMessage(id=h.rid(), session_id=session_id, text="hi", client_msg_id="c1"))
    h.call("sam", CustomerMessage(id=h.rid(), work_id=accepted.work_id, text="hello"))
    voice = h.create(Channel.VOICE, agent=UserId("bob"))
    h.accept("bob")
    pending = h.create(Channel.CHAT, agent=UserId("alice"))
    closed = h.create(Channel.CHAT, agent=UserId("bob"))
    h.accept("bob")
    closed_session = h.work(closed.work_id).session_id
    assert closed_session is not None
    h.call("bob", CloseSession(id=h.rid(), session_id=closed_session))
    h.call("bob", SetPresence(id=h.rid(), presence=Presence.AWAY))
    waiting = h.create(Channel.SMS, phone="+1 555 010 2030")
    h.ok()
    return h, {
        "accepted": accepted.work_id,
        "session": session_id,
        "voice": voice.work_id,
        "pending": pending.work_id,
        "closed": closed.work_id,
        "waiting": waiting.work_id,
    }


def test_restart_after_kill_keeps_every_accepted_item(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old, ids = _scenario(path)
    before = old.engine.accounting()
    h = _restart(old, path, after=5)
    assert h.engine.invariant_violations() == []
    assert h.engine.accounting() == before
    work = h.engine.works.items
    assert work[ids["accepted"]].item.state is WorkState.ASSIGNED  # type: ignore[index]
    assert ids["closed"] not in work  # a restart loads only open work; GetWork reads it back
    assert work[ids["waiting"]].item.state is WorkState.QUEUED  # type: ignore[index]
    # Nobody is connected after a restart; presence says why.
    for name in ("alice", "bob", "carol"):
        assert h.presence(name) is Presence.OFFLINE
    # alice comes back: her session with its transcript, her pending offer, her presence.
    snapshot = h.connect("alice")
    assert [s.session_id for s in snapshot.sessions] == [ids["session"]]
    assert [m.text for m in snapshot.sessions[0].transcript] == ["hi", "hello"]
    assert [o.work.work_id for o in snapshot.offers] == [ids["pending"]]
    assert snapshot.offers[0].state is OfferState.PENDING
    assert snapshot.presence.reason is Reason.RECONNECT
    # The dedupe of client message ids survives too.
    session_id = ids["session"]
    h.call(
        "alice",
        SendMessage(id=h.rid(), session_id=session_id, text="hi", client_msg_id="c1"),  # type: ignore[arg-type]
    )
    assert len(h.work(ids["accepted"]).transcript) == 2  # type: ignore[arg-type]
    # bob comes back away, as he left it, with his call.
    h.connect("bob")
    assert h.presence("bob") is Presence.AWAY
    [bob_session] = h.engine.sessions.open[UserId("bob")]
    assert h.engine.sessions.records[bob_session].call is not None
    h.connect("sam")
    closed = h.call("sam", GetWork(id=h.rid(), work_id=ids["closed"]))  # type: ignore[arg-type]
    assert isinstance(closed, WorkInfo)
    assert closed.work.state is WorkState.CLOSED
    assert [e.event for e in closed.history][-1] == "closed"
    h.ok()


def test_ids_never_repeat_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old, _ = _scenario(path)
    h = _restart(old, path)
    h.connect("sam")
    item = h.create(Channel.CASE)
    assert item.work_id == "W1006"
    assert item.case is not None
    assert item.case.case_number == "CAS-01001"
    h.connect("carol")
    assert h.engine.offers.pending[UserId("carol")] == {"O1005", "O1006"}


def test_grace_windows_apply_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old, ids = _scenario(path)
    h = _restart(old, path)
    h.connect("sam")
    h.tick(299)
    assert h.work(ids["accepted"]).item.state is WorkState.ASSIGNED  # type: ignore[arg-type]
    h.tick(1)
    # alice never came back: her session went back to the queue, nothing is lost.
    assert h.work(ids["accepted"]).item.state is WorkState.QUEUED  # type: ignore[arg-type]
    h.tick(10_000)
    h.connect("carol")
    assert h.engine.invariant_violations() == []
    states = h.engine.accounting()
    assert states["closed"] == 1
    assert sum(states.values()) == 5


def test_presence_timeline_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old, _ = _scenario(path)
    h = _restart(old, path)
    h.connect("bob")
    reply = h.call("bob", GetPresenceTimeline(id=h.rid()))
    assert isinstance(reply, PresenceTimeline)
    reasons = [(c.presence, c.reason) for c in reply.changes]
    assert (Presence.AWAY, Reason.MANUAL) in reasons
    assert reasons[-2:] == [
        (Presence.OFFLINE, Reason.DISCONNECT),
        (Presence.AWAY, Reason.RECONNECT),
    ]


def test_a_refused_request_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old, _ = _scenario(path)
    audit_before = len(old.store.audit(0, 10**6))
    old.refused("alice", SetPresence(id="x", presence=Presence.INACTIVE))
    assert len(old.store.audit(0, 10**6)) == audit_before


def test_an_offer_that_expired_while_the_server_was_down_is_held_for_its_agent(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite3"
    old = harness(CONFIG, SqliteStore(path), login=["sam", "alice"])
    item = old.create(Channel.CHAT)
    offer_id = old.offer_id("alice")
    h = _restart(old, path, after=150)  # expired at +120, while nobody could answer
    h.tick()
    offer = h.offer(offer_id)
    assert (offer.state, offer.held) == (OfferState.PENDING, True)
    assert h.engine.alerts.of(UserId("alice")) == []
    snapshot = h.connect("alice")
    [again] = snapshot.offers
    assert again.offer_id == offer_id
    assert again.expires_at == h.clock.now() + 120
    h.accept("alice", offer_id)
    assert h.work(item.work_id).item.state is WorkState.ASSIGNED
    h.ok()


def test_a_held_offer_is_rerouted_after_the_grace_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    old = harness(CONFIG, SqliteStore(path), login=["sam", "alice"])
    item = old.create(Channel.CHAT)
    offer_id = old.offer_id("alice")
    old.disconnect("alice")
    old.tick(120)
    assert old.offer(offer_id).held
    h = _restart(old, path, after=10)
    h.connect("bob")
    h.tick(49)
    assert h.work(item.work_id).item.state is WorkState.OFFERED
    h.tick(1)  # expires_at (+120) + grace (60)
    ended = h.offer(offer_id)
    assert (ended.state, ended.reason) == (OfferState.WITHDRAWN, Reason.DISCONNECT)
    assert h.offer(h.offer_id("bob")).work_id == item.work_id
    h.ok()
