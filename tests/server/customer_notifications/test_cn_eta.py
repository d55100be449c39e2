"""The ETA of a traveling technician: a real OSRM-compatible routing service over HTTP on
127.0.0.1, its failures falling back to the distance estimate, visibly."""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import threading
from collections.abc import AsyncIterator, Callable

import pytest

from agent_desktop.protocol.bookings import (
    Booking,
    BookingId,
    BookingStatus,
    ChangeBooking,
    EtaSource,
    Location,
)
from agent_desktop.protocol.bookings import NotificationType as N
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.vocabulary import ErrorCode, Role
from agent_desktop.server.customer_notifications.config import EtaConfig
from agent_desktop.server.customer_notifications.eta import Origin, distance_eta
from agent_desktop.server.customer_notifications.location import great_circle_km
from agent_desktop.server.customer_notifications.render import local_time
from tests.server.customer_notifications.conftest import (
    HOUR,
    Desk,
    DeskFactory,
    Providers,
    ada,
    states,
)
from tests.support.routing import HANG, Failure, RoutingService, routing_service

SITE = Location(latitude=52.520008, longitude=13.404954)
"""Berlin, Alexanderplatz."""
DEPOT = Location(latitude=52.3906, longitude=13.0645)
"""Potsdam: 27 km as the crow flies."""


@pytest.fixture
async def routing() -> AsyncIterator[RoutingService]:
    async with routing_service() as service:
        yield service


def osrm(url: str, timeout_s: float = 2.0) -> EtaConfig:
    return EtaConfig(provider="osrm", osrm_url=url, timeout_s=timeout_s)


def book_at_site(desk: Desk) -> Booking:
    booking = desk.book(2 * HOUR)
    return desk.change(booking, location=SITE)


async def test_the_traveling_email_and_sms_carry_the_routing_eta_in_the_customers_zone(
    make_desk: DeskFactory, providers: Providers, routing: RoutingService
) -> None:
    routing.duration_s = 1873.0
    desk = make_desk(eta_config=osrm(routing.url))
    booking = book_at_site(desk)
    traveling = await desk.change_with_eta(
        booking, status=BookingStatus.TRAVELING, technician_position=DEPOT
    )
    assert traveling.eta == desk.clock.now() + 1873.0
    assert traveling.eta_source is EtaSource.ROUTING
    # OSRM takes longitude first: from the technician to the site.
    assert routing.routes == [(13.0645, 52.3906, 13.404954, 52.520008)]
    assert routing.requests[0].startswith("/route/v1/driving/13.064500,52.390600;13.404954,")
    await desk.run()
    assert states(desk.messages(booking, N.TRAVELING)) == [("email", "sent"), ("sms", "sent")]
    shown = local_time(traveling.eta, ada())  # Europe/Berlin: "... 10:31 CEST"
    assert "CEST" in shown
    (mail,) = providers.smtp.received
    assert shown in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert shown in providers.sms.requests[-1]["text"]


async def test_the_routing_eta_does_not_wait_behind_the_servers_other_threads(
    make_desk: DeskFactory, routing: RoutingService
) -> None:
    """Slow SMS sends and password checks run on the loop's default threads; a routing call
    queued behind them would time out into the fallback while the service was answering."""
    desk = make_desk(eta_config=osrm(routing.url, timeout_s=1.0))
    booking = book_at_site(desk)
    release = threading.Event()
    busy = [asyncio.create_task(asyncio.to_thread(release.wait, 10)) for _ in range(40)]
    await asyncio.sleep(0)  # every busy call has taken or queued for a default thread
    try:
        traveling = await desk.change_with_eta(
            booking, status=BookingStatus.TRAVELING, technician_position=DEPOT
        )
    finally:
        release.set()
        await asyncio.gather(*busy)
    assert traveling.eta_source is EtaSource.ROUTING
    assert len(routing.requests) == 1


