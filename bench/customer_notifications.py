"""Customer notifications at scale: `python -m bench.customer_notifications [--bookings N]`.

1. The daily reminder run over N bookings spread evenly over the next 30 days (about a quarter
   start within 7 days), on a real SQLite file: wall time and peak Python memory, beside a
   baseline measured in the same run on the same file (the bare SQL scan that selects the same
   bookings, without rules, rendering or writes).
2. Outbox throughput to a local SMTP sink (aiosmtpd on 127.0.0.1): M reminder emails through
   the dispatcher (render, iCalendar, commit before and after each send), beside a baseline of
   the same number of prebuilt messages sent with the bare SMTP client.

Prints one JSON object. Figures depend on the machine: compare with the baseline, not across
machines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.bookings import Contact, CreateBooking, NotificationType
from agent_desktop.server.customer_notifications.channels import EmailChannel, Outgoing
from agent_desktop.server.customer_notifications.config import (
    CustomerNotificationsConfig,
    EmailChannelConfig,
)
from agent_desktop.server.customer_notifications.desk import CustomerNotifications
from agent_desktop.server.customer_notifications.render import Renderer
from agent_desktop.server.customer_notifications.service import DAILY_RUN_CHUNK

START = 1_809_334_800.0  # a Monday 09:00 UTC
DAY = 86_400.0


class CountingSink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """aiosmtpd's hook: count, accept."""
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _book(cn: CustomerNotifications, n: int) -> float:
    started = time.perf_counter()
    contact = Contact(name="Ada", email="ada@example.com", time_zone="Europe/Berlin")
    for i in range(n):
        start = START + 3600 + (i / n) * 30 * DAY
        cn.service.create(
            "bench",
            CreateBooking(
                id="b", account=f"A{i % 997}", work_order_type="repair", technician="Tess",
                start=start, end=start + 7200, contacts=[contact],
            ),
        )  # fmt: skip
    return time.perf_counter() - started


def _baseline_scan(db: Path, run_at: float) -> tuple[float, int]:
    connection = sqlite3.connect(db)
    started = time.perf_counter()
    rows = connection.execute(
        "SELECT id, start, contacts FROM cn_booking WHERE status = 'scheduled' "
        "AND reminder_start IS NULL AND start > ? AND start <= ?",
        (run_at, run_at + 7 * DAY),
    ).fetchall()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, len(rows)


async def _outbox(cn: CustomerNotifications) -> float:
    started = time.perf_counter()
    while await cn.dispatcher.dispatch_due():
        pass
    return time.perf_counter() - started


async def _bare_smtp(port: int, n: int, renderer: Renderer, cn: CustomerNotifications) -> float:
    record = cn.store.booking("BK1001")
    assert record is not None
    rendered = renderer.render(
        NotificationType.REMINDER, record.booking, record.booking.contacts[0], "x"
    )
    channel = EmailChannel(
        EmailChannelConfig(host="127.0.0.1", port=port, starttls=False, sender="s@e.com"), "B"
    )
    mail = channel.build(Outgoing("k", "ada@example.com", "Ada", rendered, START))
    started = time.perf_counter()
    for _ in range(n):
        await aiosmtplib.send(mail, hostname="127.0.0.1", port=port, start_tls=False)
    return time.perf_counter() - started


async def run(bookings: int, emails: int) -> dict[str, Any]:
    sink = CountingSink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "state.sqlite3"
            clock = ManualClock(START)
            config = CustomerNotificationsConfig(
                email=EmailChannelConfig(
                    host="127.0.0.1", port=port, starttls=False, sender="s@e.com"
                ),
                quiet_hours=None,
                dispatch_batch=1000,
            )
            cn = CustomerNotifications(config, clock, db_path=db, portal_base_url="http://x/p")
            booking_s = _book(cn, bookings)
            clock.advance(3600)  # Monday 10:00 UTC
            run_at = clock.now()
            scan_s, candidates = _baseline_scan(db, run_at)
            tracemalloc.start()
            started = time.perf_counter()
            queued, longest = 0, 0.0
            while True:  # as the worker does it: chunks, the loop free between them
                chunk_started = time.perf_counter()
                _, chunk, finished = cn.service.run_reminders(
                    "bench", run_at=run_at, limit=DAILY_RUN_CHUNK
                )
                longest = max(longest, time.perf_counter() - chunk_started)
                queued += chunk
                if finished:
                    break
            run_s = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            # Outbox: keep only the first `emails` queued, so the send figure is about sending.
            with cn.store.transaction():
                cn.store._db.execute(  # bench only: trim the queue to the sample size
                    "UPDATE cn_message SET state = 'excluded' WHERE state = 'queued' AND id > ?",
                    (emails * 2,),
                )
            due = len(cn.store.due_messages(clock.now(), 10**9))
            outbox_s = await _outbox(cn)
            sent_by_outbox = sink.count
            bare_s = await _bare_smtp(port, due, Renderer("B"), cn)
            cn.close()
    finally:
        controller.stop()
    return {
        "bookings": bookings,
        "create_bookings_s": round(booking_s, 3),
        "daily_run": {
            "candidates": candidates,
            "messages_queued": queued,
            "seconds": round(run_s, 3),
            "peak_python_mib": round(peak / 2**20, 1),
            "longest_chunk_s": round(longest, 3),
            "chunk_bookings": DAILY_RUN_CHUNK,
            "baseline_sql_scan_s": round(scan_s, 3),
        },
        "outbox": {
            "emails": due,
            "delivered_to_sink": sent_by_outbox,
            "seconds": round(outbox_s, 3),
            "per_second": round(due / outbox_s, 1) if outbox_s else None,
            "baseline_bare_smtp_per_second": round(due / bare_s, 1) if bare_s else None,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.customer_notifications")
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--emails", type=int, default=500)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.bookings, args.emails))
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
