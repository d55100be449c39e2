"""The floor: a bare websockets echo round trip on the same loopback, in one process.

Nothing of Agent Desktop is involved: it is what any websocket message costs on this machine,
measured in the same run as the figures it is compared with. The cross-process variant (echo
server in a process of its own, as the routing server is) is reported beside it, not as the
figure of record.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from bench.stats import Summary, summarize

_PAYLOAD = json.dumps({"type": "echo", "id": "r1", "text": "x" * 200})
_WARMUP = 50


async def echo(ws: ServerConnection) -> None:
    async for frame in ws:
        await ws.send(frame)


def websocket_round_trip_on_qt_loop(samples: int) -> Summary:
    """The same on the app's qasync loop (`agent_desktop.ui.qt_event_loop`), offscreen."""
    from bench.qt_loop import run_on_qt_loop

    return run_on_qt_loop(websocket_round_trip(samples))


def websocket_round_trip_cross_process_on_qt_loop(samples: int) -> Summary:
    """The echo server in a process of its own (`bench.echo_server`), the client on the app's
    qasync loop: the offer path's shape (server process -> app) without any of its work."""
    from bench.qt_loop import run_on_qt_loop

    server = subprocess.Popen(
        [sys.executable, "-m", "bench.echo_server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            raise RuntimeError(f"the echo server did not start (exit code {server.poll()})")
        return run_on_qt_loop(_round_trips(f"ws://127.0.0.1:{line[1]}", samples))
    finally:
        server.terminate()
        server.wait(15)


async def websocket_round_trip(samples: int) -> Summary:
    """Round trips (s) of a ~230-byte text frame, default websockets settings on both sides."""
    async with serve(echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        return await _round_trips(f"ws://127.0.0.1:{port}", samples)


async def _round_trips(url: str, samples: int) -> Summary:
    async with connect(url) as ws:
        times: list[float] = []
        for i in range(_WARMUP + samples):
            start = time.perf_counter()
            await ws.send(_PAYLOAD)
            await ws.recv()
            if i >= _WARMUP:
                times.append(time.perf_counter() - start)
    return summarize(times)
