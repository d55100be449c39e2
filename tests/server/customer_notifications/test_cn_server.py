"""Bookings over the real protocol and the portal page over real HTTP, on one running server."""

from __future__ import annotations

import asyncio
import http
from collections.abc import AsyncIterator, Awaitable, Callable

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    Booking,
    BookingCodes,
    BookingId,
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    ChangeBookingCode,
    CodeAction,
    CodeState,
    Contact,
    CreateBooking,
    DeliveryReport,
    DeliveryState,
    GetBooking,
    ListBookingCodes,
    ListNotifications,
    NotificationChannel,
    NotificationReason,
    Notifications,
    ReminderRun,
    RunReminders,
    SmsHandled,
    SmsReceived,
)
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Error,
    MessageAdded,
    OfferAdded,
    SessionOpened,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Channel, ErrorCode, Presence
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.customer_notifications.config import PortalConfig
from agent_desktop.server.customer_notifications.render import local_time
from agent_desktop.server.runner import RunningServer, running_server
from tests.server.customer_notifications.conftest import (
    DAY,
    HOUR,
    MONDAY_0900,
    Providers,
    ada,
    notifications_config,
)
from tests.wire import WAIT_S, WireClient, http_get, logged_in

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(demo_config: ServerConfig, providers: Providers) -> AsyncIterator[RunningServer]:
    notifications = notifications_config(providers, portal=PortalConfig(lookups_per_minute=20))
    config = msgspec.structs.replace(demo_config, customer_notifications=notifications)
    async with running_server(config, clock=ManualClock(MONDAY_0900)) as running:
        yield running


async def eventually(condition: Callable[[], bool]) -> None:
    """Wait (bounded) for the server's worker to have done something."""
    async with asyncio.timeout(WAIT_S):
        # The providers record in their own threads: poll, bounded by the timeout above.
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def create(client: WireClient, **changes: object) -> Booking:
    request = CreateBooking(
        id=client.next_id(),
        account="ACME",
        work_order_type="boiler repair",
        technician="Tess",
        start=MONDAY_0900 + 2 * DAY,
        end=MONDAY_0900 + 2 * DAY + 2 * HOUR,
        contacts=[ada()],
    )
    reply = await client.call(msgspec.structs.replace(request, **changes))
    assert isinstance(reply, BookingInfo)
    return reply.booking


async def code_of(admin: WireClient, booking: Booking) -> str:
    """The code of the booking's first message (each message has its own): a reminder run
    queues the reminders when nothing was sent yet."""
    reply = await admin.call(ListBookingCodes(id=admin.next_id(), booking_id=booking.booking_id))
    assert isinstance(reply, BookingCodes)
    if not reply.codes:
        await admin.call(RunReminders(id=admin.next_id()))
        return await code_of(admin, booking)
    return reply.codes[0].code


async def portal(server: RunningServer, code: str) -> tuple[int, str]:
    status, _, body = await http_get(server.port, f"/portal/{code}")
    return status, body.decode()


# --- bookings over the protocol -------------------------------------------------------------


async def test_a_dispatcher_books_and_moves_and_the_customer_is_told(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam)
        assert booking.booking_id == "BK1001"
        assert booking.contacts[0].mobile_phone == "+4915123456789"
        run = await sam.call(RunReminders(id=sam.next_id()))
        assert isinstance(run, ReminderRun)
        assert run.queued == 2
        await eventually(lambda: len(providers.sms.requests) == 1)
        moved = await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
            )
        )
        assert isinstance(moved, BookingInfo)
        await eventually(lambda: len(providers.sms.requests) == 2)
        log = await sam.call(ListNotifications(id=sam.next_id(), channel=NotificationChannel.SMS))
        assert isinstance(log, Notifications)
        assert [(e.type, e.state) for e in log.entries] == [
            ("traveling", DeliveryState.SENT),
            ("reminder", DeliveryState.SENT),
        ]


