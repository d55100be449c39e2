"""Injected time, so every timer in the server engine and the agent core is testable.

Wall time (`now`) is what goes on the wire (`expires_at`, `server_time`): seconds since the
Unix epoch as a float. Nothing in `server/` or `session/` reads the time any other way.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps; for measuring intervals."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when a test says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start
        self._mono = 0.0

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._now += seconds
        self._mono += seconds

    def set(self, now: float) -> None:
        """Jump wall time (as NTP might) without moving the monotonic clock."""
        self._now = now
