"""Item 4 — durability cost: the routing engine driven directly, with the SQLite store (WAL,
one commit per accepted command, as the server runs with `--data`) and with the in-memory
store. Each item is created, offered, accepted and closed: four commits on SQLite.

In-process, so the engine's own `invariant_violations()` and `accounting()` are checked at
the end. The same comparison over real sockets is item 2's run with `--data` (`routing.py`).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import msgspec

from agent_desktop.clock import SystemClock
from agent_desktop.protocol.messages import (
    AcceptOffer,
    CloseSession,
    CreateWork,
    OfferAdded,
    SessionOpened,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Channel, Presence, QueueId, Role, UserId
from agent_desktop.server.config_loader import parse_config
from agent_desktop.server.engine import ConnId, Delivery, Engine, Principal
from agent_desktop.server.store import MemoryStore, SqliteStore, Store
from bench.population import QUEUE, SUPERVISOR, Population


class EngineThroughput(msgspec.Struct, frozen=True):
    store: str
    agents: int
    items: int
    seconds: float
    items_per_s: float
    commands_per_s: float
    accounting: dict[str, int]
    violations: list[str]


class DurabilityCost(msgspec.Struct, frozen=True):
    memory: EngineThroughput
    sqlite: EngineThroughput
    sqlite_vs_memory: float
    """SQLite throughput as a fraction of in-memory throughput."""


def _offers(deliveries: list[Delivery]) -> list[tuple[UserId, OfferAdded]]:
    return [(d.to, d.message) for d in deliveries if isinstance(d.message, OfferAdded)]


def _sessions(deliveries: list[Delivery]) -> list[SessionOpened]:
    return [d.message for d in deliveries if isinstance(d.message, SessionOpened)]


def engine_throughput(store: Store, store_name: str, agents: int, items: int) -> EngineThroughput:
    population = Population(agents=agents)
    engine = Engine(parse_config(population.toml()), store, SystemClock())
    principals: dict[UserId, tuple[Principal, ConnId]] = {}
    for index, name in enumerate(population.agent_names, start=1):
        principal = Principal(UserId(name), Role.AGENT)
        engine.connect(principal, ConnId(index))
        engine.handle(principal, ConnId(index), SetPresence(id="p", presence=Presence.AVAILABLE))
        principals[principal.user] = (principal, ConnId(index))
    tester = Principal(UserId(SUPERVISOR), Role.SUPERVISOR)
    tester_conn = ConnId(agents + 1)
    engine.connect(tester, tester_conn)
    commands = 0
    violations: list[str] = []
    check_every = max(1, items // 20)
    checking = 0.0
    start = time.perf_counter()
    for index in range(items):
        if index % check_every == 0:
            # "No agent ever exceeded": check along the way, and keep the time out of the figure.
            began = time.perf_counter()
            violations += engine.invariant_violations()
            checking += time.perf_counter() - began
        _, deliveries = engine.handle(
            tester,
            tester_conn,
            CreateWork(
                id="w", channel=Channel.CHAT, queue=QueueId(QUEUE), customer_name=f"C{index}"
            ),
        )
        commands += 1
        for user, added in _offers(deliveries):
            principal, conn = principals[user]
            _, accepted = engine.handle(
                principal, conn, AcceptOffer(id="a", offer_id=added.offer.offer_id)
            )
            commands += 1
            for opened in _sessions(accepted):
                engine.handle(
                    principal, conn, CloseSession(id="c", session_id=opened.session.session_id)
                )
                commands += 1
    seconds = time.perf_counter() - start - checking
    violations += engine.invariant_violations()
    result = EngineThroughput(
        store=store_name,
        agents=agents,
        items=items,
        seconds=seconds,
        items_per_s=items / seconds,
        commands_per_s=commands / seconds,
        accounting=engine.accounting(),
        violations=violations[:20],
    )
    store.close()
    return result


def durability_cost(agents: int, items: int) -> DurabilityCost:
    memory = engine_throughput(MemoryStore(), "memory", agents, items)
    with tempfile.TemporaryDirectory(prefix="bench-durability-") as tmp:
        sqlite = engine_throughput(
            SqliteStore(Path(tmp) / "state.sqlite3"), "sqlite", agents, items
        )
    return DurabilityCost(
        memory=memory, sqlite=sqlite, sqlite_vs_memory=sqlite.items_per_s / memory.items_per_s
    )
