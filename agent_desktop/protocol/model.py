"""Values carried inside messages: work items, offers, sessions, presence, alerts, agents.

All are frozen msgspec structs, so decoding validates types and the same definitions emit the
JSON Schema. Times are server wall-clock seconds since the Unix epoch (floats).
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from agent_desktop.protocol.vocabulary import (
    AlertId,
    AlertKind,
    CallState,
    Channel,
    ContactId,
    FieldKey,
    NotificationKind,
    OfferId,
    OfferState,
    Origin,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    Role,
    Sender,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)

Label = Annotated[str, msgspec.Meta(max_length=100)]
"""Titles, button labels and field labels are at most 100 characters (admin-defined)."""
Text = Annotated[str, msgspec.Meta(max_length=10_000)]
"""A chat or SMS message body."""
ShortText = Annotated[str, msgspec.Meta(max_length=500)]


class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=False):
    """Base of every wire value: immutable, and unknown fields are an error, not ignored."""


class Customer(Struct, frozen=True):
    name: ShortText
    phone: ShortText | None = None
    email: ShortText | None = None
    contact_id: ContactId | None = None
    """Set when the customer is linked to a known contact (e.g. SMS by mobile phone)."""
    account: ShortText | None = None


class CaseRecord(Struct, frozen=True):
    case_number: ShortText
    title: ShortText
    status: ShortText = "active"
    priority: ShortText = "normal"
    description: Text = ""


class ChatMessage(Struct, frozen=True):
    msg_id: str
    sender: Sender
    text: Text
    at: float
    client_msg_id: str | None = None
    """The sending client's own id, so a message resent after a reconnect is stored once."""


class Call(Struct, frozen=True):
    state: CallState
    muted: bool = False


class WorkItem(Struct, frozen=True):
    work_id: WorkId
    channel: Channel
    queue: QueueId
    customer: Customer
    subject: ShortText = ""
    priority: int = 0
    origin: Origin = Origin.NEW
    bot_summary: Text | None = None
    case: CaseRecord | None = None
    state: WorkState = WorkState.QUEUED
    created_at: float = 0.0


class TemplateField(Struct, frozen=True):
    label: Label
    value: ShortText
    key: FieldKey | None = None
    """What the field shows, so a client can label it in its own language (`label` is English)."""
    number: float | None = None
    """The number behind `value` (seconds waited, priority), for a client to format itself."""


class Notification(Struct, frozen=True):
    """A notification template rendered for one offer: what the agent is shown."""

    kind: NotificationKind
    title: Label
    fields: Annotated[list[TemplateField], msgspec.Meta(max_length=4)]
    accept_label: Label
    reject_label: Label | None
    """None when the offer cannot be rejected (case assignment, auto-assign, template says so)."""
    wait_time_s: Annotated[float, msgspec.Meta(ge=0, le=500)]
    show_timeout: bool


class Offer(Struct, frozen=True):
    offer_id: OfferId
    work: WorkItem
    agent: UserId
    notification: Notification
    offered_at: float
    expires_at: float
    state: OfferState = OfferState.PENDING
    reason: Reason | None = None
    transcript: list[ChatMessage] = []
    """What the customer already wrote while waiting (the newest, see `earlier_messages`)."""
    earlier_messages: int = 0
    """Messages before `transcript` left out to keep the frame small (`get_transcript`)."""

    @property
    def rejectable(self) -> bool:
        return self.notification.reject_label is not None


class Session(Struct, frozen=True):
    session_id: SessionId
    work: WorkItem
    agent: UserId
    opened_at: float
    opened_reason: Reason
    transcript: list[ChatMessage] = []
    call: Call | None = None
    customer_left: bool = False
    earlier_messages: int = 0
    """Messages before `transcript` left out to keep the frame small (`get_transcript`)."""


# gc=False: a supervisor's listing holds one per agent (10,000), and every full collection of
# the app walked each of them; frozen and holding only values, it can form no cycle.
class PresenceInfo(Struct, frozen=True, gc=False):
    presence: Presence
    source: PresenceSource
    reason: Reason
    previous: Presence | None
    changed_at: float
    custom: Label | None = None
    """The admin-defined presence chosen ("Lunch"); `presence` is its base, which routing reads."""


