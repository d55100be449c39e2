"""Keep the garbage collector's full collections off the routing path.

A server with 10,000 agents holds millions of long-lived objects (connections, their parsers,
the engine's records). CPython's full collection walks all of them: a stall of a hundred
milliseconds or more, at a moment nobody chose, in the middle of routing. Nearly all of those
objects are made at start-up and during the morning's login wave and live until the agent
leaves, so once a wave has passed they are moved out of the collector's sight (`gc.freeze()`);
later collections walk only what was made since.

Reference counting still frees frozen objects as usual, but a frozen *cycle* (a connection that
has closed since) is only found by a full collection. So each freeze first unfreezes and runs
one full collection: one planned pause per login wave, right after it, instead of unplanned
ones during the day, and the garbage of yesterday's connections is reclaimed every morning.

Between waves the freezer also paces the young collections (`PACE_S`). CPython starts one when
the tracked objects made outnumber those freed by its threshold, but much of a server's day
replaces objects rather than adding them (a connection's receive chain for each frame, an
agent's presence, a queue's row): every old one freed takes one off the count, so the young
generation grew to hundreds of thousands of objects before a collection walked them all at once
(98-134 ms of CPU at 5,000-10,000 agents). Collected every `PACE_S` and frozen at once, each
pause walks only what was made in the last quarter second and is still alive, and nothing is
ever walked twice. The price: a cycle that outlives its first quarter second is reclaimed only
at the next wave's full collection. None was found: 0 objects collected in a 120 s routing run
at 5,000 agents, and 0 left by 60 connections closed or cut after a freeze.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from typing import Final

QUIET_S: Final = 1.0
"""A login wave has passed when no login came for this long."""
PACE_S: Final = 0.25
"""Between two paced young collections (each followed by a freeze)."""
GROWTH: Final = 1.5
"""Between waves, a full collection also comes when the heap has grown by half since the last
one. The pacer freezes whatever outlives a quarter second, so a cycle that becomes garbage later
is only found by a full collection, and a server may see no login wave for days: this bounds
what such cycles can hold to half the heap, at the price of one planned pause when the heap has
really grown that much (never inside a wave: its own freeze follows it). The heap is measured
as Python's allocated blocks, counted in microseconds: counting the frozen objects walks them
all (10-60 ms at 10,000 agents, 30 % of a core when done at every pace)."""
MIN_LOGINS: Final = 100
"""Freeze again only after this many logins since the last freeze: a trickle is not a wave.
Nor is a pause inside a wave: a new freeze also needs as many logins as all the earlier ones
together, so a wave of N logins with pauses in it costs at most log2(N / MIN_LOGINS) of them."""


def freeze_heap() -> None:
    """One full collection over everything (frozen before or not), then hide what survives
    from the collections that follow."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class HeapFreezer:
    """Freezes the heap once at start-up and again after each wave of logins."""

    def __init__(self) -> None:
        self._logins = 0
        """Logins since the last freeze."""
        self._frozen_logins = 0
        """Logins before the last freeze, all waves together."""
        self._timer: asyncio.TimerHandle | None = None
        self._pacer: asyncio.TimerHandle | None = None
        self._full_at = 0
        """Python's allocated blocks right after the last full collection."""
        self.freezes = 0
        self.paced = 0
        """Young collections made by the pacer."""

    def after_start(self) -> None:
        """In the running loop, once the server listens: freeze, then pace from now on."""
        self._full()
        self._pacer = asyncio.get_running_loop().call_later(PACE_S, self._pace)

    def login_seen(self) -> None:
        self._logins += 1
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(QUIET_S, self._wave_passed)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._pacer is not None:
            self._pacer.cancel()
            self._pacer = None

    def _pace(self) -> None:
        gc.collect(0)
        gc.freeze()
        self.paced += 1
        if self._timer is None and sys.getallocatedblocks() > self._full_at * GROWTH:
            self._full()
        self._pacer = asyncio.get_running_loop().call_later(PACE_S, self._pace)

    def _wave_passed(self) -> None:
        self._timer = None
        if self._logins < max(MIN_LOGINS, self._frozen_logins):
            return
        self._frozen_logins += self._logins
        self._logins = 0
        self._full()

    def _full(self) -> None:
        freeze_heap()
        self.freezes += 1
        self._full_at = sys.getallocatedblocks()
