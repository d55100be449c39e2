"""Reconnect delays: exponential, capped, with jitter, reset after a successful login."""

from __future__ import annotations

import random


class Backoff:
    """Yields the delay before each reconnect attempt.

    The n-th delay is drawn from [d/2, d] with d = min(cap, base * factor**n) ("equal jitter"):
    never zero, so a server that restarts is not hammered, and spread out, so a thousand agents
    dropped at once do not all come back in the same millisecond.
    """

    def __init__(
        self,
        *,
        base: float = 0.5,
        factor: float = 2.0,
        cap: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        if base <= 0 or factor < 1 or cap < base:
            raise ValueError("backoff needs base > 0, factor >= 1 and cap >= base")
        self._base = base
        self._factor = factor
        self._cap = cap
        self._rng = rng or random.Random()
        self._attempt = 0

    @property
    def attempt(self) -> int:
        """How many delays were handed out since the last reset."""
        return self._attempt

    def ceiling(self) -> float:
        """The largest delay the next attempt may get."""
        # Past ~60 doublings the float overflows long after the cap applies; stop growing there.
        exponent = min(self._attempt, 60)
        return min(self._cap, self._base * self._factor**exponent)

    def next_delay(self) -> float:
        ceiling = self.ceiling()
        self._attempt += 1
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def reset(self) -> None:
        self._attempt = 0
