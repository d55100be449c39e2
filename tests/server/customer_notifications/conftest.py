"""Customer notifications on a ManualClock, sending to a real SMTP server and SMS API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    Booking,
    BookingInfo,
    ChangeBooking,
    Contact,
    CreateBooking,
    NotificationType,
)
from agent_desktop.protocol.vocabulary import Role
from agent_desktop.server.customer_notifications.config import (
    CustomerNotificationsConfig,
    EmailChannelConfig,
    EtaConfig,
    RetryPolicy,
    SmsChannelConfig,
)
from agent_desktop.server.customer_notifications.desk import CustomerNotifications
from agent_desktop.server.customer_notifications.eta import EtaProvider
from agent_desktop.server.customer_notifications.store import MessageRow
from tests.support.providers import SmsEndpoint, SmtpHandler, sms_endpoint, smtp_sink

MONDAY_0900: float = datetime(2027, 5, 3, 9, 0, tzinfo=UTC).timestamp()
"""A Monday, one hour before the daily run."""
HOUR = 3600.0
DAY = 86_400.0


@dataclass
class Providers:
    smtp: SmtpHandler
    smtp_port: int
    sms: SmsEndpoint


@pytest.fixture
def providers() -> Iterator[Providers]:
    with smtp_sink() as (handler, port), sms_endpoint() as sms:
        yield Providers(handler, port, sms)


def notifications_config(providers: Providers, **changes: Any) -> CustomerNotificationsConfig:
    config = CustomerNotificationsConfig(
        email=EmailChannelConfig(
            host="127.0.0.1",
            port=providers.smtp_port,
            starttls=False,
            sender="service@fieldservice.example",
        ),
        sms=SmsChannelConfig(url=providers.sms.url, sender="FieldSvc"),
        retry=RetryPolicy(first_delay_s=30, max_delay_s=300, max_attempts=3),
        default_region="DE",
    )
    return msgspec.structs.replace(config, **changes)


class Desk:
    """One customer-notifications domain on a ManualClock, and the words tests need."""

    def __init__(self, cn: CustomerNotifications, clock: ManualClock) -> None:
        self.cn = cn
        self.clock = clock

    def book(
        self, start_in_s: float, *, account: str = "ACME", work_order_type: str = "repair",
        contacts: list[Contact] | None = None, duration_s: float = 2 * HOUR,
    ) -> Booking:  # fmt: skip
        start = self.clock.now() + start_in_s
        return self.cn.service.create(
            "sam",
            CreateBooking(
                id="r",
                account=account,
                work_order_type=work_order_type,
                technician="Tess",
                start=start,
                end=start + duration_s,
                contacts=contacts if contacts is not None else [ada()],
            ),
        )

    def change(self, booking: Booking, **fields: Any) -> Booking:
        return self.cn.service.change(
            "sam", ChangeBooking(id="r", booking_id=booking.booking_id, **fields)
        )

    async def change_with_eta(self, booking: Booking, **fields: Any) -> Booking:
        """As the network layer does it: the ETA provider awaited first, then the change."""
        request = ChangeBooking(id="r", booking_id=booking.booking_id, **fields)
        reply = await self.cn.answer(Role.SUPERVISOR, "sam", request)
        assert isinstance(reply, BookingInfo)
        return reply.booking

    def messages(self, booking: Booking, kind: NotificationType | None = None) -> list[MessageRow]:
        rows = self.cn.store.messages(booking_id=booking.booking_id, kind=kind, limit=1000)
        return sorted(rows, key=lambda row: row.id)

    async def run(self) -> int:
        """One round of the worker: daily run if due, then the outbox."""
        return await self.cn.worker.run_once()

    def at(self, when: float) -> None:
        self.clock.advance(when - self.clock.now())


def ada(**changes: Any) -> Contact:
    contact = Contact(
        name="Ada",
        email="ada@example.com",
        mobile_phone="+49 151 23456789",
        time_zone="Europe/Berlin",
    )
    return msgspec.structs.replace(contact, **changes)


DeskFactory = Callable[..., Desk]


def states(rows: list[MessageRow]) -> list[tuple[str, str]]:
    """(channel, state) of each row, for compact assertions."""
    return [(str(r.channel), str(r.state)) for r in rows]


@pytest.fixture
def make_desk(providers: Providers, tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    opened: list[CustomerNotifications] = []

    def make(
        *, clock: ManualClock | None = None, db: Path | None = None,
        eta: EtaProvider | None = None, eta_config: EtaConfig | None = None, **changes: Any,
    ) -> Desk:  # fmt: skip
        if eta_config is not None:  # `eta` is the provider; this is [customer_notifications.eta]
            changes["eta"] = eta_config
        cn = CustomerNotifications(
            notifications_config(providers, **changes),
            clock or ManualClock(MONDAY_0900),
            db_path=db if db is not None else tmp_path / "state.sqlite3",
            portal_base_url="http://portal.test/portal",
            eta=eta,
        )
        opened.append(cn)
        assert isinstance(cn.clock, ManualClock)
        return Desk(cn, cn.clock)

    yield make
    for cn in opened:
        cn.close()


@pytest.fixture
def desk(make_desk: DeskFactory) -> Desk:
    return make_desk()
