"""Where a change puts a booking on the map, and where its technician sets off from.

Pure: the booking with the change's service site and technician position applied (both checked,
a bad one raises InvalidLocation before anything is written), and the `Origin` an ETA provider
is asked about.
"""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.bookings import Booking, ChangeBooking
from agent_desktop.server.customer_notifications.eta import Origin
from agent_desktop.server.customer_notifications.location import checked


def placed(before: Booking, request: ChangeBooking, now: float) -> Booking:
    site = before.location
    if request.location is not None:
        site = checked(request.location, "the service site")
    if request.technician_position is None:
        return msgspec.structs.replace(before, location=site)
    position = checked(request.technician_position, "the technician's position")
    return msgspec.structs.replace(
        before, location=site, technician_position=position, technician_position_at=now
    )


def origin_of(booking: Booking, request: ChangeBooking, now: float, max_age_s: float) -> Origin:
    """The technician's last reported position, unless it is older than `max_age_s` (an ETA
    from where they were an hour ago is a guess dressed as a route); a distance the dispatcher
    states wins."""
    reported_at = booking.technician_position_at
    if reported_at is not None and now - reported_at > max_age_s:
        stale_min = round((now - reported_at) / 60.0)
        return Origin(distance_km=request.distance_km, stale_position_min=stale_min)
    return Origin(position=booking.technician_position, distance_km=request.distance_km)
