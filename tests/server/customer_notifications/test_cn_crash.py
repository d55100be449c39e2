"""The outbox survives SIGKILL between "sent" and "recorded": nothing lost, nothing doubled.

A real server process, a real SQLite file, a real provider on 127.0.0.1 that kills the server
the moment it has accepted the message and before it answers. The restarted server sends the
message again with the same idempotency key, which the provider (like a real one, and like a
mail reader with a Message-ID) recognises: the customer gets one message, and the log says sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
from email.message import EmailMessage
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from agent_desktop.protocol.bookings import (
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    CreateBooking,
    DeliveryState,
    ListNotifications,
    NotificationChannel,
    Notifications,
)
from agent_desktop.protocol.messages import ClockReading, SyncClock
from tests.server.customer_notifications.conftest import HOUR, Providers, ada
from tests.wire import WAIT_S, ServerProcess, logged_in, start_server_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def config_file(folder: Path, channel_table: str) -> Path:
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    path = folder / "server.toml"
    path.write_text(
        demo
        + '\n[customer_notifications]\ndefault_region = "DE"\n'
        + "[customer_notifications.quiet_hours]\napplies_to = []\n"
        + channel_table,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("channel", [NotificationChannel.SMS, NotificationChannel.EMAIL])
async def test_a_kill_between_sent_and_recorded_neither_loses_nor_doubles(
    tmp_path: Path, providers: Providers, channel: NotificationChannel
) -> None:
    if channel is NotificationChannel.SMS:
        table = f'[customer_notifications.sms]\nurl = "{providers.sms.url}"\nsender = "FieldSvc"\n'
    else:
        table = (
            f'[customer_notifications.email]\nhost = "127.0.0.1"\nport = {providers.smtp_port}\n'
            'starttls = false\nsender = "service@fieldservice.example"\n'
        )
    args = (
        "--port",
        "0",
        "--data",
        str(tmp_path / "data"),
        "--config",
        str(config_file(tmp_path, table)),
    )
    first = await start_server_process(*args, stderr_path=tmp_path / "first.log")
    pid = first.process.pid
    killed: list[int] = []

    def kill_the_server(_: Any) -> None:
        if not killed:  # the provider has the message; the server never hears back
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

    providers.sms.on_request = kill_the_server
    providers.smtp.on_data = kill_the_server
    try:
        async with logged_in(first.url, "sam") as sam:
            reading = await sam.call(SyncClock(id=sam.next_id()))
            assert isinstance(reading, ClockReading)
            now = reading.server_time  # the server runs on the system clock
            created = await sam.call(
                CreateBooking(
                    id=sam.next_id(), account="ACME", work_order_type="repair",
                    technician="Tess", start=now + HOUR, end=now + 2 * HOUR, contacts=[ada()],
                )
            )  # fmt: skip
            assert isinstance(created, BookingInfo)
            booking_id = created.booking.booking_id
            await sam.request(
                ChangeBooking(
                    id=sam.next_id(), booking_id=booking_id, status=BookingStatus.TRAVELING
                )
            )
            async with asyncio.timeout(WAIT_S * 2):
                await first.process.wait()
        assert killed == [pid]
    finally:
        await first.kill()

    second: ServerProcess = await start_server_process(*args, stderr_path=tmp_path / "second.log")
    try:
        async with logged_in(second.url, "sam") as sam:
            async with asyncio.timeout(WAIT_S * 2):
                while True:
                    log = await sam.call(
                        ListNotifications(id=sam.next_id(), booking_id=booking_id, channel=channel)
                    )
                    assert isinstance(log, Notifications)
                    if log.entries[0].state is not DeliveryState.QUEUED:
                        break
                    await asyncio.sleep(0.05)
        (entry,) = log.entries
        assert (entry.state, entry.attempts) == (DeliveryState.SENT, 2)
    finally:
        assert await second.stop() == 0
    if channel is NotificationChannel.SMS:
        received: list[Any] = providers.sms.requests
        distinct: dict[str, Any] = providers.sms.distinct()
        assert entry.provider_id == "sms-1"  # the provider's answer to the first request
    else:
        received = providers.smtp.received
        distinct = providers.smtp.distinct()
        assert all(isinstance(m, EmailMessage) for m in received)
        assert entry.provider_id in distinct
    assert len(received) == 2  # sent twice over the wire ...
    assert len(distinct) == 1  # ... as one message, by its idempotency key
