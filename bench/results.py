"""The results of one run, as one JSON document (bench/results/, git-ignored)."""

from __future__ import annotations

import datetime
from pathlib import Path

import msgspec

from bench.app_footprint import AppFootprint
from bench.durability import DurabilityCost
from bench.machine import Machine
from bench.offer_latency import OfferLatency
from bench.routing import RoutingRun
from bench.storm import LoginStorm
from bench.supervisor_view import SupervisorViewCost

RESULTS_DIR = Path(__file__).parent / "results"


class BenchResults(msgspec.Struct):
    command: str
    quick: bool
    machine: Machine
    offer_latency: OfferLatency | None = None
    routing: list[RoutingRun] = []
    durability: DurabilityCost | None = None
    app: AppFootprint | None = None
    supervisor_view: SupervisorViewCost | None = None
    login_storm: LoginStorm | None = None
    failures: dict[str, str] = {}
    """Benchmark part -> why it could not run (the table says so instead of a figure)."""
    seconds: float = 0.0

    @property
    def invariants_hold(self) -> bool:
        runs = self.routing
        engine_ok = self.durability is None or not (
            self.durability.memory.violations or self.durability.sqlite.violations
        )
        return engine_ok and all(run.invariants_hold for run in runs)


def write_json(results: BenchResults, folder: Path = RESULTS_DIR) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    kind = "quick" if results.quick else "full"
    path = folder / f"{stamp}-{kind}.json"
    data = msgspec.json.format(msgspec.json.encode(results), indent=2)
    path.write_bytes(data)
    (folder / f"latest-{kind}.json").write_bytes(data)
    return path
