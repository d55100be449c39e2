"""A small protocol client for tests: connect, hello, login, requests and pushed events.

It speaks the real protocol over a real websocket, so a test reads like what a client does:

    async with logged_in(server.url, "alice") as alice:
        reply = await alice.request(SetPresence(id=alice.next_id(), presence=Presence.AWAY))
        event = await alice.next_event(PresenceChanged)
"""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar, cast, get_args

from websockets.asyncio.client import ClientConnection

from agent_desktop.protocol.client import ProtocolClient
from agent_desktop.protocol.codec import PROTOCOL_VERSION, ProtocolError
from agent_desktop.protocol.messages import (
    ClientMessage,
    Error,
    Hello,
    LoggedIn,
    Login,
    PushedEvent,
    ServerMessage,
    ServerReply,
    Snapshot,
    Welcome,
)
from agent_desktop.server.runner import READY_LINE

DEMO_PASSWORD: Final = "demo"
WAIT_S: Final = 5.0
"""Generous for a loaded 2-core machine; a passing test never waits this long."""

_EVENT_TYPES: Final = get_args(PushedEvent)
E = TypeVar("E")
Arrival = ServerMessage | ProtocolError


class WireError(AssertionError):
    """The server answered with an error where the test expected success."""

    def __init__(self, error: Error) -> None:
        super().__init__(f"{error.code}: {error.message}")
        self.error = error


class WireClient:
    """The protocol client, read the way a test reads: one message at a time, in order.

    Everything the server sends that no `request` waits for (events, replies to raw frames)
    queues up for `receive`; a frame that does not decode raises from `receive` too.
    """

    def __init__(self, client: ProtocolClient) -> None:
        self.client = client
        self.ws: ClientConnection = client.ws
        self.events: list[PushedEvent] = []
        """Pushed events received so far and not yet taken by `next_event`."""
        self.snapshot: Snapshot | None = None
        self.logged_in: LoggedIn | None = None
        self._arrivals: asyncio.Queue[Arrival] = asyncio.Queue()
        client.on_push = self._arrivals.put_nowait
        client.on_invalid = self._arrivals.put_nowait

    def next_id(self) -> str:
        return self.client.next_id()

    async def send_raw(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def receive(self, wait_s: float = WAIT_S) -> ServerMessage:
        """The next message nobody waits for; `ConnectionClosed` once the server has closed."""
        async with asyncio.timeout(wait_s):
            arrival = await self._next_arrival()
        if isinstance(arrival, ProtocolError):
            raise arrival
        return arrival

    async def _next_arrival(self) -> Arrival:
        getter = asyncio.ensure_future(self._arrivals.get())
        try:
            await asyncio.wait({getter, self.client.ended}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getter.done():
                getter.cancel()
        if getter.done() and not getter.cancelled():
            return getter.result()
        if not self._arrivals.empty():
            return self._arrivals.get_nowait()
        closed = self.client.closed_exc
        assert closed is not None
        raise closed

    async def reply(self, re: str | None = None, wait_s: float = WAIT_S) -> ServerReply:
        """The next reply (to `re` when given), keeping pushed events for later."""
        async with asyncio.timeout(wait_s):
            while True:
                message = await self.receive(wait_s)
                if isinstance(message, _EVENT_TYPES):
                    self.events.append(cast(PushedEvent, message))
                    continue
                reply = cast(ServerReply, message)
                if re is None or reply.re == re:
                    return reply

    async def request(self, message: ClientMessage) -> ServerReply:
        """Send a request and return its reply, which may be an `Error`."""
        async with asyncio.timeout(WAIT_S):
            return await self.client.exchange(message)

    async def call(self, message: ClientMessage) -> ServerReply:
        """Like `request`, but an `Error` reply fails the test."""
        reply = await self.request(message)
        if isinstance(reply, Error):
            raise WireError(reply)
        return reply

    async def next_event(self, kind: type[E], wait_s: float = WAIT_S) -> E:
        """The first pushed event of `kind` (earlier ones of other kinds stay in `events`)."""
        async with asyncio.timeout(wait_s):
            while True:
                for index, event in enumerate(self.events):
                    if isinstance(event, kind):
                        del self.events[index]
                        return event
                message = await self.receive(wait_s)
                if isinstance(message, _EVENT_TYPES):
                    self.events.append(cast(PushedEvent, message))

    async def hello(self) -> Welcome:
        reply = await self.call(Hello(id=self.next_id(), versions=[PROTOCOL_VERSION]))
        assert isinstance(reply, Welcome), reply
        return reply

    async def login(
        self, user: str, password: str | None = DEMO_PASSWORD, *, token: str | None = None
    ) -> LoggedIn:
        """Log in (password, or `token` to resume) and wait for the snapshot that follows."""
        login = Login(
            id=self.next_id(), user=user, password=None if token else password, token=token
        )
        reply = await self.call(login)
        assert isinstance(reply, LoggedIn), reply
        self.logged_in = reply
        self.snapshot = await self.next_event(Snapshot)
        return reply

    async def close(self) -> None:
        await self.client.close()


@asynccontextmanager
async def connected(
    url: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    subprotocol: bool = True,
    source: str | None = None,
) -> AsyncIterator[WireClient]:
    """A raw connection: nothing sent yet. `source` binds the client's end to that loopback
    address (any of 127.0.0.0/8 works on Linux), so tests can be "another machine"."""
    client = await ProtocolClient.connect(
        url,
        ssl_context=ssl_context,
        subprotocol=subprotocol,
        local_address=source,
        open_timeout=WAIT_S,
        close_timeout=1,
        id_prefix="t",
    )
    try:
        yield WireClient(client)
    finally:
        await client.close()


@asynccontextmanager
async def logged_in(
    url: str,
    user: str,
    password: str = DEMO_PASSWORD,
    *,
    token: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
    source: str | None = None,
) -> AsyncIterator[WireClient]:
    """Connected, negotiated and logged in; `client.snapshot` holds what the desktop shows."""
    async with connected(url, ssl_context=ssl_context, source=source) as client:
        await client.hello()
        await client.login(user, password, token=token)
        yield client


async def http_get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A plain HTTP/1.1 GET, as a load balancer's health probe sends it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode()
    )
    await writer.drain()
    async with asyncio.timeout(5):
        raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), headers, body


@dataclass
class ServerProcess:
    """`python -m agent_desktop.server` as a real child process, ready for connections."""

    process: asyncio.subprocess.Process
    url: str
    port: int

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        if self.process.returncode is None:
            self.process.terminate()
        async with asyncio.timeout(WAIT_S * 2):
            return await self.process.wait()

    async def kill(self) -> None:
        """SIGKILL: no chance to clean up, as in a power-cut-free crash."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


async def start_server_process(
    *args: str, stderr_path: Path, env: dict[str, str] | None = None
) -> ServerProcess:
    """Start the server CLI with `args` and wait for its ready line (port 0 -> the real port)."""
    with stderr_path.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "agent_desktop.server",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, **(env or {})},
        )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(WAIT_S * 3):
            while True:
                line = (await process.stdout.readline()).decode()
                if not line:
                    code = await process.wait()
                    why = await asyncio.to_thread(stderr_path.read_text)
                    raise AssertionError(f"server exited ({code}) before ready: {why}")
                if line.startswith(READY_LINE):
                    url = line.split()[-1]
                    return ServerProcess(process, url, int(url.rsplit(":", 1)[1]))
    except BaseException:
        if process.returncode is None:
            process.kill()
            await process.wait()
        raise


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1/localhost, made by the openssl CLI: (cert, key)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key
