"""`agent-desktop-server` as a user runs it: one-line errors, data directory, graceful stop."""

from __future__ import annotations

import json
import signal
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.exceptions import ConnectionClosed

from agent_desktop.protocol.messages import Error, Login
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server import cli
from agent_desktop.server.auth import hash_password
from agent_desktop.server.runner import STATE_FILE
from tests.wire import connected, http_get, logged_in, self_signed_cert, start_server_process


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_desktop.server", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_broken_config_is_one_line_with_file_and_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text('[timings]\nheartbeat_interval_s = "soon"\n', encoding="utf-8")
    done = run_cli("--config", str(config), "--in-memory", "--port", "0")
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert f"{config}:2: timings.heartbeat_interval_s: Expected `float`" in line


def test_port_in_use_is_one_clear_line(busy_port: int) -> None:
    done = run_cli("--port", str(busy_port), "--in-memory")
    assert done.returncode == 1
    assert f"127.0.0.1:{busy_port} is already in use" in one_line(done.stderr)


def test_missing_certificate_is_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "cert.pem"
    done = run_cli("--tls-cert", str(missing), "--tls-key", str(missing), "--in-memory")
    assert done.returncode == 2
    assert f"{missing}: TLS certificate file not found" in one_line(done.stderr)


def test_certificate_without_key_is_refused(tmp_path: Path) -> None:
    done = run_cli("--tls-cert", str(tmp_path / "c.pem"), "--in-memory")
    assert done.returncode == 2
    assert "--tls-cert and --tls-key go together" in one_line(done.stderr)


def test_data_and_in_memory_exclude_each_other(tmp_path: Path) -> None:
    done = run_cli("--data", str(tmp_path), "--in-memory")
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_user_data_dir_follows_the_env_override_then_xdg(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(cli.DATA_ENV, str(tmp_path / "override"))
    assert cli.default_server_data_dir() == tmp_path / "override" / "server"
    monkeypatch.delenv(cli.DATA_ENV)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
        assert cli.default_server_data_dir() == tmp_path / "xdg" / "agent-desktop" / "server"
        monkeypatch.delenv("XDG_DATA_HOME")
        assert cli.default_server_data_dir() == (
            Path.home() / ".local" / "share" / "agent-desktop" / "server"
        )


@pytest.mark.integration
async def test_serves_from_the_default_data_dir_and_stops_gracefully_on_sigterm(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    server = await start_server_process(
        "--port", "0", stderr_path=tmp_path / "stderr.log", env={cli.DATA_ENV: str(data)}
    )
    try:
        assert server.url.startswith("ws://127.0.0.1:")
        async with logged_in(server.url, "alice") as alice:
            assert alice.logged_in is not None
        status, _, body = await http_get(server.port, "/health")
        assert status == 200
        assert json.loads(body)["status"] == "ok"
        assert (data / "server" / STATE_FILE).is_file()
    finally:
        code = await server.stop()
    assert code == 0


@pytest.mark.integration
async def test_serves_the_users_of_a_given_config_file(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        f"""
[templates.chat]
title = "Chat"

[[queues]]
id = "web"
name = "Web"
channel = "chat"
template = "chat"

[[users]]
id = "zoe"
name = "Zoe"
password_hash = "{hash_password("s3cret")}"
queues = ["web"]
""",
        encoding="utf-8",
    )
    server = await start_server_process(
        "--port", "0", "--in-memory", "--config", str(config), stderr_path=tmp_path / "err.log"
    )  # fmt: skip
    try:
        async with logged_in(server.url, "zoe", "s3cret") as zoe:
            assert zoe.logged_in is not None
            assert zoe.logged_in.display_name == "Zoe"
        async with connected(server.url) as client:
            await client.hello()
            refused = await client.request(Login(id="a", user="alice", password="demo"))
            assert isinstance(refused, Error)
            assert refused.code is ErrorCode.AUTH_FAILED
    finally:
        assert await server.stop() == 0


@pytest.mark.integration
async def test_ctrl_c_closes_connections_cleanly_and_exits_0(tmp_path: Path) -> None:
    server = await start_server_process(
        "--port", "0", "--in-memory", stderr_path=tmp_path / "stderr.log"
    )
    try:
        async with logged_in(server.url, "carol") as carol:
            server.process.send_signal(signal.SIGINT)
            with pytest.raises(ConnectionClosed) as closed:
                await carol.receive()
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 1001  # going away: a client reconnects later
    finally:
        code = await server.stop()
    assert code == 0


@pytest.mark.integration
async def test_serves_wss_with_a_certificate_and_key(tmp_path: Path) -> None:
    cert, key = self_signed_cert(tmp_path)
    server = await start_server_process(
        "--port", "0", "--in-memory", "--tls-cert", str(cert), "--tls-key", str(key),
        stderr_path=tmp_path / "stderr.log",
    )  # fmt: skip
    try:
        assert server.url.startswith("wss://127.0.0.1:")
        trusting = ssl.create_default_context(cafile=str(cert))
        async with logged_in(server.url, "bob", ssl_context=trusting) as bob:
            assert bob.logged_in is not None
    finally:
        assert await server.stop() == 0


def test_a_key_that_does_not_match_is_one_clear_line(tmp_path: Path) -> None:
    cert, _ = self_signed_cert(tmp_path / "a")
    _, other_key = self_signed_cert(tmp_path / "b")
    done = run_cli("--tls-cert", str(cert), "--tls-key", str(other_key), "--in-memory")
    assert done.returncode == 2
    assert "cannot load TLS certificate and key" in one_line(done.stderr)
