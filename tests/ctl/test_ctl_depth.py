"""agent-desktop-ctl driving the routing-depth pieces (issue 11): real processes, real server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import pytest

from tests.ctl.test_ctl import LISTENING, simulate

pytestmark = pytest.mark.integration

EXTRA = """
"""
"""Appended to the demo config: the pieces' settings made short enough for a test."""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("ctl_depth")
    config = folder / "server.toml"
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    config.write_text(demo + EXTRA, encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_desktop.server",
            "--port",
            "0",
            "--config",
            str(config),
            "--in-memory",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    found = None
    for line in process.stdout:
        found = LISTENING.search(line)
        if found:
            break
    assert found is not None, "the server never said it was listening"
    yield found.group(1)
    process.terminate()
    process.wait(10)


def run(url: str, *args: str, user: str = "sam") -> Any:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_desktop.ctl.cli",
            "--url",
            url,
            "--user",
            user,
            "--password",
            "demo",
            "--json",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def agent_row(url: str, name: str) -> Any:
    return {a["agent"]: a for a in run(url, "agents")}[name]


def online(url: str, name: str) -> None:
    for _ in range(100):
        if agent_row(url, name)["connected"]:
            return
    pytest.fail(f"{name} never came online")


def test_an_agent_sets_a_custom_presence_and_the_supervisor_sees_it(url: str) -> None:
    agent = simulate(url, "carol", "accept", 6)
    try:
        online(url, "carol")
        said = run(url, "presence", "set", "away", "--custom", "Lunch", user="carol")
        assert said == {"agent": "carol", "presence": "away", "custom": "Lunch"}
        row = agent_row(url, "carol")
        assert (row["presence"]["presence"], row["presence"]["custom"]) == ("away", "Lunch")
        run(url, "presence", "reset", "carol", "--to", "busy_dnd", "--custom", "Training")
        assert agent_row(url, "carol")["presence"]["custom"] == "Training"
    finally:
        agent.communicate(timeout=30)
