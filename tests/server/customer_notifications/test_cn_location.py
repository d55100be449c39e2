"""A booking's service site and its technician's position: checked, kept across a restart (real
SQLite file), added to a database made before they existed, and carried over the real protocol."""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    CreateBooking,
    EtaSource,
    GetBooking,
    Location,
    TechnicianPosition,
)
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import Error
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.customer_notifications.config import EtaConfig
from agent_desktop.server.customer_notifications.records import SCHEMA
from agent_desktop.server.customer_notifications.store import NotificationStore
from agent_desktop.server.runner import RunningServer, running_server
from tests.server.customer_notifications.conftest import (
    HOUR,
    MONDAY_0900,
    Desk,
    DeskFactory,
    Providers,
    ada,
    notifications_config,
)
from tests.server.customer_notifications.test_cn_crash import config_file
from tests.server.customer_notifications.test_cn_server import create, eventually
from tests.support.routing import RoutingService, routing_service
from tests.wire import logged_in, start_server_process

SITE = Location(latitude=48.137154, longitude=11.576124)
TECHNICIAN = Location(latitude=48.3538, longitude=11.7861)

BAD = [
    (Location(latitude=90.000001, longitude=0.0), "latitude 90.000001 is outside -90..90"),
    (Location(latitude=-91.0, longitude=0.0), "latitude -91.0 is outside -90..90"),
    (Location(latitude=0.0, longitude=180.5), "longitude 180.5 is outside -180..180"),
    (Location(latitude=math.nan, longitude=0.0), "latitude nan is not a finite number"),
    (Location(latitude=0.0, longitude=-math.inf), "longitude -inf is not a finite number"),
    (Location(latitude="52", longitude=0.0), "latitude '52' is not a number"),  # type: ignore[arg-type]
]
BAD_IDS = ["lat>90", "lat<-90", "lon>180", "nan", "-inf", "string"]


def snapshot(desk: Desk) -> tuple[Any, ...]:
    """Everything a refused command must leave as it was."""
    store = desk.cn.store
    bookings = [store.booking(f"BK{n}") for n in range(1001, 1004)]
    return (
        bookings,
        store.meta("booking_seq"),
        store.messages(limit=1000),
        [store.audit_of(f"BK{n}") for n in range(1001, 1004)],
    )


@pytest.mark.parametrize(("bad", "says"), BAD, ids=BAD_IDS)
def test_a_bad_service_site_is_refused_and_no_booking_is_made(
    desk: Desk, bad: Location, says: str
) -> None:
    before = snapshot(desk)
    with pytest.raises(ProtocolError) as refused:
        desk.cn.service.create("sam", _create_request(desk, location=bad))
    assert refused.value.code is ErrorCode.INVALID_BOOKING
    assert f"the service site: {says}" in refused.value.message
    assert snapshot(desk) == before


@pytest.mark.parametrize(("bad", "says"), BAD, ids=BAD_IDS)
async def test_a_bad_position_or_site_is_refused_and_changes_nothing(
    desk: Desk, bad: Location, says: str
) -> None:
    booking = desk.change(desk.book(2 * HOUR, contacts=[ada()]), location=SITE)
    desk.change(booking, status=BookingStatus.TRAVELING, technician_position=TECHNICIAN)
    before = snapshot(desk)
    for fields in (
        {"technician_position": bad},
        {"technician_position": bad, "status": BookingStatus.IN_PROGRESS},
        {"location": bad, "distance_km": 3.0},
    ):
        with pytest.raises(ProtocolError, match=r"is not|is outside") as refused:
            await desk.change_with_eta(booking, **fields)
        assert refused.value.code is ErrorCode.INVALID_BOOKING
        assert says in refused.value.message
        assert snapshot(desk) == before


def test_a_closed_booking_takes_no_position(desk: Desk) -> None:
    booking = desk.book(2 * HOUR)
    desk.change(booking, status=BookingStatus.CANCELED)
    before = snapshot(desk)
    with pytest.raises(ProtocolError, match="a canceled booking cannot change"):
        desk.change(booking, technician_position=TECHNICIAN)
    assert snapshot(desk) == before


def _create_request(desk: Desk, **changes: Any) -> CreateBooking:
    start = desk.clock.now() + 2 * HOUR
    request = CreateBooking(
        id="r", account="ACME", work_order_type="repair", technician="Tess",
        start=start, end=start + HOUR, contacts=[ada()],
    )  # fmt: skip
    return msgspec.structs.replace(request, **changes)


def test_site_position_and_eta_source_survive_a_restart(
    make_desk: DeskFactory, tmp_path: Path
) -> None:
    db = tmp_path / "restart.sqlite3"
    clock = ManualClock(MONDAY_0900)
    first = make_desk(clock=clock, db=db)
    booking = first.cn.service.create("sam", _create_request(first, location=SITE))
    assert booking.location == SITE
    clock.advance(60)
    traveling = first.change(
        booking, status=BookingStatus.TRAVELING, technician_position=TECHNICIAN
    )
    first.cn.close()

    second = make_desk(clock=clock, db=db)
    again = second.cn.service.get(booking.booking_id).booking
    assert again == traveling
    assert again.location == SITE
    assert again.technician_position == TECHNICIAN
    assert again.technician_position_at == MONDAY_0900 + 60
    assert again.eta_source is EtaSource.DISTANCE


