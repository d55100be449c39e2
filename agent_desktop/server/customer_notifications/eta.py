"""Estimated arrival of a traveling technician: a pluggable provider and the default estimate.

The contract (docs/customer-notifications.md): `estimate(booking, distance_km, now)` returns the
arrival as epoch seconds, never earlier than `now`. The default needs no network: distance over
the average speed, times a traffic factor (40 km/h and 1.3 by default: 15 km is 29 minutes).
"""

from __future__ import annotations

from typing import Protocol

from agent_desktop.protocol.bookings import Booking
from agent_desktop.server.customer_notifications.config import EtaConfig


class EtaProvider(Protocol):
    def estimate(self, booking: Booking, distance_km: float | None, now: float) -> float: ...


class DistanceEstimate:
    def __init__(self, config: EtaConfig) -> None:
        self._config = config

    def estimate(self, booking: Booking, distance_km: float | None, now: float) -> float:
        km = self._config.default_distance_km if distance_km is None else distance_km
        hours = km / self._config.average_speed_kmh * self._config.traffic_factor
        return now + hours * 3600.0
