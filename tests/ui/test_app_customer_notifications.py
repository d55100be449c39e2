"""Customer notifications in the real app (issue 14), against the real server sending through a
real SMTP server and SMS endpoint on 127.0.0.1: the sent log for supervisors (filters, failed at
a glance, live as messages change) and the booking codes for admins (Extend, Expire, Block)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import msgspec
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from agent_desktop.clock import ManualClock
from agent_desktop.ctl.client import WireClient
from agent_desktop.protocol.bookings import (
    Booking,
    BookingCodes,
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    CodeState,
    Contact,
    CreateBooking,
    DeliveryReport,
    DeliveryState,
    ListBookingCodes,
    Notifications,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.server.customer_notifications.config import (
    EmailChannelConfig,
    RetryPolicy,
    SmsChannelConfig,
)
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.customer_pages import CustomerPages
from agent_desktop.ui.desktop import DesktopApp
from tests.support.providers import SmsEndpoint, SmtpHandler, sms_endpoint, smtp_sink
from tests.ui.app_harness import eventually, running_app, supervisor_client

pytestmark = pytest.mark.integration


@pytest.fixture
def providers() -> Iterator[tuple[SmtpHandler, int, SmsEndpoint]]:
    with smtp_sink() as (handler, port), sms_endpoint() as sms:
        yield handler, port, sms


def notifying_config(smtp_port: int, sms: SmsEndpoint) -> ServerConfig:
    config = demo_config()
    notifications = msgspec.structs.replace(
        config.customer_notifications,
        email=EmailChannelConfig(
            host="127.0.0.1", port=smtp_port, starttls=False, sender="service@fs.example"
        ),
        sms=SmsChannelConfig(url=sms.url, sender="FieldSvc"),
        retry=RetryPolicy(first_delay_s=30, max_delay_s=300, max_attempts=3),
        default_region="DE",
    )
    return msgspec.structs.replace(config, customer_notifications=notifications)


@pytest.fixture
async def server(
    manual_clock: ManualClock, providers: tuple[SmtpHandler, int, SmsEndpoint]
) -> AsyncIterator[RunningServer]:
    _, port, sms = providers
    async with running_server(notifying_config(port, sms), clock=manual_clock) as running:
        yield running


async def book(client: WireClient, now: float) -> Booking:
    ada = Contact(
        name="Ada Byron",
        email="ada@example.com",
        mobile_phone="+49 151 23456789",
        time_zone="Europe/Berlin",
    )
    created = await client.request(
        lambda rid: CreateBooking(
            id=rid,
            account="ACME",
            work_order_type="repair",
            technician="Tess",
            start=now + 3600,
            end=now + 3 * 3600,
            contacts=[ada],
        ),
        BookingInfo,
    )
    return created.booking


async def set_off(client: WireClient, booking: Booking) -> None:
    """The technician sets off: a `traveling` email and SMS go out at once."""
    await client.request(
        lambda rid: ChangeBooking(
            id=rid, booking_id=booking.booking_id, status=BookingStatus.TRAVELING
        ),
        BookingInfo,
    )


def pages(app: DesktopApp) -> CustomerPages:
    return app.window.customer_pages


def shown_states(app: DesktopApp) -> list[str]:
    model = pages(app).log.model
    return sorted(str(model.data(model.index(row, 4))) for row in range(model.rowCount()))


async def test_a_supervisor_sees_the_log_live_with_failures_at_a_glance(
    server: RunningServer,
    tmp_path: Path,
    manual_clock: ManualClock,
    providers: tuple[SmtpHandler, int, SmsEndpoint],
    qtbot: QtBot,
) -> None:
    smtp, _, sms = providers
    async with (
        running_app(server.url, tmp_path, user="sam") as app,
        supervisor_client(server.url) as sam,
    ):
        log_page = pages(app)
        tabs = app.window.pages
        assert tabs.indexOf(log_page.log) > tabs.indexOf(app.window.team) >= 0
        assert tabs.indexOf(log_page.codes) < 0, "a supervisor may not change codes"
        tabs.setCurrentWidget(log_page.log)

        sms.statuses = [400]  # the provider refuses the SMS for good
        booking = await book(sam, manual_clock.now())
        await set_off(sam, booking)

        await eventually(lambda: len(smtp.received) == 1, "the email reached the SMTP server")
        await eventually(
            lambda: shown_states(app) == ["Sent", "⚠ Failed (permanent failure)"],
            f"the log shows the sent email and the failed SMS: {shown_states(app)}",
        )
        assert log_page.log.failed.isVisible()
        assert log_page.log.failed.text().startswith("⚠ 1 failed")
        entries = app.core.state.notifications or ()
        email = next(e for e in entries if e.state is DeliveryState.SENT)
        assert email.booking_id == booking.booking_id
        assert email.contact == "Ada Byron"
        assert email.provider_id  # the SMTP message id is the receipt

        # Filter: only the failed ones.
        log_page.log.state_filter.setCurrentIndex(
            log_page.log.state_filter.findData(DeliveryState.FAILED)
        )
        await eventually(
            lambda: shown_states(app) == ["⚠ Failed (permanent failure)"], "only failed"
        )
        log_page.log.state_filter.setCurrentIndex(0)
        await eventually(lambda: len(shown_states(app)) == 2, "both again")

        # By date: two hours later (on the server's clock), "Last hour" shows none of them.
        since = log_page.log.since_filter
        since.setCurrentIndex(since.findData(3600.0))
        await eventually(lambda: len(shown_states(app)) == 2, "sent within the last hour")
        manual_clock.advance(2 * 3600)
        await app.core.sync_clock()
        since.setCurrentIndex(since.findData(86_400.0))
        since.setCurrentIndex(since.findData(3600.0))
        await eventually(lambda: shown_states(app) == [], "older than an hour")
        assert log_page.log.empty.isVisible()


async def test_the_log_follows_a_delivery_receipt_without_a_click(
    server: RunningServer,
    tmp_path: Path,
    manual_clock: ManualClock,
    providers: tuple[SmtpHandler, int, SmsEndpoint],
    qtbot: QtBot,
) -> None:
    _, _, sms = providers
    async with (
        running_app(server.url, tmp_path, user="sam") as app,
        supervisor_client(server.url) as sam,
    ):
        app.window.pages.setCurrentWidget(pages(app).log)
        await set_off(sam, await book(sam, manual_clock.now()))
        await eventually(lambda: shown_states(app) == ["Sent", "Sent"], "both sent")
        provider_id = next(iter(sms.answers.values()))
        await sam.request(
            lambda rid: DeliveryReport(id=rid, provider_id=provider_id), Notifications
        )
        await eventually(
            lambda: shown_states(app) == ["Delivered", "Sent"], "the SMS shows as delivered"
        )


async def codes_on_server(admin: WireClient) -> dict[str, CodeState]:
    listed = await admin.request(lambda rid: ListBookingCodes(id=rid), BookingCodes)
    return {code.code: code.state for code in listed.codes}


async def test_an_admin_expires_and_blocks_a_code_and_extend_then_stops(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, qtbot: QtBot
) -> None:
    async with (
        running_app(server.url, tmp_path, user="admin") as app,
        supervisor_client(server.url, user="admin") as admin,
    ):
        booking = await book(admin, manual_clock.now())
        await set_off(admin, booking)  # an email and an SMS, each with a link of its own
        codes = pages(app).codes
        app.window.pages.setCurrentWidget(codes)
        await eventually(lambda: codes.model.rowCount() == 2, "a code per message is listed")
        code = codes.model.code_at(0)
        assert code.booking_id == booking.booking_id
        assert codes.model.data(codes.model.index(0, 2)) == "On the way · Email · Ada Byron · #1"
        other = codes.model.code_at(1)
        assert code.state is CodeState.ACTIVE
        assert not codes.expire_button.isEnabled(), "nothing chosen yet"

        codes.table.selectRow(0)
        QTest.mouseClick(codes.expire_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: codes.model.code_at(0).state is CodeState.EXPIRED, "expired")
        assert (await codes_on_server(admin))[code.code] is CodeState.EXPIRED
        assert not codes.expire_button.isEnabled()
        assert codes.extend_button.isEnabled()

        QTest.mouseClick(codes.extend_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: codes.model.code_at(0).state is CodeState.ACTIVE, "active")
        # Extended from the later of now and its (past) expiry: 7 days from now.
        assert codes.model.code_at(0).expires_at == manual_clock.now() + 7 * 86_400

        QTest.mouseClick(codes.block_button, Qt.MouseButton.LeftButton)
        # Blocking is for good: the first press only asks.
        assert codes.block_button.text() == "Block for good"
        assert (await codes_on_server(admin))[code.code] is CodeState.ACTIVE
        QTest.mouseClick(codes.block_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: codes.model.code_at(0).state is CodeState.BLOCKED, "blocked")
        assert (await codes_on_server(admin))[code.code] is CodeState.BLOCKED
        assert not codes.extend_button.isEnabled(), "a blocked code stays blocked"
        assert (await codes_on_server(admin))[other.code] is CodeState.ACTIVE, "the SMS's link"

        codes.table.selectRow(1)
        QTest.mouseClick(codes.block_all_button, Qt.MouseButton.LeftButton)
        assert codes.block_all_button.text() == "Block all for good"
        assert (await codes_on_server(admin))[other.code] is CodeState.ACTIVE, "it only asks"
        QTest.mouseClick(codes.block_all_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: codes.model.code_at(1).state is CodeState.BLOCKED, "all blocked")
        assert set((await codes_on_server(admin)).values()) == {CodeState.BLOCKED}
