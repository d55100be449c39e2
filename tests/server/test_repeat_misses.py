"""Repeat misses (rule 14): N missed offers in M minutes take the agent out of queue routing
for K minutes, with its own alert and reason, until the time is up or a supervisor clears it."""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    AgentUpdated,
    AlertRaised,
    ClearPenalty,
    CreateWork,
    ListAgents,
    OfferAdded,
    PresenceChanged,
    ResetPresence,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import (
    AlertKind,
    Channel,
    ErrorCode,
    Presence,
    QueueId,
    Reason,
    UserId,
)
from agent_desktop.server.config import RepeatMisses, ServerConfig
from agent_desktop.server.runner import running_server
from tests.server.engine_fixtures import EngineHarness, harness, make_config
from tests.wire import logged_in

ALICE = UserId("alice")
WAIT = 120.0  # the chat template's offer timeout
RULE = RepeatMisses(count=3, window_s=600, penalty_s=300)


def config(rule: RepeatMisses = RULE) -> ServerConfig:
    return msgspec.structs.replace(make_config(agents=["alice"]), repeat_misses=rule)


def miss(h: EngineHarness) -> None:
    """A chat offered to alice directly, and not answered."""
    h.create(Channel.CHAT, agent=ALICE)
    h.tick(WAIT)


def kinds(h: EngineHarness) -> list[tuple[AlertKind, Reason | None]]:
    return [(a.alert.kind, a.alert.reason) for a in h.events("alice", AlertRaised)]


PENALTY = (AlertKind.MISSED, Reason.REPEAT_MISSES)


def test_the_nth_miss_in_the_window_takes_the_agent_out_of_routing_for_the_penalty() -> None:
    h = harness(config(), login=["sam", "alice"])
    for _ in range(3):
        miss(h)
    plain = (AlertKind.MISSED, None)
    assert kinds(h) == [plain, plain, PENALTY]
    info = h.events("alice", PresenceChanged)[-1].presence
    assert (info.presence, info.reason) == (Presence.INACTIVE, Reason.REPEAT_MISSES)
    penalty_until = h.clock.now() + RULE.penalty_s
    assert h.engine.views.snapshot(ALICE).penalty_until == penalty_until
    # Setting herself Available does not lift it: no work from the queue, the alert stays.
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AVAILABLE))
    offers = len(h.events("alice", OfferAdded))
    h.create(Channel.CHAT)
    assert len(h.events("alice", OfferAdded)) == offers
    assert [(a.kind, a.reason) for a in h.engine.alerts.of(ALICE)] == [PENALTY]
    h.ok()
    h.tick(RULE.penalty_s - 1)
    assert len(h.events("alice", OfferAdded)) == offers
    h.tick(1)
    # The three missed chats and the new one waited in the queue: offered to her at once.
    assert len(h.events("alice", OfferAdded)) == offers + 4
    assert h.engine.alerts.of(ALICE) == []
    assert h.engine.views.snapshot(ALICE).penalty_until is None
    h.ok()


def test_misses_older_than_the_window_do_not_count() -> None:
    h = harness(config(), login=["sam", "alice"])
    miss(h)
    h.tick(RULE.window_s)
    miss(h)
    miss(h)
    assert PENALTY not in kinds(h)
    assert h.engine.presences.agents[ALICE].penalty_until is None


def test_off_by_default() -> None:
    h = harness(make_config(agents=["alice"]), login=["sam", "alice"])
    for _ in range(5):
        miss(h)
    assert set(kinds(h)) == {(AlertKind.MISSED, None)}


def test_the_supervisor_sees_and_clears_the_penalty() -> None:
    h = harness(config(), login=["sam", "alice"])
    h.call("sam", ListAgents(id=h.rid()))
    for _ in range(3):
        miss(h)
    rows = [u.agent for u in h.events("sam", AgentUpdated) if u.agent.agent == ALICE]
    assert rows[-1].penalty_until == h.clock.now() + RULE.penalty_s
    assert rows[-1].presence.reason is Reason.REPEAT_MISSES
    assert h.refused("alice", ClearPenalty(id=h.rid(), agent=ALICE)) is ErrorCode.FORBIDDEN
    unknown = ClearPenalty(id=h.rid(), agent=UserId("nobody"))
    assert h.refused("sam", unknown) is ErrorCode.UNKNOWN_AGENT
    assert isinstance(h.call("sam", ClearPenalty(id=h.rid(), agent=ALICE)), Ack)
    listed = h.call("sam", ListAgents(id=h.rid()))
    assert isinstance(listed, Agents)
    assert next(a for a in listed.agents if a.agent == ALICE).penalty_until is None
    assert Reason.REPEAT_MISSES not in [a.reason for a in h.engine.alerts.of(ALICE)]
    h.ok()


def test_a_presence_reset_clears_the_penalty_too() -> None:
    h = harness(config(), login=["sam", "alice"])
    for _ in range(3):
        miss(h)
    h.call("sam", ResetPresence(id=h.rid(), agent=ALICE))
    assert h.engine.presences.agents[ALICE].penalty_until is None
    h.create(Channel.CHAT)
    assert h.engine.offers.count(ALICE) == 4  # routed again: the three missed and the new one
    h.ok()


async def test_repeat_misses_over_real_sockets(demo_config: ServerConfig) -> None:
    templates = dict(demo_config.templates)
    templates["chat"] = msgspec.structs.replace(templates["chat"], wait_time_s=0.3)
    cfg = msgspec.structs.replace(
        demo_config,
        templates=templates,
        repeat_misses=RepeatMisses(count=1, window_s=60, penalty_s=120),
    )
    async with (
        running_server(cfg) as server,
        logged_in(server.url, "alice") as alice,
        logged_in(server.url, "sam") as sam,
    ):
        await sam.request(ListAgents(id=sam.next_id()))
        await sam.request(
            CreateWork(id=sam.next_id(), channel=Channel.CHAT, queue=QueueId("chat"), agent=ALICE)
        )
        await alice.next_event(OfferAdded)
        alert = (await alice.next_event(AlertRaised)).alert
        assert (alert.kind, alert.reason) == PENALTY
        while True:
            row = (await sam.next_event(AgentUpdated)).agent
            if row.agent == ALICE and row.penalty_until is not None:
                break
        assert isinstance(await sam.request(ClearPenalty(id=sam.next_id(), agent=ALICE)), Ack)
        while True:
            row = (await sam.next_event(AgentUpdated)).agent
            if row.agent == ALICE and row.penalty_until is None:
                break
