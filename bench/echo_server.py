"""`python -m bench.echo_server`: the floor's echo server in a process of its own.

A bare websockets echo server (default settings) on 127.0.0.1, any free port; prints
`port N` once listening and serves until stdin closes or the process is terminated."""

from __future__ import annotations

import asyncio
import sys

from websockets.asyncio.server import serve

from bench.floor import echo


async def _serve() -> None:
    async with serve(echo, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"port {port}", flush=True)
        # stdin closing (the parent ended) stops it, even if the parent could not terminate it.
        await asyncio.to_thread(sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(_serve())
