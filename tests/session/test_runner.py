"""The headless runner's command line (its end-to-end run is in test_core_integration.py)."""

import pytest

from agent_desktop.session.__main__ import main, parse_args
from agent_desktop.session.responder import Answer


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
