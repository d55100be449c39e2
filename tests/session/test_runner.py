"""The headless runner (`python -m agent_desktop.session`): its command line, and a real run
that accepts an offer from the real server."""

import asyncio

import pytest

from agent_desktop.protocol.messages import AgentUpdated, ListAgents
from agent_desktop.server.runner import RunningServer
from agent_desktop.session.__main__ import main, parse_args, run
from agent_desktop.session.responder import Answer
from tests.session.live import WAIT_S, create_work
from tests.wire import WireClient


def test_answers_default_to_accept_and_are_exclusive() -> None:
    base = ["--url", "ws://127.0.0.1:1", "--user", "bob"]
    assert parse_args(base).answer is Answer.ACCEPT
    assert parse_args([*base, "--reject"]).answer is Answer.REJECT
    assert parse_args([*base, "--ignore"]).answer is Answer.IGNORE
    with pytest.raises(SystemExit):
        parse_args([*base, "--accept", "--reject"])


def test_a_bad_url_or_no_password_is_refused_before_connecting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENT_DESKTOP_PASSWORD", raising=False)
    assert main(["--url", "http://x", "--user", "bob", "--password", "demo"]) == 2
    assert "server_url" in capsys.readouterr().err
    assert main(["--url", "ws://127.0.0.1:1", "--user", "bob"]) == 2
    assert "AGENT_DESKTOP_PASSWORD" in capsys.readouterr().err


@pytest.mark.integration
async def test_headless_runner_accepts_its_offers(server: RunningServer, sam: WireClient) -> None:
    await sam.call(ListAgents(id=sam.next_id()))
    args = parse_args(
        ["--url", server.url, "--user", "bob", "--password", "demo", "--accept", "--duration", "3"]
    )
    runner = asyncio.create_task(run(args))
    try:
        await create_work(sam, agent=None)
        while True:
            update = await sam.next_event(AgentUpdated, WAIT_S)
            if update.agent.agent == "bob" and update.agent.sessions == 1:
                break
    finally:
        assert await runner == 0
