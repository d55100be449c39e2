"""The bench's link over the protocol client: a frame over its limit is named as such."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_desktop.protocol.client import ConnectionLost
from agent_desktop.server.runner import RunningServer, running_server
from bench.link import Link

pytestmark = pytest.mark.integration


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    async with running_server() as running:
        yield running


async def test_a_reply_over_the_limit_says_so(server: RunningServer) -> None:
    with pytest.raises(ConnectionLost) as lost:
        await Link.open(server.url, "alice", "demo", max_size=300)
    assert lost.value.reason == (
        "the server's reply was larger than 300 bytes (1009 message too big)"
    )


async def test_the_supervisor_gets_the_whole_agent_list(server: RunningServer) -> None:
    link, _ = await Link.open(server.url, "sam", "demo")
    try:
        agents = await link.list_agents()
        assert [row.agent for row in agents.agents] == ["alice", "bob", "carol"]
    finally:
        await link.close()
