"""The server hides start-up and login-wave objects from the collector's full collections."""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Callable, Iterator

import pytest

from agent_desktop.server import heap_freezer
from agent_desktop.server.heap_freezer import MIN_LOGINS, HeapFreezer


@pytest.fixture(autouse=True)
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()  # the rest of the test session collects as usual


async def _until(condition: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110  # the freezer has no event to wait on
            await asyncio.sleep(0.01)


async def test_start_up_freezes_what_survives() -> None:
    gc.unfreeze()
    kept = [[n] for n in range(1000)]
    freezer = HeapFreezer()
    freezer.after_start()
    freezer.stop()
    assert gc.get_freeze_count() >= len(kept)


async def test_between_waves_what_survives_a_paced_young_collection_is_frozen() -> None:
    """Without the pacer these would wait in the young generation until CPython's count said
    so, and then be walked with everything else made meanwhile."""
    freezer = HeapFreezer()
    freezer.after_start()
    try:
        kept = [[n] for n in range(1000)]
        paced = freezer.paced
        await _until(lambda: freezer.paced > paced)
        watched = {id(item) for item in kept}
        assert not [o for o in gc.get_objects() if id(o) in watched]  # none left to walk
        assert gc.get_freeze_count() >= len(kept)
    finally:
        freezer.stop()


async def test_a_wave_of_logins_is_frozen_once_it_has_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(heap_freezer, "QUIET_S", 0.05)
    gc.unfreeze()
    freezer = HeapFreezer()
    agents = []
    for n in range(MIN_LOGINS):
        agents.append({"agent": n})
        freezer.login_seen()
    await _until(lambda: freezer.freezes == 1)
    assert gc.get_freeze_count() >= len(agents)


async def test_a_freeze_waits_until_logins_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap_freezer, "QUIET_S", 1.0)
    freezer = HeapFreezer()
    for _ in range(MIN_LOGINS):
        freezer.login_seen()
    # Logins keep coming faster than the quiet period: still inside the wave.
    for _ in range(5):
        await asyncio.sleep(0.05)
        freezer.login_seen()
        assert freezer.freezes == 0
    await _until(lambda: freezer.freezes == 1)
    freezer.stop()


async def test_a_pause_inside_a_wave_does_not_freeze_again_until_the_wave_doubled() -> None:
    freezer = HeapFreezer()

    def logins_then_quiet(count: int) -> None:
        for _ in range(count):
            freezer.login_seen()
        freezer.stop()  # the quiet period, without waiting for it
        freezer._wave_passed()

    logins_then_quiet(MIN_LOGINS * 2)
    assert freezer.freezes == 1
    logins_then_quiet(MIN_LOGINS)  # fewer than the wave so far: a pause inside it
    assert freezer.freezes == 1
    logins_then_quiet(MIN_LOGINS)  # now as many as before the first freeze
    assert freezer.freezes == 2


class _Cycle:
    """One tracked object that refers to itself: only a full collection can free it."""

    __slots__ = ("me",)

    def __init__(self) -> None:
        self.me = self


async def test_cycles_frozen_by_the_pacer_are_reclaimed_once_the_heap_grew_by_half() -> None:
    """The pacer freezes what outlives a quarter second; a cycle that becomes garbage after
    that must not wait for a login wave that may never come."""
    freezer = HeapFreezer()
    freezer.after_start()
    try:
        heap, frozen = sys.getallocatedblocks(), gc.get_freeze_count()
        freezes = freezer.freezes
        cycles = [_Cycle() for _ in range(heap // 4)]  # the heap 25 % bigger, in cycles
        paced = freezer.paced
        await _until(lambda: freezer.paced > paced)
        assert freezer.freezes == freezes  # a quarter more is not yet worth a full pause
        del cycles  # garbage now, but frozen: only a full collection finds it
        assert gc.get_freeze_count() > frozen + heap // 5
        more = [_Cycle() for _ in range(heap // 3)]
        await _until(lambda: freezer.freezes > freezes)  # more than half: collected in full
        assert gc.get_freeze_count() < frozen + heap // 3 + heap // 20  # the dropped are gone
        assert len(more) == heap // 3
    finally:
        freezer.stop()
