"""agent-desktop-ctl as a tester uses it: real processes, a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from agent_desktop.protocol.messages import CustomerMessage
from agent_desktop.protocol.vocabulary import WorkId
from tests.wire import logged_in

pytestmark = pytest.mark.integration

LISTENING = re.compile(r"listening on (ws://127\.0\.0\.1:\d+)")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The reference server as its own process, with chat offers that time out after 2 s."""
    folder = tmp_path_factory.mktemp("ctl")
    config = folder / "server.toml"
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    short = demo.replace("[templates.chat]\n", "[templates.chat]\nwait_time_s = 2.0\n", 1)
    config.write_text(short.replace("wait_time_s = 120.0\n", "", 1), encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_desktop.server",
            "--port",
            "0",
            "--config",
            str(config),
            "--data",
            str(folder / "data"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    url = None
    for line in process.stdout:
        found = LISTENING.search(line)
        if found:
            url = found.group(1)
            break
    assert url is not None, "the server never said it was listening"
    yield url
    process.terminate()
    process.wait(10)


def ctl(url: str, *args: str, user: str = "sam") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
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
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def ctl_json(url: str, *args: str) -> Any:
    result = ctl(url, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def simulate(url: str, users: str, behaviour: str, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_desktop.ctl.cli",
            "--url",
            url,
            "--json",
            "simulate-agents",
            "--users",
            users,
            f"--{behaviour}",
            "--duration",
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_online(url: str, user: str) -> None:
    for _ in range(100):
        agents = {a["agent"]: a for a in ctl_json(url, "agents")}
        if agents[user]["connected"] and agents[user]["presence"]["presence"] == "available":
            return
    pytest.fail(f"{user} never came online")


def test_agents_lists_every_agent_with_presence_and_connection(server_url: str) -> None:
    agents = {a["agent"]: a for a in ctl_json(server_url, "agents")}
    assert {"alice", "bob", "carol"} <= set(agents)
    assert agents["alice"]["connected"] is False
    table = ctl(server_url, "agents").stdout
    assert table.splitlines()[0].split()[:3] == ["AGENT", "ROLE", "PRESENCE"]
    assert "alice" in table


def test_work_is_offered_accepted_and_the_customer_is_heard(server_url: str) -> None:
    agent = simulate(server_url, "alice", "accept", 8)
    try:
        wait_for_online(server_url, "alice")
        work = ctl_json(
            server_url,
            "work",
            "new",
            "--channel",
            "chat",
            "--queue",
            "chat",
            "--customer",
            "Ana Lima",
            "--subject",
            "Late order",
        )
        assert work["customer"]["name"] == "Ana Lima"
        work_id = work["work_id"]
        for _ in range(100):
            info = ctl_json(server_url, "work", "show", work_id)
            if info["work"]["state"] == "assigned":
                break
        assert info["agent"] == "alice"
        assert info["session_id"]
        said = ctl(server_url, "customer", "say", work_id, "Is anyone there?")
        assert said.returncode == 0, said.stderr
        info = ctl_json(server_url, "work", "show", work_id)
        assert [m["text"] for m in info["transcript"]][-1] == "Is anyone there?"
        story = ctl(server_url, "work", "show", work_id).stdout
        assert "history:" in story
        assert "Is anyone there?" in story
    finally:
        report = json.loads(agent.communicate(timeout=30)[0])
    assert report["accepted"] >= 1


def test_an_ignored_offer_makes_the_agent_inactive_until_a_supervisor_resets(
    server_url: str,
) -> None:
    agent = simulate(server_url, "bob", "ignore", 10)
    try:
        wait_for_online(server_url, "bob")
        ctl_json(
            server_url,
            "work",
            "new",
            "--channel",
            "chat",
            "--queue",
            "chat",
            "--agent",
            "bob",
            "--customer",
            "Ben",
        )
        for _ in range(200):
            bob = {a["agent"]: a for a in ctl_json(server_url, "agents")}["bob"]
            if bob["presence"]["presence"] == "inactive":
                break
        assert bob["presence"] == bob["presence"] | {"presence": "inactive", "source": "system"}
        assert "missed" in bob["alerts"]
        reset = ctl(server_url, "presence", "reset", "bob")
        assert reset.returncode == 0, reset.stderr
        bob = {a["agent"]: a for a in ctl_json(server_url, "agents")}["bob"]
        assert bob["presence"]["presence"] == "available"
        assert bob["presence"]["source"] == "supervisor"
    finally:
        agent.communicate(timeout=30)


def test_refusals_exit_1_with_the_server_code(server_url: str) -> None:
    result = ctl(server_url, "work", "show", "W999999")
    assert result.returncode == 1
    assert "unknown_work" in result.stderr
    as_agent = ctl(server_url, "presence", "reset", "bob", user="alice")
    assert as_agent.returncode == 1
    assert "forbidden" in as_agent.stderr


def test_work_show_prints_a_transcript_longer_than_a_frame_whole(server_url: str) -> None:
    # A customer who wrote ~1.1 MB over 110 messages (each within the 10,000-character limit).
    # Before, the reply no longer fitted the 1 MiB frame and ctl could only say so.
    created = ctl_json(server_url, "work", "new", "--channel", "chat", "--queue", "chat")
    work_id = created["work_id"]
    asyncio.run(_customer_writes(server_url, work_id, count=110, size=10_000))
    result = ctl(server_url, "work", "show", work_id)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    said = [line.split(" customer: ", 1)[1][:4] for line in lines if " customer: " in line]
    assert said == [f"{n:04d}" for n in range(110)], "every message, in order, once"
    shown = ctl_json(server_url, "work", "show", work_id)
    assert (len(shown["transcript"]), shown["earlier_messages"]) == (110, 0)


async def _customer_writes(url: str, work_id: str, *, count: int, size: int) -> None:
    async with logged_in(url, "sam") as sam:
        for index in range(count):
            text = f"{index:04d}" + "x" * (size - 4)
            await sam.call(CustomerMessage(id=sam.next_id(), work_id=WorkId(work_id), text=text))


def test_an_unreachable_server_is_said_plainly(tmp_path: Path) -> None:
    result = ctl("ws://127.0.0.1:9", "agents")
    assert result.returncode == 2
    assert "cannot reach ws://127.0.0.1:9" in result.stderr


def test_hash_password_prints_a_hash_the_server_accepts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "agent_desktop.ctl.cli", "hash-password", "--stdin"],
        input="s3cret\n",
        capture_output=True,
        text=True,
        check=True,
    )
    from agent_desktop.server.auth import verify_password

    assert verify_password("s3cret", result.stdout.strip())
    assert not verify_password("other", result.stdout.strip())
