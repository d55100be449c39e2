"""The app's log file and crash logs, kept where the OS keeps logs (see `places.log_dir`).

An installed app has no terminal: what it logs goes to `agent-desktop.log` (rotated), an
exception nobody caught is written to its own `crash-<time>.log` with the versions needed to
read it, and a hard crash (segfault, abort) is dumped by faulthandler into `fatal.log`.
Help ▸ About lists them and opens the folder, so an agent can hand them to support.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

from agent_desktop.identity import EXECUTABLE, VERSION

log = logging.getLogger(__name__)

LOG_FILE = f"{EXECUTABLE}.log"
FATAL_LOG = "fatal.log"
CRASH_PREFIX = "crash-"
CRASH_LOGS_KEPT = 20
"""Older crash logs are deleted: a crash loop must not fill the disk."""
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3


def crash_logs(folder: Path) -> list[Path]:
    """Crash logs in `folder`, newest first (their names sort by time)."""
    return sorted(folder.glob(f"{CRASH_PREFIX}*.log"), reverse=True)


def versions() -> str:
    """One line naming what runs: for a crash log or a support request."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    return (
        f"{EXECUTABLE} {VERSION}; Qt {qVersion()} (PySide6 {pyside_version}); "
        f"Python {platform.python_version()}; {platform.platform()}"
        f"{'; frozen' if getattr(sys, 'frozen', False) else ''}"
    )


@dataclass
class Diagnostics:
    folder: Path
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _fatal: IO[str] | None = field(default=None, init=False)
    _previous_hook: Callable[[type[BaseException], BaseException, TracebackType | None], object] = (
        field(default=sys.__excepthook__, init=False)
    )

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            self.folder / LOG_FILE, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        # Kept open for the life of the process: faulthandler writes with no Python running.
        self._fatal = (self.folder / FATAL_LOG).open("a", encoding="utf-8")
        faulthandler.enable(self._fatal)
        self._previous_hook = sys.excepthook
        sys.excepthook = self.on_uncaught
        threading.excepthook = lambda args: self.on_uncaught(
            args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback
        )
        log.info("started: %s; logs in %s", versions(), self.folder)

    def on_uncaught(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        """Write the crash log, then let the previous hook run (it prints to stderr)."""
        try:
            self.write_crash_log(kind, error, trace)
        finally:
            self._previous_hook(kind, error, trace)

    def write_crash_log(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> Path:
        stamp = self.now().strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{CRASH_PREFIX}{stamp}.log"
        text = "".join(traceback.format_exception(kind, error, trace))
        path.write_text(f"{versions()}\n\n{text}", encoding="utf-8")
        log.error("uncaught %s; crash log %s", kind.__name__, path)
        for old in crash_logs(self.folder)[CRASH_LOGS_KEPT:]:
            old.unlink(missing_ok=True)
        return path


def start_diagnostics(folder: Path | None = None) -> Diagnostics:
    """Start the log file, crash logs and fatal-error dumps (once, at start)."""
    from agent_desktop.ui.places import log_dir

    diagnostics = Diagnostics(folder or log_dir())
    diagnostics.start()
    return diagnostics
