"""Clock skew: the agent's machine is 5 minutes ahead of (or behind) the server.

A real server on the system clock and a real `AgentCore` whose wall clock is shifted. The core
measures the offset from the server's times, so its offer countdowns stay within 100 ms of the
server's deadline, and an offer leaves the desktop on time by the core's own timer: the link
is blackholed just before the deadline (tests/support/faulty_link.py), so no `offer_ended`
from the server can help.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from typing import Final

import msgspec
import pytest

from agent_desktop.protocol.messages import CreateWork, WorkCreated
from agent_desktop.protocol.vocabulary import Channel, QueueId, UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session import AgentCore, Backoff, Settings
from tests.support.faulty_link import FaultyLink
from tests.wire import logged_in

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OFFER_WAIT_S: Final = 2.5
TOLERANCE_S: Final = 0.1
WAIT_S: Final = 10.0


class SkewedClock:
    """The agent's machine: wall time off by `skew_s`; its monotonic clock is the real one."""

    def __init__(self, skew_s: float) -> None:
        self.skew_s = skew_s

    def now(self) -> float:
        return time.time() + self.skew_s

    def monotonic(self) -> float:
        return time.monotonic()


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    """The demo, with chat offers that time out after OFFER_WAIT_S (server on the real clock)."""
    templates = dict(demo_config.templates)
    templates["chat"] = msgspec.structs.replace(templates["chat"], wait_time_s=OFFER_WAIT_S)
    async with running_server(msgspec.structs.replace(demo_config, templates=templates)) as run:
        yield run


@pytest.mark.parametrize("skew_s", [+300.0, -300.0])
async def test_countdowns_follow_the_server_and_offers_leave_on_time_with_a_skewed_clock(
    server: RunningServer, skew_s: float
) -> None:
    link = FaultyLink(server.port)
    await link.start()
    core = AgentCore(
        Settings(server_url=link.url, user="alice"),
        password="demo",
        clock=SkewedClock(skew_s),
        backoff=Backoff(base=0.05, cap=0.3, rng=random.Random(3)),
        open_timeout=2.0,
    )
    try:
        await core.start()
        state = await core.wait_for(lambda s: s.online, WAIT_S)
        assert abs(state.clock_offset + skew_s) < TOLERANCE_S, state.clock_offset
        async with logged_in(server.url, "sam") as sam:
            created = await sam.call(
                CreateWork(
                    id=sam.next_id(),
                    channel=Channel.CHAT,
                    queue=QueueId("chat"),
                    customer_name="Skew",
                    agent=UserId("alice"),
                )
            )
            assert isinstance(created, WorkCreated)
        state = await core.wait_for(lambda s: bool(s.offers), WAIT_S)
        [pending] = state.offers
        expires_at = pending.offer.expires_at  # server clock = this machine's real clock

        # Countdowns, sampled while the offer is up, against the server's own deadline.
        errors = []
        while (server_left := expires_at - time.time()) > 0.6:
            shown = pending.countdown(core.clock.now())
            assert shown is not None
            errors.append(abs(shown - server_left))
            await asyncio.sleep(0.2)
        assert errors
        assert max(errors) < TOLERANCE_S, errors

        # The server's word cannot arrive any more: the core's own timer must end the offer.
        link.blackhole()
        await core.wait_for(lambda s: not s.offers, WAIT_S)
        left_at = time.time()
        assert expires_at - TOLERANCE_S <= left_at <= expires_at + TOLERANCE_S, left_at - expires_at
        print(
            f"skew {skew_s:+.0f} s: offset measured {state.clock_offset:+.3f} s, "
            f"countdown error max {max(errors) * 1000:.0f} ms over {len(errors)} samples, "
            f"offer left {(left_at - expires_at) * 1000:+.0f} ms from the server's deadline"
        )
    finally:
        link.restore()
        await core.close()
        await link.stop()
