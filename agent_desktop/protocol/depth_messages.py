"""Messages of the routing-depth pieces (issue 11): wrap-up, next status, repeat-miss penalties
and queue statistics. `messages` puts them into its unions; see docs/protocol.md."""

from __future__ import annotations

from typing import Annotated, Final

import msgspec

from agent_desktop.protocol.envelope import Message, Reply, Request
from agent_desktop.protocol.model import Label, NextPresence, QueueStats, WrapUp
from agent_desktop.protocol.vocabulary import Presence, Reason, UserId, WorkId

NOTE_MAX: Final = 396
"""A wrap-up note's limit: with a disposition (100) and " - " it fits a history line (500)."""

# --- client -> server ----------------------------------------------------------------------


class ExtendWrapUp(Request, frozen=True, tag="extend_wrap_up", kw_only=True):
    """More time to wrap up the closed item: the deadline moves `seconds` later."""

    work_id: WorkId
    seconds: Annotated[float, msgspec.Meta(gt=0, le=900)] = 60.0


class FinishWrapUp(Request, frozen=True, tag="finish_wrap_up", kw_only=True):
    """Done wrapping up: the disposition (one of the queue's) and a note go into the history."""

    work_id: WorkId
    disposition: Label | None = None
    note: Annotated[str, msgspec.Meta(max_length=NOTE_MAX)] | None = None


class SetNextPresence(Request, frozen=True, tag="set_next_presence", kw_only=True):
    """Take this presence when the last open session and wrap-up end ("Away after these
    sessions"); applied at once when nothing is open. `presence` None cancels it."""

    presence: Presence | None
    custom: Label | None = None


class ClearPenalty(Request, frozen=True, tag="clear_penalty", kw_only=True):
    """Supervisor only: end an agent's repeat-miss penalty now (`reset_presence` does too)."""

    agent: UserId


class ListQueues(Request, frozen=True, tag="list_queues", kw_only=True):
    """Supervisor only: every queue's statistics; also subscribes to `queue_updated`."""


DepthRequest = ExtendWrapUp | FinishWrapUp | SetNextPresence | ClearPenalty | ListQueues

# --- server -> client ----------------------------------------------------------------------


class Queues(Reply, frozen=True, tag="queues", kw_only=True):
    queues: list[QueueStats]
    server_time: float
    """The longest wait of a queue is `server_time - oldest_waiting_since`."""


class WrapUpChanged(Message, frozen=True, tag="wrap_up_changed", kw_only=True):
    """A wrap-up started (a session closed) or was extended: show the countdown to `ends_at`."""

    wrap_up: WrapUp


class WrapUpEnded(Message, frozen=True, tag="wrap_up_ended", kw_only=True):
    work_id: WorkId
    reason: Reason
    """`wrap_up_done` (the agent said done) or `wrap_up_timeout`."""


class NextPresenceChanged(Message, frozen=True, tag="next_presence_changed", kw_only=True):
    """The next status was set, cancelled, or applied (then `next_presence` is None and a
    `presence_changed` with reason `next_status` follows)."""

    next_presence: NextPresence | None


class QueueUpdated(Message, frozen=True, tag="queue_updated", kw_only=True):
    """Pushed to supervisors who listed queues, whenever a queue's statistics change."""

    queue: QueueStats


DepthEvent = WrapUpChanged | WrapUpEnded | NextPresenceChanged | QueueUpdated
"""The routing-depth events; `messages.PushedEvent` joins them to `ServerEvent`, and the
desktop's reducer is exhaustive over both. The server sends them only where configured or asked
for (wrap-up time, next status, queue statistics)."""
