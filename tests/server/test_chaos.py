"""Chaos: a work stream and simulated agents while the server process is SIGKILLed at random
moments and restarted on the same data directory.

Afterwards every item the server acknowledged (`work_created`) still exists, no item is held in
two sessions, and no agent is over capacity or the 10-session limit (checked after every
restart too). Real processes, real SQLite, real sockets; bounded in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pytest
from websockets.exceptions import WebSocketException

from agent_desktop.protocol.codec import encode_text
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Agents,
    CloseSession,
    CreateWork,
    Error,
    GetWork,
    ListAgents,
    OfferAdded,
    SessionOpened,
    SetPresence,
    Snapshot,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    Channel,
    ErrorCode,
    Presence,
    QueueId,
    SessionId,
    WorkId,
)
from bench.population import PASSWORD, QUEUE, SUPERVISOR, Population
from tests.wire import ServerProcess, WireClient, connected, start_server_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KILLS: Final = 20
AGENTS: Final = 6
UP_S: Final = (0.15, 0.6)
"""How long the server runs between kills: random, so kills land at any moment of the work."""
LINK_ERRORS: Final = (OSError, WebSocketException, TimeoutError, AssertionError)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Chaos:
    url: str
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tokens: dict[str, str] = field(default_factory=dict)
    acknowledged: set[WorkId] = field(default_factory=set)
    sessions_seen: int = 0
    opened: dict[WorkId, set[tuple[str, SessionId]]] = field(default_factory=dict)
    """Every session opened for each item, by whom: more than one is an item assigned twice."""

    async def login(self, client: WireClient, user: str) -> Snapshot:
        await client.hello()
        token = self.tokens.get(user)
        await client.login(user, PASSWORD if token is None else None, token=token)
        assert client.logged_in is not None
        assert client.snapshot is not None
        self.tokens[user] = client.logged_in.token
        return client.snapshot

    async def forever(self, user: str, work: type[_Agent] | type[_Stream]) -> None:
        """Run one participant; when the link drops (the server died), come back."""
        while not self.stop.is_set():
            with contextlib.suppress(*LINK_ERRORS):
                async with connected(self.url) as client:
                    await work(self, user, client).run()
            await asyncio.sleep(random.uniform(0.02, 0.1))


class _Agent:
    """Accepts every offer at once and closes each session after a moment."""

    def __init__(self, chaos: Chaos, user: str, client: WireClient) -> None:
        self.chaos, self.user, self.client = chaos, user, client

    async def run(self) -> None:
        snapshot = await self.chaos.login(self.client, self.user)
        await self.send(SetPresence(id=self.client.next_id(), presence=Presence.AVAILABLE))
        for offer in snapshot.offers:
            await self.send(AcceptOffer(id=self.client.next_id(), offer_id=offer.offer_id))
        for session in snapshot.sessions:
            self.close_later(session.session_id)
        for message in self.client.events:
            await self.on(message)
        while True:  # until the link drops: receive() raises then
            await self.on(await self.client.receive(wait_s=60.0))

    async def on(self, message: object) -> None:
        if isinstance(message, OfferAdded):
            await self.send(AcceptOffer(id=self.client.next_id(), offer_id=message.offer.offer_id))
        elif isinstance(message, SessionOpened):
            self.chaos.sessions_seen += 1
            session = message.session
            holders = self.chaos.opened.setdefault(session.work.work_id, set())
            holders.add((self.user, session.session_id))
            self.close_later(session.session_id)

    async def send(self, message: AcceptOffer | SetPresence | CloseSession) -> None:
        # Replies are not awaited: refusals (an offer that expired meanwhile) change nothing.
        await self.client.ws.send(encode_text(message))

    def close_later(self, session_id: SessionId) -> None:
        async def close() -> None:
            await asyncio.sleep(random.uniform(0.05, 0.4))
            with contextlib.suppress(*LINK_ERRORS):
                await self.send(CloseSession(id=self.client.next_id(), session_id=session_id))

        task = asyncio.get_running_loop().create_task(close())
        _background.add(task)
        task.add_done_callback(_background.discard)


_background: set[asyncio.Task[None]] = set()


class _Stream:
    """The customers: a chat every few milliseconds; only an acknowledged one must survive."""

    def __init__(self, chaos: Chaos, user: str, client: WireClient) -> None:
        self.chaos, self.user, self.client = chaos, user, client

    async def run(self) -> None:
        await self.chaos.login(self.client, self.user)
        index = 0
        while not self.chaos.stop.is_set():
            index += 1
            reply = await self.client.request(
                CreateWork(
                    id=self.client.next_id(),
                    channel=Channel.CHAT,
                    queue=QueueId(QUEUE),
                    customer_name=f"Chaos {index}",
                )
            )
            assert isinstance(reply, WorkCreated), reply
            self.chaos.acknowledged.add(reply.work.work_id)
            await asyncio.sleep(0.01)


def over_limits(agents: Agents) -> list[str]:
    return [
        f"{row.agent}: capacity {row.capacity_used}/{row.capacity}, {row.sessions} sessions"
        for row in agents.agents
        if row.capacity_used > row.capacity or row.sessions > MAX_SESSIONS
    ]


async def audit(url: str, chaos: Chaos, work_ids: Iterable[WorkId]) -> tuple[int, list[str]]:
    """(items found, problems): every acknowledged item exists, none is in two sessions, no
    agent is over a limit."""
    problems: list[str] = []
    found = 0
    async with connected(url) as sup:
        await chaos.login(sup, SUPERVISOR)
        listed = await sup.call(ListAgents(id=sup.next_id()))
        assert isinstance(listed, Agents)
        problems += over_limits(listed)
        holder: dict[WorkId, SessionId] = {}
        for work_id in sorted(work_ids):
            info = await sup.request(GetWork(id=sup.next_id(), work_id=work_id))
            if isinstance(info, Error):
                assert info.code is ErrorCode.UNKNOWN_WORK, info
                problems.append(f"{work_id} was acknowledged and is gone")
                continue
            assert isinstance(info, WorkInfo)
            found += 1
            if info.session_id is not None:
                holder[work_id] = info.session_id
    # Each agent's own view: no item in two sessions, across all agents.
    seen: dict[WorkId, str] = {}
    for index in range(AGENTS):
        name = Population(agents=AGENTS).agent_names[index]
        async with connected(url) as agent:
            snapshot = await chaos.login(agent, name)
        for session in snapshot.sessions:
            work_id = session.work.work_id
            if work_id in seen:
                problems.append(f"{work_id} is in sessions of {seen[work_id]} and {name}")
            seen[work_id] = name
            if holder.get(work_id) not in (None, session.session_id):
                problems.append(f"{work_id}: {name} holds {session.session_id}, server says "
                                f"{holder.get(work_id)}")  # fmt: skip
    return found, problems


async def test_sigkill_under_a_work_stream_loses_and_doubles_nothing(tmp_path: Path) -> None:
    population = Population(agents=AGENTS)
    config = population.write(tmp_path / "chaos.toml")
    port = free_port()
    args = ("--port", str(port), "--data", str(tmp_path / "data"), "--config", str(config))
    log = tmp_path / "server.log"
    server: ServerProcess = await start_server_process(*args, stderr_path=log)
    chaos = Chaos(url=server.url)
    rng = random.Random()
    participants = [
        asyncio.create_task(chaos.forever(name, _Agent)) for name in population.agent_names
    ]
    participants.append(asyncio.create_task(chaos.forever(SUPERVISOR, _Stream)))
    mid_run: list[str] = []
    try:
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(*UP_S))
            await server.kill()
            server = await start_server_process(*args, stderr_path=log)
            # Right after a restart, from persisted state alone: nobody over a limit.
            async with connected(server.url) as sup:
                await chaos.login(sup, SUPERVISOR)
                listed = await sup.call(ListAgents(id=sup.next_id()))
                assert isinstance(listed, Agents)
                mid_run += over_limits(listed)
        await asyncio.sleep(0.5)
        chaos.stop.set()
        for task in participants:
            task.cancel()
        await asyncio.gather(*participants, return_exceptions=True)
        found, problems = await audit(server.url, chaos, chaos.acknowledged)
    finally:
        chaos.stop.set()
        for task in participants:
            task.cancel()
        await asyncio.gather(*participants, return_exceptions=True)
        await server.kill()
    assert mid_run == []
    assert problems == []
    assert {w: h for w, h in chaos.opened.items() if len(h) > 1} == {}
    assert found == len(chaos.acknowledged)
    # The run did real work across the kills, not just restarts.
    assert len(chaos.acknowledged) >= KILLS * 5, len(chaos.acknowledged)
    assert chaos.sessions_seen >= KILLS, chaos.sessions_seen
    print(
        f"chaos: {KILLS} SIGKILLs, {len(chaos.acknowledged)} items acknowledged, all found; "
        f"{chaos.sessions_seen} sessions opened; 0 lost, 0 doubled, 0 over a limit"
    )
