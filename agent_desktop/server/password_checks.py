"""Where the server's scrypt checks run: worker threads that yield the CPU to the event loop.

`hashlib.scrypt` releases the GIL, so threads use every core as a process pool would (measured:
40 checks on 2 cores took 1.0-2.0 s in 4 threads, 1.3-2.3 s in a 2-process pool, and the loop
lagged less with threads). What starves the loop in a morning login storm is the CPU itself:
the checks fill every core and the loop waits for its time slice. So the check threads run at a
lower scheduling priority (Linux `setpriority` on the thread): routing goes first, logins take
what is left, and a storm finishes no sooner or later in total.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final

NICENESS: Final = 10
"""How much lower than the loop the checks run (0..19; 10 leaves the loop ~10x the share)."""


def _lower_priority() -> None:
    # Linux applies setpriority to one thread when given its id; elsewhere it may not exist
    # or may apply to the process: then the checks just run at the normal priority.
    if threading.get_native_id() != os.getpid():
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


class PasswordChecks:
    """A pool of `workers` low-priority threads running `check`; `close` at server stop."""

    def __init__(self, workers: int, check: Callable[[str, str], bool]) -> None:
        self._check = check
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="password-check", initializer=_lower_priority
        )

    async def verify(self, password: str, stored: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._check, password, stored)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
