"""The app's asyncio loop over Qt: qasync's, except that a ready socket's callback runs at once.

qasync 0.28 watches each socket with a QSocketNotifier, but when one fires it does not call the
reader: it schedules it with `call_soon`, a Qt zero-timer, so every readable socket costs one
more pass through Qt's event dispatch before the first byte is read. On the path of an offer
(server -> socket -> core) that pass was ~60 µs of a ~330 µs median on the benchmark machine
(docs/BENCHMARKS.md, item 1). `NotifierEventLoop` runs the callback from the notifier's own
signal instead, keeping what qasync's hop gave:

- a notifier that fires for a descriptor no longer watched (removed, replaced, or closed
  meanwhile) calls nothing and is switched off;
- the notifier is off while its callback runs, so a nested event loop inside the callback (a
  modal dialog, `processEvents`) cannot re-enter it; it is switched back on only if the callback
  did not remove or replace it;
- an exception in the callback goes to the loop's exception handler, exactly as asyncio's own
  loops report it (the callback runs through an `asyncio.Handle`, made when it is registered,
  as asyncio makes its reader handles).

Windows keeps qasync's loop unchanged: there it is a proactor loop, with no readers to watch.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

import qasync
from PySide6.QtCore import QCoreApplication, QSocketNotifier, SignalInstance


def new_event_loop(app: QCoreApplication) -> qasync.QEventLoop:
    """The loop the app runs on (and its benchmarks measure)."""
    if sys.platform == "win32":
        return qasync.QEventLoop(app)
    return NotifierEventLoop(app)


class NotifierEventLoop(qasync.QEventLoop):
    """qasync's selector loop whose socket callbacks run from the notifier, not a zero-timer."""

    def _add_reader(self, fd: Any, callback: Callable[..., object], *args: Any) -> None:
        self._watch(self._read_notifiers, fd, QSocketNotifier.Type.Read, callback, args)

    def _add_writer(self, fd: Any, callback: Callable[..., object], *args: Any) -> None:
        self._watch(self._write_notifiers, fd, QSocketNotifier.Type.Write, callback, args)

    def _watch(
        self,
        notifiers: dict[Any, QSocketNotifier],
        fd: Any,
        kind: QSocketNotifier.Type,
        callback: Callable[..., object],
        args: tuple[Any, ...],
    ) -> None:
        if self.is_closed():
            raise RuntimeError("Event loop is closed")
        replaced = notifiers.get(fd)
        if replaced is not None:
            # Off before the new one exists: a pending activation of the old one is dropped.
            replaced.setEnabled(False)
            _activated(replaced).disconnect()
        notifier = QSocketNotifier(_descriptor(fd), kind)
        handle = asyncio.Handle(callback, args, self)
        _activated(notifier).connect(lambda *_: self._run_ready(notifiers, notifier, fd, handle))
        notifier.setEnabled(True)
        notifiers[fd] = notifier

    def _run_ready(
        self,
        notifiers: dict[Any, QSocketNotifier],
        notifier: QSocketNotifier,
        fd: Any,
        handle: asyncio.Handle,
    ) -> None:
        notifier.setEnabled(False)  # no re-entry from a nested loop inside the callback
        # Qt may still deliver an activation of a notifier that was just removed or replaced.
        if notifiers.get(fd) is not notifier:
            return
        try:
            handle._run()  # reports an exception to the loop's handler, as asyncio's loops do
        finally:
            if notifiers.get(fd) is notifier:  # the callback may have removed or replaced it
                notifier.setEnabled(True)


def _activated(notifier: QSocketNotifier) -> SignalInstance:
    """The `activated(int)` overload: the one qasync disconnects when it removes or closes."""
    signal: SignalInstance = notifier.activated["int"]  # type: ignore[index]
    return signal


def _descriptor(fd: Any) -> int:
    """The integer descriptor of `fd` (an int or an object with `fileno()`), as asyncio takes it."""
    if isinstance(fd, int):
        return fd
    try:
        return int(fd.fileno())
    except (AttributeError, TypeError, ValueError):
        raise ValueError(f"Invalid file object: {fd!r}") from None
