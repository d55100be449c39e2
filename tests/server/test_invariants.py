"""Random sequences of everything agents, supervisors, customers and the clock can do never break
the engine's invariants: every item accounted for, nobody over capacity or the session limit,
routing indexes in step, and a refused request changes nothing."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import (
    AcceptOffer,
    CallControl,
    CloseSession,
    CreateWork,
    CustomerEnd,
    CustomerMessage,
    DismissAlert,
    Escalate,
    RejectOffer,
    Request,
    ResetPresence,
    SendMessage,
    SetPresence,
    Transfer,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    CallAction,
    Channel,
    ErrorCode,
    Presence,
    QueueId,
    Role,
    UserId,
)
from agent_desktop.server.config import Timings
from agent_desktop.server.engine import Engine
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user

AGENTS = ("alice", "bob", "carol")
QUEUES: dict[str, Channel] = {
    "chat": Channel.CHAT,
    "voice": Channel.VOICE,
    "case": Channel.CASE,
    "chat_vip": Channel.CHAT,
    "free": Channel.CHAT,
}
CONFIG = make_config(
    queues=[
        queue("chat", Channel.CHAT, template_name="chat", reject_alerts=False),
        queue(
            "voice", Channel.VOICE, template_name="voice", allowed_presences=[Presence.AVAILABLE]
        ),
        queue("case", Channel.CASE, template_name="case", allow_reject=False, capacity_cost=20),
        queue("chat_vip", Channel.CHAT, template_name="chat_vip", auto_accept=True),
        # Costs nothing, so the session limit (not capacity) is what stops routing.
        queue("free", Channel.CHAT, template_name="chat", capacity_cost=0, missed_alerts=False),
    ],
    users=[
        user("alice", list(QUEUES), capacity=40),
        user("bob", ["chat", "voice", "free"], capacity=30),
        user("carol", ["case", "chat_vip", "free"], capacity=100),
        user("sam", role=Role.SUPERVISOR),
    ],
    timings=Timings(
        offer_reroute_grace_s=40,
        session_reclaim_s=90,
        presence_restore_window_s=60,
        closed_retention_s=150,  # finished things leave memory within a walk
    ),
)

agents = st.sampled_from(AGENTS)
everyone = st.sampled_from((*AGENTS, "sam"))
picks = st.integers(min_value=0, max_value=1000)


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.h: EngineHarness = harness(CONFIG, login=["sam"])

    # -- helpers -----------------------------------------------------------------------------

    def _pick(self, items: list[Any], index: int) -> Any:
        return sorted(items)[index % len(items)] if items else None

    def _send(self, name: str, request: Request) -> None:
        """Any reply is fine; a refusal must leave everything as it was."""
        if not self.h.conns.get(UserId(name)):
            return
        before = self._state()
        refusal: ProtocolError | None = None
        try:
            self.h.call(name, request)
        except ProtocolError as exc:
            refusal = exc
        if refusal is not None:
            assert refusal.code is not ErrorCode.INTERNAL_ERROR
            assert self._state() == before, f"refused {request} changed state"

    def _state(self) -> tuple[object, ...]:
        """The harness's picture plus the records of finished things and messages."""
        store = self.h.store
        kinds = ("message", "work_closed", "offer_ended", "alert_cleared")
        return (self.h.state(), *(tuple(sorted(store.load(kind))) for kind in kinds))

    def _ever(self, prefix: str, counter: int) -> list[str]:
        """Every id ever given out (also those whose records left memory): ids start at 1001."""
        return [f"{prefix}{n}" for n in range(1001, counter + 1)]

    @property
    def engine(self) -> Engine:
        return self.h.engine

    # -- connections -------------------------------------------------------------------------

    @rule(name=agents)
    def connect(self, name: str) -> None:
        snapshot = self.h.connect(name)
        assert len(snapshot.sessions) <= MAX_SESSIONS

    @precondition(lambda self: any(self.h.conns.get(UserId(a)) for a in AGENTS))
    @rule(name=agents, goodbye=st.booleans())
    def disconnect(self, name: str, goodbye: bool) -> None:
        if self.h.conns.get(UserId(name)):
            self.h.disconnect(name, goodbye=goodbye)

    @rule()
    def restart(self) -> None:
        """A killed server: a new engine on the same store; everyone reconnects later."""
        self.h = harness(CONFIG, self.h.store, clock=self.h.clock, login=["sam"])

    @rule(seconds=st.sampled_from([0.0, 1.0, 30.0, 45.0, 61.0, 100.0, 200.0]))
    def time_passes(self, seconds: float) -> None:
        self.h.tick(seconds)
        deadline = self.engine.next_deadline()
        assert deadline is None or deadline > self.h.clock.now()

    # -- supervisor and customer -------------------------------------------------------------

    @rule(
        queue_id=st.sampled_from(list(QUEUES)),
        agent=st.none() | agents | st.just("nobody"),
        priority=st.integers(0, 3),
        phone=st.none() | st.just("+1 555 010 2030"),
    )
    def create_work(
        self, queue_id: str, agent: str | None, priority: int, phone: str | None
    ) -> None:
        self._send(
            "sam",
            CreateWork(
                id="cw",
                channel=QUEUES[queue_id],
                queue=QueueId(queue_id),
                agent=UserId(agent) if agent else None,
                priority=priority,
                phone=phone,
            ),
        )

    @rule(index=picks, end=st.booleans())
    def customer(self, index: int, end: bool) -> None:
        # Also items that left memory: a closed one is read back from the store and refused.
        work_id = self._pick(self._ever("W", self.engine.ledger.counters.work), index)
        if work_id is None:
            return
        if end:
            self._send("sam", CustomerEnd(id="ce", work_id=work_id))
        else:
            self._send("sam", CustomerMessage(id="cm", work_id=work_id, text="hello"))

    @rule(name=agents, presence=st.sampled_from(list(Presence)))
    def reset_presence(self, name: str, presence: Presence) -> None:
        self._send("sam", ResetPresence(id="rp", agent=UserId(name), presence=presence))

    # -- agents ------------------------------------------------------------------------------

    @rule(name=agents, presence=st.sampled_from(list(Presence)))
    def set_presence(self, name: str, presence: Presence) -> None:
        self._send(name, SetPresence(id="sp", presence=presence))

    @rule(owner=st.integers(0, 4), name=everyone, index=picks, accept=st.integers(0, 3))
    def answer_offer(self, owner: int, name: str, index: int, accept: int) -> None:
        """Mostly the offer's own agent answers a pending offer; sometimes anyone, any offer."""
        pending = [o for o, r in self.engine.offers.records.items() if r.state.value == "pending"]
        anything = self._ever("O", self.engine.ledger.counters.offer)
        offer_id = self._pick(pending if owner else anything, index)
        if offer_id is None:
            return
        if owner:
            name = self.engine.offers.records[offer_id].agent
        if accept:
            self._send(name, AcceptOffer(id="ao", offer_id=offer_id))
        else:
            self._send(name, RejectOffer(id="ro", offer_id=offer_id))

    @rule(
        owner=st.integers(0, 4),
        name=everyone,
        index=picks,
        action=st.integers(0, 9),
        to=st.sampled_from(["chat", "voice", "free", "alice", "bob", "carol", "zed"]),
    )
    def work_a_session(self, owner: int, name: str, index: int, action: int, to: str) -> None:
        session_id = self._pick(list(self.engine.sessions.records), index)
        if session_id is None:
            return
        if owner:
            name = self.engine.sessions.records[session_id].agent
        request: Request
        if action <= 2:
            request = SendMessage(
                id="sm", session_id=session_id, text="hi", client_msg_id=f"m{action}"
            )
        elif action <= 4:
            request = CallControl(id="cc", session_id=session_id, action=list(CallAction)[action])
        elif action <= 6:
            to_queue = QueueId(to) if to in QUEUES else None
            to_agent = None if to_queue else UserId(to)
            kind = Transfer if action == 5 else Escalate
            request = kind(id="tr", session_id=session_id, to_queue=to_queue, to_agent=to_agent)
        else:
            request = CloseSession(id="cs", session_id=session_id)
        self._send(name, request)

    @rule(name=agents, index=picks)
    def dismiss_alert(self, name: str, index: int) -> None:
        alert_id = self._pick(self._ever("A", self.engine.ledger.counters.alert), index)
        if alert_id is not None:
            self._send(name, DismissAlert(id="da", alert_id=alert_id))

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def holds(self) -> None:
        assert self.engine.invariant_violations() == []

    @invariant()
    def nothing_lost(self) -> None:
        """Every item ever created is counted once, also after closed ones left memory."""
        counts = self.engine.accounting()
        assert sum(counts.values()) == self.engine.ledger.counters.work - 1000
        in_memory = Counter(w.item.state.value for w in self.engine.works.items.values())
        for state, count in counts.items():
            if state == "closed":
                assert in_memory[state] <= count
            else:
                assert in_memory[state] == count


