"""Item 3's app figures: the real `agent-desktop` entry point, instrumented from outside.

Parent side (`measure_app`): a server process, a desktop session (private D-Bus, unlocked
gnome-keyring holding the agent's token, a notification service), then `runs` cold starts of
`python -m bench.app_child`, which calls the app's own `main()` after hooking the core and the
QApplication (see there). The start is measured from just before the spawn to the first Paint
after the core is online: interpreter, imports, window, keyring, sign-in, paint.

The last run also drives the app: one offer left to time out (countdown drift: when it left
the desktop vs its `expires_at`), then 10 sessions receiving customer messages at 50/s in total
while the loop lag is sampled. The app's code is not changed for any of this.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import msgspec

from agent_desktop.protocol.messages import CreateWork, CustomerMessage, LoggedIn, WorkCreated
from agent_desktop.protocol.vocabulary import Channel, QueueId, UserId, WorkId
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from bench.app_child import APP_ENTRY, SESSIONS
from bench.desktop_env import desktop_session, store_token, write_settings
from bench.link import Link
from bench.population import DRILL_QUEUE, PASSWORD, SUPERVISOR, VIP_QUEUE, Population, agent_name
from bench.procstat import MIB
from bench.server_process import server_process
from bench.stats import Summary, summarize
from bench.window_start import WindowStart

MESSAGES_PER_S: Final = 50.0
_LINE_TIMEOUT_S: Final = 60.0

if importlib.util.find_spec(APP_ENTRY) is None:
    raise ImportError(f"{APP_ENTRY} (the app's entry point) does not exist yet")


class AppMeasurement(msgspec.Struct, frozen=True):
    runs: list[WindowStart]
    loop_lag_ms: Summary | None
    messages_per_s: float | None
    countdown_drift_ms: float | None
    missing: list[str]
    gc_max_pause_ms: float | None = None
    """The app's longest garbage collection during the loop-lag window."""
    gc_full_collections: int = 0
    """Full (generation 2) collections over 1 ms in that window."""


# ==== parent side ==============================================================================


class _Probe:
    """One started app: its stdout lines as they come."""

    def __init__(self, process: asyncio.subprocess.Process, started: float) -> None:
        self.process = process
        self.started = started

    async def expect(self, tag: str, within_s: float = _LINE_TIMEOUT_S) -> list[str]:
        assert self.process.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.process.stdout.readline(), within_s)
            if not raw:
                raise RuntimeError(
                    f"the app exited before {tag} (code {await self.process.wait()})"
                )
            parts = raw.decode().split(maxsplit=1)
            if parts and parts[0] == tag:
                return parts[1].split() if len(parts) > 1 else []

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def _start_app(env: dict[str, str], log: Path) -> _Probe:
    started = time.time()
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.app_child",
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
    return _Probe(process, started)


async def _cold_start(env: dict[str, str], log: Path) -> tuple[_Probe, WindowStart]:
    probe = await _start_app(env, log)
    core_at, start_at, online_at = (float(x) for x in await probe.expect("PHASES"))
    ready = await probe.expect("READY")
    ready_at, cpu_s = float(ready[0]), float(ready[1])
    rss, pss = (int(x) for x in await probe.expect("IDLE"))
    return probe, WindowStart(
        start_s=ready_at - probe.started,
        idle_rss_mib=rss / MIB,
        idle_pss_mib=pss / MIB,
        cpu_s=cpu_s,
        phases={
            "start_to_core_created_s": core_at - probe.started,
            "core_created_to_core_started_s": start_at - core_at,
            "core_started_to_online_s": online_at - start_at,
            "online_to_painted_s": ready_at - online_at,
        },
    )


def _create(queue: str, agent: str, customer: str) -> Callable[[str], CreateWork]:
    def build(request_id: str) -> CreateWork:
        return CreateWork(
            id=request_id,
            channel=Channel.CHAT,
            queue=QueueId(queue),
            customer_name=customer,
            agent=UserId(agent),
        )

    return build


