"""The agent core against the real reference server over real websockets on 127.0.0.1.

A supervisor connection from tests/wire.py plays the customer and the tester (CreateWork,
CustomerMessage); the agent under test is an `AgentCore`, as the app and the ctl use it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

import msgspec
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from agent_desktop.clock import Clock, ManualClock
from agent_desktop.protocol.messages import (
    CreateWork,
    CustomerMessage,
    GetWork,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    CallState,
    Channel,
    ErrorCode,
    OfferId,
    OfferState,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    Role,
    Sender,
    SessionId,
    UserId,
    WorkId,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import (
    AgentCore,
    AgentState,
    Announcement,
    Backoff,
    LinkStatus,
    NotConnectedError,
    NotificationMode,
    OfferArrived,
    OfferLeft,
    RequestError,
    Settings,
    ToastArrived,
    TokenStore,
)
from agent_desktop.session.__main__ import parse_args, run
from agent_desktop.session.state import CONNECTION_LOST_ALERT, ClientAlertKind
from tests.session.relay import Relay
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration

WAIT_S: Final = 10.0
"""Generous for a loaded 2-core machine; a passing test never waits this long."""


def fast_backoff() -> Backoff:
    return Backoff(base=0.05, cap=0.3, rng=random.Random(1))


def make_core(
    url: str,
    user: str = "alice",
    password: str | None = "demo",
    *,
    clock: Clock | None = None,
    token_store: TokenStore | None = None,
) -> AgentCore:
    return AgentCore(
        Settings(server_url=url, user=user),
        password=password,
        clock=clock,
        token_store=token_store,
        backoff=fast_backoff(),
        ping_interval=1.0,
        ping_timeout=1.0,
        open_timeout=2.0,
    )


@asynccontextmanager
async def started(core: AgentCore) -> AsyncIterator[AgentCore]:
    await core.start()
    try:
        await core.wait_for(lambda s: s.online, WAIT_S)
        yield core
    finally:
        await core.close()


@pytest.fixture
async def server() -> AsyncIterator[RunningServer]:
    async with running_server() as running:
        yield running


@pytest.fixture
async def sam(server: RunningServer) -> AsyncIterator[WireClient]:
    """The supervisor/tester connection that creates work and speaks for customers."""
    async with logged_in(server.url, "sam") as client:
        yield client


async def create_work(
    tester: WireClient,
    *,
    queue: str = "chat",
    channel: Channel = Channel.CHAT,
    agent: str | None = "alice",
    case_title: str | None = None,
) -> WorkId:
    reply = await tester.call(
        CreateWork(
            id=tester.next_id(),
            channel=channel,
            queue=QueueId(queue),
            customer_name="Zoe Customer",
            subject="Where is my parcel?",
            agent=UserId(agent) if agent else None,
            case_title=case_title,
        )
    )
    assert isinstance(reply, WorkCreated)
    return reply.work.work_id


def recorder(core: AgentCore) -> list[Announcement]:
    seen: list[Announcement] = []
    core.on_announcement(seen.append)
    return seen


def has_offer(state: AgentState) -> bool:
    return bool(state.offers)


# --- login, offers, sessions -----------------------------------------------------------------


async def test_login_offer_accept_and_messages_both_ways(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    announcements = recorder(core)
    async with started(core):
        state = core.state
        assert state.identity is not None
        assert (state.identity.user, state.identity.role) == ("alice", Role.AGENT)
        assert state.shown_presence is Presence.AVAILABLE
        assert abs(state.clock_offset) < 1.0  # same machine, same clock

        work_id = await create_work(sam)
        state = await core.wait_for(has_offer, WAIT_S)
        [pending] = state.offers
        assert pending.offer.work.work_id == work_id
        assert pending.offer.notification.accept_label == "Accept"
        countdown = pending.countdown(core.clock.now())
        assert countdown is not None
        assert 100 < countdown <= 120
        [arrived] = [a for a in announcements if isinstance(a.effect, OfferArrived)]
        assert arrived.decision is not None
        assert arrived.decision.in_app

        await core.accept(pending.offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions) and not s.offers, WAIT_S)
        session_id = state.sessions[0].session_id
        left = [a.effect for a in announcements if isinstance(a.effect, OfferLeft)]
        assert left == [OfferLeft(pending.offer_id, OfferState.ACCEPTED, Reason.ACCEPT)]

        await core.send_message(session_id, "Hello, how can I help?")
        await sam.call(CustomerMessage(id=sam.next_id(), work_id=work_id, text="My parcel!"))
        state = await core.wait_for(
            lambda s: (
                [m.sender for m in s.sessions[0].transcript] == [Sender.AGENT, Sender.CUSTOMER]
            ),
            WAIT_S,
        )
        assert [m.text for m in state.sessions[0].transcript] == [
            "Hello, how can I help?",
            "My parcel!",
        ]
        assert state.outbox == ()

        await core.close_session(session_id)
        await core.wait_for(lambda s: not s.sessions, WAIT_S)


async def test_reject_sets_do_not_disturb_and_the_alert_sets_me_available(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    announcements = recorder(core)
    async with started(core):
        await create_work(sam)
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        await core.reject(pending.offer_id)
        state = await core.wait_for(
            lambda s: not s.offers and any(a.kind is AlertKind.REJECTED for a in s.alerts), WAIT_S
        )
        assert state.presence is not None
        assert state.presence.presence is Presence.BUSY_DND
        assert state.presence.reason is Reason.DECLINED_BY_AGENT
        assert state.presence.source is PresenceSource.SYSTEM
        left = [a.effect for a in announcements if isinstance(a.effect, OfferLeft)]
        assert left == [OfferLeft(pending.offer_id, OfferState.REJECTED, Reason.DECLINED_BY_AGENT)]

        [alert] = state.alerts
        await core.respond_to_alert(alert.alert_id)
        state = await core.wait_for(
            lambda s: (
                not s.alerts
                and s.presence is not None
                and s.presence.presence is Presence.AVAILABLE
            ),
            WAIT_S,
        )
        timeline = await core.presence_timeline()
        assert [c.presence for c in timeline[-2:]] == [Presence.BUSY_DND, Presence.AVAILABLE]
        assert timeline[-2].reason is Reason.DECLINED_BY_AGENT


async def test_a_case_cannot_be_rejected_and_opens_as_an_item(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        await create_work(sam, queue="case", channel=Channel.CASE, case_title="Broken router")
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        assert not pending.rejectable
        with pytest.raises(RequestError) as refused:
            await core.reject(pending.offer_id)
        assert refused.value.code is ErrorCode.NOT_REJECTABLE
        assert refused.value.local
        assert core.state.offers == (pending,)  # nothing changed

        await core.open_item(pending.offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
        case = state.sessions[0].work.case
        assert case is not None
        assert case.title == "Broken router"


async def test_server_refusals_raise_typed_errors_with_the_servers_message(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        await create_work(sam, queue="voice", channel=Channel.VOICE)
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        await core.accept(pending.offer_id)
        state = await core.wait_for(lambda s: bool(s.sessions), WAIT_S)
        session_id = state.sessions[0].session_id

        with pytest.raises(RequestError) as refused:
            await core.transfer(session_id, to_queue=QueueId("no-such-queue"))
        assert refused.value.code is ErrorCode.UNKNOWN_QUEUE
        assert not refused.value.local
        assert refused.value.message

        with pytest.raises(RequestError) as refused:
            await core.reset_presence(UserId("bob"))
        assert refused.value.code is ErrorCode.FORBIDDEN

        await core.hold(session_id)
        state = await core.wait_for(
            lambda s: (
                s.sessions[0].call is not None and s.sessions[0].call.state is CallState.ON_HOLD
            ),
            WAIT_S,
        )
        await core.mute(session_id)
        await core.wait_for(
            lambda s: s.sessions[0].call is not None and s.sessions[0].call.muted, WAIT_S
        )


async def test_missed_offer_leaves_at_expiry_and_sets_inactive() -> None:
    clock = ManualClock()
    async with running_server(clock=clock) as server, logged_in(server.url, "sam") as sam:
        core = make_core(server.url, clock=clock)
        announcements = recorder(core)
        async with started(core):
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            clock.advance(pending.remaining(clock.now()) + 0.5)
            # The client's own timer removes the offer at expiry, before the server says so.
            core.wake()
            assert core.state.offers == ()
            assert OfferLeft(pending.offer_id, None, None) in [a.effect for a in announcements]
            server.wake()
            state = await core.wait_for(
                lambda s: s.presence is not None and s.presence.presence is Presence.INACTIVE,
                WAIT_S,
            )
            assert state.presence is not None
            assert state.presence.reason is Reason.DISPLAY_TIMEOUT
            assert [a.kind for a in state.alerts] == [AlertKind.MISSED]


async def test_offer_expires_on_the_client_while_the_link_is_down() -> None:
    clock = ManualClock()
    async with running_server(clock=clock) as server, logged_in(server.url, "sam") as sam:
        core = make_core(server.url, clock=clock)
        async with started(core):
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        # close() dropped the link without a goodbye: the offer is still shown until expiry.
        assert core.state.offers == (pending,)
        clock.advance(pending.remaining(clock.now()))
        core.wake()
        after = core.state
        assert after.offers == ()


async def test_the_eleventh_session_raises_the_max_sessions_alert(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        for _ in range(MAX_SESSIONS):
            await create_work(sam, queue="chat_vip")
        state = await core.wait_for(lambda s: len(s.sessions) == MAX_SESSIONS, WAIT_S)
        assert len(state.toasts) == MAX_SESSIONS  # auto-accepted: a toast each, no decision
        await create_work(sam, queue="chat_vip")
        state = await core.wait_for(
            lambda s: any(a.kind is AlertKind.MAX_SESSIONS for a in s.alerts), WAIT_S
        )
        assert len(state.sessions) == MAX_SESSIONS
        assert state.presence is not None
        assert state.presence.presence is Presence.BUSY_DND


async def test_supervisor_sees_agents_live_and_resets_a_presence(server: RunningServer) -> None:
    alice = make_core(server.url)
    supervisor = make_core(server.url, "sam")
    async with started(alice), started(supervisor):
        assert supervisor.state.identity is not None
        assert supervisor.state.identity.supervises
        await supervisor.list_agents()
        agents = {a.agent: a for a in supervisor.state.agents or ()}
        assert agents[UserId("alice")].connected

        await alice.set_presence(Presence.AWAY)
        await supervisor.wait_for(lambda s: _presence_of(s, "alice") is Presence.AWAY, WAIT_S)

        await supervisor.reset_presence(UserId("alice"))
        state = await alice.wait_for(
            lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE, WAIT_S
        )
        assert state.presence is not None
        assert state.presence.source is PresenceSource.SUPERVISOR
        assert state.presence.previous is Presence.AWAY
        await supervisor.wait_for(lambda s: _presence_of(s, "alice") is Presence.AVAILABLE, WAIT_S)
        timeline = await supervisor.presence_timeline(UserId("alice"))
        assert timeline[-1].by == "sam"

        # After a resume the live table keeps updating (the subscription is per connection).
        await supervisor.force_reconnect()
        await supervisor.wait_for(lambda s: not s.online, WAIT_S)
        await supervisor.wait_for(lambda s: s.online, WAIT_S)
        await alice.set_presence(Presence.AWAY)
        await supervisor.wait_for(lambda s: _presence_of(s, "alice") is Presence.AWAY, WAIT_S)


def _presence_of(state: AgentState, agent: str) -> Presence | None:
    for view in state.agents or ():
        if view.agent == agent:
            return view.presence.presence
    return None


async def test_not_connected_intents_fail_fast_and_inactive_is_refused(
    server: RunningServer,
) -> None:
    core = make_core(server.url)
    with pytest.raises(NotConnectedError):
        await core.set_presence(Presence.AWAY)
    async with started(core):
        with pytest.raises(RequestError) as refused:
            await core.set_presence(Presence.INACTIVE)
        assert refused.value.local
        with pytest.raises(RequestError) as refused:
            await core.transfer(SessionId("s1"))  # no target named
        assert refused.value.code is ErrorCode.INVALID_MESSAGE
        assert refused.value.local
        with pytest.raises(RequestError) as refused:
            await core.accept(OfferId("gone"))
        assert refused.value.code is ErrorCode.UNKNOWN_OFFER


# --- reconnect and resume --------------------------------------------------------------------


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


async def test_resent_message_is_stored_once(server: RunningServer, sam: WireClient) -> None:
    """A message resent after a resume with the same client_msg_id is not duplicated."""
    core = make_core(server.url)
    async with started(core):
        work_id = await create_work(sam)
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        await core.accept(pending.offer_id)
        session_id = (
            (await core.wait_for(lambda s: bool(s.sessions), WAIT_S)).sessions[0].session_id
        )
        client_msg_id = await core.send_message(session_id, "once")
        # The same message again, as a resume after a lost ack would send it.
        from agent_desktop.session.events import MessageQueued
        from agent_desktop.session.state import OutgoingMessage

        core._store.dispatch(  # the outbox replay path, driven directly
            MessageQueued(OutgoingMessage(client_msg_id, session_id, "once", core.clock.now()))
        )
        await core.wait_for(lambda s: s.outbox == (), WAIT_S)
        info = await sam.call(GetWork(id=sam.next_id(), work_id=work_id))
        assert isinstance(info, WorkInfo)
        assert [m.text for m in info.transcript if m.client_msg_id == client_msg_id] == ["once"]


# --- credentials -----------------------------------------------------------------------------


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


# --- transport security ----------------------------------------------------------------------


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


# --- the headless runner ---------------------------------------------------------------------


async def test_headless_runner_accepts_its_offers(server: RunningServer, sam: WireClient) -> None:
    from agent_desktop.protocol.messages import AgentUpdated, ListAgents

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


# --- local timers, notification decisions, observers -------------------------------------------


def quick_chat_config(wait_time_s: float, *, show_timeout: bool = True) -> ServerConfig:
    """The demo configuration with a chat template that times out in `wait_time_s`."""
    config = demo_config()
    chat = msgspec.structs.replace(
        config.templates["chat"], wait_time_s=wait_time_s, show_timeout=show_timeout
    )
    return msgspec.structs.replace(config, templates={**config.templates, "chat": chat})


async def test_a_hidden_countdown_still_removes_the_offer_at_expiry_on_real_time() -> None:
    async with (
        running_server(quick_chat_config(0.5, show_timeout=False)) as server,
        logged_in(server.url, "sam") as sam,
    ):
        core = make_core(server.url)
        announcements = recorder(core)
        async with started(core):
            await create_work(sam)
            [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
            assert pending.countdown(core.clock.now()) is None  # hidden...
            assert pending.remaining(core.clock.now()) > 0  # ...but running
            await core.wait_for(lambda s: not s.offers, WAIT_S)
            left = [a.effect for a in announcements if isinstance(a.effect, OfferLeft)]
            assert left[0].offer_id == pending.offer_id


async def test_notification_decisions_follow_focus_and_settings(
    server: RunningServer, sam: WireClient
) -> None:
    core = AgentCore(
        Settings(
            server_url=server.url,
            user="alice",
            notification_mode=NotificationMode.WHEN_UNFOCUSED,
            channel_sound={Channel.CHAT: False},
        ),
        password="demo",
        backoff=fast_backoff(),
    )
    announcements = recorder(core)
    async with started(core):
        core.set_window_active(True)
        await create_work(sam)
        await core.wait_for(has_offer, WAIT_S)
        core.set_window_active(False)
        await create_work(sam, queue="sms", channel=Channel.SMS)
        await core.wait_for(lambda s: len(s.offers) == 2, WAIT_S)
        await create_work(sam, queue="chat_vip")
        await core.wait_for(lambda s: bool(s.toasts), WAIT_S)
    decisions = [
        (type(a.effect).__name__, a.decision)
        for a in announcements
        if isinstance(a.effect, OfferArrived | ToastArrived)
    ]
    assert [name for name, _ in decisions] == ["OfferArrived", "OfferArrived", "ToastArrived"]
    focused, unfocused, toast = (d for _, d in decisions)
    assert focused is not None
    assert (focused.in_app, focused.os_notification, focused.flash) == (True, False, False)
    assert focused.sound is False  # chat sound switched off
    assert unfocused is not None
    assert (unfocused.in_app, unfocused.os_notification, unfocused.flash) == (True, True, True)
    assert unfocused.sound is True  # sms still rings
    assert toast is not None
    assert toast.sound is False  # the VIP chat is a chat
    assert toast.os_notification is True


async def test_a_broken_observer_does_not_stop_the_others(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    core = make_core(server.url)
    seen: list[AgentState] = []

    def broken(state: AgentState) -> None:
        raise RuntimeError("widget bug")

    core.subscribe(broken)
    unsubscribe = core.subscribe(seen.append)
    async with started(core):
        assert seen[-1].online
        count = len(seen)
        unsubscribe()
        await core.set_presence(Presence.AWAY)
        await core.wait_for(lambda s: s.shown_presence is Presence.AWAY, WAIT_S)
        assert len(seen) == count
    assert "widget bug" in caplog.text


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


async def test_transfer_and_escalate_hand_the_session_over(
    server: RunningServer, sam: WireClient
) -> None:
    alice = make_core(server.url)
    bob = make_core(server.url, "bob")
    async with started(alice), started(bob):
        await create_work(sam)
        [pending] = (await alice.wait_for(has_offer, WAIT_S)).offers
        await alice.accept(pending.offer_id)
        session_id = (
            (await alice.wait_for(lambda s: bool(s.sessions), WAIT_S)).sessions[0].session_id
        )

        await alice.transfer(session_id, to_agent=UserId("bob"))
        await alice.wait_for(lambda s: not s.sessions, WAIT_S)
        state = await bob.wait_for(lambda s: bool(s.sessions) and bool(s.toasts), WAIT_S)
        assert state.toasts[0].toast.reason is Reason.TRANSFER
        bob.dismiss_toast(state.toasts[0])
        assert bob.state.toasts == ()

        await bob.escalate(state.sessions[0].session_id, to_agent=UserId("alice"))
        state = await alice.wait_for(lambda s: bool(s.sessions), WAIT_S)
        assert state.toasts[-1].toast.reason is Reason.ESCALATION


async def test_sync_clock_measures_the_offset_again(server: RunningServer) -> None:
    async with started(make_core(server.url)) as core:
        offset = await core.sync_clock()
        assert abs(offset) < 1.0
        assert core.state.clock_offset == offset


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
