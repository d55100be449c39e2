"""The engine's durable records: what it keeps per work item, offer, session, agent and alert.

These are mutable msgspec structs (the engine's working set) that encode to the opaque bytes the
`Store` keeps. Wire values (`WorkItem`, `Offer`, `Session`, ...) are built from them on demand,
so the wire stays frozen while the working set can change in place.
"""

from __future__ import annotations

from typing import Final, TypeVar

import msgspec

from agent_desktop.protocol.model import (
    Alert,
    Call,
    ChatMessage,
    HistoryEntry,
    Notification,
    PresenceChange,
    PresenceInfo,
    WorkItem,
)
from agent_desktop.protocol.vocabulary import (
    OfferId,
    OfferState,
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
    """Ids of the agent's messages already stored, so a resend after a reconnect is stored once."""


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


class TimelineRecord(msgspec.Struct, kw_only=True):
    agent: UserId
    change: PresenceChange


KIND_WORK: Final = "work"
KIND_OFFER: Final = "offer"
KIND_SESSION: Final = "session"
KIND_AGENT: Final = "agent"
KIND_ALERT: Final = "alert"
KIND_TIMELINE: Final = "timeline"
KIND_META: Final = "meta"
META_COUNTERS: Final = "counters"

_encoder: Final = msgspec.msgpack.Encoder()
R = TypeVar("R")


def encode_record(record: msgspec.Struct) -> bytes:
    return _encoder.encode(record)


def decode_record(data: bytes, kind: type[R]) -> R:
    return msgspec.msgpack.decode(data, type=kind)
