"""The SMS provider's webhook over real HTTP on 127.0.0.1: a real HTTP client POSTs signed
inbound SMS and delivery receipts to the running server's own webhook listener."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from importlib.resources import files
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    BookingId,
    BookingStatus,
    ChangeBooking,
    DeliveryState,
    ListNotifications,
    NotificationChannel,
    NotificationReason,
    Notifications,
)
from agent_desktop.protocol.messages import (
    AcceptOffer,
    MessageAdded,
    OfferAdded,
    SessionOpened,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import ConfigError, parse_config
from agent_desktop.server.customer_notifications import webhook
from agent_desktop.server.customer_notifications.config import WebhookConfig
from agent_desktop.server.customer_notifications.inbound import MissingSecret, sign
from agent_desktop.server.customer_notifications.store import NotificationStore
from agent_desktop.server.customer_notifications.webhook import MAX_CONNECTIONS
from agent_desktop.server.runner import STATE_FILE, RunningServer, running_server
from tests.server.customer_notifications.conftest import (
    HOUR,
    MONDAY_0900,
    Providers,
    notifications_config,
)
from tests.server.customer_notifications.test_cn_server import an_sms_sent, create, eventually
from tests.server.test_cli import one_line, run_cli
from tests.wire import WireClient, logged_in

pytestmark = pytest.mark.integration

SECRET = "webhook-secret-for-tests-0123456789"
NUMBER = "+4915123456789"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
Start = Callable[..., AbstractAsyncContextManager[RunningServer]]


@pytest.fixture
def start(
    demo_config: ServerConfig, providers: Providers, monkeypatch: pytest.MonkeyPatch
) -> Start:
    monkeypatch.setenv("AGENT_DESKTOP_SMS_WEBHOOK_SECRET", SECRET)

    def make(
        data_dir: Path | None = None, clock: ManualClock | None = None, **webhook: Any
    ) -> AbstractAsyncContextManager[RunningServer]:
        settings = {"listen": "127.0.0.1:0", "max_body_bytes": 1024, **webhook}
        notifications = notifications_config(providers, webhook=WebhookConfig(**settings))
        config = msgspec.structs.replace(demo_config, customer_notifications=notifications)
        return running_server(config, clock=clock or ManualClock(MONDAY_0900), data_dir=data_dir)

    return make


@pytest.fixture
async def server(start: Start) -> AsyncIterator[RunningServer]:
    async with start() as running:
        yield running


def body_of(fields: dict[str, str], content_type: str) -> bytes:
    return (json.dumps(fields) if content_type == JSON else urllib.parse.urlencode(fields)).encode()


async def post(
    server: RunningServer, path: str, body: bytes, *, content_type: str = JSON,
    signature: str | None = "sign", method: str = "POST",
) -> tuple[int, dict[str, Any]]:  # fmt: skip
    """One request with urllib (a real HTTP client); `signature` "sign": signed right."""
    headers = {"Content-Type": content_type}
    if signature is not None:
        headers["X-Signature"] = sign(SECRET.encode(), body) if signature == "sign" else signature
    url = f"http://127.0.0.1:{server.webhook_port}{path}"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)

    def send() -> tuple[int, dict[str, Any]]:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    return await asyncio.to_thread(send)


async def inbound(
    server: RunningServer, content_type: str = JSON, **fields: str
) -> tuple[int, dict[str, Any]]:
    return await post(
        server, "/sms/inbound", body_of(fields, content_type), content_type=content_type
    )


async def sms_log(client: WireClient) -> list[tuple[DeliveryState, NotificationReason | None]]:
    log = await client.call(ListNotifications(id=client.next_id(), channel=NotificationChannel.SMS))
    assert isinstance(log, Notifications)
    return [(e.state, e.reason) for e in log.entries]


async def set_off(sam: WireClient, booking_id: BookingId) -> None:
    await sam.call(
        ChangeBooking(id=sam.next_id(), booking_id=booking_id, status=BookingStatus.TRAVELING)
    )


async def test_an_inbound_stop_is_recorded_and_honoured_and_start_undoes_it(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam, start=MONDAY_0900 + HOUR, end=MONDAY_0900 + 2 * HOUR)
        status, answer = await inbound(server, FORM, **{"from": "0151 23456789", "text": " Stop "})
        assert (status, answer) == (200, {"number": NUMBER, "action": "opted_out"})
        await set_off(sam, booking.booking_id)
        await eventually(lambda: len(providers.smtp.received) == 1)
        assert await sms_log(sam) == [(DeliveryState.EXCLUDED, NotificationReason.SMS_STOP)]
        assert providers.sms.requests == []
        status, answer = await inbound(server, **{"from": NUMBER, "text": "START"})
        assert (status, answer["action"]) == (200, "opted_in")
        assert server.notifications is not None
        assert not server.notifications.store.sms_stopped(NUMBER)


async def test_a_reply_becomes_a_routed_conversation_once_even_when_the_provider_retries(
    server: RunningServer,
) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "alice") as alice:
        booking = await create(sam)
        await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AVAILABLE))
        reply = {"from": "0151 23456789", "text": "Can you come after 3?", "id": "in-1"}
        status, answer = await inbound(server, **reply)
        assert (status, answer["action"]) == (200, "routed")
        offer = (await alice.next_event(OfferAdded)).offer
        assert offer.work.work_id == answer["work_id"]
        assert offer.work.customer.name == "Ada"
        assert booking.booking_id in offer.work.subject
        assert await inbound(server, **reply) == (200, answer)  # a retried POST: same answer
        await alice.call(AcceptOffer(id=alice.next_id(), offer_id=offer.offer_id))
        session = (await alice.next_event(SessionOpened)).session
        assert [m.text for m in session.transcript] == ["Can you come after 3?"]  # once
        status, later = await inbound(server, **{"from": NUMBER, "text": "or 4?", "id": "in-2"})
        assert later["work_id"] == answer["work_id"]
        added = await alice.next_event(MessageAdded)
        assert added.message.text == "or 4?"


async def test_a_receipt_marks_the_message_delivered_once(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam:
        await an_sms_sent(server, sam, providers)  # the provider calls it sms-1

        async def receipt(status: str, provider_id: str = "sms-1") -> tuple[int, dict[str, Any]]:
            return await post(
                server,
                "/sms/status",
                body_of({"id": provider_id, "status": status}, FORM),
                content_type=FORM,
            )

        code, interim = await receipt("sent")
        assert (code, interim["state"], interim["changed"]) == (200, "sent", False)
        code, delivered = await receipt("DELIVERED")
        assert (code, delivered["state"], delivered["changed"]) == (200, "delivered", True)
        assert await sms_log(sam) == [(DeliveryState.DELIVERED, None)]
        repeat = await receipt("delivered")  # a repeat changes nothing
        assert repeat == (200, {**delivered, "changed": False})
        assert (await receipt("undelivered"))[0] == 409  # nor does a contradiction
        assert await sms_log(sam) == [(DeliveryState.DELIVERED, None)]
        assert (await receipt("delivered", "sms-999"))[0] == 404


async def test_a_receipt_saying_undelivered_marks_the_message_failed_with_the_providers_word(
    server: RunningServer, providers: Providers
) -> None:
    """Staff must not read "Sent" for an SMS the provider said never reached the phone."""
    async with logged_in(server.url, "sam") as sam:
        await an_sms_sent(server, sam, providers)  # the provider calls it sms-1

        async def receipt(status: str, **more: str) -> tuple[int, dict[str, Any]]:
            fields = {"id": "sms-1", "status": status, **more}
            return await post(server, "/sms/status", body_of(fields, JSON))

        code, failed = await receipt("undelivered", error="30003 unreachable handset")
        assert (code, failed["state"], failed["changed"]) == (200, "failed", True)
        assert await sms_log(sam) == [(DeliveryState.FAILED, NotificationReason.UNDELIVERED)]
        log = await sam.call(ListNotifications(id=sam.next_id(), channel=NotificationChannel.SMS))
        assert isinstance(log, Notifications)
        assert log.entries[0].last_error == "undelivered: 30003 unreachable handset"
        again = await receipt("failed")  # a repeat, or the other word, changes nothing
        assert again == (200, {**failed, "changed": False})
        assert (await receipt("delivered"))[0] == 409  # a failed message is not delivered later
        assert await sms_log(sam) == [(DeliveryState.FAILED, NotificationReason.UNDELIVERED)]


@pytest.mark.parametrize(
    ("what", "request_", "expected"),
    [
        ("no signature", {"signature": None}, 401),
        ("forged signature", {"signature": sign(b"not-the-secret-at-all", b"x")}, 403),
        ("another body's signature", {"signature": sign(SECRET.encode(), b"{}")}, 403),
        (
            "too large",
            {"body": json.dumps({"from": NUMBER, "text": "STOP", "pad": "x" * 2000}).encode()},
            413,
        ),
        ("not JSON", {"body": b'{"from": "+4915123456789", "text": "STOP"'}, 400),
        ("a JSON list", {"body": b'[{"from": "+4915123456789", "text": "STOP"}]'}, 400),
        ("no text", {"body": b'{"from": "+4915123456789"}'}, 400),
        ("not a number", {"body": b'{"from": "call me maybe", "text": "STOP"}'}, 400),
        (
            "a field twice",
            {"body": b"from=%2B4915123456789&text=STOP&text=STOP", "content_type": FORM},
            400,
        ),
        ("plain text", {"content_type": "text/plain"}, 400),
        ("GET", {"method": "PUT"}, 405),
        ("unknown path", {"path": "/sms/other"}, 404),
    ],
)
async def test_bad_requests_are_refused_clearly_and_change_nothing(
    server: RunningServer, what: str, request_: dict[str, Any], expected: int
) -> None:
    cn = server.notifications
    assert cn is not None
    body = request_.pop("body", json.dumps({"from": NUMBER, "text": "STOP"}).encode())
    path = request_.pop("path", "/sms/inbound")
    status, answer = await post(server, path, body, **request_)
    assert status == expected, what
    assert answer["error"]
    assert not cn.store.sms_stopped(NUMBER)  # the STOP inside was not applied
    assert (
        await post(server, "/sms/inbound", json.dumps({"from": NUMBER, "text": "STOP"}).encode())
    )[0] == 200
    assert cn.store.sms_stopped(NUMBER)  # the same STOP, signed right, is


async def test_requests_are_rate_limited_per_address(start: Start) -> None:
    clock = ManualClock(MONDAY_0900)
    async with start(clock=clock, requests_per_minute=5) as server:
        stop = json.dumps({"from": NUMBER, "text": "STOP"}).encode()
        for _ in range(5):
            assert (await post(server, "/sms/inbound", b"{}", signature="sha256=00"))[0] == 403
        assert (await post(server, "/sms/inbound", stop))[0] == 429
        assert server.notifications is not None
        assert not server.notifications.store.sms_stopped(NUMBER)
        clock.advance(61)
        assert (await post(server, "/sms/inbound", stop))[0] == 200


async def test_answers_to_inbound_ids_are_kept_for_retries_for_a_week_not_forever(
    start: Start, tmp_path: Path
) -> None:
    clock = ManualClock(MONDAY_0900)
    async with start(tmp_path, clock) as server:
        cn = server.notifications
        assert cn is not None
        first = await inbound(server, **{"from": NUMBER, "text": "STOP", "id": "in-1"})
        clock.advance(7 * 86_400 - 1)
        assert await inbound(server, **{"from": NUMBER, "text": "START", "id": "in-1"}) == first
        await inbound(server, **{"from": NUMBER, "text": "STOP", "id": "in-2"})
        assert cn.store.inbound_answer("in-1") is not None  # a week old at most: kept
        clock.advance(2)
        await inbound(server, **{"from": NUMBER, "text": "START", "id": "in-3"})
        assert cn.store.inbound_answer("in-1") is None  # older than a week: forgotten
        assert cn.store.inbound_answer("in-2") is not None
        stored = sqlite3.connect(tmp_path / STATE_FILE)
        assert stored.execute("SELECT count(*) FROM cn_inbound").fetchone() == (2,)


def test_answers_kept_by_an_older_server_are_moved_and_still_answer_retries(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cn.db"
    NotificationStore(path).close()
    with sqlite3.connect(path) as old:  # as the previous version kept them: in cn_meta
        old.execute("DROP TABLE cn_inbound")
        old.execute("INSERT INTO cn_meta VALUES ('sms_in:in-9', '{\"action\": \"routed\"}')")
        old.execute("INSERT INTO cn_meta VALUES ('smsXin:other', 'kept')")
    store = NotificationStore(path)
    assert store.inbound_answer("in-9") == '{"action": "routed"}'
    assert store.meta("sms_in:in-9") is None
    assert store.meta("smsXin:other") == "kept"  # LIKE's "_" matches only itself here


async def test_a_restarted_server_keeps_opt_outs_conversations_and_receipts(
    start: Start, providers: Providers, tmp_path: Path
) -> None:
    clock = ManualClock(MONDAY_0900)
    async with start(tmp_path, clock) as server, logged_in(server.url, "sam") as sam:
        booking = await create(sam, start=MONDAY_0900 + HOUR, end=MONDAY_0900 + 2 * HOUR)
        await set_off(sam, booking.booking_id)
        await eventually(lambda: len(providers.sms.requests) == 1)
        first = await inbound(
            server, **{"from": NUMBER, "text": "Ring the bell twice", "id": "in-1"}
        )
        assert first[1]["action"] == "routed"
        assert (await inbound(server, **{"from": NUMBER, "text": "STOP", "id": "in-2"}))[0] == 200
    async with start(tmp_path, clock) as server, logged_in(server.url, "sam") as sam:
        assert (
            await inbound(server, **{"from": NUMBER, "text": "Ring the bell twice", "id": "in-1"})
            == first
        )
        body = body_of({"id": "sms-1", "status": "delivered"}, JSON)
        assert (await post(server, "/sms/status", body))[1]["state"] == "delivered"
        later = await create(sam, start=MONDAY_0900 + 2 * HOUR, end=MONDAY_0900 + 3 * HOUR)
        await set_off(sam, later.booking_id)
        await eventually(lambda: len(providers.smtp.received) == 1)
        assert (await sms_log(sam))[0] == (DeliveryState.EXCLUDED, NotificationReason.SMS_STOP)


async def test_the_webhook_is_off_unless_configured_and_never_without_its_secret(
    start: Start, demo_config: ServerConfig, providers: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = msgspec.structs.replace(
        demo_config, customer_notifications=notifications_config(providers)
    )
    async with running_server(config, clock=ManualClock(MONDAY_0900)) as plain:
        assert plain.webhook_port is None
    monkeypatch.setenv("AGENT_DESKTOP_SMS_WEBHOOK_SECRET", "short")
    with pytest.raises(MissingSecret, match="AGENT_DESKTOP_SMS_WEBHOOK_SECRET"):
        async with start():
            pass


@pytest.mark.parametrize("problem", ["no secret", "address taken"])
def test_a_server_whose_webhook_cannot_run_says_why_in_one_line(
    tmp_path: Path, problem: str
) -> None:
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "AGENT_DESKTOP_SMS_WEBHOOK_SECRET"}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1] if problem == "address taken" else 0
        if problem == "address taken":
            env["AGENT_DESKTOP_SMS_WEBHOOK_SECRET"] = SECRET
        config = tmp_path / "server.toml"
        table = f'\n[customer_notifications.webhook]\nlisten = "127.0.0.1:{port}"\n'
        config.write_text(demo + table, encoding="utf-8")
        done = run_cli("--config", str(config), "--in-memory", "--port", "0", env=env)
    assert done.returncode == 1
    line = one_line(done.stderr)
    if problem == "no secret":
        assert "the SMS webhook needs its shared secret" in line
        assert "$AGENT_DESKTOP_SMS_WEBHOOK_SECRET" in line
    else:
        assert f"cannot listen on 127.0.0.1:{port} for the SMS webhook" in line


async def raw_exchange(server: RunningServer, data: bytes) -> bytes:
    """Bytes straight onto the socket (what urllib will not send), the answer's status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.webhook_port)
    writer.write(data)
    await writer.drain()
    async with asyncio.timeout(10):
        answer = await reader.read()
    writer.close()
    return answer.split(b"\r\n", 1)[0]


