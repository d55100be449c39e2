"""One unguessable code per message: each link on its own, over real HTTP, across restarts."""

from __future__ import annotations

import http
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    BlockBookingCodes,
    Booking,
    BookingCode,
    BookingCodes,
    BookingId,
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    ChangeBookingCode,
    CodeAction,
    CodeState,
    CreateBooking,
    ListBookingCodes,
    NotificationChannel,
    NotificationType,
    RunReminders,
)
from agent_desktop.protocol.messages import Error
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.customer_notifications.config import PortalConfig
from agent_desktop.server.runner import RunningServer, running_server
from tests.server.customer_notifications.conftest import (
    DAY,
    HOUR,
    MONDAY_0900,
    DeskFactory,
    Providers,
    ada,
    notifications_config,
)
from tests.server.customer_notifications.test_cn_server import eventually
from tests.wire import WireClient, http_get, logged_in

pytestmark = pytest.mark.integration
LINK = re.compile(r"/portal/([A-Za-z0-9_-]+)")


@pytest.fixture
async def server(demo_config: ServerConfig, providers: Providers) -> AsyncIterator[RunningServer]:
    notifications = notifications_config(providers, portal=PortalConfig(lookups_per_minute=100))
    config = msgspec.structs.replace(demo_config, customer_notifications=notifications)
    async with running_server(config, clock=ManualClock(MONDAY_0900)) as running:
        yield running


async def book(sam: WireClient) -> Booking:
    start = MONDAY_0900 + 2 * DAY
    reply = await sam.call(
        CreateBooking(
            id=sam.next_id(), account="ACME", work_order_type="boiler repair", technician="Tess",
            start=start, end=start + 2 * HOUR, contacts=[ada()],
        )
    )  # fmt: skip
    assert isinstance(reply, BookingInfo)
    return reply.booking


async def codes_of(admin: WireClient, booking_id: str) -> list[BookingCode]:
    reply = await admin.call(ListBookingCodes(id=admin.next_id(), booking_id=BookingId(booking_id)))
    assert isinstance(reply, BookingCodes)
    return reply.codes


async def status_of(server: RunningServer, code: str) -> int:
    return (await http_get(server.port, f"/portal/{code}"))[0]


async def test_each_message_carries_its_own_code_and_admins_block_one_or_all(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        booking = await book(sam)
        assert await codes_of(admin, booking.booking_id) == []  # no message, no link yet
        await sam.call(RunReminders(id=sam.next_id()))
        await eventually(
            lambda: len(providers.sms.requests) == 1 and len(providers.smtp.received) == 1
        )
        codes = await codes_of(admin, booking.booking_id)
        by_channel = {c.channel: c for c in codes}
        assert len(codes) == 2
        assert set(by_channel) == {NotificationChannel.EMAIL, NotificationChannel.SMS}
        assert {(c.notification_type, c.contact, c.state) for c in codes} == {
            (NotificationType.REMINDER, "Ada", CodeState.ACTIVE)
        }
        assert len({c.message_id for c in codes}) == 2
        sms_code = by_channel[NotificationChannel.SMS].code
        email_code = by_channel[NotificationChannel.EMAIL].code
        assert sms_code != email_code
        assert LINK.findall(providers.sms.requests[0]["text"]) == [sms_code]
        email_text = providers.smtp.received[0].get_body(("plain",))
        assert email_text is not None
        assert LINK.findall(email_text.get_content()) == [email_code]
        assert await status_of(server, sms_code) == http.HTTPStatus.OK
        assert await status_of(server, email_code) == http.HTTPStatus.OK

        blocked = await admin.call(
            ChangeBookingCode(id=admin.next_id(), code=sms_code, action=CodeAction.BLOCK)
        )
        assert isinstance(blocked, BookingCodes)
        assert blocked.codes[0].state is CodeState.BLOCKED
        assert await status_of(server, sms_code) == http.HTTPStatus.FORBIDDEN
        assert await status_of(server, email_code) == http.HTTPStatus.OK  # the other link lives

        await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
            )
        )
        await eventually(lambda: len(providers.sms.requests) == 2)
        traveling = providers.sms.requests[1]["text"]
        (new_code,) = LINK.findall(traveling)
        assert new_code not in (sms_code, email_code)  # a new message, a new code
        assert await status_of(server, new_code) == http.HTTPStatus.OK

        every = await admin.call(
            BlockBookingCodes(id=admin.next_id(), booking_id=booking.booking_id)
        )
        assert isinstance(every, BookingCodes)
        assert len(every.codes) == 4
        assert {c.state for c in every.codes} == {CodeState.BLOCKED}
        for code in every.codes:
            assert await status_of(server, code.code) == http.HTTPStatus.FORBIDDEN


