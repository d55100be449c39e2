"""The brute-force guard for password logins: attempts are counted before they are checked.

A password attempt is *admitted* (counted) before the slow scrypt check starts, so guesses sent
in parallel cannot all slip past the limit while the first ones are still being checked. An
admitted attempt that turns out right is un-counted; a wrong one stays counted for `window` s.

Three counters, each with its own limit in the window:

- one user name from one source address (`per_name`, 5): the guesser at that source is refused,
  the owner logging in from anywhere else is not;
- one source address over every name (`per_source`, 20): a spray of names from one place;
- one user name over every source (`per_user`, 50): a distributed guesser. This one does lock
  the owner's *password* login for a while; a token resume is never guarded at all.

A counter at its limit refuses for `lockout` s, doubled at each further lockout of the same key
(up to `max_lockout`): a guesser that comes back is slowed more each time.

Source addresses are the TCP peer's: behind a reverse proxy every client shares the proxy's
address, and the per-source limits then apply to all of them together.
"""

from __future__ import annotations

import contextlib
from collections import deque
from dataclasses import dataclass, field
from typing import Final

from agent_desktop.clock import Clock

_MAX_KEYS: Final = 10_000
"""Above this many remembered keys, idle ones are forgotten (bounded memory under a spray)."""


@dataclass
class _Counter:
    attempts: deque[float] = field(default_factory=deque)
    locked_until: float = float("-inf")
    lockouts: int = 0


@dataclass(frozen=True, slots=True)
class Attempt:
    """An admitted attempt: hand it back to `succeeded` or `failed`."""

    user: str
    source: str
    at: float


class LoginGuard:
    def __init__(
        self,
        clock: Clock,
        *,
        per_name: int = 5,
        per_source: int = 20,
        per_user: int = 50,
        window: float = 60.0,
        lockout: float = 60.0,
        max_lockout: float = 900.0,
    ) -> None:
        self._clock = clock
        self._limits = {"name": per_name, "source": per_source, "user": per_user}
        self._window = window
        self._lockout = lockout
        self._max_lockout = max_lockout
        self._counters: dict[tuple[str, ...], _Counter] = {}

    def admit(self, user: str, source: str) -> Attempt | float:
        """Count an attempt now, before checking it; or the seconds to wait when refused."""
        now = self._clock.monotonic()
        self._forget_idle(now)
        keys = self._keys(user, source)
        wait = 0.0
        for key in keys:
            counter = self._counters.setdefault(key, _Counter())
            while counter.attempts and counter.attempts[0] <= now - self._window:
                counter.attempts.popleft()
            if counter.locked_until > now:
                wait = max(wait, counter.locked_until - now)
            elif len(counter.attempts) >= self._limits[key[0]]:
                counter.lockouts += 1
                growth = 2 ** min(counter.lockouts - 1, 16)
                counter.locked_until = now + min(self._lockout * growth, self._max_lockout)
                counter.attempts.clear()
                wait = max(wait, counter.locked_until - now)
        if wait > 0:
            return wait
        for key in keys:
            self._counters[key].attempts.append(now)
        return Attempt(user, source, now)

    def failed(self, attempt: Attempt) -> None:
        """A wrong password: the attempt stays counted."""

    def succeeded(self, attempt: Attempt) -> None:
        """The right password: this attempt does not count, nor do that name's earlier misses
        from that source (the owner mistyped, then got it right)."""
        name_key = ("name", attempt.user, attempt.source)
        self._counters.pop(name_key, None)
        for key in self._keys(attempt.user, attempt.source)[1:]:
            counter = self._counters.get(key)
            if counter is not None:
                # ValueError: the attempt already aged out of the window.
                with contextlib.suppress(ValueError):
                    counter.attempts.remove(attempt.at)

    def locked_for(self, user: str, source: str) -> float:
        """Seconds before `user` may try again from `source`; 0 when not locked."""
        now = self._clock.monotonic()
        waits = [
            counter.locked_until - now
            for key in self._keys(user, source)
            if (counter := self._counters.get(key)) is not None
        ]
        return max([0.0, *waits])

    @staticmethod
    def _keys(user: str, source: str) -> tuple[tuple[str, ...], ...]:
        return (("name", user, source), ("source", source), ("user", user))

    def _forget_idle(self, now: float) -> None:
        if len(self._counters) <= _MAX_KEYS:
            return
        for key in [
            key
            for key, counter in self._counters.items()
            if counter.locked_until <= now
            and (not counter.attempts or counter.attempts[-1] <= now - self._window)
        ]:
            del self._counters[key]