async def _drive(
    probe: _Probe, tester: Link, agent: str, lag_s: float, countdown_s: float
) -> tuple[float, float, float]:
    """Countdown drill, then the message stream. (drift s, stream start, stream end)."""
    await tester.request(_create(DRILL_QUEUE, agent, "Countdown"), WorkCreated)
    _, expires_at, left_at = await probe.expect("OFFER_LEFT", countdown_s + _LINE_TIMEOUT_S)
    drift = abs(float(left_at) - float(expires_at))
    work: list[WorkId] = []
    for i in range(SESSIONS):
        created = await tester.request(_create(VIP_QUEUE, agent, f"VIP {i}"), WorkCreated)
        work.append(created.work.work_id)
    await probe.expect("SESSIONS")
    loop = asyncio.get_running_loop()
    start_wall = time.time()
    start = loop.time()
    total = int(MESSAGES_PER_S * lag_s)
    for i in range(total):
        delay = start + i / MESSAGES_PER_S - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        work_id = work[i % SESSIONS]
        tester.send_nowait(
            CustomerMessage(id="m", work_id=work_id, text=f"Message {i} from the customer")
        )
    return drift, start_wall, time.time()


async def _measure(runs: int, lag_s: float, countdown_s: float) -> AppMeasurement:
    missing: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        work = Path(tmp)
        agent = agent_name(0)
        config = Population(agents=1, drill_wait_s=countdown_s).write(work / "server.toml")
        async with server_process(config, work) as server:
            with desktop_session(work / "home") as env:
                link, logged_in = await Link.open(server.url, agent, PASSWORD)
                await link.close()  # no logout: that would revoke the token
                assert isinstance(logged_in, LoggedIn)
                store_token(env, server.url, agent, logged_in.token)
                write_settings(
                    env,
                    Settings(
                        server_url=server.url,
                        user=agent,
                        notification_mode=NotificationMode.ALWAYS,
                        sound=False,
                    ),
                )
                log = work / "app.stderr.log"
                starts: list[WindowStart] = []
                lag: Summary | None = None
                pauses: list[tuple[float, int, float]] = []
                drift: float | None = None
                for run in range(runs):
                    probe, start = await _cold_start(env, log)
                    starts.append(start)
                    if run < runs - 1:
                        await probe.stop()
                        continue
                    tester, _ = await Link.open(server.url, SUPERVISOR, PASSWORD)
                    try:
                        drift, begin, end = await _drive(probe, tester, agent, lag_s, countdown_s)
                    finally:
                        await tester.close()
                    await probe.stop()
                    lag = _lag_between(log, begin, end)
                    pauses = _gc_pauses_between(log, begin, end)
                    if lag is None:
                        missing.append("loop lag: the app printed no samples")
    return AppMeasurement(
        runs=starts,
        loop_lag_ms=lag,
        messages_per_s=MESSAGES_PER_S if lag is not None else None,
        countdown_drift_ms=drift * 1000 if drift is not None else None,
        missing=missing,
        gc_max_pause_ms=max((took for _, _, took in pauses), default=0.0) * 1000
        if lag is not None
        else None,
        gc_full_collections=sum(1 for _, generation, _ in pauses if generation == 2),
    )


def _gc_pauses_between(log: Path, begin: float, end: float) -> list[tuple[float, int, float]]:
    """The probe writes its collections over 1 ms (`GC <json>`) beside the lag samples."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("GC "):
            pauses: list[list[float]] = json.loads(line[3:])
            return [(at, int(gen), took) for at, gen, took in pauses if begin <= at <= end]
    return []


def _lag_between(log: Path, begin: float, end: float) -> Summary | None:
    """The probe writes its lag samples to stderr (`LAG <json>`) when it is stopped."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("LAG "):
            samples: list[list[float]] = json.loads(line[4:])
            return summarize([late * 1000 for at, late in samples if begin <= at <= end])
    return None


def measure_app(runs: int, *, lag_s: float, countdown_s: float) -> AppMeasurement:
    return asyncio.run(_measure(runs, lag_s, countdown_s))
