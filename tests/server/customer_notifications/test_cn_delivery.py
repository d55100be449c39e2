"""The outbox against a real SMTP server and a real SMS endpoint: content, retries, failures."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path
from typing import Any

import icalendar
import pytest

from agent_desktop.protocol.bookings import (
    BookingStatus,
    DeliveryState,
    NotificationChannel,
    NotificationReason,
    NotificationType,
)
from agent_desktop.server.customer_notifications.config import EmailChannelConfig
from agent_desktop.server.customer_notifications.render import local_time
from tests.server.customer_notifications.conftest import (
    DAY,
    HOUR,
    MONDAY_0900,
    Desk,
    DeskFactory,
    Providers,
    ada,
)
from tests.support.providers import PasswordCheck, smtp_sink
from tests.wire import self_signed_cert

TEN_UTC = MONDAY_0900 + HOUR


async def test_the_reminder_email_has_text_html_and_a_calendar_invite(
    desk: Desk, providers: Providers
) -> None:
    booking = desk.book(2 * DAY)
    desk.at(TEN_UTC)
    await desk.run()
    (mail,) = providers.smtp.received
    when = local_time(booking.start, ada())
    assert "CEST" in when  # Berlin's summer time, the customer's own clock
    assert str(mail["Subject"]) == f"Field Service: Your upcoming appointment ({when})"
    assert str(mail["To"]) == "Ada <ada@example.com>"
    assert str(mail["From"]) == "Field Service <service@fieldservice.example>"
    row = next(r for r in desk.messages(booking) if r.channel is NotificationChannel.EMAIL)
    assert str(mail["Message-ID"]) == f"<{row.idempotency_key}@fieldservice.example>"
    assert row.provider_id == str(mail["Message-ID"])
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert when in text.get_content()
    assert "http://portal.test/portal/" in text.get_content()
    assert f"<strong>{when}</strong>" in html.get_content()
    (invite,) = [
        part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    payload = invite.get_payload(decode=True)
    assert isinstance(payload, bytes)
    calendar = icalendar.Calendar.from_ical(payload)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart").timestamp() == booking.start
    assert event.decoded("dtend").timestamp() == booking.end
    assert str(event["uid"]) == f"{booking.booking_id}@agent-desktop"


async def test_the_sms_carries_link_and_key_and_the_token_from_the_environment(
    desk: Desk, providers: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_DESKTOP_SMS_TOKEN", "s3cret-token")
    booking = desk.book(2 * DAY)
    desk.at(TEN_UTC)
    await desk.run()
    (request,) = providers.sms.requests
    row = next(r for r in desk.messages(booking) if r.channel is NotificationChannel.SMS)
    assert request["to"] == "+4915123456789"  # E.164, written "+49 151 23456789"
    assert request["from"] == "FieldSvc"
    assert request["authorization"] == "Bearer s3cret-token"
    assert request["idempotency_key"] == request["header_key"] == row.idempotency_key
    assert local_time(booking.start, ada()) in request["text"]
    assert "http://portal.test/portal/" in request["text"]
    assert len(request["text"]) <= 3 * 153  # at most three concatenated segments
    assert row.provider_id == "sms-1"


async def test_a_temporary_smtp_refusal_is_retried_after_the_backoff(
    desk: Desk, providers: Providers
) -> None:
    providers.smtp.refusals.append("451 4.3.0 try again later")
    booking = desk.book(3 * HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    email = desk.messages(booking)[0]
    assert (email.state, email.attempts) == (DeliveryState.QUEUED, 1)
    assert "451" in str(email.last_error)
    assert email.next_attempt_at == desk.clock.now() + 30
    desk.clock.advance(29)
    await desk.run()
    assert providers.smtp.received == []
    desk.clock.advance(1)
    await desk.run()
    email = desk.messages(booking)[0]
    assert (email.state, email.attempts, email.last_error) == (DeliveryState.SENT, 2, None)
    assert len(providers.smtp.received) == 1


async def test_a_permanent_smtp_refusal_fails_at_once_and_visibly(
    desk: Desk, providers: Providers
) -> None:
    providers.smtp.refusals.append("550 5.1.1 no such mailbox")
    booking = desk.book(3 * HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    failed = desk.cn.store.messages(state=DeliveryState.FAILED)
    assert [(r.booking_id, r.reason, r.attempts) for r in failed] == [
        (booking.booking_id, NotificationReason.PERMANENT_FAILURE, 1)
    ]
    assert "550" in str(failed[0].last_error)
    assert failed[0].next_attempt_at is None


async def test_an_sms_provider_that_keeps_failing_exhausts_the_attempts(
    desk: Desk, providers: Providers
) -> None:
    providers.sms.statuses.extend([503, 503, 503])
    booking = desk.book(3 * HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    for delay in (0, 30, 60):
        desk.clock.advance(delay)
        await desk.run()
    sms = desk.messages(booking)[1]
    assert (sms.state, sms.reason, sms.attempts) == (
        DeliveryState.FAILED,
        NotificationReason.ATTEMPTS_EXHAUSTED,
        3,
    )
    assert providers.sms.requests == []


async def test_an_sms_provider_rejecting_the_request_is_a_permanent_failure(
    desk: Desk, providers: Providers
) -> None:
    providers.sms.statuses.append(400)
    booking = desk.book(3 * HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    sms = desk.messages(booking)[1]
    assert (sms.state, sms.reason) == (DeliveryState.FAILED, NotificationReason.PERMANENT_FAILURE)


async def test_a_provider_reporting_delivery_marks_the_message_delivered(
    desk: Desk, providers: Providers
) -> None:
    providers.sms.report_delivered = True
    booking = desk.book(3 * HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    sms = desk.messages(booking)[1]
    assert sms.state is DeliveryState.DELIVERED
    assert sms.delivered_at == sms.sent_at == desk.clock.now()


async def test_an_unreachable_smtp_server_is_a_transient_failure(
    make_desk: DeskFactory, providers: Providers
) -> None:
    from tests.support.providers import free_port

    nobody = EmailChannelConfig(host="127.0.0.1", port=free_port(), starttls=False, sender="a@b.c")
    desk = make_desk(email=nobody)
    booking = desk.book(3 * HOUR)
    desk.change(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    email = desk.messages(booking, NotificationType.TRAVELING)[0]
    assert (email.state, email.attempts) == (DeliveryState.QUEUED, 1)
    assert email.next_attempt_at == desk.clock.now() + 30


async def test_email_goes_over_starttls_with_a_login_whose_password_is_in_the_environment(
    make_desk: DeskFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed_cert(tmp_path / "tls")
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    check = PasswordCheck("notify", "pa55word")
    monkeypatch.setenv("NOTIFY_SMTP_PASSWORD", "pa55word")
    with smtp_sink(tls=server_tls, auth=check) as (sink, port):
        email = EmailChannelConfig(
            host="127.0.0.1", port=port, starttls=True, username="notify",
            password_env="NOTIFY_SMTP_PASSWORD", ca_file=str(cert), sender="s@fieldservice.example",
        )  # fmt: skip
        desk = make_desk(email=email)
        booking = desk.book(3 * HOUR)
        desk.change(booking, status=BookingStatus.TRAVELING)
        await desk.run()
        assert desk.messages(booking)[0].state is DeliveryState.SENT
        assert len(sink.received) == 1
        assert check.logins == ["notify"]
        # A wrong password is refused by the server (535): permanent, and visible.
        monkeypatch.setenv("NOTIFY_SMTP_PASSWORD", "wrong")
        other = desk.book(3 * HOUR)
        desk.change(other, status=BookingStatus.TRAVELING)
        await desk.run()
        failed = desk.messages(other)[0]
        assert (failed.state, failed.reason) == (
            DeliveryState.FAILED,
            NotificationReason.PERMANENT_FAILURE,
        )
        assert "535" in str(failed.last_error)


async def test_a_message_that_cannot_be_rendered_fails_visibly_and_the_rest_go_on(
    desk: Desk, providers: Providers, caplog: pytest.LogCaptureFixture
) -> None:
    first = desk.book(3 * HOUR)
    second = desk.book(3 * HOUR)
    desk.change(first, status=BookingStatus.TRAVELING)
    desk.change(second, status=BookingStatus.TRAVELING)
    render = desk.cn.dispatcher.renderer.render
    broken_for = first.booking_id

    def render_or_break(*args: Any) -> Any:
        if args[1].booking_id == broken_for:
            raise ValueError("a template defect")
        return render(*args)

    desk.cn.dispatcher.renderer.render = render_or_break  # type: ignore[method-assign, assignment]  # a defect
    with caplog.at_level(logging.ERROR):
        await desk.run()
    caplog.clear()  # the defect is logged on purpose here
    assert [(r.state, r.reason) for r in desk.messages(first)] == [
        (DeliveryState.FAILED, NotificationReason.PERMANENT_FAILURE)
    ] * 2
    assert "a template defect" in str(desk.messages(first)[0].last_error)
    assert {r.state for r in desk.messages(second)} == {DeliveryState.SENT}