def distance_estimate(desk: Desk) -> float:
    km = great_circle_km(DEPOT, SITE)
    assert 26 < km < 28
    return desk.clock.now() + km / 40.0 * 1.3 * 3600.0


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (HANG, "no answer within 0.5 s"),
        (Failure(500, b"<html>oops</html>"), "HTTP 500"),
        (Failure(200, b'{"code": "NoRoute", "message": "Impossible route"}'), "'NoRoute'"),
        (Failure(400, b'{"code": "NoRoute"}'), "HTTP 400 (NoRoute)"),
        (Failure(200, b"garbage, not JSON"), "not a route"),
        (Failure(200, b'{"code": "Ok", "routes": []}'), "no route"),
        (Failure(200, b'{"code": "Ok", "routes": [{"duration": -5}]}'), "not a route"),
    ],
    ids=["timeout", "500", "no-route", "no-route-400", "garbage", "no-routes", "negative"],
)
async def test_a_failing_routing_service_gives_the_distance_estimate_logged_and_marked(
    make_desk: DeskFactory,
    providers: Providers,
    routing: RoutingService,
    caplog: pytest.LogCaptureFixture,
    failure: Failure,
    says: str,
) -> None:
    routing.failures.append(failure)
    desk = make_desk(eta_config=osrm(routing.url, timeout_s=0.5))
    booking = book_at_site(desk)
    with caplog.at_level(logging.WARNING):
        traveling = await desk.change_with_eta(
            booking, status=BookingStatus.TRAVELING, technician_position=DEPOT
        )
    assert len(routing.requests) == 1
    assert traveling.eta == pytest.approx(distance_estimate(desk))
    assert traveling.eta_source is EtaSource.FALLBACK
    assert any(says in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    audit = desk.cn.store.audit_of(booking.booking_id)[-1]
    assert "eta_source=None->fallback" in audit[3]
    assert says in audit[3]
    await desk.run()
    assert states(desk.messages(booking, N.TRAVELING)) == [("email", "sent"), ("sms", "sent")]
    assert traveling.eta is not None
    assert local_time(traveling.eta, ada()) in providers.sms.requests[-1]["text"]


async def test_a_refused_connection_gives_the_distance_estimate(
    make_desk: DeskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    desk = make_desk(eta_config=osrm(closed))
    booking = book_at_site(desk)
    with caplog.at_level(logging.WARNING):
        traveling = await desk.change_with_eta(
            booking, status=BookingStatus.TRAVELING, technician_position=DEPOT
        )
    assert traveling.eta == pytest.approx(distance_estimate(desk))
    assert traveling.eta_source is EtaSource.FALLBACK
    assert any("unreachable" in r.getMessage() for r in caplog.records)


async def test_without_coordinates_the_routing_service_is_not_asked(
    make_desk: DeskFactory, routing: RoutingService, caplog: pytest.LogCaptureFixture
) -> None:
    desk = make_desk(eta_config=osrm(routing.url))
    booking = desk.book(2 * HOUR)  # no site
    with caplog.at_level(logging.INFO):
        traveling = await desk.change_with_eta(
            booking, status=BookingStatus.TRAVELING, technician_position=DEPOT
        )
    assert routing.requests == []
    assert traveling.eta == desk.clock.now() + 15 / 40 * 1.3 * 3600  # the default distance
    assert traveling.eta_source is EtaSource.FALLBACK
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("service site is not known" in r.getMessage() for r in caplog.records)


async def test_a_position_older_than_the_limit_is_not_routed_from(
    make_desk: DeskFactory, routing: RoutingService, caplog: pytest.LogCaptureFixture
) -> None:
    """A position from an hour ago says where the technician was, not where they set off."""
    config = EtaConfig(
        provider="osrm", osrm_url=routing.url, timeout_s=2.0, position_max_age_min=30
    )
    desk = make_desk(eta_config=config)
    booking = book_at_site(desk)
    await desk.change_with_eta(booking, technician_position=DEPOT)  # reported, still scheduled
    desk.clock.advance(31 * 60)
    with caplog.at_level(logging.INFO):
        traveling = await desk.change_with_eta(booking, status=BookingStatus.TRAVELING)
    assert routing.requests == []
    assert traveling.eta == desk.clock.now() + 15 / 40 * 1.3 * 3600  # the default distance
    assert traveling.eta_source is EtaSource.FALLBACK
    assert any("position is 31 min old" in r.getMessage() for r in caplog.records)
    fresh = await desk.change_with_eta(booking, technician_position=DEPOT)  # a new report
    assert len(routing.requests) == 1
    assert fresh.eta_source is EtaSource.ROUTING


def test_the_distance_estimate_uses_a_position_only_within_the_limit(
    make_desk: DeskFactory,
) -> None:
    desk = make_desk(eta_config=EtaConfig(position_max_age_min=30))
    first, second = book_at_site(desk), book_at_site(desk)
    desk.change(first, technician_position=DEPOT)
    desk.change(second, technician_position=DEPOT)
    desk.clock.advance(29 * 60)
    assert desk.change(first, status=BookingStatus.TRAVELING).eta == pytest.approx(
        distance_estimate(desk)
    )
    desk.clock.advance(2 * 60)  # the second's position is now 31 minutes old
    traveling = desk.change(second, status=BookingStatus.TRAVELING)
    assert traveling.eta == desk.clock.now() + 15 / 40 * 1.3 * 3600  # the default distance


async def test_position_ticks_while_traveling_ask_again_and_send_one_running_late(
    make_desk: DeskFactory, providers: Providers, routing: RoutingService
) -> None:
    desk = make_desk(eta_config=osrm(routing.url))
    booking = book_at_site(desk)  # starts in 2 hours
    routing.duration_s = 3600.0
    await desk.change_with_eta(booking, status=BookingStatus.TRAVELING, technician_position=DEPOT)
    routing.duration_s = 2 * HOUR + 15 * 60  # exactly 15 minutes late: on time
    await desk.change_with_eta(booking, technician_position=DEPOT)
    assert desk.messages(booking, N.RUNNING_LATE) == []
    routing.duration_s = 2 * HOUR + 15 * 60 + 1
    late = await desk.change_with_eta(booking, technician_position=SITE)
    routing.duration_s = 3 * HOUR
    await desk.change_with_eta(booking, technician_position=DEPOT)
    assert len(routing.requests) == 4
    assert late.technician_position == SITE
    await desk.run()
    assert states(desk.messages(booking, N.RUNNING_LATE)) == [("email", "sent"), ("sms", "sent")]


async def test_a_change_that_needs_no_eta_never_asks_the_routing_service(
    make_desk: DeskFactory, routing: RoutingService
) -> None:
    desk = make_desk(eta_config=osrm(routing.url))
    booking = book_at_site(desk)
    placed = await desk.change_with_eta(booking, technician_position=DEPOT)  # still scheduled
    assert placed.technician_position == DEPOT
    assert placed.eta is None
    with pytest.raises(ProtocolError, match="cannot become completed"):  # refused anyway
        await desk.change_with_eta(booking, status=BookingStatus.COMPLETED, distance_km=3.0)
    arrived = await desk.change_with_eta(booking, status=BookingStatus.IN_PROGRESS, distance_km=1)
    assert arrived.eta is None
    assert routing.requests == []


def test_the_distance_estimate_uses_the_crow_flies_distance_when_both_points_are_known() -> None:
    config = EtaConfig()
    booking = Booking(
        booking_id=BookingId("BK1"), account="A", work_order_type="t", technician="T",
        start=0.0, end=1.0, status=BookingStatus.TRAVELING, contacts=[ada()], location=SITE,
    )  # fmt: skip
    at = distance_eta(config, booking, Origin(position=DEPOT), 1000.0)
    assert at == pytest.approx(1000.0 + great_circle_km(DEPOT, SITE) / 40 * 1.3 * 3600)
    stated = distance_eta(config, booking, Origin(position=DEPOT, distance_km=15.0), 1000.0)
    assert stated == pytest.approx(1000.0 + 29.25 * 60)  # a stated distance wins
    nowhere = distance_eta(config, booking, Origin(), 1000.0)
    assert nowhere == pytest.approx(1000.0 + 29.25 * 60)  # the default 15 km
    assert great_circle_km(SITE, SITE) == 0.0
    # London to Paris, about 344 km.
    london, paris = (
        Location(latitude=51.5074, longitude=-0.1278),
        Location(latitude=48.8566, longitude=2.3522),
    )
    assert great_circle_km(london, paris) == pytest.approx(343.6, abs=1.0)


async def test_only_a_dispatcher_makes_the_server_ask_the_routing_service(
    make_desk: DeskFactory, routing: RoutingService
) -> None:
    desk = make_desk(eta_config=osrm(routing.url))
    booking = book_at_site(desk)
    request = ChangeBooking(
        id="r", booking_id=booking.booking_id, status=BookingStatus.TRAVELING,
        technician_position=DEPOT,
    )  # fmt: skip
    with pytest.raises(ProtocolError) as refused:
        await desk.cn.answer(Role.AGENT, "alice", request)
    assert refused.value.code is ErrorCode.FORBIDDEN
    assert routing.requests == []
    assert desk.cn.service.get(booking.booking_id).booking == booking


class Answers:
    """A plug-in provider (someone else's code): the test says what it answers."""

    def __init__(self, answer: Callable[[float], object]) -> None:
        self.answer = answer

    async def estimate(self, booking: Booking, origin: Origin, now: float) -> float:
        return self.answer(now)  # type: ignore[return-value]  # deliberately not always a float


@pytest.mark.parametrize(
    ("answer", "source"),
    [
        (lambda now: now - 60.0, EtaSource.ROUTING),  # a minute ago: now, never in the past
        (lambda now: math.nan, EtaSource.FALLBACK),
        (lambda now: math.inf, EtaSource.FALLBACK),
        (lambda now: "soon", EtaSource.FALLBACK),
        (lambda now: None, EtaSource.FALLBACK),
        (lambda now: True, EtaSource.FALLBACK),
    ],
    ids=["past", "nan", "inf", "text", "none", "bool"],
)
async def test_a_providers_answer_is_checked_before_the_rules_see_it(
    make_desk: DeskFactory, answer: Callable[[float], object], source: EtaSource
) -> None:
    desk = make_desk(eta=Answers(answer))
    now = desk.clock.now()
    booking = desk.book(2 * HOUR)
    traveling = await desk.change_with_eta(booking, status=BookingStatus.TRAVELING)
    assert traveling.eta_source is source
    expected = now if source is EtaSource.ROUTING else now + 15 / 40 * 1.3 * 3600
    assert traveling.eta == pytest.approx(expected)
