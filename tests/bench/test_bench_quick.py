"""The benchmarks' quick mode runs end to end, so the benchmarks cannot rot.

Only completion and the accounting invariants are asserted, never a timing: CI machines are
too noisy for that, and the figures belong in docs/BENCHMARKS.md, not in a test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from bench.results import BenchResults

pytestmark = [pytest.mark.slow, pytest.mark.integration]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.timeout(300)
def test_quick_benchmarks_run_and_every_item_is_accounted_for(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = msgspec.json.decode((tmp_path / "latest-quick.json").read_bytes(), type=BenchResults)

    assert results.failures == {}
    assert results.offer_latency is not None
    assert results.offer_latency.to_core.n == results.offer_latency.samples
    on_disk = results.offer_latency.to_core_sqlite
    assert on_disk is not None
    assert on_disk.n == results.offer_latency.samples
    cross_process = results.offer_latency.floor_round_trip_cross_process
    assert cross_process is not None
    assert cross_process.n > 0

    assert results.routing, "no routing run"
    for run in results.routing:
        load = run.load
        assert run.problems == [], run.problems
        assert load.logged_in == load.agents
        assert load.created > 0
        assert load.unaccounted == 0
        assert sum(load.accounting.values()) == load.created
        assert load.max_sessions_seen <= 10
        assert load.agent_violations == []

    assert results.durability is not None
    for engine_run in (results.durability.memory, results.durability.sqlite):
        assert engine_run.violations == []
        assert sum(engine_run.accounting.values()) == engine_run.items

    assert results.app is not None
    assert results.app.bare_runs, "the baseline window did not start"
