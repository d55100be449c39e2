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
"""

from __future__ import annotations

import asyncio
import gc
from typing import Final

QUIET_S: Final = 1.0
"""A login wave has passed when no login came for this long."""
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
        self.freezes = 0

    def after_start(self) -> None:
        freeze_heap()
        self.freezes += 1

    def login_seen(self) -> None:
        self._logins += 1
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(QUIET_S, self._wave_passed)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _wave_passed(self) -> None:
        self._timer = None
        if self._logins < max(MIN_LOGINS, self._frozen_logins):
            return
        self._frozen_logins += self._logins
        self._logins = 0
        freeze_heap()
        self.freezes += 1
