"""`ctl agents` against a server with 10,000 agents: every row, however long the list.

The whole list is ~3 MiB of JSON; sent as one reply it passed the 1 MiB frame limit (at ~3,180
agents) and ctl said "cannot reach ... the server closed the connection".
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Final

import pytest

from bench.population import PASSWORD, SUPERVISOR, Population
from tests.wire import ServerProcess, start_server_process

pytestmark = pytest.mark.integration

AGENTS: Final = 10_000


@pytest.fixture
async def crowded_server(tmp_path: Path) -> AsyncIterator[ServerProcess]:
    config = Population(AGENTS).write(tmp_path / "server.toml")
    server = await start_server_process(
        "--port", "0", "--config", str(config), "--in-memory",
        stderr_path=tmp_path / "stderr.log",
    )  # fmt: skip
    try:
        yield server
    finally:
        await server.stop()


def ctl_agents(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "agent_desktop.ctl.cli", "--url", url,
            "--user", SUPERVISOR, "--password", PASSWORD, "--json", "agents",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip


async def test_ctl_lists_every_one_of_10000_agents(crowded_server: ServerProcess) -> None:
    result = await asyncio.to_thread(ctl_agents, crowded_server.url)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == AGENTS
    names = [row["agent"] for row in rows]
    assert names == sorted(Population(AGENTS).agent_names)
