"""The protocol's one client against the real reference server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from websockets.asyncio.server import ServerConnection, serve

from agent_desktop.protocol.client import ConnectionLost, ProtocolClient, Refused, ssl_context_for
from agent_desktop.protocol.codec import MAX_FRAME_BYTES, ProtocolError
from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    ClockReading,
    Error,
    LoggedIn,
    PresenceChanged,
    ServerMessage,
    SetPresence,
    Snapshot,
    SyncClock,
    Welcome,
)
from agent_desktop.protocol.vocabulary import ErrorCode, Presence
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server

pytestmark = pytest.mark.integration

WAIT_S = 5.0


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


class Recorder:
    """What the hooks saw, in the order they saw it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []
        self.pushed: asyncio.Queue[ServerMessage] = asyncio.Queue()

    def frame(self, frame: str | bytes) -> None:
        self.seen.append(("frame", frame))

    def message(self, message: ServerMessage) -> None:
        self.seen.append(("message", message))

    def push(self, message: ServerMessage) -> None:
        self.seen.append(("push", message))
        self.pushed.put_nowait(message)

    async def next_push(self, kind: type[object]) -> ServerMessage:
        async with asyncio.timeout(WAIT_S):
            while True:
                message = await self.pushed.get()
                if isinstance(message, kind):
                    return message


@asynccontextmanager
async def signed_in(
    url: str, user: str, recorder: Recorder | None = None
) -> AsyncIterator[ProtocolClient]:
    """Connected (hooks on `recorder`), negotiated and logged in with the demo password."""
    client = await (connect(url, recorder) if recorder else ProtocolClient.connect(url))
    try:
        await client.hello()
        await client.login(user, password="demo")
        yield client
    finally:
        await client.close()


async def connect(url: str, recorder: Recorder) -> ProtocolClient:
    client = await ProtocolClient.connect(url)
    client.on_frame, client.on_message = recorder.frame, recorder.message
    client.on_push = recorder.push
    return client


async def test_hello_login_and_the_snapshot_pushed_after_it(server: RunningServer) -> None:
    recorder = Recorder()
    client = await connect(server.url, recorder)
    try:
        welcome = await client.hello("test-client")
        assert isinstance(welcome, Welcome)
        assert welcome.version == 1
        logged_in = await client.login("alice", password="demo")
        assert logged_in.user == "alice"
        snapshot = await recorder.next_push(Snapshot)
        assert isinstance(snapshot, Snapshot)
    finally:
        await client.close()
    kinds = [kind for kind, _ in recorder.seen]
    # Every frame is seen raw before its message; replies go to their request, not to on_push.
    assert kinds == ["frame", "message", "frame", "message", "frame", "message", "push"]
    assert recorder.seen[3] == ("message", logged_in)


async def test_a_token_from_an_earlier_login_resumes(server: RunningServer) -> None:
    first = await ProtocolClient.connect(server.url)
    await first.hello()
    token = (await first.login("bob", password="demo")).token
    await first.close()
    again = await ProtocolClient.connect(server.url)
    try:
        await again.hello()
        resumed = await again.login("bob", password="not sent with a token", token=token)
        assert isinstance(resumed, LoggedIn)
        assert resumed.user == "bob"
    finally:
        await again.close()


async def test_a_refusal_carries_the_servers_code_and_message(server: RunningServer) -> None:
    client = await ProtocolClient.connect(server.url)
    try:
        await client.hello()
        with pytest.raises(Refused) as refused:
            await client.login("alice", password="wrong")
        assert refused.value.code is ErrorCode.AUTH_FAILED
        assert refused.value.message == refused.value.error.message
        assert refused.value.re == refused.value.error.re
        # The connection stays usable after a refusal.
        await client.login("alice", password="demo")
        with pytest.raises(Refused) as refused:
            await client.request(SetPresence(id=client.next_id(), presence=Presence.INACTIVE), Ack)
        assert refused.value.code is ErrorCode.INVALID_PRESENCE
    finally:
        await client.close()


async def test_a_reply_of_the_wrong_type_is_a_protocol_error(server: RunningServer) -> None:
    async with signed_in(server.url, "alice") as client:
        with pytest.raises(ProtocolError) as wrong:
            await client.request(SyncClock(id=client.next_id()), Ack)
        assert not isinstance(wrong.value, Refused)
        assert wrong.value.code is ErrorCode.INVALID_MESSAGE
        assert "expected Ack" in wrong.value.message


async def test_concurrent_requests_each_get_their_own_reply(server: RunningServer) -> None:
    recorder = Recorder()
    async with signed_in(server.url, "alice", recorder) as client:
        presences = [Presence.AWAY, Presence.BUSY, Presence.AVAILABLE]
        requests = [SetPresence(id=client.next_id(), presence=p) for p in presences]
        clock = SyncClock(id=client.next_id())
        replies = await asyncio.gather(
            *(client.request(r, Ack) for r in requests), client.request(clock, ClockReading)
        )
        assert [reply.re for reply in replies] == [*(r.id for r in requests), clock.id]
        # Each change was also pushed as an event, to on_push and not to a request.
        changed = await recorder.next_push(PresenceChanged)
        assert isinstance(changed, PresenceChanged)


