"""Running late: while traveling, one update when the ETA crosses the margin past the start."""

from __future__ import annotations

from agent_desktop.protocol.bookings import Booking, BookingStatus, NotificationType
from agent_desktop.server.customer_notifications.eta import Origin
from agent_desktop.server.customer_notifications.render import local_time
from tests.server.customer_notifications.conftest import (
    HOUR,
    MONDAY_0900,
    DeskFactory,
    Providers,
    ada,
    states,
)

N = NotificationType


class ScriptedEta:
    """The ETA provider is a boundary (a routing service): the test says what it answers."""

    def __init__(self, *etas: float) -> None:
        self._etas = list(etas)

    async def estimate(self, booking: Booking, origin: Origin, now: float) -> float:
        return self._etas.pop(0)


async def test_running_late_goes_once_when_the_eta_passes_the_start_by_more_than_15_minutes(
    make_desk: DeskFactory, providers: Providers
) -> None:
    start = MONDAY_0900 + HOUR
    desk = make_desk(eta=ScriptedEta(start - 600, start + 900, start + 901, start + 1800))
    booking = desk.book(HOUR)
    await desk.change_with_eta(booking, status=BookingStatus.TRAVELING)  # ETA 10 minutes early
    await desk.change_with_eta(booking, distance_km=9.0)  # exactly 15 minutes late: on time
    assert desk.messages(booking, N.RUNNING_LATE) == []
    await desk.change_with_eta(booking, distance_km=9.1)  # 15 minutes and a second
    later = await desk.change_with_eta(booking, distance_km=20.0)  # later still: no second update
    await desk.run()
    assert states(desk.messages(booking, N.RUNNING_LATE)) == [("email", "sent"), ("sms", "sent")]
    assert later.eta is not None
    # Rendered when sent: the customer reads the latest estimate.
    assert local_time(later.eta, ada()) in providers.sms.requests[-1]["text"]
    assert "running late" in providers.sms.requests[-1]["text"]


async def test_setting_off_already_late_says_so_in_the_traveling_message_only(
    make_desk: DeskFactory,
) -> None:
    start = MONDAY_0900 + HOUR
    desk = make_desk(eta=ScriptedEta(start + 3600))
    booking = desk.book(HOUR)
    await desk.change_with_eta(booking, status=BookingStatus.TRAVELING)
    await desk.run()
    assert [r.type for r in desk.messages(booking)] == [N.TRAVELING, N.TRAVELING]
