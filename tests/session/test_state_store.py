"""`StateStore` (session/store.py; test_store.py is the server's): observers, announcements
with the policy's decision, the timers the reducer asks for, other commands to the performer."""

from __future__ import annotations

import asyncio

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import OfferAdded
from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.session.effects import Command, OfferArrived, OfferLeft, SendAccept
from agent_desktop.session.events import AcceptPressed, LinkChanged, Tick
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import AgentState, Connection, LinkStatus
from agent_desktop.session.store import Announcement, StateStore
from tests.session.factories import offer

WAIT_S = 5.0


def store_at(clock: ManualClock) -> StateStore:
    store = StateStore(Settings(server_url="ws://127.0.0.1:9", user="alice"), clock)
    store.dispatch(LinkChanged(Connection(LinkStatus.ONLINE)))
    return store


async def test_observers_see_each_change_and_announcements_carry_the_decision() -> None:
    clock = ManualClock()
    store = store_at(clock)
    seen: list[AgentState] = []
    heard: list[Announcement] = []
    store.subscribe(seen.append)
    store.on_announcement(heard.append)
    store.dispatch(OfferAdded(offer=offer(expires_at=clock.now() + 60)))
    assert [len(s.offers) for s in seen] == [1]
    [arrived] = heard
    assert isinstance(arrived.effect, OfferArrived)
    assert arrived.decision is not None
    store.dispatch(Tick())  # nothing due: no new state for the observers
    assert len(seen) == 1
    store.stop_timer()


async def test_the_timer_the_reducer_arms_fires_tick_at_the_deadline() -> None:
    clock = ManualClock()
    store = store_at(clock)
    left = asyncio.Event()
    store.on_announcement(lambda a: left.set() if isinstance(a.effect, OfferLeft) else None)
    # The deadline is 0.05 s ahead on the injected clock; the loop timer waits that long.
    store.dispatch(OfferAdded(offer=offer(expires_at=clock.now() + 0.05)))
    clock.advance(0.05)
    async with asyncio.timeout(WAIT_S):
        await left.wait()
    assert store.state.offers == ()


async def test_commands_go_to_the_performer() -> None:
    clock = ManualClock()
    store = store_at(clock)
    performed: list[Command] = []
    store.perform = performed.append
    store.dispatch(OfferAdded(offer=offer(expires_at=clock.now() + 60)))
    store.dispatch(AcceptPressed(OfferId("o1")))
    assert performed == [SendAccept(OfferId("o1"))]
    store.stop_timer()
