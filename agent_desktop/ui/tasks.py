"""Owns the coroutines the window starts (intents), so none is lost or left running at close.

A refused intent becomes a sentence for the status bar, never an unhandled task exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from agent_desktop.session.errors import LinkLostError, NotConnectedError, RequestError

log = logging.getLogger(__name__)


class TaskOwner:
    def __init__(self, on_refused: Callable[[str], None]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_refused = on_refused

    def run(self, what: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start `coroutine`; `what` names it for the user ("Accept", "Send message")."""
        task = asyncio.get_running_loop().create_task(self._guard(what, coroutine), name=what)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guard(self, what: str, coroutine: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await coroutine
        except RequestError as refused:
            self._on_refused(f"{what}: {refused.message}")
        except NotConnectedError:
            self._on_refused(f"{what}: not connected to the server right now.")
        except LinkLostError:
            self._on_refused(f"{what}: the connection dropped before the server answered.")
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", what)
            self._on_refused(f"{what} failed unexpectedly; see the log.")
        return None

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
