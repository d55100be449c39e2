"""Sleep, resume and network changes: each may have killed the link silently.

The core cannot tell (its socket may look open for minutes), so the shell watches: a wall-clock
jump well beyond the monotonic clock means the machine slept; `QNetworkInformation` reports a
network change. Either way the link is replaced and resynced.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QNetworkInformation

from agent_desktop.clock import Clock

log = logging.getLogger(__name__)

SLEEP_GAP_S = 10.0
"""A wall-clock jump this much beyond the monotonic clock means the machine slept."""
CHECK_MS = 2000


class WakeWatch(QObject):
    """Signals:
    reconnect_needed(): the machine woke up or the network changed.
    """

    reconnect_needed = Signal()

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._wall = clock.now()
        self._mono = clock.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check_for_sleep)
        self._network_watched = False

    def start(self) -> None:
        self._timer.start()
        # Here, not at construction: loading the network backend (a plugin that may talk to
        # NetworkManager) is no part of the start's first paint, and the app starts watching
        # after it.
        if not self._network_watched and QNetworkInformation.loadDefaultBackend():
            info = QNetworkInformation.instance()
            if info is not None:
                info.reachabilityChanged.connect(self.on_network_changed)
                self._network_watched = True

    def stop(self) -> None:
        self._timer.stop()

    def check_for_sleep(self) -> None:
        wall, mono = self._clock.now(), self._clock.monotonic()
        jumped = (wall - self._wall) - (mono - self._mono)
        self._wall, self._mono = wall, mono
        if jumped > SLEEP_GAP_S:
            log.info("the machine slept for about %.0f s: reconnecting", jumped)
            self.reconnect_needed.emit()

    def on_network_changed(self, _reachability: QNetworkInformation.Reachability) -> None:
        # Any change may have killed the link silently: drop it and resume on a fresh one.
        self.reconnect_needed.emit()