async def test_agents_may_not_book_and_only_admins_touch_codes(server: RunningServer) -> None:
    async with logged_in(server.url, "alice") as alice, logged_in(server.url, "sam") as sam:
        refused = await alice.request(
            CreateBooking(
                id=alice.next_id(), account="A", work_order_type="w", technician="t",
                start=MONDAY_0900 + DAY, end=MONDAY_0900 + DAY + HOUR, contacts=[ada()],
            )
        )  # fmt: skip
        assert isinstance(refused, Error)
        assert refused.code is ErrorCode.FORBIDDEN
        codes = await sam.request(ListBookingCodes(id=sam.next_id()))
        assert isinstance(codes, Error)
        assert codes.code is ErrorCode.FORBIDDEN


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"end": MONDAY_0900 + 2 * DAY}, "must end after it starts"),
        ({"start": MONDAY_0900 - 3 * DAY, "end": MONDAY_0900 - 3 * DAY + HOUR}, "more than a day"),
        ({"contacts": [ada(email="not-an-address")]}, "not an email address"),
        ({"contacts": [ada(mobile_phone="123456")]}, "not a valid phone number"),
        ({"contacts": [ada(mobile_phone="call me maybe")]}, "not a phone number"),
        ({"contacts": [ada(time_zone="Mars/Olympus")]}, "not a time zone"),
    ],
)
async def test_bad_bookings_are_refused_clearly_and_change_nothing(
    server: RunningServer, changes: dict[str, object], says: str
) -> None:
    async with logged_in(server.url, "sam") as sam:
        request = CreateBooking(
            id=sam.next_id(), account="ACME", work_order_type="w", technician="t",
            start=MONDAY_0900 + 2 * DAY, end=MONDAY_0900 + 2 * DAY + HOUR, contacts=[ada()],
        )  # fmt: skip
        refused = await sam.request(msgspec.structs.replace(request, **changes))
        assert isinstance(refused, Error)
        assert refused.code is ErrorCode.INVALID_BOOKING
        assert says in refused.message
        unknown = await sam.request(GetBooking(id=sam.next_id(), booking_id=BookingId("BK1001")))
        assert isinstance(unknown, Error)
        assert unknown.code is ErrorCode.UNKNOWN_BOOKING
        assert (await create(sam)).booking_id == "BK1001"  # no number was used up


async def test_impossible_changes_are_refused_and_change_nothing(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam)
        for change, code in (
            ({"booking_id": "BK9999", "technician": "x"}, ErrorCode.UNKNOWN_BOOKING),
            ({"status": BookingStatus.COMPLETED}, ErrorCode.INVALID_BOOKING),
            ({"end": booking.start - 1}, ErrorCode.INVALID_BOOKING),
        ):
            request = ChangeBooking(id=sam.next_id(), booking_id=booking.booking_id)
            refused = await sam.request(msgspec.structs.replace(request, **change))
            assert isinstance(refused, Error)
            assert refused.code is code
        again = await sam.call(GetBooking(id=sam.next_id(), booking_id=booking.booking_id))
        assert isinstance(again, BookingInfo)
        assert again.booking == booking


async def test_stop_and_start_replies_switch_sms_off_and_on(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam, start=MONDAY_0900 + HOUR, end=MONDAY_0900 + 2 * HOUR)
        stop = await sam.call(
            SmsReceived(id=sam.next_id(), from_number="0151 23456789", text=" stop ")
        )
        assert isinstance(stop, SmsHandled)
        assert (stop.number, stop.action) == ("+4915123456789", "opted_out")
        await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
            )
        )
        await eventually(lambda: len(providers.smtp.received) == 1)
        log = await sam.call(ListNotifications(id=sam.next_id(), channel=NotificationChannel.SMS))
        assert isinstance(log, Notifications)
        assert [(e.state, e.reason) for e in log.entries] == [
            (DeliveryState.EXCLUDED, NotificationReason.SMS_STOP)
        ]
        start = await sam.call(
            SmsReceived(id=sam.next_id(), from_number="+4915123456789", text="START")
        )
        assert isinstance(start, SmsHandled)
        assert start.action == "opted_in"
        later = await create(sam, start=MONDAY_0900 + 2 * HOUR, end=MONDAY_0900 + 3 * HOUR)
        await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=later.booking_id, status=BookingStatus.TRAVELING
            )
        )
        await eventually(lambda: len(providers.sms.requests) == 1)  # SMS is on again
        assert providers.sms.requests[0]["to"] == "+4915123456789"


# --- the portal page over real HTTP ----------------------------------------------------------


