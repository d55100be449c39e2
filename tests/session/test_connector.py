"""The connection's life against the real server: resume after a restart, credentials,
TLS, the heartbeat, the goodbye, and no secret in the log."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from agent_desktop.protocol.messages import (
    GetWork,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    Presence,
)
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import (
    AgentCore,
    Backoff,
    LinkStatus,
    OfferArrived,
    Settings,
    TokenStore,
)
from agent_desktop.session.state import CONNECTION_LOST_ALERT, ClientAlertKind
from tests.session.live import (
    WAIT_S,
    create_work,
    fast_backoff,
    has_offer,
    make_core,
    recorder,
    started,
)
from tests.session.relay import Relay
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration


async def test_server_restart_resumes_and_a_message_typed_meanwhile_arrives_once(
    tmp_path: Path,
) -> None:
    async with running_server(data_dir=tmp_path) as first:
        url, port = first.url, first.port
        core = make_core(url)
        announcements = recorder(core)
        await core.start()
        await core.wait_for(lambda s: s.online, WAIT_S)
        async with logged_in(url, "sam") as sam:
            work_id = await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            await core.accept(pending.offer_id)
            state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
            session_id = state.sessions[0].session_id
            working = state.shown_presence
            assert working is Presence.BUSY  # one session: capacity partly used
    try:
        # The server is gone: the client says so and keeps trying.
        state = await core.wait_for(
            lambda s: s.connection.status is LinkStatus.RECONNECTING, WAIT_S
        )
        assert state.shown_presence is Presence.OFFLINE
        lost = state.alert(CONNECTION_LOST_ALERT)
        assert lost is not None
        assert lost.kind is ClientAlertKind.CONNECTION_LOST
        assert [s.session_id for s in state.sessions] == [session_id]  # still on screen

        client_msg_id = await core.send_message(session_id, "Sorry, one moment please")
        assert [m.client_msg_id for m in core.state.unsent(session_id)] == [client_msg_id]

        async with running_server(data_dir=tmp_path, port=port) as second:
            core.reconnect_now()
            state = await core.wait_for(lambda s: s.online and not s.outbox, WAIT_S)
            assert state.alert(CONNECTION_LOST_ALERT) is None
            assert [s.session_id for s in state.sessions] == [session_id]
            assert state.shown_presence is working  # the presence from before comes back
            state = await core.wait_for(
                lambda s: any(m.client_msg_id == client_msg_id for m in s.sessions[0].transcript),
                WAIT_S,
            )
            mine = [m for m in state.sessions[0].transcript if m.client_msg_id == client_msg_id]
            assert len(mine) == 1
            async with logged_in(second.url, "sam") as sam:
                info = await sam.call(GetWork(id=sam.next_id(), work_id=work_id))
                assert isinstance(info, WorkInfo)
                stored = [m for m in info.transcript if m.client_msg_id == client_msg_id]
                assert [m.text for m in stored] == ["Sorry, one moment please"]
                assert info.session_id == session_id
        alerts = [a.effect for a in announcements]
        assert sum(isinstance(e, OfferArrived) for e in alerts) == 1  # resume re-announces nothing
    finally:
        await core.close()


async def test_quit_says_goodbye_keeps_the_token_and_reroutes_at_once(
    server: RunningServer, sam: WireClient, secret_service: KeyringBackend
) -> None:
    store = TokenStore(server.url, "alice", secret_service)
    alice = make_core(server.url, token_store=store)
    bob = make_core(server.url, "bob")
    async with started(bob):
        await bob.set_presence(Presence.AWAY)
        await alice.start()
        await alice.wait_for(lambda s: s.online, WAIT_S)
        await create_work(sam)
        [pending] = (await alice.wait_for(has_offer, WAIT_S)).offers
        await bob.set_presence(Presence.AVAILABLE)
        await alice.quit()
        # Rerouted in seconds, not after the 8-minute grace.
        [rerouted] = (await bob.wait_for(has_offer, WAIT_S)).offers
        assert rerouted.offer.work.work_id == pending.offer.work.work_id
    assert await store.load()
    again = make_core(server.url, password=None, token_store=store)
    async with started(again):
        assert again.state.offers == ()


async def test_token_kept_in_a_real_keyring_and_reused_without_the_password(
    server: RunningServer, secret_service: KeyringBackend
) -> None:
    store = TokenStore(server.url, "alice", secret_service)
    async with started(make_core(server.url, token_store=store)) as first:
        assert first.state.credentials_notice is None
        await first.quit()
    token = secret_service.get_password(store.service, "alice")
    assert token

    again = TokenStore(server.url, "alice", secret_service)
    second = make_core(server.url, password=None, token_store=again)
    async with started(second):
        assert second.state.identity is not None
        assert second.state.identity.user == "alice"
        await second.logout()
        signed_out = second.state
        assert signed_out.connection.status is LinkStatus.OFFLINE
        assert signed_out.identity is None
    assert secret_service.get_password(store.service, "alice") is None

    # The token was revoked by the goodbye and removed: the next start must ask.
    third = make_core(
        server.url, password=None, token_store=TokenStore(server.url, "alice", secret_service)
    )
    await third.start()
    assert third.state.connection.status is LinkStatus.AUTH_FAILED
    await third.close()


async def test_a_revoked_stored_token_is_dropped_and_the_user_asked(
    server: RunningServer, secret_service: KeyringBackend
) -> None:
    store = TokenStore(server.url, "alice", secret_service)
    await store.save("not-a-valid-token")
    core = make_core(server.url, password=None, token_store=store)
    await core.start()
    try:
        state = await core.wait_for(lambda s: s.connection.status is LinkStatus.AUTH_FAILED, WAIT_S)
        assert "password" in state.connection.detail
        assert await store.load() is None
    finally:
        await core.close()


async def test_without_a_keyring_the_core_still_logs_in_and_says_why(
    server: RunningServer,
) -> None:
    backend = fail.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped here
    core = make_core(server.url, token_store=TokenStore(server.url, "alice", backend))
    async with started(core):
        notice = core.state.credentials_notice
        assert notice is not None
        assert "no OS keyring" in notice
        assert "password" in notice


async def test_a_wrong_password_stops_with_auth_failed(server: RunningServer) -> None:
    core = make_core(server.url, password="wrong")
    await core.start()
    try:
        state = await core.wait_for(lambda s: s.connection.status is LinkStatus.AUTH_FAILED, WAIT_S)
        assert state.connection.detail
        assert state.identity is None
    finally:
        await core.close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, standing in for a company CA."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


async def test_wss_verifies_the_certificate_and_accepts_a_custom_ca(
    certificate: tuple[Path, Path],
) -> None:
    import ssl

    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    async with running_server(ssl=context) as server:
        assert server.url.startswith("wss://")
        untrusting = make_core(server.url)
        await untrusting.start()
        try:
            state = await untrusting.wait_for(
                lambda s: s.connection.status is LinkStatus.RECONNECTING, WAIT_S
            )
            assert "CERTIFICATE_VERIFY_FAILED" in state.connection.detail
        finally:
            await untrusting.close()

        trusting = AgentCore(
            Settings(server_url=server.url, user="alice", ca_path=str(cert)),
            password="demo",
            backoff=fast_backoff(),
        )
        async with started(trusting):
            assert trusting.state.online


async def test_a_silent_link_is_detected_by_the_heartbeat_and_resumed(
    server: RunningServer,
) -> None:
    async with Relay(server.port) as relay:
        core = make_core(f"ws://127.0.0.1:{relay.port}")
        async with started(core):
            relay.silent = True
            # ping every 1 s, 1 s to answer: the dead link is noticed in about 2 s.
            state = await core.wait_for(
                lambda s: s.connection.status is not LinkStatus.ONLINE, WAIT_S
            )
            assert state.shown_presence in (Presence.OFFLINE, None)
            relay.silent = False
            core.reconnect_now()
            state = await core.wait_for(lambda s: s.online, WAIT_S)
            assert state.shown_presence is Presence.AVAILABLE


async def test_no_secret_reaches_the_client_log_even_at_debug(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    # websockets shortens long frames in the middle, so a password's tail would show.
    password = "demo-secret-tail-marker"
    caplog.set_level(logging.DEBUG)
    core = make_core(server.url, password=password)
    await core.start()
    try:
        await core.wait_for(lambda s: s.connection.status is LinkStatus.AUTH_FAILED, WAIT_S)
        async with started(make_core(server.url)) as good:
            await good.set_presence(Presence.AWAY)
    finally:
        await core.close()
    client_records = [
        r
        for r in caplog.records
        if r.name.startswith(("agent_desktop.session", "websockets.client"))
    ]
    client_text = "\n".join(r.getMessage() for r in client_records)
    assert "marker" not in client_text
    assert "token" not in client_text
    assert not [r for r in client_records if "TEXT" in r.getMessage()]


async def test_force_reconnect_during_a_long_pause_tries_again_at_once() -> None:
    """After sleep or a network change the app forces a reconnect: a pause under way ends."""
    core = AgentCore(
        Settings(server_url="ws://127.0.0.1:9", user="alice"),  # nothing listens there
        password="demo",
        backoff=Backoff(base=30.0, cap=30.0, rng=random.Random(1)),  # a 15-30 s pause
        open_timeout=1.0,
    )
    await core.start()
    try:
        state = await core.wait_for(lambda s: s.connection.retry_at is not None, WAIT_S)
        pause = state.connection.retry_in(core.clock.now())
        assert pause is not None
        assert pause > WAIT_S  # waiting it out would fail this test
        await core.force_reconnect()
        await core.wait_for(lambda s: s.connection.attempt >= 2, WAIT_S)
    finally:
        await core.close()
