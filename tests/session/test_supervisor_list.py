"""The supervisor's agent list in the core, at 10,000 agents, against the real server.

The list used to travel as one `agents` reply of ~3 MiB: past the 1 MiB frame limit, the link
closed with 1009 and the supervisor view never filled.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Final

import pytest

from agent_desktop.server.config_loader import parse_config
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import AgentCore, Backoff, LinkStatus, Settings
from bench.population import PASSWORD, SUPERVISOR, Population

pytestmark = pytest.mark.integration

AGENTS: Final = 10_000
WAIT_S: Final = 30.0
"""Generous for a loaded 2-core machine; a passing test never waits this long."""


@pytest.fixture
async def crowded_server() -> AsyncIterator[RunningServer]:
    async with running_server(parse_config(Population(AGENTS).toml())) as running:
        yield running


async def test_the_supervisor_view_fills_with_10000_agents(
    crowded_server: RunningServer,
) -> None:
    core = AgentCore(
        Settings(server_url=crowded_server.url, user=SUPERVISOR),
        password=PASSWORD,
        backoff=Backoff(base=0.05, cap=0.3, rng=random.Random(1)),
        request_timeout=WAIT_S,
    )
    await core.start()
    try:
        await core.wait_for(lambda s: s.online, WAIT_S)
        await core.list_agents()
        agents = core.state.agents
        assert agents is not None
        assert len(agents) == AGENTS
        assert [a.agent for a in agents] == sorted(Population(AGENTS).agent_names)
        assert core.state.connection.status is LinkStatus.ONLINE
    finally:
        await core.close()
