"""The server's websocket edge, over real sockets on 127.0.0.1: handshake, login, bad frames."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from agent_desktop.protocol.codec import MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, SUBPROTOCOL
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CreateWork,
    Error,
    Hello,
    LoggedIn,
    Login,
    Logout,
    OfferAdded,
    SessionOpened,
    SetPresence,
    SyncClock,
    Welcome,
    WorkCreated,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    ErrorCode,
    OfferState,
    Presence,
    QueueId,
    Role,
    UserId,
)
from agent_desktop.server.runner import RunningServer
from tests.wire import WireClient, connected, http_get, logged_in


def error_of(reply: object, code: ErrorCode) -> Error:
    assert isinstance(reply, Error), reply
    assert reply.code is code, reply
    return reply


async def still_answers(client: WireClient) -> None:
    """The connection survived: a request made now gets its reply."""
    reply = await client.request(SyncClock(id=client.next_id()))
    assert not isinstance(reply, Error) or reply.code in (
        ErrorCode.NOT_NEGOTIATED,
        ErrorCode.NOT_LOGGED_IN,
    ), reply


# --- handshake and version negotiation -----------------------------------------------------------


async def test_hello_negotiates_version_1_and_the_subprotocol(server: RunningServer) -> None:
    async with connected(server.url) as client:
        assert client.ws.subprotocol == SUBPROTOCOL
        welcome = await client.hello()
        assert welcome.version == 1
        assert welcome.server.startswith("agent-desktop-server")
        assert abs(welcome.server_time - server.clock.now()) < 5


async def test_a_client_offering_no_subprotocol_is_served_too(server: RunningServer) -> None:
    async with connected(server.url, subprotocol=False) as client:
        assert client.ws.subprotocol is None
        assert isinstance(await client.hello(), Welcome)


async def test_no_common_version_is_refused_and_the_connection_closes(
    server: RunningServer,
) -> None:
    async with connected(server.url) as client:
        reply = await client.request(Hello(id="h1", versions=[7, 8]))
        error = error_of(reply, ErrorCode.UNSUPPORTED_VERSION)
        assert error.re == "h1"
        with pytest.raises(ConnectionClosed):
            await client.receive()


async def test_requests_before_hello_are_refused_but_the_connection_stays(
    server: RunningServer,
) -> None:
    async with connected(server.url) as client:
        reply = await client.request(Login(id="l1", user="alice", password="demo"))
        assert error_of(reply, ErrorCode.NOT_NEGOTIATED).re == "l1"
        await client.hello()


async def test_requests_before_login_are_refused(server: RunningServer) -> None:
    async with connected(server.url) as client:
        await client.hello()
        reply = await client.request(SetPresence(id="p1", presence=Presence.AWAY))
        assert error_of(reply, ErrorCode.NOT_LOGGED_IN).re == "p1"
        reply = await client.request(Logout(id="o1"))
        error_of(reply, ErrorCode.NOT_LOGGED_IN)


# --- login ---------------------------------------------------------------------------------


async def test_wrong_password_and_unknown_user_look_the_same(server: RunningServer) -> None:
    async with connected(server.url) as client:
        await client.hello()
        wrong = error_of(
            await client.request(Login(id="a", user="alice", password="nope")),
            ErrorCode.AUTH_FAILED,
        )
        unknown = error_of(
            await client.request(Login(id="b", user="mallory", password="nope")),
            ErrorCode.AUTH_FAILED,
        )
        assert wrong.message == unknown.message
        assert (wrong.re, unknown.re) == ("a", "b")
        # Still usable: the right password works on the same connection.
        logged = await client.login("alice")
        assert logged.user == "alice"


async def test_five_failures_lock_the_user_out_even_with_the_right_password(
    server: RunningServer,
) -> None:
    async with connected(server.url) as client:
        await client.hello()
        for attempt in range(5):
            reply = await client.request(Login(id=f"x{attempt}", user="bob", password="guess"))
            error_of(reply, ErrorCode.AUTH_FAILED)
        reply = await client.request(Login(id="y", user="bob", password="demo"))
        assert "too many failed logins" in error_of(reply, ErrorCode.AUTH_FAILED).message
    # Other users are not affected.
    async with logged_in(server.url, "carol") as carol:
        assert carol.logged_in is not None


async def test_login_returns_identity_token_and_a_snapshot(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam:
        assert sam.logged_in is not None
        assert sam.logged_in.role is Role.SUPERVISOR
        assert sam.logged_in.display_name == "Sam Supervisor"
        assert sam.logged_in.token
        assert sam.logged_in.token_expires_at > server.clock.now()
        assert sam.snapshot is not None


async def test_a_token_resumes_and_logout_revokes_it(server: RunningServer) -> None:
    async with logged_in(server.url, "alice") as first:
        assert first.logged_in is not None
        token = first.logged_in.token
    async with logged_in(server.url, "alice", token=token) as resumed:
        assert resumed.logged_in is not None
        assert resumed.logged_in.user == "alice"
        new_token = resumed.logged_in.token
        ack = await resumed.call(Logout(id="bye"))
        assert isinstance(ack, Ack)
        with pytest.raises(ConnectionClosed):
            await resumed.receive()
    async with connected(server.url) as client:
        await client.hello()
        for old in (token, new_token):
            reply = await client.request(Login(id="r", user="alice", token=old))
            error_of(reply, ErrorCode.AUTH_FAILED)


async def test_logged_in_lists_the_queues_for_transfers(server: RunningServer) -> None:
    async with logged_in(server.url, "alice") as alice:
        assert alice.logged_in is not None
        queues = {str(q.queue): (q.name, q.channel) for q in alice.logged_in.queues}
        assert queues["chat"] == ("Web chat", Channel.CHAT)
        assert set(queues) == {"chat", "sms", "voice", "case", "chat_vip"}


async def test_a_goodbye_that_keeps_the_token_lets_the_next_start_resume(
    server: RunningServer,
) -> None:
    async with logged_in(server.url, "alice") as first:
        assert first.logged_in is not None
        token = first.logged_in.token
        ack = await first.call(Logout(id="quit", revoke_token=False))
        assert isinstance(ack, Ack)
    async with logged_in(server.url, "alice", token=token) as resumed:
        assert resumed.logged_in is not None
        assert resumed.logged_in.user == "alice"


async def test_a_token_of_another_user_does_not_log_in(server: RunningServer) -> None:
    async with logged_in(server.url, "alice") as alice:
        assert alice.logged_in is not None
        async with connected(server.url) as client:
            await client.hello()
            reply = await client.request(Login(id="r", user="bob", token=alice.logged_in.token))
            error_of(reply, ErrorCode.AUTH_FAILED)


# --- bad frames ----------------------------------------------------------------------------


async def test_malformed_json_is_refused_and_the_connection_survives(
    server: RunningServer,
) -> None:
    async with connected(server.url) as client:
        await client.send_raw("{not json")
        error = error_of(await client.reply(), ErrorCode.INVALID_MESSAGE)
        assert error.re is None
        await client.hello()


async def test_unknown_type_names_the_request(server: RunningServer) -> None:
    async with connected(server.url) as client:
        await client.hello()
        await client.send_raw(json.dumps({"type": "make_coffee", "id": "c1"}))
        assert error_of(await client.reply(), ErrorCode.INVALID_MESSAGE).re == "c1"
        await still_answers(client)


async def test_wrong_field_type_names_the_field(server: RunningServer) -> None:
    async with connected(server.url) as client:
        await client.send_raw(json.dumps({"type": "hello", "id": "h", "versions": "1"}))
        error = error_of(await client.reply(), ErrorCode.INVALID_MESSAGE)
        assert error.re == "h"
        assert "versions" in error.message
        await client.hello()


async def test_a_frame_over_64_kib_is_refused_and_the_connection_survives(
    server: RunningServer,
) -> None:
    async with logged_in(server.url, "alice") as alice:
        big = json.dumps({"type": "sync_clock", "id": "big", "pad": "x" * MAX_MESSAGE_BYTES})
        await alice.send_raw(big)
        error = error_of(await alice.reply(), ErrorCode.MESSAGE_TOO_LARGE)
        assert str(MAX_MESSAGE_BYTES) in error.message
        await still_answers(alice)


async def test_a_frame_over_1_mib_closes_the_connection_with_1009(server: RunningServer) -> None:
    async with connected(server.url) as client:
        await client.hello()
        await client.send_raw("x" * (MAX_FRAME_BYTES + 1))
        with pytest.raises(ConnectionClosed) as closed:
            await client.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009
    # The server itself is fine.
    async with connected(server.url) as other:
        await other.hello()


async def test_two_logins_on_one_connection_are_refused(server: RunningServer) -> None:
    async with logged_in(server.url, "alice") as alice:
        reply = await alice.request(Login(id="again", user="bob", password="demo"))
        error_of(reply, ErrorCode.INVALID_MESSAGE)
        await still_answers(alice)


# --- authority -------------------------------------------------------------------------------


async def test_accepting_another_agents_offer_is_forbidden_and_changes_nothing(
    server: RunningServer,
) -> None:
    async with (
        logged_in(server.url, "alice") as alice,
        logged_in(server.url, "bob") as bob,
        logged_in(server.url, "sam") as sam,
    ):
        for agent in (alice, bob):
            await agent.call(SetPresence(id=agent.next_id(), presence=Presence.AVAILABLE))
        created = await sam.call(
            CreateWork(
                id=sam.next_id(),
                channel=Channel.CHAT,
                queue=QueueId("chat"),
                customer_name="Ada",
                agent=UserId("bob"),
            )
        )
        assert isinstance(created, WorkCreated)
        offer = (await bob.next_event(OfferAdded)).offer
        assert offer.agent == "bob"

        reply = await alice.request(AcceptOffer(id="steal", offer_id=offer.offer_id))
        assert error_of(reply, ErrorCode.FORBIDDEN).re == "steal"

        # Bob's offer is untouched: he can still accept it, and the session is his.
        await bob.call(AcceptOffer(id=bob.next_id(), offer_id=offer.offer_id))
        session = (await bob.next_event(SessionOpened)).session
        assert session.agent == "bob"
        assert session.work.work_id == offer.work.work_id
        assert not any(isinstance(e, SessionOpened) for e in alice.events)
        assert offer.state is OfferState.PENDING


# --- health --------------------------------------------------------------------------------


async def test_health_answers_plain_json(server: RunningServer) -> None:
    status, headers, body = await http_get(server.port, "/health")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"status": "ok"}
    async with logged_in(server.url, "alice"), logged_in(server.url, "sam") as sam:
        assert sam.logged_in is not None
        bearer = {"Authorization": f"Bearer {sam.logged_in.token}"}
        _, _, body = await http_get(server.port, "/health", headers=bearer)
        health = json.loads(body)
        assert health["connected_agents"] == 1  # sam is a supervisor
        assert health["queued_items"] == 0
        assert health["version"]


async def test_other_plain_http_paths_are_404(server: RunningServer) -> None:
    status, _, _ = await http_get(server.port, "/admin")
    assert status == 404
    status, _, _ = await http_get(server.port, "/")
    assert status == 404


async def test_logged_in_reply_precedes_the_snapshot(server: RunningServer) -> None:
    async with connected(server.url) as client:
        await client.hello()
        await client.send_raw(
            json.dumps({"type": "login", "id": "l", "user": "carol", "password": "demo"})
        )
        first = await client.receive()
        second = await client.receive()
        assert isinstance(first, LoggedIn)
        assert type(second).__name__ == "Snapshot"


# --- failures inside the server ---------------------------------------------------------------


async def test_an_engine_bug_is_an_internal_error_and_the_connection_survives(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_handle = server.engine.handle

    def broken_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(server.engine, "handle", real_handle)
        raise RuntimeError("simulated engine bug")

    async with logged_in(server.url, "alice") as alice:
        monkeypatch.setattr(server.engine, "handle", broken_once)
        reply = await alice.request(SetPresence(id="boom", presence=Presence.AWAY))
        assert error_of(reply, ErrorCode.INTERNAL_ERROR).re == "boom"
        assert "simulated engine bug" in caplog.text
        assert "Traceback" in caplog.text
        await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AWAY))


async def test_a_dead_connection_does_not_stop_delivery_to_the_users_other_one(
    server: RunningServer,
) -> None:
    async with (
        logged_in(server.url, "alice") as laptop,
        logged_in(server.url, "alice") as phone,
        logged_in(server.url, "sam") as sam,
    ):
        await phone.call(SetPresence(id=phone.next_id(), presence=Presence.AVAILABLE))
        laptop.ws.transport.abort()  # the laptop's link dies without a close handshake
        await sam.call(
            CreateWork(
                id=sam.next_id(),
                channel=Channel.CHAT,
                queue=QueueId("chat"),
                customer_name="Ada",
                agent=UserId("alice"),
            )
        )
        offer = (await phone.next_event(OfferAdded)).offer
        assert offer.agent == "alice"
