"""`python -m bench [--quick] [--only PART ...] [--docs PATH]`.

Runs each benchmark part beside its baseline, writes a JSON file to bench/results/ and (full
runs, or with --docs) the table in docs/BENCHMARKS.md. Exit code 1 when an accounting
invariant failed or a part crashed; timings never fail a run.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.app_footprint import app_footprint
from bench.durability import durability_cost
from bench.machine import describe_machine
from bench.offer_latency import measure_offer_latency
from bench.report import write_markdown
from bench.results import RESULTS_DIR, BenchResults, write_json
from bench.routing import routing_run
from bench.storm import login_storm
from bench.supervisor_view import measure_in_own_process

PARTS = ("latency", "routing", "storm", "app", "durability", "supervisor")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


@dataclass(frozen=True)
class Sizes:
    latency_samples: int
    routing_runs: tuple[tuple[int, str], ...]
    """(agents, store): "sqlite" is the server as shipped (`--data`), "memory" the comparison."""
    rate: float
    duration_s: float
    hold_s: float
    engine_agents: int
    engine_items: int
    app_runs: int
    lag_s: float
    countdown_s: float
    supervisor_agents: int = 10_000
    supervisor_updates: int = 500
    supervisor_first_paints: int = 100
    """Enough for a p99 that is not simply the slowest sample (nearest rank: the 99th of 100;
    the max is reported beside it)."""
    storm_agents: int = 1000
    """10,000 production-cost checks are ~5 minutes of CPU on 2 cores: the largest that fits
    in about a minute."""
    storm_rate: float = 50.0


FULL = Sizes(
    latency_samples=2000,
    routing_runs=((100, "sqlite"), (5000, "memory"), (5000, "sqlite"), (10000, "sqlite")),
    rate=200.0,
    duration_s=30.0,
    hold_s=2.0,
    engine_agents=1000,
    engine_items=5000,
    app_runs=5,
    lag_s=30.0,
    countdown_s=120.0,
)
QUICK = Sizes(
    latency_samples=300,
    routing_runs=((10, "sqlite"), (30, "memory"), (30, "sqlite")),
    rate=20.0,
    duration_s=2.0,
    hold_s=0.3,
    engine_agents=20,
    engine_items=200,
    app_runs=1,
    lag_s=2.0,
    countdown_s=3.0,
    supervisor_agents=1000,
    supervisor_updates=50,
    supervisor_first_paints=2,
    storm_agents=50,
    storm_rate=20.0,
)


def _say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _attempt(results: BenchResults, part: str, action: Callable[[], None]) -> None:
    _say(f"{part} ...")
    started = time.perf_counter()
    try:
        action()
    except Exception as exc:
        traceback.print_exc()
        results.failures[part] = f"{type(exc).__name__}: {exc}"
    _say(f"{part} done in {time.perf_counter() - started:.1f} s")


def run(
    parts: Sequence[str], sizes: Sizes, results: BenchResults, gc_spec: str | None = None
) -> None:
    if "latency" in parts:

        def latency() -> None:
            results.offer_latency = measure_offer_latency(sizes.latency_samples)

        _attempt(results, "latency", latency)
    if "routing" in parts:
        for agents, store in sizes.routing_runs:

            def routing(agents: int = agents, store: str = store) -> None:
                results.routing.append(
                    routing_run(
                        agents,
                        sizes.rate,
                        sizes.duration_s,
                        sizes.hold_s,
                        sqlite=store == "sqlite",
                        gc_spec=gc_spec,
                    )
                )

            _attempt(results, f"routing N={agents} ({store})", routing)
    if "storm" in parts:

        def storm() -> None:
            results.login_storm = login_storm(sizes.storm_agents, sizes.storm_rate)

        _attempt(results, "storm", storm)
    if "durability" in parts:

        def engine() -> None:
            results.durability = durability_cost(sizes.engine_agents, sizes.engine_items)

        _attempt(results, "durability (engine)", engine)
    if "supervisor" in parts:

        def supervisor() -> None:
            results.supervisor_view = measure_in_own_process(
                sizes.supervisor_agents, sizes.supervisor_updates, sizes.supervisor_first_paints
            )

        _attempt(results, "supervisor", supervisor)
    if "app" in parts:

        def app() -> None:
            results.app = app_footprint(sizes.app_runs, sizes.lag_s, sizes.countdown_s)

        _attempt(results, "app", app)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds (CI)")
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument(
        "--docs",
        type=Path,
        help=f"write the Markdown table here (full runs default to {DOCS.name})",
    )
    parser.add_argument("--no-docs", action="store_true", help="write only the JSON file")
    parser.add_argument(
        "--server-gc",
        metavar="SPEC",
        help="run the server with its GC changed: 'off' or thresholds 'A,B,C' (an experiment:"
        " the docs table is then written only with --docs)",
    )
    parser.add_argument(
        "--results", type=Path, default=RESULTS_DIR, help=f"JSON folder ({RESULTS_DIR})"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else list(argv))
    sizes = QUICK if args.quick else FULL
    results = BenchResults(command=command.strip(), quick=args.quick, machine=describe_machine())
    started = time.perf_counter()
    run(args.only, sizes, results, args.server_gc)
    results.seconds = time.perf_counter() - started
    path = write_json(results, args.results)
    _say(f"results: {path}")
    docs = args.docs or (None if args.quick or args.server_gc else DOCS)
    if docs is not None and not args.no_docs:
        write_markdown(results, docs)
        _say(f"table: {docs}")
    ok = results.invariants_hold and not results.failures
    _say("invariants hold" if results.invariants_hold else "INVARIANT VIOLATED")
    for part, why in results.failures.items():
        _say(f"FAILED {part}: {why}")
    return 0 if ok else 1
