"""The engine's deadline timer: offer expiries, grace windows and the like fire on time.

The engine only says when its next deadline is (`next_deadline`) and what happens then (`tick`);
this one loop timer is re-armed after everything that may move that deadline (each request,
each disconnect) and delivers what a tick produced.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Final

from agent_desktop.clock import Clock
from agent_desktop.server.engine import Delivery, Engine

log = logging.getLogger(__name__)

RETRY_AFTER_FAILED_TICK: Final = 1.0
"""A tick or deadline query that raised is tried again this much later, not in a tight loop."""


class DeadlineTimer:
    """One `call_later` handle, always set for the engine's next deadline (none when stopped)."""

    def __init__(
        self, engine: Engine, clock: Clock, deliver: Callable[[Iterable[Delivery]], None]
    ) -> None:
        self.engine = engine
        self.clock = clock
        self._deliver = deliver
        self._timer: asyncio.TimerHandle | None = None
        self._stopped = False

    def start(self) -> None:
        self._stopped = False
        self.rearm()

    def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def rearm(self, minimum_delay: float = 0.0) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._stopped:
            return
        try:
            deadline = self.engine.next_deadline()
        except Exception:
            log.exception("engine.next_deadline failed")
            deadline = self.clock.now() + RETRY_AFTER_FAILED_TICK
        if deadline is None:
            return
        delay = max(minimum_delay, deadline - self.clock.now())
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        try:
            self._deliver(self.engine.tick())
        except Exception:
            log.exception("engine.tick failed")
            self.rearm(RETRY_AFTER_FAILED_TICK)
            return
        self.rearm()
