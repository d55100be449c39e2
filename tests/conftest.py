"""Fixtures any test folder may use. Protocol client helpers live in `tests/wire.py`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config as load_demo_config
from agent_desktop.server.runner import RunningServer
from tests.support import servers


@pytest.fixture
def demo_config() -> ServerConfig:
    """The packaged demo: alice, bob, carol (agents), sam (supervisor), admin; password "demo"."""
    return load_demo_config()


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fast_heartbeat_server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    """The demo with a `servers.HEARTBEAT_S` heartbeat: a silent client is gone in ~0.5 s."""
    async for server in servers.fast_heartbeat(demo_config):
        yield server


@pytest.fixture
async def short_token_server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    """The demo with tokens that expire after `servers.TOKEN_TTL_S`."""
    async for server in servers.short_token(demo_config):
        yield server
