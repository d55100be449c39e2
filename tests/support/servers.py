"""Servers with shortened timings, for the tests that watch a timer fire over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Final

import msgspec

from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server

HEARTBEAT_S: Final = 0.2
"""`fast_heartbeat_server`: ping interval and pong timeout."""
TOKEN_TTL_S: Final = 1.5
"""`short_token_server`: how long a sign-in's token lasts."""


def with_timings(config: ServerConfig, **timings: float) -> ServerConfig:
    return msgspec.structs.replace(
        config, timings=msgspec.structs.replace(config.timings, **timings)
    )


async def fast_heartbeat(config: ServerConfig) -> AsyncIterator[RunningServer]:
    fast = with_timings(config, heartbeat_interval_s=HEARTBEAT_S, heartbeat_timeout_s=HEARTBEAT_S)
    async with running_server(fast) as server:
        yield server


async def short_token(config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(with_timings(config, token_ttl_s=TOKEN_TTL_S)) as server:
        yield server
