"""Where the app's loop stalls: a stack sampler on its main thread (an experiment, off by default).

`BENCH_APP_STALLS=FILE python -m bench.app_footprint ...` makes `bench.app_child` sample the
main thread's stack every 2 ms from a helper thread; when the probe stops, each loop-lag sample
over 50 ms is written to FILE with the functions (ours first) seen most often inside it. The
sampler needs the GIL, so it sees the main thread at its switch points: good enough to name the
Python code a 50 ms stall runs, not to time it. Standard library only (see `bench.app_child`).
"""

from __future__ import annotations

import collections
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Final

PERIOD_S: Final = 0.002
STALL_S: Final = 0.050


class StackSampler:
    def __init__(self) -> None:
        self._main = threading.main_thread().ident
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stack-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(PERIOD_S):
            frame = sys._current_frames().get(self._main or 0)
            if frame is None:
                continue
            stack = tuple(
                f"{Path(f.filename).name}:{f.name}"
                for f in traceback.extract_stack(frame)
                if "agent_desktop" in f.filename or "qasync" in f.filename
            )
            self.samples.append((time.time(), stack))

    def write_stalls(self, lag: list[tuple[float, float]], path: Path) -> None:
        """`lag`: (tick time, lateness s) from the probe's 10 ms timer."""
        self._stop.set()
        with path.open("w") as out:
            for at, late in lag:
                if late < STALL_S:
                    continue
                begin = at - late - 0.010
                inside = [stack for t, stack in self.samples if begin <= t <= at]
                out.write(f"stall {late * 1000:.1f} ms ending {at:.3f}: {len(inside)} samples\n")
                counts = collections.Counter(f for stack in inside for f in set(stack))
                for function, n in counts.most_common(15):
                    out.write(f"    {n:4d} {function}\n")