async def test_a_valid_code_shows_its_booking_in_the_customers_time(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        kiwi = Contact(name="Kiri", email="kiri@example.com", time_zone="Pacific/Auckland")
        booking = await create(sam, contacts=[kiwi])
        other = await create(sam, technician="Olga")
        code = await code_of(admin, booking)
        assert len(code) >= 32
        status, page = await portal(server, code)
        assert status == http.HTTPStatus.OK
        assert local_time(booking.start, kiwi) in page
        assert "NZST" in page
        assert "Tess" in page
        assert "scheduled" in page
        assert "Olga" not in page  # a code shows its own booking, nothing else
        await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id,
                status=BookingStatus.TRAVELING, distance_km=20,
            )
        )  # fmt: skip
        status, page = await portal(server, code)
        assert "traveling" in page
        eta = MONDAY_0900 + 20 / 40 * 1.3 * HOUR
        assert local_time(eta, kiwi) in page
        status, other_page = await portal(server, await code_of(admin, other))
        assert "Olga" in other_page
        assert "Tess" not in other_page


async def test_codes_expire_extend_and_block_as_the_admin_says(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        booking = await create(sam)
        code = await code_of(admin, booking)

        async def act(action: CodeAction, days: float | None = None) -> CodeState:
            reply = await admin.call(
                ChangeBookingCode(id=admin.next_id(), code=code, action=action, days=days)
            )
            assert isinstance(reply, BookingCodes)
            return reply.codes[0].state

        assert await act(CodeAction.EXPIRE) is CodeState.EXPIRED
        status, page = await portal(server, code)
        assert status == http.HTTPStatus.GONE
        assert "expired" in page
        assert "Tess" not in page
        assert await act(CodeAction.EXTEND, 3) is CodeState.ACTIVE
        assert (await portal(server, code))[0] == http.HTTPStatus.OK
        assert await act(CodeAction.BLOCK) is CodeState.BLOCKED
        status, page = await portal(server, code)
        assert status == http.HTTPStatus.FORBIDDEN
        assert "blocked" in page
        assert "Tess" not in page
        refused = await admin.request(
            ChangeBookingCode(id=admin.next_id(), code=code, action=CodeAction.EXTEND)
        )
        assert isinstance(refused, Error)
        assert "stays blocked" in refused.message
        forged = await admin.request(
            ChangeBookingCode(id=admin.next_id(), code=code[:-1] + "x", action=CodeAction.EXTEND)
        )
        assert isinstance(forged, Error)
        assert forged.code is ErrorCode.UNKNOWN_CODE


async def test_a_code_expires_by_itself_days_after_the_booking(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        booking = await create(sam)
        code = await code_of(admin, booking)
        clock = server.clock
        assert isinstance(clock, ManualClock)
        clock.set(booking.end + 7 * DAY - 1)
        assert (await portal(server, code))[0] == http.HTTPStatus.OK
        clock.set(booking.end + 7 * DAY)
        assert (await portal(server, code))[0] == http.HTTPStatus.GONE


async def test_forged_and_guessed_codes_see_the_same_not_valid_page(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        code = await code_of(admin, await create(sam))
        answers = {
            await portal(server, guess) for guess in (code[:-2] + "zz", "1", "a%27--", code + "x")
        }
        assert len(answers) == 1
        ((status, page),) = answers
        assert status == http.HTTPStatus.NOT_FOUND
        assert "not valid" in page


async def test_portal_lookups_are_rate_limited_per_client(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        code = await code_of(admin, await create(sam))
        statuses = [(await portal(server, "guess"))[0] for _ in range(20)]
        assert set(statuses) == {http.HTTPStatus.NOT_FOUND}
        # The 21st lookup within the minute is refused, even with the right code.
        assert (await portal(server, code))[0] == http.HTTPStatus.TOO_MANY_REQUESTS
        server.clock.advance(61)  # type: ignore[attr-defined]  # a ManualClock
        assert (await portal(server, code))[0] == http.HTTPStatus.OK


async def test_a_customers_sms_reply_reaches_an_agent_as_a_routed_conversation(
    server: RunningServer,
) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "alice") as alice:
        booking = await create(sam)
        await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AVAILABLE))
        reply = await sam.call(
            SmsReceived(id=sam.next_id(), from_number="0151 23456789", text="Can you come after 3?")
        )
        assert isinstance(reply, SmsHandled)
        assert reply.action == "routed"
        offer = (await alice.next_event(OfferAdded)).offer
        work = offer.work
        assert (work.work_id, work.channel) == (reply.work_id, Channel.SMS)
        assert work.customer.name == "Ada"
        assert work.customer.phone == "+4915123456789"
        assert booking.booking_id in work.subject
        assert local_time(booking.start, ada()) in work.subject
        await alice.call(AcceptOffer(id=alice.next_id(), offer_id=offer.offer_id))
        session = (await alice.next_event(SessionOpened)).session
        assert [m.text for m in session.transcript] == ["Can you come after 3?"]
        again = await sam.call(
            SmsReceived(id=sam.next_id(), from_number="+4915123456789", text="or 4?")
        )
        assert isinstance(again, SmsHandled)
        assert again.work_id == reply.work_id  # the same conversation, not a new one
        added = await alice.next_event(MessageAdded)
        assert (added.session_id, added.message.text) == (session.session_id, "or 4?")


async def test_a_later_delivery_report_marks_the_message_delivered_once(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam, start=MONDAY_0900 + HOUR, end=MONDAY_0900 + 2 * HOUR)
        await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
            )
        )
        await eventually(lambda: len(providers.sms.requests) == 1)

        async def report(provider_id: str) -> Notifications | Error:
            reply = await sam.request(DeliveryReport(id=sam.next_id(), provider_id=provider_id))
            assert isinstance(reply, Notifications | Error)
            return reply

        async def sms_state() -> DeliveryState:
            log = await sam.call(
                ListNotifications(id=sam.next_id(), channel=NotificationChannel.SMS)
            )
            assert isinstance(log, Notifications)
            return log.entries[0].state

        await eventually_async(lambda: sms_state(), DeliveryState.SENT)
        first = await report("sms-1")
        assert isinstance(first, Notifications)
        assert first.entries[0].state is DeliveryState.DELIVERED
        assert first.entries[0].delivered_at == server.clock.now()
        again = await report("sms-1")
        assert isinstance(again, Notifications)
        assert again.entries == first.entries
        unknown = await report("sms-999")
        assert isinstance(unknown, Error)
        assert "no message with that provider id" in unknown.message
        contradicted = await sam.request(
            DeliveryReport(id=sam.next_id(), provider_id="sms-1", delivered=False)
        )
        assert isinstance(contradicted, Error)  # a delivered message does not fail later
        assert await sms_state() is DeliveryState.DELIVERED


