"""Human-readable output of the ctl: aligned tables and a work item's story."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from agent_desktop.protocol.messages import WorkInfo
from agent_desktop.protocol.model import AgentView


def _clock(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M:%S")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def render_agents(agents: Sequence[AgentView]) -> str:
    if not agents:
        return "no agents"
    rows = [
        [
            a.agent,
            a.role,
            (f"{a.presence.custom}/" if a.presence.custom else "")
            + f"{a.presence.presence} ({a.presence.source}: {a.presence.reason})"
            + (
                f" -> {a.next_presence.custom or a.next_presence.presence}"
                if a.next_presence
                else ""
            ),
            "yes" if a.connected else "no",
            str(a.sessions),
            str(a.pending_offers),
            ",".join(a.alerts) or "-",
            (f"until {_clock(a.penalty_until)}" if a.penalty_until is not None else "-"),
            f"{a.capacity_used}/{a.capacity}",
        ]
        for a in agents
    ]
    headers = [
        *("AGENT", "ROLE", "PRESENCE", "CONNECTED", "SESSIONS", "OFFERS", "ALERTS", "PENALTY"),
        "CAPACITY",
    ]
    return table(headers, rows)


def _seconds(value: object) -> str:
    return "-" if value is None else f"{value:g}s"


def render_queues(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return "no queues"
    headers = ["QUEUE", "WAITING", "LONGEST", "ESTIMATE", "AVAIL/BUSY/AWAY", "OFFERS", "MISSED"]
    headers.append("REJECTED")
    table_rows = [
        [
            str(r["queue"]),
            str(r["waiting"]),
            _seconds(r["longest_wait_s"]),
            _seconds(r["estimated_wait_s"]),
            f"{r['agents_available']}/{r['agents_busy']}/{r['agents_away']}",
            str(r["offers_in_flight"]),
            str(r["missed_last_hour"]),
            str(r["rejected_last_hour"]),
        ]
        for r in rows
    ]
    return table(headers, table_rows)


def render_work(info: WorkInfo) -> str:
    work = info.work
    lines = [
        f"{work.work_id}  {work.channel}  queue {work.queue}  {work.state}  origin {work.origin}",
        f"customer: {work.customer.name}"
        + (f"  phone {work.customer.phone}" if work.customer.phone else "")
        + (f"  contact {work.customer.contact_id}" if work.customer.contact_id else ""),
    ]
    if work.subject:
        lines.append(f"subject: {work.subject}")
    if work.case is not None:
        lines.append(f"case: {work.case.case_number} {work.case.title}")
    if work.bot_summary:
        lines.append(f"bot summary: {work.bot_summary}")
    if info.agent:
        lines.append(f"agent: {info.agent}  session: {info.session_id or '-'}")
    if info.queue_position is not None:
        estimate = _seconds(info.estimated_wait_s)
        lines.append(f"waiting: position {info.queue_position}, estimated wait {estimate}")
    if info.transcript:
        lines.append("transcript:")
        lines += [f"  {_clock(m.at)} {m.sender}: {m.text}" for m in info.transcript]
    if info.history:
        lines.append("history:")
        for entry in info.history:
            who = f" {entry.agent}" if entry.agent else ""
            why = f" ({entry.reason})" if entry.reason else ""
            detail = f" {entry.detail}" if entry.detail else ""
            lines.append(f"  {_clock(entry.at)} {entry.event}{who}{why}{detail}")
    return "\n".join(lines)
