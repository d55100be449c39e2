"""What routing leaves behind for the garbage collector: objects that outlive the request.

Each object a routed item leaves alive is walked by every young collection it survives and then
by the generation-1 collection that promotes it. At 10,000 agents and 200 items a second those
walks were pauses of 100 ms and more (docs/BENCHMARKS.md, target 1). These tests count the
survivors, never time them: the engine with a real SQLite file, and the heartbeat with real
websocket connections.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.frames import Frame, Opcode
from websockets.protocol import Event

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import (
    AcceptOffer,
    CloseSession,
    CreateWork,
    OfferAdded,
    SessionOpened,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Channel, Presence, QueueId, Role, UserId
from agent_desktop.server.engine import ConnId, Delivery, Engine, Principal
from agent_desktop.server.heartbeat import Heartbeat
from agent_desktop.server.store import SqliteStore
from tests.server.engine_fixtures import make_config, queue

E = TypeVar("E")

AGENTS = 200
WARM_UP = 600
"""Items routed before counting: every agent has had work (its per-agent records exist)."""
ITEMS = 2000
MAX_SURVIVORS_PER_ITEM = 0.5
"""Before closed work left memory at once and the presence timeline was kept encoded, each
routed item left ~19 tracked objects alive (its work and offer records, their history, the
notification, two timeline entries)."""


class RoutingDriver:
    """Agents that accept every offer and close each session at once, as the benchmark's do."""

    def __init__(self, engine: Engine, clock: ManualClock, agents: list[str]) -> None:
        self.engine = engine
        self.clock = clock
        self.agents: dict[UserId, tuple[Principal, ConnId]] = {}
        for number, name in enumerate(agents, start=1):
            principal = Principal(UserId(name), Role.AGENT)
            engine.connect(principal, ConnId(number))
            engine.handle(
                principal, ConnId(number), SetPresence(id="p", presence=Presence.AVAILABLE)
            )
            self.agents[principal.user] = (principal, ConnId(number))
        self.tester = Principal(UserId("sam"), Role.SUPERVISOR)
        self.tester_conn = ConnId(len(agents) + 1)
        engine.connect(self.tester, self.tester_conn)

    def route(self, items: int) -> None:
        for index in range(items):
            self.clock.advance(0.005)  # 200 items a second
            self.engine.tick()
            request = CreateWork(
                id="w", channel=Channel.CHAT, queue=QueueId("chat"), customer_name=f"C{index}"
            )
            _, deliveries = self.engine.handle(self.tester, self.tester_conn, request)
            for to, added in _events(deliveries, OfferAdded):
                principal, conn = self.agents[to]
                accept = AcceptOffer(id="a", offer_id=added.offer.offer_id)
                _, accepted = self.engine.handle(principal, conn, accept)
                for _, opened in _events(accepted, SessionOpened):
                    close = CloseSession(id="c", session_id=opened.session.session_id)
                    self.engine.handle(principal, conn, close)


def _events(deliveries: list[Delivery], kind: type[E]) -> Iterator[tuple[UserId, E]]:
    for delivery in deliveries:
        if isinstance(delivery.message, kind):
            yield delivery.to, delivery.message


def tracked_growth(action: object) -> int:
    """Objects the collector tracks after `action()` minus before, cyclic garbage collected."""
    assert callable(action)
    gc.collect()
    gc.freeze()  # only what is made from here on is counted (and counting it is quick)
    try:
        before = len(gc.get_objects())
        action()
        gc.collect()
        return len(gc.get_objects()) - before
    finally:
        gc.unfreeze()


def test_routed_and_closed_items_leave_almost_nothing_for_the_collector(tmp_path: Path) -> None:
    names = [f"agent{i:04d}" for i in range(AGENTS)]
    config = make_config(agents=names, queues=[queue("chat", Channel.CHAT)])
    store = SqliteStore(tmp_path / "state.sqlite3")
    clock = ManualClock()
    engine = Engine(config, store, clock)
    try:
        driver = RoutingDriver(engine, clock, names)
        driver.route(WARM_UP)
        growth = tracked_growth(lambda: driver.route(ITEMS))
        assert engine.invariant_violations() == []
        assert engine.accounting()["closed"] == WARM_UP + ITEMS
        assert growth / ITEMS < MAX_SURVIVORS_PER_ITEM, f"{growth} objects for {ITEMS} items"
    finally:
        store.close()


class PingSeen:
    """Set once the client's websocket received a ping (it answers each by itself)."""

    def __init__(self, client: ClientConnection) -> None:
        self.arrived = asyncio.Event()
        process = client.process_event

        def seeing(event: Event) -> None:
            if isinstance(event, Frame) and event.opcode is Opcode.PING:
                self.arrived.set()
            process(event)

        client.process_event = seeing  # type: ignore[method-assign]


async def test_the_heartbeat_schedule_is_nothing_the_collector_walks() -> None:
    """Two schedule entries per connection live a whole interval: after one collection the
    collector no longer tracks them (before, each held its connection and stayed tracked)."""
    heartbeat = Heartbeat(interval_s=0.05, timeout_s=1.0)

    async def handler(ws: ServerConnection) -> None:
        heartbeat.watch(ws)
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        clients = [await connect(f"ws://127.0.0.1:{port}") for _ in range(5)]
        pinged = [PingSeen(client) for client in clients]
        try:
            async with asyncio.timeout(5):
                for seen in pinged:
                    await seen.arrived.wait()
            gc.collect()
            schedule = [*heartbeat._due, *heartbeat._waiting]
            assert len(schedule) >= 10
            assert not any(gc.is_tracked(entry) for entry in schedule)
        finally:
            heartbeat.stop()
            for client in clients:
                await client.close()


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    """The counts mean nothing with the collector off (a test before may have left it so)."""
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()