async def test_blocking_all_codes_is_for_admins_and_known_bookings(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        booking = await book(sam)
        refused = await sam.request(
            BlockBookingCodes(id=sam.next_id(), booking_id=booking.booking_id)
        )
        assert isinstance(refused, Error)
        assert refused.code is ErrorCode.FORBIDDEN
        unknown = await admin.request(
            BlockBookingCodes(id=admin.next_id(), booking_id=BookingId("BK9"))
        )
        assert isinstance(unknown, Error)
        assert unknown.code is ErrorCode.UNKNOWN_BOOKING


async def test_a_resend_after_a_restart_carries_the_same_code(
    make_desk: DeskFactory, providers: Providers, tmp_path: Path
) -> None:
    db = tmp_path / "state.sqlite3"
    clock = ManualClock(MONDAY_0900)
    desk = make_desk(clock=clock, db=db)
    booking = desk.book(2 * DAY)
    desk.cn.service.run_reminders()
    providers.sms.statuses.append(503)  # the first SMS attempt fails for now
    await desk.run()
    desk.cn.close()  # the server stops; the SMS is still queued with its code

    again = make_desk(clock=clock, db=db)
    clock.advance(31)
    await again.run()
    (refused,), (accepted,) = providers.sms.refused, providers.sms.requests
    assert refused["text"] == accepted["text"]
    sms_code = LINK.findall(accepted["text"])[0]
    (sms,) = again.messages(booking, NotificationType.REMINDER)[1:]
    assert again.cn.store.code_of_message(sms.id) == sms_code
    assert len(again.cn.store.codes(booking.booking_id, clock.now())) == 2  # never a third


async def test_an_older_database_keeps_its_codes_and_mints_one_per_message(
    make_desk: DeskFactory, providers: Providers, tmp_path: Path
) -> None:
    db = tmp_path / "state.sqlite3"
    with sqlite3.connect(db) as old:  # the table as an older server wrote it
        old.execute(
            "CREATE TABLE cn_code (code TEXT PRIMARY KEY, booking_id TEXT NOT NULL, "
            "created_at REAL NOT NULL, expires_at REAL NOT NULL, blocked_at REAL)"
        )
        old.execute(
            "INSERT INTO cn_code VALUES ('legacy-code-of-BK1001', 'BK1001', ?, ?, NULL)",
            (MONDAY_0900, MONDAY_0900 + 30 * DAY),
        )
    clock = ManualClock(MONDAY_0900)
    desk = make_desk(clock=clock, db=db)
    booking = desk.book(2 * DAY)
    (legacy,) = desk.cn.store.codes(booking.booking_id, clock.now())
    assert (legacy.code, legacy.message_id, legacy.state) == (
        "legacy-code-of-BK1001", None, CodeState.ACTIVE,
    )  # fmt: skip
    assert desk.cn.portal.page("client", legacy.code).status == http.HTTPStatus.OK
    desk.cn.service.run_reminders()
    email, sms = desk.messages(booking)
    with sqlite3.connect(db) as older:  # as if queued by the older server: no code of its own
        older.execute("DELETE FROM cn_code WHERE message_id IS NOT NULL")
    providers.sms.statuses.append(503)
    await desk.run()
    clock.advance(31)
    await desk.run()
    (refused,), (accepted,) = providers.sms.refused, providers.sms.requests
    assert refused["text"] == accepted["text"]  # minted once, before the first attempt
    codes = desk.cn.store.codes(booking.booking_id, clock.now())
    assert [c.message_id for c in codes] == [None, email.id, sms.id]
    assert LINK.findall(accepted["text"]) == [desk.cn.store.code_of_message(sms.id)]
