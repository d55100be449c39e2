"""A TCP proxy on loopback that delays, blackholes and cuts connections mid-frame.

Put it between a client and the server: the client connects to `proxy.url`, each of its TCP
connections is forwarded to the server's port. Faults are switched by the test:

- `delay_s = (low, high)`: every chunk waits a random time in that range (order is kept);
- `blackhole()`: data in both directions is swallowed while the TCP connections stay up, as on
  a dead Wi-Fi; `restore()` ends it and aborts the connections that lived through it (their
  byte streams have holes and can never be valid websocket streams again);
- `cut()`: the next chunk server -> client is forwarded only in part, then both sides are
  aborted (RST): a websocket frame cut in the middle.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field
from typing import Final

_CHUNK: Final = 65_536
_CUT_WAIT_S: Final = 1.0
"""A cut waits this long for a chunk to cut in two; on an idle link it then just aborts."""


@dataclass(eq=False)
class _Pair:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        for writer in (self.client, self.server):
            transport = writer.transport
            if not transport.is_closing():
                transport.abort()


class FaultyLink:
    def __init__(self, target_port: int, *, rng: random.Random | None = None) -> None:
        self._target = target_port
        self._rng = rng or random.Random()
        self._server: asyncio.Server | None = None
        self._pairs: set[_Pair] = set()
        self._blackholed: set[_Pair] = set()
        self._cut: asyncio.Event | None = None
        self.delay_s: tuple[float, float] = (0.0, 0.0)
        self.blackholing = False
        self.connections = 0
        self.cuts = 0
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        for pair in list(self._pairs):
            pair.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def blackhole(self) -> None:
        self.blackholing = True
        self._blackholed = set(self._pairs)

    def restore(self) -> None:
        self.blackholing = False
        for pair in self._blackholed:
            pair.abort()
        self._blackholed = set()

    async def cut(self) -> None:
        """Cut the live connections in the middle of the next chunk from the server."""
        self._cut = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_CUT_WAIT_S):
                await self._cut.wait()
        self._cut = None
        for pair in list(self._pairs):
            pair.abort()
        self.cuts += 1

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target)
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        pair = _Pair(client=writer, server=up_writer)
        self._pairs.add(pair)
        pair.tasks = [
            asyncio.create_task(self._pump(reader, up_writer, pair, from_server=False)),
            asyncio.create_task(self._pump(up_reader, writer, pair, from_server=True)),
        ]
        await asyncio.gather(*pair.tasks, return_exceptions=True)
        pair.abort()
        self._pairs.discard(pair)

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pair: _Pair,
        *,
        from_server: bool,
    ) -> None:
        try:
            while data := await reader.read(_CHUNK):
                low, high = self.delay_s
                if high > 0:
                    await asyncio.sleep(self._rng.uniform(low, high))
                if self.blackholing or pair in self._blackholed:
                    continue
                if from_server and self._cut is not None and len(data) > 1:
                    writer.write(data[: self._rng.randrange(1, len(data))])
                    await writer.drain()
                    self._cut.set()
                    return
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            return
        finally:
            pair.abort()
