"""Item 2 — routing at scale: one server process, N agents in a load-generator process, a
steady stream of work; the server's CPU per routed item and its peak memory, from /proc.

Item 4 reuses it with the server's SQLite store on (`--data`) instead of in memory.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

import msgspec

from agent_desktop.protocol.vocabulary import MAX_SESSIONS
from agent_desktop.server.heap_freezer import MIN_LOGINS
from bench import procstat
from bench.loadgen import LoadPlan, LoadResult
from bench.population import CAPACITY, COST, Population
from bench.server_process import ServerProcess, server_process


class RoutingRun(msgspec.Struct, frozen=True):
    agents: int
    store: str
    offered_rate: float
    server_gc: str
    """"as shipped", or the collector setting of `bench.gc_server` the server ran with."""
    load: LoadResult
    items_per_s: float
    """Sessions opened per second of the steady phase."""
    server_cpu_s_per_item: float
    """Server CPU in the steady phase / items routed in it."""
    server_idle_cpu_per_s: float
    """Server CPU per second while N agents sit connected and idle (heartbeats)."""
    server_cpu_s_per_item_net: float
    """Per item, after taking away the idle cost of being connected."""
    server_login_cpu_ms_per_agent: float
    """Server CPU from its start until every agent was logged in, per agent (low-cost hashes)."""
    server_rss_connected_mib: float
    server_peak_rss_mib: float
    server_warnings: list[str]
    invariants_hold: bool
    problems: list[str]
    load_average: float = 0.0
    """The machine's 1-minute load average when the run started (it is shared)."""


def _problems(load: LoadResult) -> list[str]:
    found: list[str] = []
    if load.logged_in != load.agents:
        found.append(f"{load.agents - load.logged_in} agents failed to log in")
    if load.unaccounted:
        found.append(f"{load.unaccounted} created items unknown to the server")
    if sum(load.accounting.values()) != load.created:
        found.append(f"accounting {load.accounting} does not add up to {load.created} created")
    held_limit = min(MAX_SESSIONS, CAPACITY // COST)
    if load.max_sessions_seen > held_limit:
        found.append(f"an agent held {load.max_sessions_seen} sessions+offers (limit {held_limit})")
    found += load.agent_violations
    return found


async def _run_load(server: ServerProcess, plan: LoadPlan) -> tuple[LoadResult, dict[str, float]]:
    """Run the load generator; the server's CPU seconds at each phase it announces."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        msgspec.json.encode(plan).decode(),
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    cpu_at: dict[str, float] = {}
    rss_at: dict[str, float] = {}
    result: LoadResult | None = None
    while line := (await process.stdout.readline()).decode():
        if line.startswith("PHASE "):
            name = line.split()[1]
            cpu_at[name] = server.cpu_seconds()
            cpu_at[name + "@"] = float(line.split()[2])
            rss_at[name] = server.rss_bytes()
        elif line.startswith("RESULT "):
            result = msgspec.json.decode(line[len("RESULT ") :], type=LoadResult)
    code = await process.wait()
    if result is None:
        raise RuntimeError(f"the load generator failed (exit code {code})")
    cpu_at["rss_logged_in"] = rss_at.get("logged_in", 0.0)
    return result, cpu_at


async def _routing_run(
    agents: int, rate: float, duration_s: float, hold_s: float, *, sqlite: bool, gc_spec: str | None
) -> RoutingRun:
    load_average = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-routing-") as tmp:
        work = Path(tmp)
        config = Population(agents=agents).write(work / "server.toml")
        data_dir = work / "data" if sqlite else None
        async with server_process(config, work, data_dir=data_dir, gc_spec=gc_spec) as server:
            plan = LoadPlan(
                url=server.url,
                agents=agents,
                rate=rate,
                duration_s=duration_s,
                hold_s=hold_s,
                # Fewer logins than a wave: the server freezes nothing, nothing to wait for.
                settle_s=3.0 if agents >= MIN_LOGINS else 0.0,
            )
            load, at = await _run_load(server, plan)
            peak = server.peak_rss_bytes()
            warnings = server.errors_logged()
    idle_s = at["idle_end@"] - at["logged_in@"]
    idle_rate = (at["idle_end"] - at["logged_in"]) / idle_s if idle_s > 0 else 0.0
    steady_cpu = at["steady_end"] - at["steady_start"]
    routed = max(1, load.routed_in_window)
    problems = _problems(load)
    return RoutingRun(
        agents=agents,
        store="sqlite" if sqlite else "memory",
        offered_rate=rate,
        server_gc=gc_spec or "as shipped",
        load=load,
        items_per_s=load.routed_in_window / load.steady_s if load.steady_s > 0 else 0.0,
        server_cpu_s_per_item=steady_cpu / routed,
        server_idle_cpu_per_s=idle_rate,
        server_cpu_s_per_item_net=max(0.0, steady_cpu - idle_rate * load.steady_s) / routed,
        server_login_cpu_ms_per_agent=at["logged_in"] * 1000 / agents,
        server_rss_connected_mib=at["rss_logged_in"] / procstat.MIB,
        server_peak_rss_mib=peak / procstat.MIB,
        server_warnings=warnings[:20],
        invariants_hold=not problems,
        problems=problems,
        load_average=load_average,
    )


def routing_run(
    agents: int,
    rate: float,
    duration_s: float,
    hold_s: float,
    *,
    sqlite: bool = False,
    gc_spec: str | None = None,
) -> RoutingRun:
    procstat.raise_open_files_limit(agents * 2 + 256)
    return asyncio.run(
        _routing_run(agents, rate, duration_s, hold_s, sqlite=sqlite, gc_spec=gc_spec)
    )
