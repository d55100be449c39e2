"""The demo's field-service bookings: made at start, so the customer-notification views and the
demo mailbox have something to show at once.

Made over the real protocol as the demo supervisor (a dispatcher), exactly as
`agent-desktop-ctl booking new` would: one technician already on the way (its `traveling` email
goes out at once), two more visits this week (the reminder run queues their reminders; quiet
hours in the customer's time zone may hold them until morning, as they would for real).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from agent_desktop.ctl.client import RequestFailed, WireClient, open_session
from agent_desktop.protocol.bookings import (
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    Contact,
    CreateBooking,
    Location,
    ReminderRun,
    RunReminders,
)

log = logging.getLogger(__name__)
HOUR = 3600.0


@dataclass(frozen=True)
class DemoBooking:
    account: str
    work_order_type: str
    technician: str
    starts_in_h: float
    contact: Contact
    traveling: bool = False
    site: Location | None = None
    technician_at: Location | None = None
    """Where the technician sets off from (with `traveling`): the ETA is measured from here."""


DEMO_BOOKINGS: Sequence[DemoBooking] = (
    DemoBooking(
        "Lima Design",
        "Boiler repair",
        "Tess Moreno",
        1.0,
        Contact(name="Ana Lima", email="ana.lima@example.com", time_zone="Europe/Lisbon"),
        traveling=True,
        site=Location(latitude=38.7139, longitude=-9.1394),  # Lisbon, Baixa
        technician_at=Location(latitude=38.6979, longitude=-9.4215),  # Cascais: 25 km away
    ),
    DemoBooking(
        "Okafor Bakery",
        "Oven maintenance",
        "Raj Patel",
        26.0,
        Contact(
            name="Ben Okafor",
            email="ben@example.org",
            mobile_phone="+1 212 555 0199",
            time_zone="America/New_York",
        ),
    ),
    DemoBooking(
        "Wei Household",
        "Fibre installation",
        "Tess Moreno",
        74.0,
        Contact(
            name="Chen Wei",
            email="chen.wei@example.com",
            mobile_phone="+1 201 555 0123",
            time_zone="Asia/Singapore",
        ),
    ),
)


async def book_demo(url: str, user: str, password: str, now: float) -> int:
    """Make the demo bookings and run the reminders; returns how many bookings were made."""
    client, _ = await open_session(url, user, password)
    made = 0
    try:
        for demo in DEMO_BOOKINGS:
            try:
                await _book(client, demo, now + demo.starts_in_h * HOUR)
                made += 1
            except RequestFailed as refused:
                log.warning("demo booking refused: %s", refused)
        await client.request(lambda rid: RunReminders(id=rid), ReminderRun)
    finally:
        await client.close()
    return made


async def _book(client: WireClient, demo: DemoBooking, start: float) -> None:
    def create(rid: str) -> CreateBooking:
        return CreateBooking(
            id=rid,
            account=demo.account,
            work_order_type=demo.work_order_type,
            technician=demo.technician,
            start=start,
            end=start + 2 * HOUR,
            contacts=[demo.contact],
            location=demo.site,
        )

    booking_id = (await client.request(create, BookingInfo)).booking.booking_id
    if demo.traveling:

        def set_off(rid: str) -> ChangeBooking:
            return ChangeBooking(
                id=rid,
                booking_id=booking_id,
                status=BookingStatus.TRAVELING,
                technician_position=demo.technician_at,
            )

        await client.request(set_off, BookingInfo)
