"""Deadlines on the injected clock: offer timeouts, held-offer grace, session reclaim.

Entries are invalidated lazily: the engine says whether an entry still holds (`live`) when it
comes due, so nothing has to be removed from the heap when an offer ends early.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterator
from typing import Final

EXPIRE: Final = "expire"
HOLD: Final = "hold"
RECLAIM: Final = "reclaim"
WRAP_UP: Final = "wrap_up"
PENALTY: Final = "penalty"
STATS: Final = "stats"
"""The coalesced `queue_updated` flush."""
STATS_HOUR: Final = "stats_hour"
"""A missed or rejected offer turned an hour old: its queue's row changes."""

Entry = tuple[float, int, str, str]


class Deadlines:
    def __init__(self) -> None:
        self._heap: list[Entry] = []
        self._seq = itertools.count()

    def schedule(self, at: float, kind: str, key: str) -> None:
        heapq.heappush(self._heap, (at, next(self._seq), kind, key))

    def due(self, now: float, live: Callable[[Entry], bool]) -> Iterator[tuple[str, str]]:
        """(kind, key) of every live entry due by `now`, in time order; handlers may schedule."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            entry = heapq.heappop(heap)
            if live(entry):
                yield entry[2], entry[3]

    def next_at(self, live: Callable[[Entry], bool]) -> float | None:
        heap = self._heap
        while heap and not live(heap[0]):
            heapq.heappop(heap)
        return heap[0][0] if heap else None