async def test_a_chunked_body_over_the_limit_and_garbage_are_refused(server: RunningServer) -> None:
    cn = server.notifications
    assert cn is not None
    chunk = b"x" * 600
    chunked = (
        b"POST /sms/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nX-Signature: sha256=00\r\n\r\n"
        + (b"%x\r\n%s\r\n" % (len(chunk), chunk)) * 2
        + b"0\r\n\r\n"
    )
    assert await raw_exchange(server, chunked) == b"HTTP/1.1 413 Request Entity Too Large"
    assert (await raw_exchange(server, b"HELLO THERE\r\n\r\n")).startswith(b"HTTP/1.1 400")
    assert not cn.store.sms_stopped(NUMBER)


async def test_a_request_that_stops_halfway_gets_408_and_changes_nothing(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider (or anyone) that sends half a body must not hold a connection open: it
    gets 408 when the whole request has taken longer than the limit (10 s; shortened here)."""
    monkeypatch.setattr(webhook, "READ_TIMEOUT_S", 0.3)
    cn = server.notifications
    assert cn is not None
    body = json.dumps({"from": NUMBER, "text": "STOP"}).encode()
    half = (
        b"POST /sms/inbound HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nX-Signature: %s\r\n\r\n%s"
        % (len(body), sign(SECRET.encode(), body).encode(), body[: len(body) // 2])
    )
    started = asyncio.get_running_loop().time()
    assert await raw_exchange(server, half) == b"HTTP/1.1 408 Request Timeout"
    assert asyncio.get_running_loop().time() - started < 5  # the limit, not a hang
    assert not cn.store.sms_stopped(NUMBER)  # the half a STOP was not applied


async def test_idle_connections_cannot_pile_up(server: RunningServer) -> None:
    idle = [
        await asyncio.open_connection("127.0.0.1", server.webhook_port)
        for _ in range(MAX_CONNECTIONS)
    ]
    try:
        assert await raw_exchange(server, b"") == b"HTTP/1.1 503 Service Unavailable"
    finally:
        for _, writer in idle:
            writer.close()


def test_the_webhook_table_is_read_and_is_off_without_it() -> None:
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    assert parse_config(demo).customer_notifications.webhook is None
    text = (
        demo + '\n[customer_notifications.webhook]\nlisten = "[::1]:8085"\nmax_body_bytes = 4096\n'
    )
    webhook = parse_config(text).customer_notifications.webhook
    assert webhook is not None
    assert (webhook.listen, webhook.max_body_bytes) == ("[::1]:8085", 4096)
    assert (webhook.secret_env, webhook.requests_per_minute, webhook.user) == (
        "AGENT_DESKTOP_SMS_WEBHOOK_SECRET", 600, "sms-webhook",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("table", "line_offset", "says"),
    [
        ('listen = "8085"\n', 2, "webhook.listen"),
        ('listen = "127.0.0.1:1"\nsecret = "hunter2"\n', 3, "unknown field `secret`"),
        ('listen = "127.0.0.1:1"\nmax_body_bytes = 10\n', 3, "webhook.max_body_bytes"),
    ],
)
def test_a_broken_webhook_table_is_refused_with_its_line(
    table: str, line_offset: int, says: str
) -> None:
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    text = demo + "[customer_notifications.webhook]\n" + table
    with pytest.raises(ConfigError) as refused:
        parse_config(text, source="server.toml")
    assert says in refused.value.reason
    assert refused.value.line == len(demo.splitlines()) + line_offset
