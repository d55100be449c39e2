"""Vanished clients: a client that stops answering pings is dropped and shown offline quickly."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import Event

from agent_desktop.protocol.messages import Agents, AgentUpdated, ListAgents
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.server.runner import RunningServer
from tests.support.servers import HEARTBEAT_S
from tests.wire import WireClient, connected, http_get, logged_in


async def connected_agents(server: RunningServer, supervisor: WireClient) -> int:
    assert supervisor.logged_in is not None
    bearer = {"Authorization": f"Bearer {supervisor.logged_in.token}"}
    _, _, body = await http_get(server.port, "/health", headers=bearer)
    count = json.loads(body)["connected_agents"]
    assert isinstance(count, int)
    return count


class PingCounter:
    """Counts the pings the client's websocket receives (it answers each by itself)."""

    def __init__(self, client: WireClient) -> None:
        self.count = 0
        self._arrived = asyncio.Event()
        process = client.ws.process_event

        def counting(event: Event) -> None:
            if isinstance(event, Frame) and event.opcode is Opcode.PING:
                self.count += 1
                self._arrived.set()
            process(event)

        client.ws.process_event = counting  # type: ignore[method-assign]

    async def at_least(self, pings: int) -> None:
        while self.count < pings:
            self._arrived.clear()
            await self._arrived.wait()


async def test_a_client_that_stops_answering_pings_is_marked_offline(
    fast_heartbeat_server: RunningServer,
) -> None:
    server = fast_heartbeat_server
    async with logged_in(server.url, "sam") as sam:
        listed = await sam.call(ListAgents(id=sam.next_id()))
        assert isinstance(listed, Agents)
        async with logged_in(server.url, "alice") as alice:
            # Answering pings keeps the link up across several heartbeats (counted as alice's
            # websocket receives them, not guessed from a sleep).
            async with asyncio.timeout(HEARTBEAT_S * 20):
                await PingCounter(alice).at_least(4)
            assert await connected_agents(server, sam) == 1

            # The machine freezes: the socket stays open but nothing is read, so no pong.
            # (ws.transport is public in websockets' asyncio connection.)
            alice.ws.transport.pause_reading()
            frozen_at = time.monotonic()
            async with asyncio.timeout(5):
                while True:
                    update = await sam.next_event(AgentUpdated)
                    if update.agent.agent == "alice" and not update.agent.connected:
                        break
            noticed_after = time.monotonic() - frozen_at
            assert update.agent.presence.presence is Presence.OFFLINE
            assert await connected_agents(server, sam) == 0
            # interval + timeout (+ the short close wait), with slack for a loaded 2-core machine.
            assert noticed_after < 2 * HEARTBEAT_S + HEARTBEAT_S / 4 + 0.4, noticed_after


async def test_one_timer_pings_every_connection_without_a_task_for_each(
    fast_heartbeat_server: RunningServer,
) -> None:
    server = fast_heartbeat_server
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(connected(server.url)) for _ in range(30)]
        counters = [PingCounter(client) for client in clients]
        # Every connection is pinged again and again (counted as each socket receives them)...
        async with asyncio.timeout(HEARTBEAT_S * 30):
            for counter in counters:
                await counter.at_least(3)
        # ...and still answers, so none was dropped: each can still talk to the server.
        for client in clients:
            await client.hello()
        # ...by the server's one sweep: no keepalive task per connection (the test runs the
        # server in this loop, so its tasks are visible here).
        assert [task for task in asyncio.all_tasks() if _server_keepalive(task)] == []


def _server_keepalive(task: asyncio.Task[object]) -> bool:
    """A task running websockets' keepalive for a connection of the server (the test's clients
    run their own)."""
    frame = getattr(task.get_coro(), "cr_frame", None)
    owner = frame.f_locals.get("self") if frame is not None else None
    return isinstance(owner, ServerConnection) and "keepalive" in repr(task.get_coro())
