"""The app side of item 3's probe: `python -m bench.app_child` runs the real app, hooked.

Spawned by `bench.app_probe` in a prepared desktop session. Before the app's own `main()` it
hooks `AgentCore` (online moment, offer arrival and removal) and the QApplication (first Paint
after the core is online = the first painted, logged-in dashboard), then starts a 10 ms Qt
timer whose lateness is the event loop's lag. It prints tagged lines on stdout:

    PHASES <core created> <core started> <online>    READY <time> <cpu s>    IDLE <rss> <pss>
    SESSIONS <n>    OFFER_LEFT <offer id> <expires_at> <left at>

and on SIGTERM writes `LAG <json [[time, lateness s], ...]>` to stderr and exits at once.
`BENCH_APP_MODULES=FILE` writes the names of the modules imported by the first paint to FILE.

This module imports only the standard library at the top: anything imported here before the
app's `main()` would be counted as the app's start.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Final

APP_ENTRY: Final = os.environ.get("BENCH_APP_ENTRY", "agent_desktop.ui.main")
"""The module whose `main(argv) -> int` starts the app (overridable to try the probe)."""
SESSIONS: Final = 10
IDLE_S: Final = 3.0
LAG_TICK_S: Final = 0.010


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _pss_kib() -> int:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _say(tag: str, *values: object) -> None:
    print(tag, *values, flush=True)


class _Hooks:
    def __init__(self) -> None:
        self.core_at = 0.0
        self.start_at = 0.0
        self.online_at: float | None = None
        self.ready = False
        self.filter: Any = None
        self.lag: list[tuple[float, float]] = []
        self.gc_pauses: list[tuple[float, int, float]] = []
        """(ended at, generation, seconds) of each collection over 1 ms: a loop stall's cause."""
        self.timer: Any = None
        self.offers: dict[str, tuple[float, float]] = {}
        self.sessions_announced = False
        self.sampler: Any = None
        self.profile: Any = None
        """A `cProfile.Profile` of the start when BENCH_APP_PROFILE names a file."""
        """`bench.app_stalls.StackSampler` when BENCH_APP_STALLS names a file."""


def _on_sigterm(hooks: _Hooks) -> None:
    """SIGTERM ends the probe: the lag samples go to stderr, then the process exits at once."""

    def stop(signum: int, frame: object) -> None:
        sys.stderr.write("LAG " + json.dumps(hooks.lag) + "\n")
        sys.stderr.write("GC " + json.dumps(hooks.gc_pauses) + "\n")
        if hooks.sampler is not None:
            hooks.sampler.write_stalls(hooks.lag, Path(os.environ["BENCH_APP_STALLS"]))
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)


def _install(hooks: _Hooks) -> None:
    """Hook AgentCore and QApplication before the app's main() runs."""
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from agent_desktop.session import core as core_module
    from agent_desktop.session.core import Announcement
    from agent_desktop.session.effects import OfferArrived, OfferLeft
    from agent_desktop.session.state import AgentState

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt's name
            if (
                not hooks.ready
                and hooks.online_at is not None
                and event.type() == QEvent.Type.Paint
            ):
                hooks.ready = True
                _say(
                    "PHASES",
                    f"{hooks.core_at:.6f}",
                    f"{hooks.start_at:.6f}",
                    f"{hooks.online_at:.6f}",
                )
                cpu = os.times()
                if os.environ.get("BENCH_APP_MODULES"):  # what the start had imported
                    Path(os.environ["BENCH_APP_MODULES"]).write_text("\n".join(sorted(sys.modules)))
                _say("READY", f"{time.time():.6f}", f"{cpu.user + cpu.system:.3f}")
                if hooks.profile is not None:  # BENCH_APP_PROFILE: the start, in cProfile
                    hooks.profile.disable()
                    hooks.profile.dump_stats(os.environ["BENCH_APP_PROFILE"])
                _after_ready()
            return False

    def _after_ready() -> None:
        clock = QElapsedTimer()
        clock.start()
        last = [clock.nsecsElapsed()]

        def tick() -> None:
            now = clock.nsecsElapsed()
            late = (now - last[0]) / 1e9 - LAG_TICK_S
            last[0] = now
            hooks.lag.append((time.time(), max(0.0, late)))

        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(int(LAG_TICK_S * 1000))
        timer.timeout.connect(tick)
        timer.start()
        hooks.timer = timer
        # Again: the app may have set a SIGTERM handler of its own while it started.
        _on_sigterm(hooks)
        QTimer.singleShot(int(IDLE_S * 1000), _report_idle)

    def _report_idle() -> None:
        _say("IDLE", _status_kib("VmRSS") * 1024, _pss_kib() * 1024)

    def ensure_filter() -> None:
        app = QApplication.instance()
        if hooks.filter is None and app is not None:
            hooks.filter = FirstPaint()
            app.installEventFilter(hooks.filter)

    def on_state(state: AgentState) -> None:
        ensure_filter()
        if hooks.online_at is None and state.online:
            hooks.online_at = time.time()
        if not hooks.sessions_announced and len(state.sessions) >= SESSIONS:
            hooks.sessions_announced = True
            _say("SESSIONS", len(state.sessions))

    def on_announcement(announcement: Announcement) -> None:
        effect = announcement.effect
        if isinstance(effect, OfferArrived):
            hooks.offers[effect.offer.offer_id] = (effect.offer.offer.expires_at, time.time())
        elif isinstance(effect, OfferLeft) and effect.offer_id in hooks.offers:
            expires_at, _ = hooks.offers.pop(effect.offer_id)
            _say("OFFER_LEFT", effect.offer_id, f"{expires_at:.6f}", f"{time.time():.6f}")

    original_init = core_module.AgentCore.__init__

    def init(self: core_module.AgentCore, *args: Any, **kwargs: Any) -> None:
        hooks.core_at = time.time()
        original_init(self, *args, **kwargs)
        self.subscribe(on_state)
        self.on_announcement(on_announcement)
        ensure_filter()

    original_start = core_module.AgentCore.start

    async def start(self: core_module.AgentCore) -> None:
        hooks.start_at = time.time()
        await original_start(self)

    core_module.AgentCore.__init__ = init  # type: ignore[method-assign]  # the probe's hook
    core_module.AgentCore.start = start  # type: ignore[method-assign]  # the probe's hook


def _record_gc(hooks: _Hooks) -> None:
    began = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
            return
        took = time.perf_counter() - began[0]
        if took > 0.001:
            hooks.gc_pauses.append((time.time(), info["generation"], took))

    gc.callbacks.append(on_gc)


def _run_app() -> int:
    hooks = _Hooks()
    if os.environ.get("BENCH_APP_PROFILE"):
        import cProfile

        hooks.profile = cProfile.Profile()
        hooks.profile.enable()
    _record_gc(hooks)
    _install(hooks)
    _on_sigterm(hooks)
    if os.environ.get("BENCH_APP_STALLS"):
        from bench.app_stalls import StackSampler

        hooks.sampler = StackSampler()
        hooks.sampler.start()
    app_main = importlib.import_module(APP_ENTRY).main
    with contextlib.suppress(SystemExit):
        return int(app_main([]))
    return 0


if __name__ == "__main__":
    raise SystemExit(_run_app())
