"""The engine's durable records: what it keeps per work item, offer, session, agent and alert.

These are mutable msgspec structs (the engine's working set) that encode to the opaque bytes the
`Store` keeps. Wire values (`WorkItem`, `Offer`, `Session`, ...) are built from them on demand,
so the wire stays frozen while the working set can change in place.

What grows is stored apart from what changes: each chat/SMS message is its own record (kind
"message", key "<work_id>:<seq>"), so a message writes one small record however long the
transcript is; work and session records are stored without their transcript and message ids,
which the engine rebuilds from the message records at load. Finished things move to their own
kinds ("work_closed", "offer_ended", "alert_cleared"): a restart loads only what is still open,
and history is read back on demand.
"""

from __future__ import annotations

from typing import Final, TypeVar

import msgspec

from agent_desktop.protocol.model import (
    Alert,
    Call,
    ChatMessage,
    HistoryEntry,
    NextPresence,
    Notification,
    PresenceChange,
    PresenceInfo,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    OfferId,
    OfferState,
    QueueId,
    Reason,
    SessionId,
    UserId,
    WorkId,
)


class WorkRecord(msgspec.Struct, kw_only=True):
    item: WorkItem
    """The wire view; replaced (it is frozen) whenever state, queue or origin change."""
    seq: int
    """Arrival order, the last tie-breaker of the queue's FIFO."""
    transcript: list[ChatMessage] = msgspec.field(default_factory=list)
    """In memory only: stored as message records (`encode_work` leaves it out)."""
    history: list[HistoryEntry] = msgspec.field(default_factory=list)
    offer_id: OfferId | None = None
    """The pending offer, while the item is `offered`."""
    session_id: SessionId | None = None
    """The open session, while the item is `assigned`."""
    declined_by: list[UserId] = msgspec.field(default_factory=list)
    """Agents who rejected, missed or could not take it: routing prefers anyone else."""
    customer_left: bool = False
    carried_call: Call | None = None
    """A transferred call's state, handed to the next session that opens for this item."""


class OfferRecord(msgspec.Struct, kw_only=True):
    offer_id: OfferId
    work_id: WorkId
    agent: UserId
    notification: Notification
    offered_at: float
    expires_at: float
    state: OfferState = OfferState.PENDING
    reason: Reason | None = None
    held: bool = False
    """Expired while its agent was disconnected: kept for the agent until the reroute grace."""


class SessionRecord(msgspec.Struct, kw_only=True):
    session_id: SessionId
    work_id: WorkId
    agent: UserId
    opened_at: float
    opened_reason: Reason
    call: Call | None = None
    client_msg_ids: list[str] = msgspec.field(default_factory=list)
    """Ids of the agent's messages already stored, so a resend after a reconnect is stored once.
    In memory only: rebuilt from the message records of this session (`encode_session`)."""


class MessageRecord(msgspec.Struct, kw_only=True):
    """One transcript line, stored alone under `message_key` when it is added."""

    session_id: SessionId | None
    """The session the agent wrote it in (for the resend dedupe); None for customer/system."""
    message: ChatMessage


class AgentRecord(msgspec.Struct, kw_only=True):
    user: UserId
    presence: PresenceInfo
    last_work_at: float
    """Last offer/assignment, last session close, or login: routing picks the smallest."""
    auto_dnd: bool = False
    """busy_dnd was set by the system because capacity was full (so it may lift by itself)."""
    disconnected_at: float | None = None
    before_disconnect: PresenceInfo | None = None
    auto_dnd_before_disconnect: bool = False
    misses: list[float] = msgspec.field(default_factory=list)
    """When the agent missed offers, within the repeat-miss window (rule 14)."""
    next_presence: NextPresence | None = None
    """Rule 15: the presence to take when the last session and wrap-up end."""
    penalty_until: float | None = None
    """Out of queue routing until then for repeated misses (rule 14); None: no penalty."""


class WrapUpRecord(msgspec.Struct, kw_only=True):
    """A closed session's wrap-up: the queue's capacity stays reserved until `ends_at`."""

    work_id: WorkId
    agent: UserId
    queue: QueueId
    cost: int
    started_at: float
    ends_at: float


class AlertRecord(msgspec.Struct, kw_only=True):
    agent: UserId
    alert: Alert
    cleared: bool = False
    """Resolved or dismissed: kept so a late dismiss is acknowledged, not "unknown"."""


class Counters(msgspec.Struct, kw_only=True):
    """Id counters, persisted so ids never repeat across restarts."""

    work: int = 1000
    offer: int = 1000
    session: int = 1000
    alert: int = 1000
    case: int = 1000
    seq: int = 0
    timeline: int = 0
    closed: int = 0
    """Work items ever closed: `accounting()` counts them without holding them in memory."""


class QueueHistory(msgspec.Struct, kw_only=True):
    """What one queue's statistics learnt from the past: its last handle times (seconds) and
    when its offers were missed or rejected in the last hour (epoch seconds). Persisted, one
    record per queue (`queue_history_key`), so a restart does not reset the estimate to the
    configured guess and a change rewrites only its own queue's record."""

    handle_s: list[float] = msgspec.field(default_factory=list)
    missed_at: list[float] = msgspec.field(default_factory=list)
    rejected_at: list[float] = msgspec.field(default_factory=list)


class TimelineRecord(msgspec.Struct, kw_only=True):
    agent: UserId
    change: PresenceChange


KIND_WORK: Final = "work"
"""Open work items (queued, offered, assigned)."""
KIND_WORK_CLOSED: Final = "work_closed"
KIND_OFFER: Final = "offer"
"""Pending offers."""
KIND_OFFER_ENDED: Final = "offer_ended"
KIND_SESSION: Final = "session"
"""Open sessions; a closed one is deleted (its work item's history tells the rest)."""
KIND_MESSAGE: Final = "message"
KIND_AGENT: Final = "agent"
KIND_ALERT: Final = "alert"
"""Alerts still shown to their agent."""
KIND_ALERT_CLEARED: Final = "alert_cleared"
KIND_TIMELINE: Final = "timeline"
KIND_WRAP_UP: Final = "wrap_up"
"""Wrap-ups still running; an ended one is deleted (the work item's history tells the rest)."""
KIND_META: Final = "meta"
META_COUNTERS: Final = "counters"
META_QUEUE_HISTORY: Final = "queue_history/"
"""The prefix of the meta keys of `QueueHistory` records: `queue_history/<queue id>`."""


def queue_history_key(queue_id: str) -> str:
    return META_QUEUE_HISTORY + queue_id


_encoder: Final = msgspec.msgpack.Encoder()
R = TypeVar("R")


def encode_record(record: msgspec.Struct) -> bytes:
    return _encoder.encode(record)


def encode_work(work: WorkRecord) -> bytes:
    """The work record without its transcript (each message is a record of its own)."""
    if not work.transcript:
        return _encoder.encode(work)
    return _encoder.encode(msgspec.structs.replace(work, transcript=[]))


def encode_session(session: SessionRecord) -> bytes:
    """The session record without its message ids (they are in its message records)."""
    if not session.client_msg_ids:
        return _encoder.encode(session)
    return _encoder.encode(msgspec.structs.replace(session, client_msg_ids=[]))


def message_prefix(work_id: WorkId) -> str:
    return f"{work_id}:"


def message_key(work_id: WorkId, seq: int) -> str:
    """Zero-padded, so a work item's messages read back in order as a key range."""
    return f"{work_id}:{seq:08d}"


def decode_record(data: bytes, kind: type[R]) -> R:
    return msgspec.msgpack.decode(data, type=kind)
