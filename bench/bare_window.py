"""The baseline window of item 3: bare PySide6 + qasync, one label, offscreen.

`python -m bench.bare_window [idle_s]` prints `PAINTED <time> <CPU s>` at the first paint, then
after `idle_s` of idling `IDLE <rss bytes> <pss bytes>`, and quits. The parent stamps the time just
before it spawns this process, so the start includes the interpreter, as the app's does.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from bench.procstat import pss_bytes, rss_bytes


class _FirstPaint(QObject):
    def __init__(self, painted: asyncio.Event) -> None:
        super().__init__()
        self._painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted.is_set():
            cpu = os.times()
            print(f"PAINTED {time.time():.6f} {cpu.user + cpu.system:.3f}", flush=True)
            self._painted.set()
        return False


async def _show(idle_s: float) -> None:
    painted = asyncio.Event()
    spy = _FirstPaint(painted)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(spy)
    window = QMainWindow()
    window.setWindowTitle("Bare window")
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1000, 700)
    window.show()
    await painted.wait()
    await asyncio.sleep(idle_s)
    pid = os.getpid()
    print(f"IDLE {rss_bytes(pid)} {pss_bytes(pid) or 0}", flush=True)
    window.close()


def main() -> None:
    idle_s = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    with loop:
        loop.run_until_complete(_show(idle_s))


if __name__ == "__main__":
    main()