def test_a_database_from_before_locations_gets_the_columns_and_keeps_its_bookings(
    desk: Desk, tmp_path: Path
) -> None:
    booking = desk.book(2 * HOUR)
    old = tmp_path / "old.sqlite3"
    with sqlite3.connect(old) as db:  # the schema as an earlier server made it
        db.executescript(SCHEMA)
        db.execute(
            "INSERT INTO cn_booking (id, account, work_order_type, technician, start, end, "
            "status, contacts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("BK1001", "ACME", "repair", "Tess", booking.start, booking.end, "scheduled",
             msgspec.json.encode([ada()]), MONDAY_0900),
        )  # fmt: skip
        columns = {row[1] for row in db.execute("PRAGMA table_info(cn_booking)")}
        assert "site_lat" not in columns
    db.close()
    store = NotificationStore(old)
    try:
        record = store.booking("BK1001")
        assert record is not None
        assert (record.booking.location, record.booking.eta_source) == (None, None)
        with store.transaction():
            store.put_booking(
                msgspec.structs.replace(record.booking, location=SITE), created_at=MONDAY_0900
            )
        placed = store.booking("BK1001")
        assert placed is not None
        assert placed.booking.location == SITE
    finally:
        store.close()
    reopened = NotificationStore(old)  # the second open finds nothing to add
    try:
        placed = reopened.booking("BK1001")
        assert placed is not None
        assert placed.booking.location == SITE
    finally:
        reopened.close()


# --- over the real protocol -------------------------------------------------------------------


@pytest.fixture
async def routing() -> AsyncIterator[RoutingService]:
    async with routing_service() as service:
        yield service


@pytest.fixture
async def server(
    demo_config: ServerConfig, providers: Providers, routing: RoutingService
) -> AsyncIterator[RunningServer]:
    notifications = notifications_config(
        providers, eta=EtaConfig(provider="osrm", osrm_url=routing.url, timeout_s=2.0)
    )
    config = msgspec.structs.replace(demo_config, customer_notifications=notifications)
    async with running_server(config, clock=ManualClock(MONDAY_0900)) as running:
        yield running


@pytest.mark.integration
async def test_a_dispatcher_reports_the_position_and_the_customer_gets_the_routing_eta(
    server: RunningServer, providers: Providers, routing: RoutingService
) -> None:
    routing.duration_s = 2400.0
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam, location=SITE)
        assert booking.location == SITE
        before = await sam.call(
            TechnicianPosition(id=sam.next_id(), booking_id=booking.booking_id, position=TECHNICIAN)
        )  # still scheduled: recorded, no ETA, the routing service not asked
        assert isinstance(before, BookingInfo)
        assert (before.booking.technician_position, before.booking.eta) == (TECHNICIAN, None)
        assert routing.requests == []
        traveling = await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
            )
        )
        assert isinstance(traveling, BookingInfo)
        assert traveling.booking.eta == MONDAY_0900 + 2400.0
        assert traveling.booking.eta_source is EtaSource.ROUTING
        assert len(routing.routes) == 1
        await eventually(lambda: len(providers.sms.requests) == 1)
        assert "11:40" in providers.sms.requests[0]["text"]  # 09:40 UTC in Berlin (CEST)


@pytest.mark.integration
async def test_out_of_range_coordinates_are_refused_at_the_wire(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam:
        booking = await create(sam)
        for latitude, says in ((91.0, "<= 90.0"), (math.nan, "got `null`")):
            refused = await sam.request(
                TechnicianPosition(
                    id=sam.next_id(),
                    booking_id=booking.booking_id,
                    position=Location(latitude=latitude, longitude=0.0),
                )
            )
            assert isinstance(refused, Error)
            assert refused.code is ErrorCode.INVALID_MESSAGE
            assert says in refused.message
            assert "position.latitude" in refused.message
        assert server.notifications is not None
        unchanged = server.notifications.service.get(booking.booking_id).booking
        assert unchanged == booking


@pytest.mark.integration
async def test_a_killed_server_process_comes_back_with_the_site_position_and_eta(
    tmp_path: Path, routing: RoutingService
) -> None:
    table = (
        f'[customer_notifications.eta]\nprovider = "osrm"\nosrm_url = "{routing.url}"\n'
        "timeout_s = 5.0\n"
    )
    args = ("--port", "0", "--data", str(tmp_path / "data"),
            "--config", str(config_file(tmp_path, table)))  # fmt: skip
    first = await start_server_process(*args, stderr_path=tmp_path / "first.log")
    try:
        async with logged_in(first.url, "sam") as sam:
            start = time.time() + 2 * HOUR
            booking = await create(sam, location=SITE, start=start, end=start + HOUR)
            traveling = await sam.call(
                ChangeBooking(
                    id=sam.next_id(), booking_id=booking.booking_id,
                    status=BookingStatus.TRAVELING, technician_position=TECHNICIAN,
                )
            )  # fmt: skip
            assert isinstance(traveling, BookingInfo)
            assert traveling.booking.eta_source is EtaSource.ROUTING
    finally:
        await first.kill()  # SIGKILL: what was answered must already be on disk
    second = await start_server_process(*args, stderr_path=tmp_path / "second.log")
    try:
        async with logged_in(second.url, "sam") as sam:
            again = await sam.call(GetBooking(id=sam.next_id(), booking_id=booking.booking_id))
            assert isinstance(again, BookingInfo)
            assert again.booking == traveling.booking
            assert again.booking.location == SITE
            assert again.booking.technician_position == TECHNICIAN
    finally:
        await second.stop()
