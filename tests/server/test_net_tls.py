"""wss:// with a throwaway self-signed certificate made by the openssl CLI for this test."""

from __future__ import annotations

import shutil
import ssl
from pathlib import Path

import pytest

from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import running_server
from tests.wire import connected, logged_in, self_signed_cert

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


async def test_login_over_wss(tmp_path: Path, demo_config: ServerConfig) -> None:
    cert, key = self_signed_cert(tmp_path)
    client_context = ssl.create_default_context(cafile=str(cert))
    async with running_server(demo_config, ssl=server_context(cert, key)) as server:
        assert server.url.startswith("wss://127.0.0.1:")
        async with logged_in(server.url, "alice", ssl_context=client_context) as alice:
            assert alice.logged_in is not None
            assert alice.logged_in.user == "alice"


async def test_a_client_that_does_not_trust_the_certificate_cannot_connect(
    tmp_path: Path, demo_config: ServerConfig
) -> None:
    cert, key = self_signed_cert(tmp_path)
    async with running_server(demo_config, ssl=server_context(cert, key)) as server:
        with pytest.raises(ssl.SSLCertVerificationError):
            async with connected(server.url, ssl_context=ssl.create_default_context()):
                pass
