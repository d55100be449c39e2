"""Fixtures for the core's tests: the real server on 127.0.0.1 and the tester's connection."""

from collections.abc import AsyncIterator

import pytest

from agent_desktop.server.runner import RunningServer, running_server
from tests.support.desktop_bus import secret_service
from tests.wire import WireClient, logged_in

__all__ = ["sam", "secret_service", "server"]


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    async with running_server() as running:
        yield running


@pytest.fixture
async def sam(server: RunningServer) -> AsyncIterator[WireClient]:
    """The supervisor/tester connection that creates work and speaks for customers."""
    async with logged_in(server.url, "sam") as client:
        yield client
