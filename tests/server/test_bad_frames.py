"""Frames no client should send, over real sockets: each gets a typed error, the link stays open."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

import pytest

from agent_desktop.protocol.codec import MAX_MESSAGE_BYTES, ProtocolError, decode_server
from agent_desktop.protocol.messages import Error, SyncClock
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.runner import RunningServer
from tests.wire import WireClient, connected, logged_in

DEPTH: Final = 5_000


def nested_object(depth: int = DEPTH) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def nested_frames() -> dict[str, str]:
    """The case seen (~30 KB, under the 64 KiB limit) and its relatives."""
    frames = {
        "object": nested_object(),
        "array": "[" * DEPTH + "]" * DEPTH,
        "in_a_field": json.dumps(
            {"type": "hello", "id": "n1", "versions": [1], "client": 0}
        ).replace("0}", nested_object() + "}"),
        "in_an_unknown_field": '{"type":"sync_clock","id":"n2","x":' + nested_object() + "}",
    }
    assert all(len(frame) < MAX_MESSAGE_BYTES for frame in frames.values())
    return frames


@asynccontextmanager
async def before_hello(server: RunningServer) -> AsyncIterator[WireClient]:
    async with connected(server.url) as client:
        yield client


@asynccontextmanager
async def before_login(server: RunningServer) -> AsyncIterator[WireClient]:
    async with connected(server.url) as client:
        await client.hello()
        yield client


@asynccontextmanager
async def after_login(server: RunningServer) -> AsyncIterator[WireClient]:
    async with logged_in(server.url, "alice") as client:
        yield client


STAGES: Final = {
    "before_hello": before_hello,
    "before_login": before_login,
    "after_login": after_login,
}


async def still_open(client: WireClient, stage: str) -> None:
    reply = await client.request(SyncClock(id=client.next_id()))
    expected = {
        "before_hello": ErrorCode.NOT_NEGOTIATED,
        "before_login": ErrorCode.NOT_LOGGED_IN,
    }.get(stage)
    if expected is None:
        assert not isinstance(reply, Error), reply
    else:
        assert isinstance(reply, Error), reply
        assert reply.code is expected, reply


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("shape", nested_frames())
async def test_deeply_nested_json_is_an_invalid_message_on_an_open_connection(
    server: RunningServer, stage: str, shape: str
) -> None:
    # Seen: RecursionError in the server, a traceback, and close code 1011, even before login.
    async with STAGES[stage](server) as client:
        await client.send_raw(nested_frames()[shape])
        reply = await client.reply()
        assert isinstance(reply, Error), reply
        assert reply.code is ErrorCode.INVALID_MESSAGE, reply
        await still_open(client, stage)


@pytest.mark.parametrize("stage", STAGES)
async def test_binary_frames_are_refused_as_the_protocol_says_text_only(
    server: RunningServer, stage: str
) -> None:
    # Seen: a binary frame holding JSON was executed, though docs/protocol.md says text frames.
    async with STAGES[stage](server) as client:
        hello = json.dumps({"type": "hello", "id": "b", "versions": [1]})
        await client.send_raw(hello.encode())
        reply = await client.reply()
        assert isinstance(reply, Error), reply
        assert reply.code is ErrorCode.INVALID_MESSAGE, reply
        assert "text frame" in reply.message
        await client.send_raw(b"\xff\xfe{}")
        reply = await client.reply()
        assert isinstance(reply, Error), reply
        assert reply.code is ErrorCode.INVALID_MESSAGE, reply
        await still_open(client, stage)


def test_the_client_side_decoder_refuses_nesting_the_same_way() -> None:
    with pytest.raises(ProtocolError) as refused:
        decode_server(nested_object())
    assert refused.value.code is ErrorCode.INVALID_MESSAGE


@pytest.mark.parametrize("stage", ["before_login", "after_login"])
@pytest.mark.parametrize("versions", [[0], [1]])
async def test_a_second_hello_is_refused_and_the_connection_stays(
    server: RunningServer, stage: str, versions: list[int]
) -> None:
    # Seen (the fuzz test): a second hello offering only an unknown version closed a logged-in
    # agent's connection, so a bad frame set the agent offline. The version is negotiated once.
    async with STAGES[stage](server) as client:
        await client.send_raw(json.dumps({"type": "hello", "id": "h2", "versions": versions}))
        reply = await client.reply()
        assert isinstance(reply, Error), reply
        assert reply.code is ErrorCode.INVALID_MESSAGE, reply
        assert "already" in reply.message
        await still_open(client, stage)
