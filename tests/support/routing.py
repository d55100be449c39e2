"""A real routing service on 127.0.0.1 for ETA tests: OSRM's route API over real HTTP.

An asyncio server (on the test's own loop) that answers
`GET /route/v1/{profile}/{lon},{lat};{lon},{lat}?overview=false` the way OSRM does:
`{"code": "Ok", "routes": [{"duration": s, "distance": m}]}` with the duration the test set for
that pair of points, and records every request. A test scripts the next answers' failures:
`hang` (never answers), an HTTP status with a body, or any raw body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Final

ROUTE: Final = re.compile(
    r"^/route/v1/(?P<profile>[a-z0-9_-]+)/"
    r"(?P<lon1>-?[\d.]+),(?P<lat1>-?[\d.]+);(?P<lon2>-?[\d.]+),(?P<lat2>-?[\d.]+)"
    r"\?overview=false$"
)


@dataclass(frozen=True)
class Failure:
    status: int = 200
    body: bytes = b""
    hang: bool = False
    """Accept the request and never answer (the client's timeout must end it)."""


HANG: Final = Failure(hang=True)


@dataclass
class RoutingService:
    url: str = ""
    duration_s: float = 1200.0
    """The duration of every route asked for, unless `failures` says otherwise."""
    failures: list[Failure] = field(default_factory=list)
    """Answers to the next requests, in order; a real route once empty."""
    requests: list[str] = field(default_factory=list)
    """The path (with query) of every request, in arrival order."""
    routes: list[tuple[float, float, float, float]] = field(default_factory=list)
    """(lon1, lat1, lon2, lat2) of every route answered."""
    _closing: asyncio.Event = field(default_factory=asyncio.Event)
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        task.add_done_callback(self._handlers.discard)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            self.requests.append(target)
            failure = self.failures.pop(0) if self.failures else None
            if failure is not None and failure.hang:
                await self._closing.wait()
                return
            if failure is not None:
                await self._answer(writer, failure.status, failure.body)
                return
            match = ROUTE.match(target)
            if method != "GET" or match is None:
                await self._answer(writer, 400, b'{"code": "InvalidUrl"}')
                return
            points = tuple(float(match[name]) for name in ("lon1", "lat1", "lon2", "lat2"))
            assert len(points) == 4
            self.routes.append(points)
            body = {
                "code": "Ok",
                "routes": [{"duration": self.duration_s, "distance": 12_345.6, "legs": []}],
                "waypoints": [],
            }
            await self._answer(writer, 200, json.dumps(body).encode())
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    @staticmethod
    async def _answer(writer: asyncio.StreamWriter, status: int, body: bytes) -> None:
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()


@contextlib.asynccontextmanager
async def routing_service() -> AsyncIterator[RoutingService]:
    service = RoutingService()
    server = await asyncio.start_server(service.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    service.url = f"http://127.0.0.1:{port}"
    try:
        async with server:
            yield service
    finally:
        # Let hanging handlers answer nothing and close, so none is left for the loop's
        # shutdown to cancel half-way.
        service._closing.set()
        if service._handlers:
            async with asyncio.timeout(5):
                await asyncio.gather(*service._handlers, return_exceptions=True)