EngineMachine.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngineRandom = EngineMachine.TestCase


@pytest.mark.parametrize("seed", range(12))
def test_long_random_walks_keep_the_invariants(seed: int) -> None:
    """Hypothesis favours short runs; long weighted walks reach full agents and busy queues."""
    rng = random.Random(seed)
    machine = EngineMachine()
    names = [*AGENTS, "sam"]
    steps: list[tuple[float, Callable[[], None]]] = [
        (3, lambda: machine.connect(rng.choice(AGENTS))),
        (1, lambda: machine.disconnect(rng.choice(AGENTS), rng.random() < 0.3)),
        (0.2, machine.restart),
        (2, lambda: machine.time_passes(rng.choice([0.0, 1.0, 30.0, 45.0, 61.0, 100.0]))),
        (
            5,
            lambda: machine.create_work(
                rng.choice(list(QUEUES)),
                rng.choice([None, None, None, *AGENTS]),
                rng.randint(0, 3),
                rng.choice([None, "+1 555 010 2030"]),
            ),
        ),
        (1, lambda: machine.customer(rng.randint(0, 1000), rng.random() < 0.3)),
        (
            0.5,
            lambda: machine.reset_presence(rng.choice(AGENTS), rng.choice(list(Presence))),
        ),
        (1.5, lambda: machine.set_presence(rng.choice(AGENTS), rng.choice(list(Presence)))),
        (
            6,
            lambda: machine.answer_offer(
                rng.randint(0, 4), rng.choice(names), rng.randint(0, 1000), rng.randint(0, 3)
            ),
        ),
        (
            5,
            lambda: machine.work_a_session(
                rng.randint(0, 4),
                rng.choice(names),
                rng.randint(0, 1000),
                rng.randint(0, 9),
                rng.choice(["chat", "voice", "free", "alice", "bob", "carol", "zed"]),
            ),
        ),
        (0.5, lambda: machine.dismiss_alert(rng.choice(AGENTS), rng.randint(0, 1000))),
    ]
    weights = [w for w, _ in steps]
    actions = [a for _, a in steps]
    for _ in range(400):
        rng.choices(actions, weights)[0]()
        machine.holds()
        machine.nothing_lost()
    # The walk did real work, not only refusals.
    assert machine.engine.ledger.counters.session > 1010
    # ...and closed items left memory along the way (or at restarts) while still counted.
    created = machine.engine.ledger.counters.work - 1000
    assert machine.engine.accounting()["closed"] > 0
    assert len(machine.engine.works.items) < created