async def test_an_error_about_a_frame_without_an_id_is_pushed(server: RunningServer) -> None:
    recorder = Recorder()
    client = await connect(server.url, recorder)
    try:
        await client.send_raw("{not json")
        error = await recorder.next_push(Error)
        assert isinstance(error, Error)
        assert error.re is None
        assert error.code is ErrorCode.INVALID_MESSAGE
    finally:
        await client.close()


async def test_a_reply_over_the_frame_limit_is_named_as_such(server: RunningServer) -> None:
    client = await ProtocolClient.connect(server.url, max_frame_bytes=300)
    await client.hello()
    with pytest.raises(ConnectionLost) as lost:
        await client.login("alice", password="demo")  # logged_in lists the queues: > 300 B
    assert (
        lost.value.reason == "the server's reply was larger than 300 bytes (1009 message too big)"
    )
    assert client.close_reason == lost.value.reason
    with pytest.raises(ConnectionLost):
        await client.request(SyncClock(id=client.next_id()), ClockReading)


async def test_a_frame_over_the_servers_limit_is_named_as_such(server: RunningServer) -> None:
    client = await ProtocolClient.connect(server.url)
    await client.hello()
    await client.send_raw("x" * (MAX_FRAME_BYTES + 1))
    async with asyncio.timeout(WAIT_S):
        await client.ended
    assert client.close_reason == (
        "the server refused a frame larger than its limit (1009 message too big)"
    )


async def test_close_sends_the_reason_and_fails_nothing_silently(server: RunningServer) -> None:
    client = await ProtocolClient.connect(server.url)
    await client.hello()
    await client.close("done for today")
    closed = client.closed_exc
    assert closed is not None
    assert closed.sent is not None
    assert (closed.sent.code, closed.sent.reason) == (1000, "done for today")
    assert client.close_reason == "this client closed the connection (1000: done for today)"
    with pytest.raises(ConnectionLost, match="this client closed"):
        await client.request(SyncClock(id=client.next_id()), ClockReading)


def test_wss_trusts_a_custom_ca_in_addition_and_says_when_it_cannot(tmp_path: Path) -> None:
    assert ssl_context_for("ws://127.0.0.1:1", None) is None
    assert ssl_context_for("wss://example.org", None) is not None
    missing = tmp_path / "missing.pem"
    with pytest.raises(ValueError, match="cannot use the CA certificate"):
        ssl_context_for("wss://example.org", str(missing))


async def test_list_agents_gathers_every_page_and_shows_one_reply(server: RunningServer) -> None:
    recorder = Recorder()
    async with signed_in(server.url, "sam", recorder) as client:
        listed = await client.list_agents("all", limit=1)
        assert listed.re == "all"
        assert [row.agent for row in listed.agents] == ["alice", "bob", "carol"]
        assert listed.next is None
        # on_message saw the whole list once, not the three pages it came in.
        shown = [m for kind, m in recorder.seen if kind == "message" and isinstance(m, Agents)]
        assert shown == [listed]
        assert sum(kind == "frame" for kind, _ in recorder.seen) == 3 + 3  # hello, login + 3


async def test_a_refused_listing_raises_with_the_servers_code(server: RunningServer) -> None:
    async with signed_in(server.url, "alice") as client:
        with pytest.raises(Refused) as refused:
            await client.list_agents()
        assert refused.value.code is ErrorCode.FORBIDDEN
        await client.request(SyncClock(id=client.next_id()), ClockReading)  # still usable


async def test_a_frame_reaches_the_hooks_from_the_socket_callback_not_a_later_turn(
    server: RunningServer,
) -> None:
    # A reader task would resume on a later turn of the loop (on the app's qasync loop: through
    # Qt's event dispatch); the frame is handed over from the transport's own callback instead,
    # where no task is running.
    handed_over_in: list[asyncio.Task[object] | None] = []
    client = await ProtocolClient.connect(server.url)
    client.on_frame = lambda frame: handed_over_in.append(asyncio.current_task())
    try:
        await client.hello()
        await client.login("alice", password="demo")
        await client.request(SetPresence(id=client.next_id(), presence=Presence.AWAY), Ack)
    finally:
        await client.close()
    assert len(handed_over_in) >= 4  # welcome, logged_in, snapshot, presence..., ack
    assert handed_over_in == [None] * len(handed_over_in)


async def test_a_text_frame_that_is_not_utf8_still_closes_with_1007() -> None:
    async def send_garbage(ws: ServerConnection) -> None:
        await ws.send(b"\xff\xfe", text=True)  # a text frame whose bytes are not UTF-8
        await ws.wait_closed()

    async with serve(send_garbage, "127.0.0.1", 0) as garbage_server:
        port = next(iter(garbage_server.sockets)).getsockname()[1]
        client = await ProtocolClient.connect(f"ws://127.0.0.1:{port}")
        async with asyncio.timeout(WAIT_S):
            await asyncio.wait({client.ended})
        closed = client.closed_exc
        assert closed is not None
        assert closed.sent is not None
        assert closed.sent.code == 1007