async def test_an_undelivered_report_fails_the_message_with_the_providers_error(
    server: RunningServer, providers: Providers
) -> None:
    async with logged_in(server.url, "sam") as sam:
        await an_sms_sent(server, sam, providers)
        reply = await sam.call(
            DeliveryReport(
                id=sam.next_id(), provider_id="sms-1", delivered=False, error="carrier violation"
            )
        )
        assert isinstance(reply, Notifications)
        (entry,) = reply.entries
        assert (entry.state, entry.reason) == (DeliveryState.FAILED, NotificationReason.UNDELIVERED)
        assert entry.last_error == "undelivered: carrier violation"
        log = await sam.call(ListNotifications(id=sam.next_id(), channel=NotificationChannel.SMS))
        assert isinstance(log, Notifications)
        assert log.entries == [entry]


async def an_sms_sent(server: RunningServer, sam: WireClient, providers: Providers) -> None:
    """A booking whose technician set off: its SMS went to the provider, which said "sms-1"."""
    booking = await create(sam, start=MONDAY_0900 + HOUR, end=MONDAY_0900 + 2 * HOUR)
    await sam.call(
        ChangeBooking(
            id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
        )
    )
    await eventually(lambda: len(providers.sms.requests) == 1)
    await eventually(
        lambda: (
            server.notifications is not None
            and server.notifications.store.message_by_provider_id("sms-1") is not None
        )
    )


async def eventually_async(read: Callable[[], Awaitable[object]], expected: object) -> None:
    async with asyncio.timeout(WAIT_S):
        while await read() != expected:  # noqa: ASYNC110  # polled through the protocol
            await asyncio.sleep(0.01)
