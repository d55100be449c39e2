"""A real reference server on 127.0.0.1 and a free port, for the tests of this folder."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    """The demo configuration, in-memory state, the system clock."""
    async with running_server(demo_config) as running:
        yield running
