"""Estimated arrival of a traveling technician: the provider contract, the default estimate, and
the shell that bounds a provider's time and falls back.

The contract (docs/customer-notifications.md): `async estimate(booking, origin, now)` returns the
arrival as epoch seconds, never earlier than `now`; a provider that cannot answer raises. The
default needs no network: distance over the average speed, times a traffic factor (40 km/h and
1.3 by default: 15 km is 29 minutes). `Estimator` is the thin I/O shell the booking service's
caller awaits before a change is applied: the rules then get the ETA as a plain value.
"""

from __future__ import annotations

import asyncio
import logging
import math
from typing import NamedTuple, Protocol

from agent_desktop.protocol.bookings import Booking, BookingStatus, EtaSource, Location
from agent_desktop.server.customer_notifications.config import EtaConfig
from agent_desktop.server.customer_notifications.location import great_circle_km

log = logging.getLogger(__name__)


class Origin(NamedTuple):
    """Where the technician sets off from, as far as it is known."""

    position: Location | None = None
    """The technician's reported position."""
    distance_km: float | None = None
    """A distance the dispatcher stated (road distance, say): wins over coordinates."""
    stale_position_min: float | None = None
    """A position was reported this many minutes ago, too long to use (`position` is None)."""


class EtaUnavailable(Exception):
    """A provider cannot estimate this trip (no coordinates, no route, a failed service)."""


class NoCoordinates(EtaUnavailable):
    """The routing service was not asked: the site or the technician's position is unknown
    (an expected case, logged as information, not as a warning)."""


class EtaProvider(Protocol):
    async def estimate(self, booking: Booking, origin: Origin, now: float) -> float:
        """The arrival in epoch seconds (not before `now`), or raise (EtaUnavailable, an
        I/O error, ...): the shell then uses the distance estimate and says so."""
        ...


class Estimate(NamedTuple):
    at: float
    source: EtaSource
    why: str | None = None
    """With `fallback`: what went wrong with the routing service."""


def distance_km(config: EtaConfig, booking: Booking, origin: Origin) -> float:
    """The stated distance; else great-circle from the technician to the site when both are
    known; else the configured default."""
    if origin.distance_km is not None:
        return origin.distance_km
    if origin.position is not None and booking.location is not None:
        return great_circle_km(origin.position, booking.location)
    return config.default_distance_km


def distance_eta(config: EtaConfig, booking: Booking, origin: Origin, now: float) -> float:
    hours = distance_km(config, booking, origin) / config.average_speed_kmh * config.traffic_factor
    return now + hours * 3600.0


def needs_eta(before: BookingStatus, after: BookingStatus, ticked: bool) -> bool:
    """Estimated when the technician sets off, and again on each new distance or position
    while on the way (an ETA tick); otherwise the ETA stays as it is."""
    setting_off = before is not BookingStatus.TRAVELING and after is BookingStatus.TRAVELING
    on_the_way = before is BookingStatus.TRAVELING and after is BookingStatus.TRAVELING and ticked
    return setting_off or on_the_way


class Estimator:
    """Asks the provider within `timeout_s`; on any failure the distance estimate instead,
    logged and marked `fallback`, so a routing outage never holds up a status change."""

    def __init__(self, config: EtaConfig, provider: EtaProvider | None = None) -> None:
        self.config = config
        self.provider = provider
        """None: the distance estimate is the provider."""

    def fallback(self, booking: Booking, origin: Origin, now: float) -> Estimate:
        source = EtaSource.DISTANCE if self.provider is None else EtaSource.FALLBACK
        return Estimate(distance_eta(self.config, booking, origin, now), source)

    async def estimate(self, booking: Booking, origin: Origin, now: float) -> Estimate:
        if self.provider is None:
            return self.fallback(booking, origin, now)
        try:
            async with asyncio.timeout(self.config.timeout_s):
                answer: object = await self.provider.estimate(booking, origin, now)
            # A plug-in is someone else's code: check what it gave before the rules use it.
            if isinstance(answer, bool) or not isinstance(answer, int | float):
                raise EtaUnavailable(f"the provider answered {answer!r}, not a time")
            at = float(answer)
            if not math.isfinite(at):
                raise EtaUnavailable(f"the provider answered {answer!r}, not a time")
        except Exception as exc:
            why = _why(exc, self.config.timeout_s)
            log.log(
                logging.INFO if isinstance(exc, NoCoordinates) else logging.WARNING,
                "ETA of booking %s: no routing ETA (%s); using the distance estimate",
                booking.booking_id,
                why,
            )
            return self.fallback(booking, origin, now)._replace(why=why)
        return Estimate(max(at, now), EtaSource.ROUTING)


def _why(exc: Exception, timeout_s: float) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout_s:g} s"
    return str(exc) or type(exc).__name__
