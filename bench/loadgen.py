"""The load generator of item 2, in its own process: N agents and one tester on the wire.

`python -m bench.loadgen '<LoadPlan JSON>'`. Agents log in (modest concurrency), go Available,
accept every offer at once and close each session after `hold_s`. The tester creates chat
work at a steady rate. Phases are announced on stdout (`PHASE <name> <time>`) so the parent
can read the server's CPU at each boundary; the last line is `RESULT <LoadResult JSON>`.

At the end a supervisor checks, through the protocol, that every created item is accounted
for (GetWork: queued, offered, assigned or closed) and that no agent holds more than its
capacity or MAX_SESSIONS; the agents also check that themselves at every event they see.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
import time
from collections import Counter

import msgspec

from agent_desktop.protocol.codec import encode
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CloseSession,
    CreateWork,
    GetWork,
    OfferAdded,
    OfferEnded,
    ServerEvent,
    SessionClosed,
    SessionOpened,
    SetPresence,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    Channel,
    OfferState,
    Presence,
    QueueId,
    WorkId,
)
from bench import procstat
from bench.link import Link, Refused
from bench.population import PASSWORD, QUEUE, SUPERVISOR, agent_name
from bench.stats import Summary, summarize


class LoadPlan(msgspec.Struct, frozen=True):
    url: str
    agents: int
    rate: float
    """Work items created per second during the steady phase."""
    duration_s: float
    hold_s: float
    """An agent closes each session this long after it opened."""
    idle_s: float = 3.0
    settle_s: float = 3.0
    """After the logins, before the idle phase: the server's wave-end heap freeze happens here."""
    """Connected and idle before the stream, to measure the cost of just being connected."""
    login_concurrency: int = 50
    drain_timeout_s: float = 30.0


class LoadResult(msgspec.Struct, frozen=True):
    agents: int
    logged_in: int
    login_s: float
    created: int
    create_refusals: int
    steady_s: float
    routed_in_window: int
    """Sessions opened during the steady phase."""
    closed: int
    offer_latency: Summary
    """Server accepted the item (created_at) -> OfferAdded arrived at the agent's socket (s)."""
    offers_not_accepted: dict[str, int]
    agent_refusals: int
    max_sessions_seen: int
    """The most sessions + pending offers any agent held at once, as the agents saw it."""
    accounting: dict[str, int]
    """Every created item by its final WorkState, from GetWork."""
    unaccounted: int
    agent_violations: list[str]
    """From the supervisor's agent list: agents over capacity or over MAX_SESSIONS."""
    list_agents_bytes: int
    """The whole agent list as one `agents` reply would be; it travels in pages."""
    loadgen_cpu_s: float
    loadgen_busy_steady: float
    """The load generator's CPU / wall time in the steady phase: near 1.0 means it was the
    bottleneck, and its own queueing is inside the latency figures."""


class _Agent:
    def __init__(self, plan: LoadPlan, stats: _Stats) -> None:
        self.plan = plan
        self.stats = stats
        self.link: Link | None = None
        self.sessions = 0
        self.pending = 0

    def on_event(self, event: ServerEvent, at: float) -> None:
        stats = self.stats
        if isinstance(event, OfferAdded):
            stats.latencies.append(at - event.offer.work.created_at)
            self.pending += 1
            self._check()
            assert self.link is not None
            self.link.send_nowait(AcceptOffer(id="a", offer_id=event.offer.offer_id))
        elif isinstance(event, OfferEnded):
            self.pending -= 1
            if event.state is not OfferState.ACCEPTED:
                stats.not_accepted[event.state.value] += 1
        elif isinstance(event, SessionOpened):
            self.sessions += 1
            self._check()
            if stats.window_start <= at <= stats.window_end:
                stats.routed_in_window += 1
            session_id = event.session.session_id
            asyncio.get_running_loop().call_later(
                self.plan.hold_s,
                lambda: (
                    self.link.send_nowait(CloseSession(id="c", session_id=session_id))
                    if self.link is not None
                    else None
                ),
            )
        elif isinstance(event, SessionClosed):
            self.sessions -= 1
            stats.closed += 1
            if stats.closed >= stats.expect_closed:
                stats.all_closed.set()

    def _check(self) -> None:
        held = self.sessions + self.pending
        if held > self.stats.max_held:
            self.stats.max_held = held


class _Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.not_accepted: Counter[str] = Counter()
        self.routed_in_window = 0
        self.closed = 0
        self.max_held = 0
        self.window_start = float("inf")
        self.window_end = float("inf")
        self.expect_closed = 1 << 62
        self.all_closed = asyncio.Event()


def _phase(name: str) -> float:
    now = time.time()
    print(f"PHASE {name} {now:.6f}", flush=True)
    return now


