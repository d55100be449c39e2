"""Places on the map: a booking's service site and its technician's position, checked and measured.

The wire refuses an out-of-range coordinate at decoding; this check is the server's own, for
every path in (protocol, ctl, a caller in Python), and also refuses what JSON cannot carry but
Python can (NaN, infinity). A refused location changes nothing.
"""

from __future__ import annotations

import math
from typing import Final

from agent_desktop.protocol.bookings import Location

EARTH_RADIUS_KM: Final = 6371.0088
"""The mean Earth radius (IUGG): the great-circle distance is good to about 0.5 %."""


class InvalidLocation(ValueError):
    """A coordinate that is not a number, not finite, or outside its range."""


def checked(location: Location, what: str) -> Location:
    """`location` itself when both coordinates are finite and in range; else InvalidLocation
    naming `what` ("the service site", "the technician's position") and the bad value."""
    for name, value, limit in (
        ("latitude", location.latitude, 90.0),
        ("longitude", location.longitude, 180.0),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidLocation(f"{what}: {name} {value!r} is not a number")
        if not math.isfinite(value):
            raise InvalidLocation(f"{what}: {name} {value!r} is not a finite number")
        if not -limit <= value <= limit:
            raise InvalidLocation(f"{what}: {name} {value!r} is outside -{limit:g}..{limit:g}")
    return location


def great_circle_km(a: Location, b: Location) -> float:
    """The haversine distance: as the crow flies, so the traffic factor makes up for roads."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
