"""How a connection's frames leave: at once when nothing waits, in order when something does,
and uncompressed (no per-connection zlib state). Real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as sync_connect

from agent_desktop.clock import SystemClock
from agent_desktop.server.connection import Link
from agent_desktop.server.engine import ConnId
from agent_desktop.server.runner import RunningServer
from tests.wire import connected

WAIT_S = 5.0


@pytest.fixture
async def plain_server() -> AsyncIterator[tuple[Server, asyncio.Queue[ServerConnection]]]:
    arrived: asyncio.Queue[ServerConnection] = asyncio.Queue()

    async def handler(ws: ServerConnection) -> None:
        await arrived.put(ws)
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0, compression=None) as server:
        yield server, arrived


def _url(server: Server) -> str:
    return f"ws://127.0.0.1:{next(iter(server.sockets)).getsockname()[1]}"


@contextlib.asynccontextmanager
async def _client_in_thread(url: str) -> AsyncIterator[ClientConnection]:
    """A blocking client opened on its own thread: it can read while this loop is kept busy."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[ClientConnection] = loop.create_future()
    done = threading.Event()

    def hold_client() -> None:
        with sync_connect(url, compression=None, open_timeout=WAIT_S, close_timeout=1) as client:
            loop.call_soon_threadsafe(ready.set_result, client)
            done.wait(WAIT_S * 4)

    thread = threading.Thread(target=hold_client)
    thread.start()
    try:
        yield await asyncio.wait_for(ready, WAIT_S)
    finally:
        done.set()
        await asyncio.to_thread(thread.join, WAIT_S)  # its close handshake needs this loop


async def test_a_frame_posted_to_an_idle_connection_leaves_without_a_loop_turn(
    plain_server: tuple[Server, asyncio.Queue[ServerConnection]],
) -> None:
    server, arrived = plain_server
    async with _client_in_thread(_url(server)) as client:
        ws = await asyncio.wait_for(arrived.get(), WAIT_S)
        link = Link(ConnId(1), ws, SystemClock())
        await asyncio.sleep(0)  # the writer task starts and waits on its empty outbox
        link.post('{"type":"x"}')
        # The loop is not given back: only a frame written inside post() can reach the client.
        received = client.recv(timeout=WAIT_S)
        assert received == '{"type":"x"}'
        await link.stop()


async def test_frames_queued_behind_a_busy_writer_keep_their_order(
    plain_server: tuple[Server, asyncio.Queue[ServerConnection]],
) -> None:
    server, arrived = plain_server
    async with _client_in_thread(_url(server)) as client:
        ws = await asyncio.wait_for(arrived.get(), WAIT_S)
        link = Link(ConnId(1), ws, SystemClock())
        # Posted before the writer ever ran (not idle yet): queued; the rest must follow them.
        for n in range(200):
            link.post(f'{{"n":{n}}}')
        await asyncio.sleep(0)
        for n in range(200, 400):
            link.post(f'{{"n":{n}}}')
        frames = await asyncio.to_thread(lambda: [client.recv(timeout=WAIT_S) for _ in range(400)])
        assert frames == [f'{{"n":{n}}}' for n in range(400)]
        await link.stop()


async def test_the_server_declines_permessage_deflate(server: RunningServer) -> None:
    async with connected(server.url) as client:
        assert client.ws.protocol.extensions == []
