"""Item 1 — offer latency: server accepts a work item -> the agent core holds the offer ->
the desktop notification request reaches the notification service.

One agent runs the real app pieces on a qasync loop: `AgentCore` (session/), the app's
`Announcer` and `OfferNotifier` chain (ui/), and desktop-notifier over a private D-Bus to a
recording notification service. The server runs in its own process, first in memory, then on
its SQLite store as shipped (`--data`). "Accepted" is the work item's `created_at`, stamped by
the server (same host, same wall clock) just before it routes and commits, so the figures
include routing and the commit (a real one on SQLite). Samples are taken one at a time: this is
the latency of an idle system, not of a loaded one (item 2 measures that).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from agent_desktop.protocol.messages import CreateWork, OfferAdded, PushedEvent, WorkCreated
from agent_desktop.protocol.vocabulary import Channel, OfferId, QueueId, WorkId
from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.effects import OfferArrived
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import AgentState
from bench.floor import (
    websocket_round_trip,
    websocket_round_trip_cross_process_on_qt_loop,
    websocket_round_trip_on_qt_loop,
)
from bench.link import Link
from bench.notify_recorder import private_session_bus, recording_notifications
from bench.population import PASSWORD, QUEUE, SUPERVISOR, Population, agent_name
from bench.qt_loop import run_on_qt_loop
from bench.server_process import server_process
from bench.stats import Summary, summarize

if TYPE_CHECKING:  # the UI (and Qt) is imported only when the benchmark runs
    from agent_desktop.ui.notify.notice import NoticeKey

_PER_SAMPLE_TIMEOUT_S = 10.0


class OfferLatency(msgspec.Struct, frozen=True):
    samples: int
    floor_round_trip: Summary
    """Bare websockets echo round trip, one process, same run (s)."""
    floor_round_trip_qt: Summary
    """The same echo on a qasync loop (the app's loop): what the Qt loop itself adds."""
    to_client: Summary
    """Server accepted the item -> the core's link handed over the decoded `offer_added` (s):
    the server's share (route, commit, encode, send) plus the loopback hop."""
    to_core: Summary
    """Server accepted the item -> AgentCore announced the offer (s)."""
    to_notification: Summary | None
    """Server accepted the item -> Notify arrived at the D-Bus notification service (s)."""
    notification_path: str
    p99_ratio_core: float
    p99_ratio_notification: float | None
    load_average: float = 0.0
    """The machine's 1-minute load average when the part started (it is shared)."""
    floor_round_trip_cross_process: Summary | None = None
    """The echo server in a process of its own, the client on the app's loop: the offer
    path's shape without its work. Reported beside the floor, not the figure of record."""
    to_client_sqlite: Summary | None = None
    """As `to_client`, the server on its SQLite store (`--data`, as shipped): the commit that
    makes the offer durable is on the path. The figures above run it in memory."""
    to_core_sqlite: Summary | None = None
    p99_ratio_core_sqlite: float | None = None


class _Responder:
    """Nobody presses the notification's buttons here: the benchmark accepts through the core."""

    def on_accept(self, offer_id: OfferId) -> None:
        pass

    def on_reject(self, offer_id: OfferId) -> None:
        pass

    def on_open(self, key: NoticeKey) -> None:
        pass

    def on_dismissed(self, key: NoticeKey) -> None:
        pass


def _create_work(customer: str) -> Callable[[str], CreateWork]:
    def build(request_id: str) -> CreateWork:
        return CreateWork(
            id=request_id, channel=Channel.CHAT, queue=QueueId(QUEUE), customer_name=customer
        )

    return build


async def _measure(url: str, samples: int) -> tuple[list[float], list[float], list[float], str]:
    from desktop_notifier import DesktopNotifier
    from PySide6.QtWidgets import QWidget

    from agent_desktop.ui.announcer import Announcer
    from agent_desktop.ui.notify.in_app import InAppNoticeAdapter
    from agent_desktop.ui.notify.native import NativeNoticeAdapter
    from agent_desktop.ui.notify.notifier import OfferNotifier
    from agent_desktop.ui.tasks import TaskOwner

    to_client: list[float] = []
    to_core: list[float] = []
    to_notify: list[float] = []
    async with recording_notifications() as recorder:
        window = QWidget()
        notifier = OfferNotifier(
            [
                NativeNoticeAdapter(DesktopNotifier(app_name="Agent Desktop"), _Responder()),
                InAppNoticeAdapter(window),
            ]
        )
        report = await notifier.start()
        settings = Settings(
            server_url=url,
            user=agent_name(0),
            notification_mode=NotificationMode.ALWAYS,
            sound=False,
        )
        core = AgentCore(settings, password=PASSWORD)
        tasks = TaskOwner(on_refused=lambda text: None)
        announcer = Announcer(core, notifier, tasks, window)
        arrived: asyncio.Queue[tuple[OfferId, float]] = asyncio.Queue()
        received: dict[OfferId, float] = {}
        # A measuring hook on the core's event intake (private, read-only): it splits the
        # latency into the server + wire share and the core's own share.
        take_event = core._on_event

        def stamp_event(event: PushedEvent) -> None:
            if isinstance(event, OfferAdded):
                received[event.offer.offer_id] = time.time()
            take_event(event)

        core._on_event = stamp_event  # type: ignore[method-assign]  # measuring hook

        def on_announcement(announcement: Announcement) -> None:
            if isinstance(announcement.effect, OfferArrived):
                arrived.put_nowait((announcement.effect.offer.offer_id, time.time()))

        # Stamp first, then let the app's announcer raise the notification, as in the app.
        core.on_announcement(on_announcement)
        core.on_announcement(announcer.announce)
        await core.start()
        await core.wait_for(lambda s: s.online, within=30)
        tester, _ = await Link.open(url, SUPERVISOR, PASSWORD)
        try:
            for i in range(samples):
                created = await tester.request(_create_work(f"Customer {i}"), WorkCreated)
                accepted_at = created.work.created_at
                offer_id, core_at = await asyncio.wait_for(arrived.get(), _PER_SAMPLE_TIMEOUT_S)
                to_core.append(core_at - accepted_at)
                to_client.append(received.pop(offer_id, core_at) - accepted_at)
                if report.path.value == "native":
                    notify_at, _ = await asyncio.wait_for(
                        recorder.arrivals.get(), _PER_SAMPLE_TIMEOUT_S
                    )
                    to_notify.append(notify_at - accepted_at)
                await core.accept(offer_id)
                await _close_session_of(core, created.work.work_id)
        finally:
            await tester.close()
            await core.close()
            await tasks.close()
            await notifier.close()
    return to_client, to_core, to_notify, report.path.value


async def _close_session_of(core: AgentCore, work_id: WorkId) -> None:
    def opened(state: AgentState) -> bool:
        return any(s.work.work_id == work_id for s in state.sessions)

    state = await core.wait_for(opened)
    session = next(s for s in state.sessions if s.work.work_id == work_id)
    await core.close_session(session.session_id)


def measure_offer_latency(samples: int) -> OfferLatency:
    load_average = os.getloadavg()[0]
    # Many samples: on a shared machine the floor's p99 is the noisiest figure of the run.
    floor = asyncio.run(websocket_round_trip(max(2000, samples * 3)))
    floor_qt = websocket_round_trip_on_qt_loop(max(2000, samples * 3))
    floor_cross = websocket_round_trip_cross_process_on_qt_loop(max(2000, samples * 3))
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp, private_session_bus():
        work = Path(tmp)
        config = Population(agents=1).write(work / "server.toml")

        async def run(data_dir: Path | None) -> tuple[list[float], list[float], list[float], str]:
            async with server_process(config, work, data_dir=data_dir) as server:
                return await _measure(server.url, samples)

        to_client, to_core, to_notify, path = run_on_qt_loop(run(None))
        # The same agent against the server as shipped (SQLite, one commit per command).
        client_sqlite, core_sqlite, _, _ = run_on_qt_loop(run(work / "data"))
    core = summarize(to_core)
    on_disk = summarize(core_sqlite)
    notification = summarize(to_notify) if to_notify else None
    return OfferLatency(
        samples=samples,
        floor_round_trip=floor,
        floor_round_trip_qt=floor_qt,
        to_client=summarize(to_client),
        to_core=core,
        to_notification=notification,
        notification_path=path,
        p99_ratio_core=core.p99 / floor.p99,
        p99_ratio_notification=notification.p99 / floor.p99 if notification else None,
        load_average=load_average,
        floor_round_trip_cross_process=floor_cross,
        to_client_sqlite=summarize(client_sqlite),
        to_core_sqlite=on_disk,
        p99_ratio_core_sqlite=on_disk.p99 / floor.p99,
    )