async def _log_in(plan: LoadPlan, stats: _Stats) -> list[_Agent]:
    gate = asyncio.Semaphore(plan.login_concurrency)
    agents: list[_Agent] = []

    async def one(index: int) -> None:
        agent = _Agent(plan, stats)
        async with gate:
            agent.link, _ = await Link.open(plan.url, agent_name(index), PASSWORD, agent.on_event)
            await agent.link.request(
                lambda rid: SetPresence(id=rid, presence=Presence.AVAILABLE), Ack
            )
        agents.append(agent)

    results = await asyncio.gather(*(one(i) for i in range(plan.agents)), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        print(f"{len(failures)} agents failed to log in: {failures[0]!r}", file=sys.stderr)
    return agents


async def _stream(plan: LoadPlan, tester: Link) -> tuple[list[WorkId], int]:
    """Create work at `plan.rate` for `plan.duration_s`; the ids of what the server accepted."""
    created: list[WorkId] = []
    refusals = 0
    in_flight: set[asyncio.Task[None]] = set()

    async def create(index: int) -> None:
        nonlocal refusals
        try:
            reply = await tester.request(
                lambda rid: CreateWork(
                    id=rid,
                    channel=Channel.CHAT,
                    queue=QueueId(QUEUE),
                    customer_name=f"Customer {index}",
                ),
                WorkCreated,
            )
            created.append(reply.work.work_id)
        except Refused:
            refusals += 1

    loop = asyncio.get_running_loop()
    start = loop.time()
    total = int(plan.rate * plan.duration_s)
    for index in range(total):
        # Absolute schedule: a late tick sends at once, so the offered rate holds on average.
        delay = start + index / plan.rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = loop.create_task(create(index))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await asyncio.gather(*in_flight)
    return created, refusals


async def _account(url: str, work_ids: list[WorkId]) -> tuple[dict[str, int], int, list[str], int]:
    supervisor, _ = await Link.open(url, SUPERVISOR, PASSWORD)
    try:
        agents = await supervisor.list_agents()
        size = len(encode(agents))
        violations = [
            f"{view.agent}: {view.sessions} sessions, {view.capacity_used}/{view.capacity} capacity"
            for view in agents.agents
            if view.sessions > MAX_SESSIONS or view.capacity_used > view.capacity
        ]
        states: Counter[str] = Counter()
        unaccounted = 0
        gate = asyncio.Semaphore(100)

        async def check(work_id: WorkId) -> None:
            nonlocal unaccounted
            async with gate:
                try:
                    info = await supervisor.request(
                        lambda rid: GetWork(id=rid, work_id=work_id), WorkInfo
                    )
                    states[info.work.state.value] += 1
                except Refused:
                    unaccounted += 1

        await asyncio.gather(*(check(w) for w in work_ids))
    finally:
        await supervisor.close()
    return dict(states), unaccounted, violations, size


async def run(plan: LoadPlan) -> LoadResult:
    stats = _Stats()
    started = time.time()
    agents = await _log_in(plan, stats)
    login_s = time.time() - started
    # The load generator must not be what is measured: with thousands of connections its own
    # full garbage collections pause it for long enough to show up as offer latency. Its
    # long-lived objects move out of the collector's sight; the server is left as it is.
    gc.collect()
    gc.freeze()
    tester, _ = await Link.open(plan.url, SUPERVISOR, PASSWORD)
    # The server freezes its heap once the login wave has passed (1 s without logins, then one
    # full collection): that is the wave's cost, not the idle heartbeat's, so it is let finish
    # before the idle phase is measured.
    await asyncio.sleep(plan.settle_s)
    _phase("logged_in")
    await asyncio.sleep(plan.idle_s)
    _phase("idle_end")
    stats.window_start = _phase("steady_start")
    cpu_start = procstat.cpu_seconds(os.getpid())
    work_ids, refusals = await _stream(plan, tester)
    stats.window_end = _phase("steady_end")
    cpu_steady = procstat.cpu_seconds(os.getpid()) - cpu_start
    steady_s = stats.window_end - stats.window_start
    stats.expect_closed = len(work_ids)
    if stats.closed < stats.expect_closed:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stats.all_closed.wait(), plan.hold_s + plan.drain_timeout_s)
    _phase("drained")
    accounting, unaccounted, violations, size = await _account(plan.url, work_ids)
    agent_refusals = sum(len(a.link.unclaimed_errors) for a in agents if a.link is not None)
    await tester.close()
    await asyncio.gather(*(a.link.close() for a in agents if a.link is not None))
    return LoadResult(
        agents=plan.agents,
        logged_in=len(agents),
        login_s=login_s,
        created=len(work_ids),
        create_refusals=refusals,
        steady_s=steady_s,
        routed_in_window=stats.routed_in_window,
        closed=stats.closed,
        offer_latency=summarize(stats.latencies),
        offers_not_accepted=dict(stats.not_accepted),
        agent_refusals=agent_refusals,
        max_sessions_seen=stats.max_held,
        accounting=accounting,
        unaccounted=unaccounted,
        agent_violations=violations,
        list_agents_bytes=size,
        loadgen_cpu_s=procstat.cpu_seconds(os.getpid()),
        loadgen_busy_steady=cpu_steady / steady_s if steady_s > 0 else 0.0,
    )


def main() -> None:
    plan = msgspec.json.decode(sys.argv[1], type=LoadPlan)
    procstat.raise_open_files_limit(plan.agents * 2 + 256)
    result = asyncio.run(run(plan))
    print("RESULT " + msgspec.json.encode(result).decode(), flush=True)


if __name__ == "__main__":
    main()
