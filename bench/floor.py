"""The floor: a bare websockets echo round trip on the same loopback, in one process.

Nothing of Agent Desktop is involved: it is what any websocket message costs on this machine,
measured in the same run as the figures it is compared with.
"""

from __future__ import annotations

import json
import time

from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from bench.stats import Summary, summarize

_PAYLOAD = json.dumps({"type": "echo", "id": "r1", "text": "x" * 200})
_WARMUP = 50


async def _echo(ws: ServerConnection) -> None:
    async for frame in ws:
        await ws.send(frame)


def websocket_round_trip_on_qt_loop(samples: int) -> Summary:
    """The same on the app's qasync loop (`agent_desktop.ui.qt_event_loop`), offscreen."""
    from bench.qt_loop import run_on_qt_loop

    return run_on_qt_loop(websocket_round_trip(samples))


async def websocket_round_trip(samples: int) -> Summary:
    """Round trips (s) of a ~230-byte text frame, default websockets settings on both sides."""
    async with serve(_echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}") as ws:
            times: list[float] = []
            for i in range(_WARMUP + samples):
                start = time.perf_counter()
                await ws.send(_PAYLOAD)
                await ws.recv()
                if i >= _WARMUP:
                    times.append(time.perf_counter() - start)
    return summarize(times)