class PresenceChange(Struct, frozen=True):
    """One entry of the presence timeline ("why am I Inactive?")."""

    presence: Presence
    source: PresenceSource
    reason: Reason
    previous: Presence | None
    changed_at: float
    by: UserId | None = None
    """Who made the change, when a person did (the agent or a supervisor)."""
    custom: Label | None = None


class WrapUp(Struct, frozen=True):
    """After-work time of a closed session: the queue's capacity stays reserved until
    `ends_at` (a countdown), or until the agent says done with a disposition and a note."""

    work_id: WorkId
    queue: QueueId
    started_at: float
    ends_at: float
    dispositions: list[Label] = []
    disposition_required: bool = False
    note_required: bool = False


class NextPresence(Struct, frozen=True):
    """The presence the agent takes when their last session (and wrap-up) ends."""

    presence: Presence
    custom: Label | None = None
    set_at: float = 0.0


class CustomPresence(Struct, frozen=True):
    """An admin-defined presence an agent may choose; routing follows `base`."""

    name: Label
    colour: ShortText
    base: Presence


class Alert(Struct, frozen=True):
    alert_id: AlertId
    kind: AlertKind
    message: ShortText
    raised_at: float
    work_id: WorkId | None = None
    channel: Channel | None = None
    """The work's channel and customer, so a client can say `message` in its own language."""
    customer: ShortText | None = None
    reason: Reason | None = None
    """Set where the kind alone does not say why: a `missed` alert with reason
    `repeat_misses` is the repeat-miss penalty's (rule 14), not a plain miss."""
    until: float | None = None
    """When the alert's condition ends by itself: the repeat-miss penalty's end (server time),
    so the agent sees the time left without a resync."""


class Toast(Struct, frozen=True):
    """Information with no decision: assignment, transfer, escalation. Dismisses itself."""

    title: Label
    fields: list[TemplateField]
    session_id: SessionId
    origin: Origin
    reason: Reason
    dismiss_after_s: float = 8.0
    queue_name: ShortText | None = None
    """Set when `title` is the server's own "Assigned: <queue>" (no template title), so a client
    can say it in its own language."""


class QueueView(Struct, frozen=True):
    """A queue as clients see it: where work can be transferred or escalated to."""

    queue: QueueId
    name: ShortText
    channel: Channel


class QueueStats(Struct, frozen=True):
    """One row of the supervisor's queue table (`list_queues`, `queue_updated`).

    `estimated_wait_s` is what a new arrival would wait (see docs/protocol.md for the
    estimator); None when no agent of the queue is in a presence that takes its work."""

    queue: QueueId
    name: ShortText
    channel: Channel
    waiting: int
    oldest_waiting_since: float | None
    """Arrival of the item waiting longest; its wait is the current time minus this."""
    estimated_wait_s: float | None
    average_handle_s: float
    agents_available: int
    agents_busy: int
    agents_away: int
    offers_in_flight: int
    missed_last_hour: int
    rejected_last_hour: int


# Untracked (gc=False) and with tuples, not lists, for the same reason as PresenceInfo: a
# listing of 10,000 agents left 40,000 objects for every full collection to walk (~8 ms each).
class AgentView(Struct, frozen=True, gc=False):
    """One row of the supervisor's live table."""

    agent: UserId
    display_name: ShortText
    role: Role
    presence: PresenceInfo
    connected: bool
    sessions: int
    pending_offers: int
    alerts: tuple[AlertKind, ...]
    queues: tuple[QueueId, ...]
    capacity_used: int
    capacity: int
    wrap_ups: int = 0
    """Closed sessions the agent is still wrapping up (their capacity stays used)."""
    penalty_until: float | None = None
    """Out of queue routing until then for repeated missed offers; `clear_penalty` ends it."""
    next_presence: NextPresence | None = None
    """What the agent becomes when their last session and wrap-up end."""


class HistoryEntry(Struct, frozen=True):
    at: float
    event: ShortText
    detail: ShortText = ""
    agent: UserId | None = None
    reason: Reason | None = None
