"""Fixtures any test folder may use. Protocol client helpers live in `tests/wire.py`."""

from __future__ import annotations

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config as load_demo_config


@pytest.fixture
def demo_config() -> ServerConfig:
    """The packaged demo: alice, bob, carol (agents), sam (supervisor), admin; password "demo"."""
    return load_demo_config()


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()
