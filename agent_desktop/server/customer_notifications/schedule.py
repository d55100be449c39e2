"""Time rules: when the daily reminder run is due, and when quiet hours let a message go.

Pure functions of epoch seconds; the daily run is in UTC, quiet hours in the contact's own time
zone (zoneinfo, so a daylight-saving change moves the UTC release time, not the local one).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agent_desktop.server.customer_notifications.config import QuietHours

DAY_S = 86_400.0


def clock_time(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def latest_run(now: float, at: str) -> float:
    """The most recent scheduled daily run at or before `now` (UTC has no DST: days are equal)."""
    today = datetime.fromtimestamp(now, UTC).date()
    scheduled = datetime.combine(today, clock_time(at), tzinfo=UTC).timestamp()
    return scheduled if scheduled <= now else scheduled - DAY_S


def due_run(last_run: float | None, now: float, at: str) -> float | None:
    """The run to do now: the latest scheduled one, unless it was done already.

    A server that was down at 10:00 (or several days) does one catch-up run when it starts: the
    reminders' once-per-booking rule makes one run cover every missed one.
    """
    scheduled = latest_run(now, at)
    return scheduled if last_run is None or last_run < scheduled else None


def next_run(now: float, at: str) -> float:
    return latest_run(now, at) + DAY_S


def _in_quiet(local: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def quiet_release(at: float, zone: ZoneInfo, quiet: QuietHours | None) -> float:
    """`at` itself when it is outside quiet hours in `zone`, else the local end of them."""
    if quiet is None:
        return at
    start, end = clock_time(quiet.start), clock_time(quiet.end)
    local = datetime.fromtimestamp(at, zone)
    if not _in_quiet(local.time(), start, end):
        return at
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    # Wall-clock arithmetic in the zone: across a DST change the local end stays 08:00.
    return datetime.combine(day, end, tzinfo=zone).timestamp()
