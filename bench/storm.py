"""Issue 12 target 3 — the morning login storm: N agents log in with production-cost password
hashes while work flows to agents already logged in.

The server runs as shipped, on its SQLite store (each login commits its token). The steady
agents (cheap hashes, logged in before the storm) take every work item; the storm
agents are in no queue, so routing work is the same before and during the storm and the offer
latency shows only what the password checks cost the server's loop. The floor is
`hash_cost_s x N / cores`, with `hash_cost_s` the median single scrypt check measured here.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

import msgspec

from agent_desktop.protocol.messages import Ack, SetPresence
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.server.auth import hash_password
from bench import procstat
from bench.link import Link
from bench.loadgen import LoadPlan, _Agent, _Stats, _stream
from bench.population import PASSWORD, SUPERVISOR, Population, agent_name
from bench.server_process import server_process
from bench.stats import Summary, median, summarize

STEADY_AGENTS = 20
_LOGIN_CONCURRENCY = 100
"""Storm connections opening at once (a morning's clients retry at about this pace)."""


class LoginStorm(msgspec.Struct, frozen=True):
    agents: int
    rate: float
    hash_cost_s: float
    """Median of single production-cost scrypt checks, in this process, same run."""
    cores: int
    floor_s: float
    """hash_cost_s x agents / cores: the least time the checks alone can take."""
    all_in_s: float
    logged_in: int
    offer_latency: Summary
    """Created -> offer at a steady agent, for items created during the storm (s)."""
    created: int
    load_average: float
    sources: int = 1
    """Loopback addresses the storm agents log in from (127.0.0.1, .2, ...): the server's
    login guard lets each address have two password checks under way at once."""
    server_cpu_s: float = 0.0
    """The server process's CPU from the first storm login to the last (all its threads)."""
    loadgen_cpu_s: float = 0.0
    """This process's CPU over the same time (connections, handshakes, the work stream)."""


def storm_user(index: int) -> str:
    return f"storm{index:05d}"


def _config(agents: int) -> str:
    production_hash = hash_password(PASSWORD)
    users = [
        f'\n[[users]]\nid = "{storm_user(i)}"\nname = "Storm {i}"\nrole = "agent"\n'
        f'password_hash = "{production_hash}"\nqueues = []\n'
        for i in range(agents)
    ]
    return Population(agents=STEADY_AGENTS).toml() + "".join(users)


def _hash_cost_s(samples: int = 9) -> float:
    """One check at the production cost, as `verify_password` runs it."""
    parts = hash_password(PASSWORD).split("$")
    n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
    times: list[float] = []
    for _ in range(samples):
        started = time.perf_counter()
        hashlib.scrypt(PASSWORD.encode(), salt=b"0" * 16, n=n, r=r, p=p, dklen=32, maxmem=2**27)
        times.append(time.perf_counter() - started)
    return median(times)


def storm_source(index: int, sources: int) -> str:
    """Agent `index`'s loopback address: Linux routes all of 127.0.0.0/8 to the host."""
    return f"127.0.0.{1 + index % sources}"


class _StormRun(msgspec.Struct, frozen=True):
    all_in_s: float
    logged_in: int
    latency: Summary
    created: int
    server_cpu_s: float
    loadgen_cpu_s: float


async def _storm(url: str, agents: int, rate: float, sources: int, server_pid: int) -> _StormRun:
    stats = _Stats()
    plan = LoadPlan(url=url, agents=STEADY_AGENTS, rate=rate, duration_s=0.0, hold_s=0.2)
    steady: list[_Agent] = []
    for index in range(STEADY_AGENTS):
        agent = _Agent(plan, stats)
        agent.link, _ = await Link.open(url, agent_name(index), PASSWORD, agent.on_event)
        await agent.link.request(lambda rid: SetPresence(id=rid, presence=Presence.AVAILABLE), Ack)
        steady.append(agent)
    tester, _ = await Link.open(url, SUPERVISOR, PASSWORD)
    gate = asyncio.Semaphore(_LOGIN_CONCURRENCY)
    links: list[Link] = []

    async def one(index: int) -> None:
        async with gate:
            link, _ = await Link.open(
                url, storm_user(index), PASSWORD, source=storm_source(index, sources)
            )
        links.append(link)

    started = time.perf_counter()
    server_cpu_at_start = procstat.cpu_seconds(server_pid)
    own_cpu_at_start = procstat.cpu_seconds(os.getpid())
    logins = asyncio.gather(*(one(i) for i in range(agents)), return_exceptions=True)
    done = asyncio.Event()
    logins.add_done_callback(lambda _: done.set())
    stats.latencies.clear()
    created = 0
    # Work flows in slices until everyone is in: only items created during the storm count.
    while not done.is_set():
        slice_plan = msgspec.structs.replace(plan, duration_s=0.5)
        ids, _ = await _stream(slice_plan, tester)
        created += len(ids)
    all_in_s = time.perf_counter() - started
    server_cpu = procstat.cpu_seconds(server_pid) - server_cpu_at_start
    own_cpu = procstat.cpu_seconds(os.getpid()) - own_cpu_at_start
    failures = [r for r in await logins if isinstance(r, BaseException)]
    if failures:
        print(f"storm: first failed login: {failures[0]!r}", file=sys.stderr)
    latency = summarize(stats.latencies)
    for link in [*links, tester, *(a.link for a in steady if a.link is not None)]:
        await link.close()
    return _StormRun(all_in_s, len(links), latency, created, server_cpu, own_cpu)


def login_storm(agents: int, rate: float, sources: int = 1) -> LoginStorm:
    load_average = os.getloadavg()[0]
    procstat.raise_open_files_limit(agents * 2 + 256)
    hash_cost = _hash_cost_s()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-storm-") as tmp:
        work = Path(tmp)
        config = work / "server.toml"
        config.write_text(_config(agents), encoding="utf-8")

        async def run() -> _StormRun:
            async with server_process(config, work, data_dir=work / "data") as server:
                return await _storm(server.url, agents, rate, sources, server.pid)

        result = asyncio.run(run())
    if result.logged_in != agents:
        print(f"storm: {agents - result.logged_in} agents failed to log in", file=sys.stderr)
    return LoginStorm(
        agents=agents,
        rate=rate,
        hash_cost_s=hash_cost,
        cores=cores,
        floor_s=hash_cost * agents / cores,
        all_in_s=result.all_in_s,
        logged_in=result.logged_in,
        offer_latency=result.latency,
        created=result.created,
        load_average=load_average,
        sources=sources,
        server_cpu_s=result.server_cpu_s,
        loadgen_cpu_s=result.loadgen_cpu_s,
    )


if __name__ == "__main__":  # `python -m bench.storm N RATE [SOURCES]`: one run, JSON out
    print(
        msgspec.json.encode(
            login_storm(
                int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1
            )
        ).decode()
    )
