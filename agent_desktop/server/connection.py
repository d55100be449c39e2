"""One websocket connection of the server: who is on it, what waits to be sent, when it ends.

Each connection has one outbox drained by one writer task, so its frames leave in exactly the
order the engine produced them, and a slow or dead client never holds up anyone else. When the
outbox is empty and the socket takes data without waiting, a frame is written at once instead:
the hop through the writer task is a turn of the event loop on every offer's path.

Delivery is proved, not assumed: a frame handed to the socket may sit in a buffer of a frozen
machine. After each burst of writes the link pings (one ping in flight at most); the pong proves
that everything written before the ping arrived, and `proved_until` moves to the time the last
of those frames was posted. The engine holds only offers sent before that time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from typing import Final

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.protocol import State

from agent_desktop.clock import Clock
from agent_desktop.protocol.codec import CLOSE_TOKEN_EXPIRED, encode_text
from agent_desktop.protocol.messages import ServerMessage
from agent_desktop.server.engine import ConnId, Principal

log = logging.getLogger(__name__)

MAX_OUTBOX: Final = 5_000
"""Frames queued for one client before it counts as stuck and is disconnected."""


class Link:
    """One websocket connection: who is on it (once logged in) and what waits to be sent."""

    def __init__(self, conn_id: ConnId, ws: ServerConnection, clock: Clock) -> None:
        self.conn_id = conn_id
        self.ws = ws
        self.clock = clock
        self.negotiated = False
        self.principal: Principal | None = None
        self.tokens: set[str] = set()
        self.said_goodbye = False
        peer = ws.remote_address
        self.source = str(peer[0]) if peer else "unknown"
        """The client's IP address, as the login guard counts it."""
        self._outbox: asyncio.Queue[str | None] = asyncio.Queue()
        self._writer_idle = False
        """The writer waits on an empty outbox: nothing of ours is queued or being sent."""
        self._writer = asyncio.create_task(self._write(), name=f"writer-{conn_id}")
        self._closer: asyncio.Task[None] | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self.proved_until = -math.inf
        """Every frame posted up to this clock time is known to have reached the client."""
        self._posted = 0
        self._posted_at = -math.inf
        self._written: tuple[int, float] = (0, -math.inf)
        self._proved = 0
        self._prover: asyncio.Task[None] | None = None

    def expire_after(self, seconds: float) -> None:
        """Close the connection when its login's token expires: a signed-in link must not
        outlive its credentials. The client's resume is then refused and it asks for a password."""
        self._expiry = asyncio.get_running_loop().call_later(
            max(0.0, seconds),
            self.close_now,
            CLOSE_TOKEN_EXPIRED,
            "session token expired; log in again",
        )

    def close_now(self, code: int, reason: str) -> None:
        """Close from the server's side with a code and reason the client can show."""
        if self._closer is None:
            self._closer = asyncio.create_task(self.ws.close(code, reason), name="close-link")

    def post(self, frame: str) -> None:
        if self._closer is not None:
            return
        if self._outbox.qsize() >= MAX_OUTBOX:
            # A client that stopped reading must not make the server hold its events forever:
            # drop it; the engine's grace rules apply and it resyncs from the next snapshot.
            log.warning("connection %s is not reading; disconnecting it", self.conn_id)
            self._writer.cancel()
            self._closer = asyncio.create_task(
                self.ws.close(CloseCode.TRY_AGAIN_LATER, "not reading"), name="close-stuck"
            )
            return
        self._posted += 1
        self._posted_at = self.clock.now()
        if self._writer_idle and self._outbox.empty() and self._write_now(frame):
            self._all_written()
            return
        self._outbox.put_nowait(frame)

    def _write_now(self, frame: str) -> bool:
        """Hand `frame` to the transport now if that cannot wait or reorder; False otherwise.

        This is what `ws.send` does for a text frame when the connection is open, no fragmented
        message is in progress and the transport is not paused (it then finishes without
        yielding); any other case goes through the writer, which waits properly."""
        ws = self.ws
        if (
            ws.protocol.state is not State.OPEN
            or ws.send_in_progress is not None
            or ws.paused
            or ws.transport.is_closing()
        ):
            return False
        ws.protocol.send_text(frame.encode())
        ws.send_data()
        return True

    def send(self, message: ServerMessage) -> None:
        self.post(encode_text(message))

    async def flush_and_close(self, code: CloseCode = CloseCode.NORMAL_CLOSURE) -> None:
        """Send what is queued, then close: the last reply (logout ack, version error) arrives."""
        self._outbox.put_nowait(None)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(self._writer)
        await self.ws.close(code)

    async def stop(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        if self._prover is not None:
            self._prover.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._prover
        if self._closer is not None:
            await self._closer

    async def _write(self) -> None:
        while True:
            self._writer_idle = self._outbox.empty()
            frame = await self._outbox.get()
            self._writer_idle = False
            if frame is None:
                return
            try:
                await self.ws.send(frame)
            except ConnectionClosed:
                return
            if self._outbox.empty():
                self._all_written()

    def _all_written(self) -> None:
        """Everything posted so far is in the socket: have it proved (one ping in flight)."""
        if self.principal is None:
            return  # before login there is nothing the engine could hold
        self._written = (self._posted, self._posted_at)
        if self._prover is None:
            self._prover = asyncio.create_task(self._prove(), name=f"prove-{self.conn_id}")

    async def _prove(self) -> None:
        try:
            while self._written[0] > self._proved:
                count, posted_at = self._written
                pong = await self.ws.ping()
                await pong
                self._proved = count
                self.proved_until = max(self.proved_until, posted_at)
        except ConnectionClosed:
            pass
        finally:
            self._prover = None
