"""The core's link over the protocol client, against the real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest

from agent_desktop.protocol.codec import MAX_FRAME_BYTES, PROTOCOL_VERSION
from agent_desktop.protocol.messages import (
    Ack,
    Hello,
    LoggedIn,
    Login,
    PushedEvent,
    SetPresence,
    Welcome,
)
from agent_desktop.protocol.vocabulary import ErrorCode, Presence
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.errors import LinkLostError, RequestError
from agent_desktop.session.link import Link, describe, open_link

pytestmark = pytest.mark.integration

WAIT_S = 5.0


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    async with running_server() as running:
        yield running


def link_to(
    url: str, events: list[PushedEvent], max_frame_bytes: int = MAX_FRAME_BYTES
) -> AbstractAsyncContextManager[tuple[Link, asyncio.Task[None]]]:
    return open_link(
        url,
        on_event=events.append,
        ssl_context=None,
        open_timeout=WAIT_S,
        ping_interval=None,
        ping_timeout=None,
        request_timeout=WAIT_S,
        max_frame_bytes=max_frame_bytes,
    )


async def test_a_refusal_is_a_request_error_with_the_servers_code(server: RunningServer) -> None:
    events: list[PushedEvent] = []
    async with link_to(server.url, events) as (link, _):
        await link.call(Hello(id="h", versions=[PROTOCOL_VERSION]), Welcome)
        await link.call(Login(id="l", user="alice", password="demo"), LoggedIn)
        with pytest.raises(RequestError) as refused:
            await link.call(SetPresence(id="p", presence=Presence.INACTIVE), Ack)
        assert refused.value.code is ErrorCode.INVALID_PRESENCE


async def test_a_reply_over_the_frame_limit_is_what_the_core_reports(
    server: RunningServer,
) -> None:
    events: list[PushedEvent] = []
    async with link_to(server.url, events, max_frame_bytes=300) as (link, reader):
        await link.call(Hello(id="h", versions=[PROTOCOL_VERSION]), Welcome)
        with pytest.raises(LinkLostError) as lost:
            await link.call(Login(id="l", user="alice", password="demo"), LoggedIn)
        expected = "the server's reply was larger than 300 bytes (1009 message too big)"
        # The core shows describe(exc) as its connection status, from the call or the reader.
        assert describe(lost.value) == expected
        with pytest.raises(LinkLostError) as ended:
            async with asyncio.timeout(WAIT_S):
                await reader
        assert describe(ended.value) == expected
