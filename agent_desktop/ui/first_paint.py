"""`AfterFirstPaint`: run what a start can do without, once the window has painted.

The start is timed to the first paint of the signed-in window; work that this paint does not
need (the notification self-test, watching the OS) waits until that paint is on screen, so it
neither delays it nor competes with it for the CPU.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 3000
"""If the window never paints a settled start (hidden, or the server is slow), run anyway."""


class AfterFirstPaint(QObject):
    """Calls `then` once: after the window's first paint following `arm()`.

    `arm()` says the start has settled (signed in, refused, or retrying); the paint that shows
    it is the one awaited. A window that does not paint within `FALLBACK_MS` of `arm()` (it is
    hidden, say) does not hold `then` back.
    """

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)  # gone with the window, its timer too
        self._window = window
        self._then: Callable[[], None] | None = then
        self._armed = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(FALLBACK_MS)
        self._fallback.timeout.connect(self._run)
        window.installEventFilter(self)

    @property
    def done(self) -> bool:
        return self._then is None

    def arm(self) -> None:
        if self._armed or self._then is None:
            return
        self._armed = True
        self._fallback.start()
        # The settled state may have changed only child widgets: ask for the window's own
        # paint, which Qt merges with theirs.
        self._window.update()

    def cancel(self) -> None:
        """Never call `then` (the app quits first)."""
        self._then = None
        self._fallback.stop()
        self._window.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
        if self._armed and event.type() == QEvent.Type.Paint:
            # After this paint has been drawn and flushed, not inside it.
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        if then is None:
            return
        self._fallback.stop()
        self._window.removeEventFilter(self)
        then()
