"""The sent log's push (`notifications_updated`) over the real protocol: to the connections that
listed the log and only to them, coalesced per loop turn, and forgotten when a link closes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import msgspec
import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import (
    BookingStatus,
    ChangeBooking,
    DeliveryState,
    ListNotifications,
    Notifications,
    NotificationsUpdated,
    RunReminders,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from tests.server.customer_notifications.conftest import (
    DAY,
    MONDAY_0900,
    Providers,
    notifications_config,
)
from tests.server.customer_notifications.test_cn_server import create
from tests.wire import WAIT_S, WireClient, logged_in

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(demo_config: ServerConfig, providers: Providers) -> AsyncIterator[RunningServer]:
    config = msgspec.structs.replace(
        demo_config, customer_notifications=notifications_config(providers)
    )
    async with running_server(config, clock=ManualClock(MONDAY_0900)) as running:
        yield running


async def listed(client: WireClient) -> Notifications:
    reply = await client.call(ListNotifications(id=client.next_id()))
    assert isinstance(reply, Notifications)
    return reply


async def states_pushed(client: WireClient, until: set[DeliveryState]) -> list[set[str]]:
    """The (channel, state) pairs of each push, until every row's state is in `until`."""
    pushes: list[set[str]] = []
    latest: dict[int, DeliveryState] = {}
    while not latest or set(latest.values()) - until:
        update = await client.next_event(NotificationsUpdated)
        pushes.append({f"{e.channel}:{e.state}" for e in update.entries})
        latest.update({e.message_id: e.state for e in update.entries})
    return pushes


async def test_a_watcher_hears_each_row_queued_then_sent_and_others_hear_nothing(
    server: RunningServer,
) -> None:
    async with logged_in(server.url, "sam") as sam, logged_in(server.url, "admin") as admin:
        await listed(sam)  # sam watches; admin never listed the log
        booking = await create(sam, start=MONDAY_0900 + 3600, end=MONDAY_0900 + 3 * 3600)
        await sam.call(
            ChangeBooking(
                id=sam.next_id(), booking_id=booking.booking_id, status=BookingStatus.TRAVELING
            )
        )
        pushes = await states_pushed(sam, {DeliveryState.SENT})
        assert pushes[0] == {"email:queued", "sms:queued"}  # both queued in one push
        assert {"email:sent", "sms:sent"} <= set().union(*pushes)
        with pytest.raises(TimeoutError):
            # Nothing may arrive: a bounded wait is the only way to see an absence.
            await admin.next_event(NotificationsUpdated, wait_s=0.3)


async def test_a_reminder_run_of_many_arrives_in_few_pushes(server: RunningServer) -> None:
    async with logged_in(server.url, "sam") as sam:
        for day in range(40):
            start = MONDAY_0900 + DAY + day * 3600
            await create(sam, start=start, end=start + 1800)
        await listed(sam)
        await sam.call(RunReminders(id=sam.next_id()))
        update = await sam.next_event(NotificationsUpdated)
        assert len(update.entries) == 80, "one push for the 80 rows the run queued"


async def test_a_closed_link_stops_watching(server: RunningServer) -> None:
    assert server.notifications is not None
    watch = server.notifications.log_watch
    async with logged_in(server.url, "sam") as sam:
        await listed(sam)
        await listed(sam)  # listing again is still one watcher
        assert watch.watchers == 1
    async with asyncio.timeout(WAIT_S):
        while watch.watchers:  # noqa: ASYNC110  # the server notices the close on its own loop
            await asyncio.sleep(0.01)
