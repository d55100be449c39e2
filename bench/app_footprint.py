"""Item 3 — app start and footprint, beside a bare PySide6 + qasync window in the same run.

The figures of the app itself come from `app_probe` (the real `agent-desktop` entry point,
offscreen, logged in to a local server); while the app's entry point is missing they are None
and `missing` says why.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import msgspec

from bench.procstat import MIB
from bench.stats import Summary, median
from bench.window_start import WindowStart

WEB_RUNTIME_FLOOR_MIB = 377.0
"""Headless Chromium showing a trivial page, PSS over 9 processes: PLATFORM.md "Floors"
(measured on this kind of machine; not re-measured per run, there is no browser here)."""


class AppFootprint(msgspec.Struct, frozen=True):
    bare_runs: list[WindowStart]
    bare_start_median_s: float
    bare_idle_rss_mib: float
    bare_idle_pss_mib: float
    app_runs: list[WindowStart] = []
    app_start_median_s: float | None = None
    app_idle_rss_mib: float | None = None
    app_idle_pss_mib: float | None = None
    start_ratio: float | None = None
    memory_ratio: float | None = None
    """App idle RSS / bare window idle RSS."""
    web_runtime_ratio: float | None = None
    """App idle PSS / the web runtime floor."""
    loop_lag_ms: Summary | None = None
    """Qt event loop lateness while 10 sessions receive 50 messages/s in total."""
    messages_per_s: float | None = None
    gc_max_pause_ms: float | None = None
    """The app's longest garbage collection during the loop-lag window."""
    gc_full_collections: int = 0
    countdown_drift_ms: float | None = None
    """|offer removed from the desktop - offer's expires_at|, over a shortened offer."""
    countdown_offer_s: float | None = None
    missing: list[str] = []


def bare_window_start(idle_s: float = 2.0) -> WindowStart:
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "bench.bare_window", str(idle_s)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    painted_at = rss = pss = cpu = None
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts[:1] == ["PAINTED"]:
            painted_at = float(parts[1])
            cpu = float(parts[2]) if len(parts) > 2 else None
        elif parts[:1] == ["IDLE"]:
            rss, pss = int(parts[1]), int(parts[2])
    if painted_at is None or rss is None or pss is None:
        raise RuntimeError(f"the bare window printed no figures: {done.stdout!r} {done.stderr!r}")
    return WindowStart(
        start_s=painted_at - started, idle_rss_mib=rss / MIB, idle_pss_mib=pss / MIB, cpu_s=cpu
    )


def measure_bare(runs: int) -> tuple[list[WindowStart], float, float, float]:
    results = [bare_window_start() for _ in range(runs)]
    return (
        results,
        median([r.start_s for r in results]),
        median([r.idle_rss_mib for r in results]),
        median([r.idle_pss_mib for r in results]),
    )


def compile_bytecode() -> None:
    """Write the app's and the bench's bytecode caches before the timed starts.

    An installed app starts from bytecode (pip compiles at install, the frozen app carries
    it), and so do the libraries here; but the project's own modules, run from the source
    tree under PYTHONDONTWRITEBYTECODE, would be compiled from source at every start (~110
    modules, ~0.3 s on this machine), which no agent's start pays.
    """
    import compileall

    import agent_desktop

    for package in (Path(agent_desktop.__file__).parent, Path(__file__).parent):
        compileall.compile_dir(package, quiet=1)


def app_footprint(runs: int, lag_s: float, countdown_s: float) -> AppFootprint:
    compile_bytecode()
    bare_runs, bare_start, bare_rss, bare_pss = measure_bare(runs)
    missing: list[str] = []
    try:
        from bench.app_probe import measure_app
    except ImportError as exc:  # the probe needs the app's entry point
        missing.append(f"app not measured: {exc}")
        return AppFootprint(
            bare_runs=bare_runs,
            bare_start_median_s=bare_start,
            bare_idle_rss_mib=bare_rss,
            bare_idle_pss_mib=bare_pss,
            missing=missing,
        )
    app = measure_app(runs, lag_s=lag_s, countdown_s=countdown_s)
    app_start = median([r.start_s for r in app.runs]) if app.runs else None
    app_rss = median([r.idle_rss_mib for r in app.runs]) if app.runs else None
    app_pss = median([r.idle_pss_mib for r in app.runs]) if app.runs else None
    return AppFootprint(
        bare_runs=bare_runs,
        bare_start_median_s=bare_start,
        bare_idle_rss_mib=bare_rss,
        bare_idle_pss_mib=bare_pss,
        app_runs=app.runs,
        app_start_median_s=app_start,
        app_idle_rss_mib=app_rss,
        app_idle_pss_mib=app_pss,
        start_ratio=app_start / bare_start if app_start is not None else None,
        memory_ratio=app_rss / bare_rss if app_rss is not None else None,
        web_runtime_ratio=app_pss / WEB_RUNTIME_FLOOR_MIB if app_pss is not None else None,
        loop_lag_ms=app.loop_lag_ms,
        messages_per_s=app.messages_per_s,
        gc_max_pause_ms=app.gc_max_pause_ms,
        gc_full_collections=app.gc_full_collections,
        countdown_drift_ms=app.countdown_drift_ms,
        countdown_offer_s=countdown_s if app.countdown_drift_ms is not None else None,
        missing=app.missing,
    )


def _main(argv: list[str] | None = None) -> int:
    """`python -m bench.app_footprint [--runs N] [--lag S] [--countdown S]`: item 3 alone.

    Prints the figures (and each start's phases) without writing results or the docs table:
    quicker than `python -m bench --only app` while working on the app's start or its loop.
    """
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.app_footprint")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lag", type=float, default=30.0, help="message-test seconds")
    parser.add_argument("--countdown", type=float, default=3.0, help="offer wait, seconds")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    result = app_footprint(args.runs, args.lag, args.countdown)
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("bare starts (s):", " ".join(f"{r.start_s:.3f}" for r in result.bare_runs))
    print("bare CPU (s):", " ".join(f"{r.cpu_s or 0:.3f}" for r in result.bare_runs))
    for run in result.app_runs:
        phases = " ".join(f"{k}={v:.3f}" for k, v in run.phases.items())
        print(f"app start {run.start_s:.3f} s, CPU {run.cpu_s or 0:.3f} s: {phases}")
    bare_cpu = median([r.cpu_s or 0 for r in result.bare_runs])
    app_cpu = median([r.cpu_s or 0 for r in result.app_runs])
    print(f"CPU to first paint, medians: bare {bare_cpu:.3f} s, app {app_cpu:.3f} s")
    print(f"bare median {result.bare_start_median_s:.3f} s, RSS {result.bare_idle_rss_mib:.0f} MiB")
    if result.app_start_median_s is not None and result.start_ratio is not None:
        print(
            f"app median {result.app_start_median_s:.3f} s = {result.start_ratio:.2f}x bare,"
            f" RSS {result.app_idle_rss_mib:.0f} MiB ({result.memory_ratio:.2f}x)"
        )
    if result.loop_lag_ms is not None:
        lag = result.loop_lag_ms
        print(f"loop lag ms: p50 {lag.p50:.1f} p99 {lag.p99:.1f} max {lag.max:.1f} (n={lag.n})")
    for why in result.missing:
        print("missing:", why)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
