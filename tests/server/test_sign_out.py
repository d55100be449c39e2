"""Where a sign-in ends: plain logout, sign out everywhere, token expiry, and what /health tells.

Over real sockets against a real server; the short token lifetime is a real config value.
"""

from __future__ import annotations

import json

from websockets.exceptions import ConnectionClosed

from agent_desktop.protocol.codec import CLOSE_SIGNED_OUT, CLOSE_TOKEN_EXPIRED
from agent_desktop.protocol.messages import Ack, Error, Login, Logout
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.runner import RunningServer
from tests.wire import WireClient, connected, http_get, logged_in


async def resume_refused(url: str, token: str) -> bool:
    async with connected(url) as client:
        await client.hello()
        reply = await client.request(Login(id="r", user="alice", token=token))
        if isinstance(reply, Error):
            assert reply.code is ErrorCode.AUTH_FAILED, reply
            return True
        return False


async def closed_with(client: WireClient) -> tuple[int, str]:
    """Read until the server closes the link (each read bounded); its close code and reason."""
    try:
        while True:
            await client.receive()
    except ConnectionClosed as closed:
        received = closed.rcvd
    assert received is not None
    return received.code, received.reason


async def quit_keeping_the_token(url: str) -> str:
    async with logged_in(url, "alice") as app:
        assert app.logged_in is not None
        await app.call(Logout(id="quit", revoke_token=False))
        return app.logged_in.token


async def test_plain_logout_revokes_only_this_connections_token(server: RunningServer) -> None:
    laptop_token = await quit_keeping_the_token(server.url)
    async with logged_in(server.url, "alice") as desk, logged_in(server.url, "alice") as phone:
        assert desk.logged_in is not None
        assert phone.logged_in is not None
        assert isinstance(await desk.call(Logout(id="bye")), Ack)
        assert await resume_refused(server.url, desk.logged_in.token)
        # The other connection stays, and other tokens still resume.
        await phone.call(Logout(id="p", revoke_token=False))
    assert not await resume_refused(server.url, laptop_token)


async def test_sign_out_everywhere_revokes_every_token_and_closes_the_other_links(
    server: RunningServer,
) -> None:
    # Seen: logout revoked only its own connection's token; the account's others stayed valid.
    laptop_token = await quit_keeping_the_token(server.url)
    async with logged_in(server.url, "alice") as desk, logged_in(server.url, "alice") as phone:
        assert desk.logged_in is not None
        assert phone.logged_in is not None
        assert isinstance(await desk.call(Logout(id="all", everywhere=True)), Ack)
        code, reason = await closed_with(phone)
        assert code == CLOSE_SIGNED_OUT
        assert "signed out everywhere" in reason
        for token in (laptop_token, desk.logged_in.token, phone.logged_in.token):
            assert await resume_refused(server.url, token)
    async with logged_in(server.url, "bob") as bob:  # other accounts are untouched
        assert bob.logged_in is not None


async def test_an_open_connection_closes_when_its_token_expires(
    short_token_server: RunningServer,
) -> None:
    # Seen: a connection stayed signed in long after its token had expired.
    server = short_token_server
    async with logged_in(server.url, "alice") as alice:
        assert alice.logged_in is not None
        expires_at = alice.logged_in.token_expires_at
        code, reason = await closed_with(alice)
        closed_at = server.clock.now()
    assert code == CLOSE_TOKEN_EXPIRED
    assert "expired" in reason
    assert expires_at <= closed_at < expires_at + 2.0  # the timer fires on a busy loop


async def test_health_tells_the_public_only_up_and_a_supervisor_the_counts(
    server: RunningServer,
) -> None:
    # Seen: GET /health told anyone how many agents were connected and how much was queued.
    async with logged_in(server.url, "alice") as alice, logged_in(server.url, "sam") as sam:
        assert alice.logged_in is not None
        assert sam.logged_in is not None
        status, _, body = await http_get(server.port, "/health")
        assert (status, json.loads(body)) == (200, {"status": "ok"})

        bearer = {"Authorization": f"Bearer {sam.logged_in.token}"}
        status, _, body = await http_get(server.port, "/health", headers=bearer)
        detail = json.loads(body)
        assert status == 200
        assert detail["status"] == "ok"
        assert detail["connected_agents"] == 1
        assert detail["queued_items"] == 0

        agent = {"Authorization": f"Bearer {alice.logged_in.token}"}
        status, _, body = await http_get(server.port, "/health", headers=agent)
        assert status == 403
        assert "connected_agents" not in json.loads(body)
        status, _, _ = await http_get(
            server.port, "/health", headers={"Authorization": "Bearer not-a-token"}
        )
        assert status == 401
