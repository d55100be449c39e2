"""Stopping the outbox worker while it sends, through a real SMTP server on 127.0.0.1.

On Python 3.11 `asyncio.wait_for` loses a cancel that arrives in the same loop turn as the
result it waits for (python/cpython#86296), and the SMTP client reads every reply through
`wait_for`. So a server stopping just as the SMTP server answers "250" sees its cancel vanish:
the worker used to carry on with the rest of its batch after the stop (and, before the stop
flag, never ended at all: the shutdown hang seen once).
"""

from __future__ import annotations

import asyncio

import aiosmtplib.protocol
import pytest

from agent_desktop.protocol.bookings import BookingStatus, DeliveryState, NotificationType
from tests.server.customer_notifications.conftest import HOUR, DeskFactory, Providers, ada

pytestmark = pytest.mark.integration


async def test_a_stop_arriving_with_the_smtp_reply_sends_nothing_more(
    make_desk: DeskFactory, providers: Providers, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = make_desk(sms=None)
    bookings = [desk.book(HOUR, contacts=[ada(mobile_phone=None)]) for _ in range(4)]
    for booking in bookings:
        desk.change(booking, status=BookingStatus.TRAVELING)
    worker = desk.cn.worker
    reply = aiosmtplib.protocol.SMTPProtocol.data_received
    stopped = asyncio.Event()

    def reply_then_stop(protocol: aiosmtplib.protocol.SMTPProtocol, data: bytes) -> None:
        reply(protocol, data)
        if len(providers.smtp.received) == 1 and not stopped.is_set():
            # The first email's "250" has just landed: the server is told to stop in the
            # same loop turn, the race that loses the cancel inside the SMTP client.
            stopped.set()
            worker.request_stop()

    monkeypatch.setattr(aiosmtplib.protocol.SMTPProtocol, "data_received", reply_then_stop)
    worker.start()
    async with asyncio.timeout(10):
        await stopped.wait()
        await worker.stop()
    rows = [row for b in bookings for row in desk.messages(b, NotificationType.TRAVELING)]
    assert [row.state for row in rows].count(DeliveryState.SENT) == 1  # the one in flight
    assert len(providers.smtp.received) == 1, "nothing is sent after the stop"
    assert [row.state for row in rows].count(DeliveryState.QUEUED) == 3  # left for next start
