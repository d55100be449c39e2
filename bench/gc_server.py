"""`python -m bench.gc_server SPEC <server args>`: the reference server with its garbage
collector changed from outside, to measure what the collector costs at scale.

SPEC is `off` (gc.disable()) or three thresholds `A,B,C` (gc.set_threshold(A, B, C)). The
server's own code runs unchanged.
"""

from __future__ import annotations

import gc
import sys

from agent_desktop.server.cli import main


def apply(spec: str) -> None:
    if spec == "off":
        gc.disable()
        return
    first, second, third = (int(part) for part in spec.split(","))
    gc.set_threshold(first, second, third)
    # The server's entry point sets thresholds of its own at start: keep the experiment's.
    gc.set_threshold = lambda *thresholds: None


if __name__ == "__main__":
    apply(sys.argv[1])
    raise SystemExit(main(sys.argv[2:]))
