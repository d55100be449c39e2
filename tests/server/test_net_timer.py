"""The deadline timer: deadlines fire on the loop; tests move a ManualClock, then wake it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import CreateWork, OfferAdded, OfferEnded, SetPresence
from agent_desktop.protocol.vocabulary import Channel, OfferState, Presence, QueueId, UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from tests.wire import logged_in


@pytest.fixture
async def manual_server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as server:
        yield server


async def test_an_unanswered_offer_is_missed_when_the_clock_passes_its_expiry(
    manual_server: RunningServer, manual_clock: ManualClock
) -> None:
    server = manual_server
    async with logged_in(server.url, "alice") as alice, logged_in(server.url, "sam") as sam:
        await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AVAILABLE))
        await sam.call(
            CreateWork(
                id=sam.next_id(),
                channel=Channel.CHAT,
                queue=QueueId("chat"),
                customer_name="Ada",
                agent=UserId("alice"),
            )
        )
        offer = (await alice.next_event(OfferAdded)).offer
        assert offer.expires_at > manual_clock.now()

        manual_clock.advance(offer.expires_at - manual_clock.now() - 1)
        server.wake()
        # One second early nothing happens; a round trip proves the timer had its chance.
        await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AVAILABLE))
        assert not any(isinstance(e, OfferEnded) for e in alice.events)

        manual_clock.advance(1)
        server.wake()
        ended = await alice.next_event(OfferEnded)
        assert ended.offer_id == offer.offer_id
        assert ended.state is OfferState.MISSED
