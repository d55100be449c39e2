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

CHAT_WRAP_UP = 'template = "chat"\nwrap_up_s = 120\ndispositions = ["Resolved", "Call back"]\n'
"""Into the demo's chat queue: a wrap-up long enough that the test ends it."""
REPEAT_MISSES = "\n[repeat_misses]\ncount = 1\nwindow_s = 600\npenalty_s = 600\n"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("ctl_depth")
    config = folder / "server.toml"
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    demo = demo.replace('template = "chat"\n', CHAT_WRAP_UP, 1)
    # Chat offers time out after 2 s, and one miss is a penalty (rule 14).
    demo = demo.replace("[templates.chat]\n", "[templates.chat]\nwait_time_s = 2.0\n", 1)
    demo = demo.replace("wait_time_s = 120.0\n", "", 1)
    config.write_text(demo + REPEAT_MISSES, encoding="utf-8")
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


def test_a_penalised_agent_is_seen_and_cleared(url: str) -> None:
    agent = simulate(url, "bob", "ignore", 8)
    try:
        online(url, "bob")
        run(url, "work", "new", "--channel", "chat", "--queue", "chat", "--agent", "bob")
        for _ in range(200):
            bob = agent_row(url, "bob")
            if bob["penalty_until"] is not None:
                break
        assert "missed" in bob["alerts"]
        assert bob["presence"]["reason"] == "repeat_misses"
        assert run(url, "penalty", "clear", "bob") == {"agent": "bob", "penalty_cleared": True}
        assert agent_row(url, "bob")["penalty_until"] is None
    finally:
        agent.communicate(timeout=30)


def test_an_agent_sets_and_cancels_a_next_status(url: str) -> None:
    agent = simulate(url, "carol", "accept", 8)
    try:
        online(url, "carol")
        run(url, "work", "new", "--channel", "voice", "--queue", "voice", "--agent", "carol")
        for _ in range(100):
            if agent_row(url, "carol")["sessions"]:
                break
        said = run(url, "presence", "next", "away", "--custom", "Lunch", user="carol")
        assert said == {"agent": "carol", "next_presence": "away", "custom": "Lunch"}
        upcoming = agent_row(url, "carol")["next_presence"]
        assert (upcoming["presence"], upcoming["custom"]) == ("away", "Lunch")
        run(url, "presence", "next", "--cancel", user="carol")
        assert agent_row(url, "carol")["next_presence"] is None
    finally:
        agent.communicate(timeout=30)


def test_queues_and_a_waiting_items_position(url: str) -> None:
    first = run(url, "work", "new", "--channel", "sms", "--queue", "sms", "--customer", "Ana")
    second = run(url, "work", "new", "--channel", "sms", "--queue", "sms", "--customer", "Ben")
    shown = run(url, "work", "show", second["work_id"])
    assert (
        shown["queue_position"] == run(url, "work", "show", first["work_id"])["queue_position"] + 1
    )
    assert shown["estimated_wait_s"] is None  # nobody on the sms queue is logged in
    sms = {q["queue"]: q for q in run(url, "queues")}["sms"]
    assert sms["waiting"] >= 2
    assert sms["longest_wait_s"] >= 0
    assert sms["estimated_wait_s"] is None
    human = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_desktop.ctl.cli",
            "--url",
            url,
            "--password",
            "demo",
            "queues",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert human.stdout.splitlines()[0].split()[:3] == ["QUEUE", "WAITING", "LONGEST"]


def history(url: str, work_id: str) -> list[dict[str, Any]]:
    return list(run(url, "work", "show", work_id)["history"])


def test_a_closed_chat_is_wrapped_up_with_a_disposition(url: str) -> None:
    agent = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent_desktop.ctl.cli",
            "--url",
            url,
            "--json",
            "simulate-agents",
            "--users",
            "alice",
            "--accept",
            "--close-after",
            "0.2",
            "--duration",
            "8",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        online(url, "alice")
        work = run(url, "work", "new", "--channel", "chat", "--queue", "chat", "--agent", "alice")
        for _ in range(100):
            if "wrap_up_started" in [e["event"] for e in history(url, work["work_id"])]:
                break
        # Work another test left in the chat queue may be wrapping up too.
        assert agent_row(url, "alice")["wrap_ups"] >= 1
        extended = run(url, "wrap-up", "extend", work["work_id"], "--seconds", "30", user="alice")
        assert extended == {"work_id": work["work_id"], "extended_s": 30.0}
        done = run(
            url, "wrap-up", "done", work["work_id"], "--disposition", "Resolved", user="alice"
        )
        assert done["disposition"] == "Resolved"
        last = history(url, work["work_id"])[-1]
        assert (last["event"], last["detail"], last["reason"]) == (
            "wrap_up_ended",
            "Resolved",
            "wrap_up_done",
        )
    finally:
        agent.communicate(timeout=30)


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
