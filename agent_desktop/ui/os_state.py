"""What the operating system is about to do, or is doing, that decides whether the agent can
answer an offer: going to sleep, waking up, the screen locked, notifications held back (Do Not
Disturb). One interface; one backend per OS, chosen at construction.

- Linux (`os_state_linux`): logind's `PrepareForSleep(bool)` on the system bus, with a
  "delay" inhibitor so the goodbye leaves before the machine sleeps; the session's
  `Lock`/`Unlock`; dunst's `paused` property on the session bus.
- Windows and macOS (`os_state_other`): documented stubs that say they are not implemented.

The app (`OsStateWatch`) turns these into what the agent and the server need: before sleep it
says goodbye (the server reroutes the offers in seconds, not after the grace window) and keeps
the token; on wake it signs in again; while locked or in Do Not Disturb it says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final, Protocol

from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate

log = logging.getLogger(__name__)

GOODBYE_WITHIN_S: Final = 3.0
"""How long the machine's sleep may wait for the goodbye (logind's delay lock allows ~5 s)."""


class OsStateListener(Protocol):
    """Hears the OS; every call runs on the event loop."""

    async def before_sleep(self) -> None:
        """The machine is about to sleep: finish (briefly) what must go out first."""
        ...

    def after_wake(self) -> None: ...

    def lock_changed(self, locked: bool) -> None: ...

    def do_not_disturb_changed(self, on: bool) -> None: ...


class OsStateBackend(Protocol):
    @property
    def implemented(self) -> bool:
        """False for the stubs: nothing will ever be reported."""
        ...

    async def start(self, listener: OsStateListener) -> str:
        """Start watching; returns what is watched (or why nothing is), for diagnostics."""
        ...

    async def close(self) -> None: ...


DO_NOT_DISTURB_NOTE: Final = QT_TRANSLATE_NOOP(
    "OsState", "Your desktop is in Do not disturb: offers show only in the app."
)
LOCKED_NOTE: Final = QT_TRANSLATE_NOOP(
    "OsState", "The screen is locked: offers wait in the app until you unlock."
)
SLEEP_NOTE: Final = QT_TRANSLATE_NOOP(
    "OsState", "The computer went to sleep: you said goodbye, so offers went to others."
)
BACK_ON_NOTE: Final = QT_TRANSLATE_NOOP("OsState", "Desktop notifications are back on.")


@dataclass
class OsStateNow:
    """What the OS said last (for the status bar and the self-test)."""

    watching: str = ""
    locked: bool = False
    do_not_disturb: bool = False
    asleep: bool = False


class OsStateWatch:
    """The app's side: goodbye before sleep, sign-in after wake, notes for lock and DND.

    `goodbye` says goodbye and keeps the token (`AgentCore.quit`); `come_back` starts the core
    again; `note(text)` shows a line to the agent (the status bar).
    """

    def __init__(
        self,
        backend: OsStateBackend,
        *,
        goodbye: Callable[[], Awaitable[None]],
        come_back: Callable[[], Coroutine[Any, Any, None]],
        note: Callable[[str], None],
    ) -> None:
        self._backend = backend
        self._goodbye = goodbye
        self._come_back = come_back
        self._note = note
        self.now = OsStateNow()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        try:
            self.now.watching = await self._backend.start(self)
        except Exception as exc:  # no system bus, no logind: the app works, only unwarned
            self.now.watching = f"not watched ({type(exc).__name__}: {exc})"
        log.info("OS state: %s", self.now.watching)

    async def close(self) -> None:
        await self._backend.close()
        for task in list(self._tasks):
            task.cancel()

    async def settled(self) -> None:
        """Wait until what the last wake started has finished (tests, diagnostics)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- OsStateListener ---------------------------------------------------------------------

    async def before_sleep(self) -> None:
        if self.now.asleep:
            return
        self.now.asleep = True
        try:
            async with asyncio.timeout(GOODBYE_WITHIN_S):
                await self._goodbye()
        except TimeoutError:
            log.info("the goodbye before sleep took too long: the server's grace window applies")
        self._note(translate("OsState", SLEEP_NOTE))

    def after_wake(self) -> None:
        if not self.now.asleep:
            return
        self.now.asleep = False
        task = asyncio.get_running_loop().create_task(self._come_back())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def lock_changed(self, locked: bool) -> None:
        if locked != self.now.locked:
            self.now.locked = locked
            if locked:
                self._note(translate("OsState", LOCKED_NOTE))

    def do_not_disturb_changed(self, on: bool) -> None:
        if on != self.now.do_not_disturb:
            self.now.do_not_disturb = on
            self._note(translate("OsState", DO_NOT_DISTURB_NOTE if on else BACK_ON_NOTE))
