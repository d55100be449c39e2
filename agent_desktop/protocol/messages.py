"""Every message on the wire, one frozen type per message, tagged by `type`.

Client messages are requests: each carries an `id` chosen by the client, and the server answers
each with exactly one reply (`welcome`, `logged_in`, `ack`, a typed result, or `error`) whose `re`
names that id. Server events (`snapshot`, `offer_added`, ...) carry no `re`: they are pushed.

The first request on a connection must be `hello` (version negotiation), then `login`.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from agent_desktop.protocol.bookings import BookingEvent, BookingReply, BookingRequest

# Re-exported (`X as X`): the routing-depth messages belong to the protocol like the others.
from agent_desktop.protocol.depth_messages import (
    ClearPenalty as ClearPenalty,
)
from agent_desktop.protocol.depth_messages import (
    DepthEvent as DepthEvent,
)
from agent_desktop.protocol.depth_messages import (
    ExtendWrapUp as ExtendWrapUp,
)
from agent_desktop.protocol.depth_messages import (
    FinishWrapUp as FinishWrapUp,
)
from agent_desktop.protocol.depth_messages import (
    ListQueues as ListQueues,
)
from agent_desktop.protocol.depth_messages import (
    NextPresenceChanged as NextPresenceChanged,
)
from agent_desktop.protocol.depth_messages import (
    Queues as Queues,
)
from agent_desktop.protocol.depth_messages import (
    QueueUpdated as QueueUpdated,
)
from agent_desktop.protocol.depth_messages import (
    SetNextPresence as SetNextPresence,
)
from agent_desktop.protocol.depth_messages import (
    WrapUpChanged as WrapUpChanged,
)
from agent_desktop.protocol.depth_messages import (
    WrapUpEnded as WrapUpEnded,
)
from agent_desktop.protocol.envelope import Reply as Reply
from agent_desktop.protocol.envelope import ReqId as ReqId
from agent_desktop.protocol.envelope import Request as Request
from agent_desktop.protocol.envelope import _Message as _Message
from agent_desktop.protocol.model import (
    AgentView,
    Alert,
    Call,
    ChatMessage,
    CustomPresence,
    HistoryEntry,
    Label,
    NextPresence,
    Offer,
    PresenceChange,
    PresenceInfo,
    QueueView,
    Session,
    ShortText,
    Text,
    Toast,
    WorkItem,
    WrapUp,
)
from agent_desktop.protocol.transcript import GetTranscript as GetTranscript
from agent_desktop.protocol.transcript import TranscriptPage as TranscriptPage
from agent_desktop.protocol.vocabulary import (
    AlertId,
    CallAction,
    Channel,
    ErrorCode,
    OfferId,
    OfferState,
    Presence,
    QueueId,
    Reason,
    Role,
    SessionId,
    UserId,
    WorkId,
)

# --- client -> server ----------------------------------------------------------------------


class Hello(Request, frozen=True, tag="hello", kw_only=True):
    versions: Annotated[list[int], msgspec.Meta(min_length=1, max_length=16)]
    client: ShortText = ""


class Login(Request, frozen=True, tag="login", kw_only=True):
    """Log in with a password, or resume with a token from an earlier login."""

    user: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    token: Annotated[str, msgspec.Meta(max_length=256)] | None = None


class Logout(Request, frozen=True, tag="logout", kw_only=True):
    """Say goodbye: pending offers are rerouted at once.

    `revoke_token` False is a quit, not a sign-out: the app closes (or the machine sleeps) and
    the next start resumes silently with the same token.
    """

    revoke_token: bool = True
    everywhere: bool = False
    """Sign out everywhere: revoke every token of the account and close its other connections.
    Plain logout revokes only this connection's tokens (the one issued at its login and the one
    it resumed with); other devices stay signed in."""


class SetPresence(Request, frozen=True, tag="set_presence", kw_only=True):
    presence: Presence
    custom: Label | None = None
    """A custom presence's name; `presence` must then be its base."""


class AcceptOffer(Request, frozen=True, tag="accept_offer", kw_only=True):
    offer_id: OfferId


class RejectOffer(Request, frozen=True, tag="reject_offer", kw_only=True):
    offer_id: OfferId


class SendMessage(Request, frozen=True, tag="send_message", kw_only=True):
    session_id: SessionId
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]
    client_msg_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class CallControl(Request, frozen=True, tag="call_control", kw_only=True):
    session_id: SessionId
    action: CallAction


class Transfer(Request, frozen=True, tag="transfer", kw_only=True):
    """Hand a session to a queue or to one agent. Exactly one target."""

    session_id: SessionId
    to_queue: QueueId | None = None
    to_agent: UserId | None = None


class Escalate(Request, frozen=True, tag="escalate", kw_only=True):
    session_id: SessionId
    to_queue: QueueId | None = None
    to_agent: UserId | None = None


class CloseSession(Request, frozen=True, tag="close_session", kw_only=True):
    session_id: SessionId


class DismissAlert(Request, frozen=True, tag="dismiss_alert", kw_only=True):
    alert_id: AlertId


class ResetPresence(Request, frozen=True, tag="reset_presence", kw_only=True):
    """Supervisor only: set another agent's presence (default back to available)."""

    agent: UserId
    presence: Presence = Presence.AVAILABLE
    custom: Label | None = None


AGENT_PAGE_DEFAULT = 250
"""Rows in an `agents` page when `list_agents` names no `limit`."""
AGENT_PAGE_MAX = 1000
"""The most rows one `agents` page carries: ~330 bytes a row keeps a page far below 1 MiB."""


class ListAgents(Request, frozen=True, tag="list_agents", kw_only=True):
    """Supervisor only: one page of the agent list, sorted by agent id.

    Also subscribes this connection to `agent_updated` events. The first page has no `after`;
    the next one names the `next` of the page before, until a page comes with `next` null.
    """

    after: UserId | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=AGENT_PAGE_MAX)] = AGENT_PAGE_DEFAULT


class GetPresenceTimeline(Request, frozen=True, tag="get_presence_timeline", kw_only=True):
    """An agent's own timeline; a supervisor may name any agent."""

    agent: UserId | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=500)] = 50


class SyncClock(Request, frozen=True, tag="sync_clock", kw_only=True):
    pass


class CreateWork(Request, frozen=True, tag="create_work", kw_only=True):
    """Tester/supervisor: a customer arrives. `phone` links an SMS to a contact."""

    channel: Channel
    queue: QueueId
    customer_name: ShortText | None = None
    phone: ShortText | None = None
    email: ShortText | None = None
    subject: ShortText = ""
    priority: Annotated[int, msgspec.Meta(ge=0, le=10)] = 0
    bot_summary: Text | None = None
    """Set for a voice call or chat the bot hands over: origin becomes bot_escalation."""
    case_title: ShortText | None = None
    agent: UserId | None = None
    """Offer to this agent directly instead of routing."""


class CustomerMessage(Request, frozen=True, tag="customer_message", kw_only=True):
    work_id: WorkId
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]


class CustomerEnd(Request, frozen=True, tag="customer_end", kw_only=True):
    work_id: WorkId


class GetWork(Request, frozen=True, tag="get_work", kw_only=True):
    work_id: WorkId


ClientMessage = (
    Hello
    | Login
    | Logout
    | SetPresence
    | AcceptOffer
    | RejectOffer
    | SendMessage
    | CallControl
    | Transfer
    | Escalate
    | CloseSession
    | DismissAlert
    | ResetPresence
    | ListAgents
    | GetPresenceTimeline
    | SyncClock
    | CreateWork
    | CustomerMessage
    | CustomerEnd
    | GetWork
    | GetTranscript
    | BookingRequest
    | ExtendWrapUp
    | FinishWrapUp
    | ClearPenalty
    | SetNextPresence
    | ListQueues
)


# --- server -> client: replies ---------------------------------------------------------------


class Welcome(Reply, frozen=True, tag="welcome", kw_only=True):
    version: int
    server_time: float
    server: str


class LoggedIn(Reply, frozen=True, tag="logged_in", kw_only=True):
    user: UserId
    role: Role
    display_name: str
    token: str
    token_expires_at: float
    server_time: float
    queues: list[QueueView] = msgspec.field(default_factory=list)
    """Every queue, for choosing where to transfer or escalate."""


class Ack(Reply, frozen=True, tag="ack", kw_only=True):
    pass


class Error(_Message, frozen=True, tag="error", kw_only=True):
    """The request named by `re` changed nothing. `re` is None when the frame had no id."""

    re: str | None
    code: ErrorCode
    message: str


class Agents(Reply, frozen=True, tag="agents", kw_only=True):
    """A page of the agent list, sorted by agent id."""

    agents: list[AgentView]
    next: UserId | None = None
    """Set when more rows follow: send it as `after` for the next page."""


class PresenceTimeline(Reply, frozen=True, tag="presence_timeline", kw_only=True):
    agent: UserId
    changes: list[PresenceChange]


class ClockReading(Reply, frozen=True, tag="clock", kw_only=True):
    server_time: float


class WorkCreated(Reply, frozen=True, tag="work_created", kw_only=True):
    work: WorkItem


class WorkInfo(Reply, frozen=True, tag="work_info", kw_only=True):
    work: WorkItem
    transcript: list[ChatMessage]
    """The newest messages; `earlier_messages` more come with `get_transcript`."""
    history: list[HistoryEntry]
    agent: UserId | None = None
    offer_id: OfferId | None = None
    session_id: SessionId | None = None
    queue_position: int | None = None
    """While queued: 1 = the next item of its queue to be routed."""
    estimated_wait_s: float | None = None
    """While queued: the queue's estimate for that position (None: nobody staffs it now)."""
    earlier_messages: int = 0


# --- server -> client: events ----------------------------------------------------------------


class Snapshot(_Message, frozen=True, tag="snapshot", kw_only=True):
    """Everything the agent's desktop shows, sent after login and after every resume."""

    presence: PresenceInfo
    offers: list[Offer]
    sessions: list[Session]
    alerts: list[Alert]
    server_time: float
    custom_presences: list[CustomPresence] = msgspec.field(default_factory=list)
    """The admin-defined presences this agent may choose (`set_presence` with `custom`)."""
    wrap_ups: list[WrapUp] = msgspec.field(default_factory=list)
    """Closed sessions still in wrap-up, each with its deadline."""
    penalty_until: float | None = None
    """Out of queue routing until then for repeated missed offers."""
    next_presence: NextPresence | None = None
    """The presence chosen for when the last session and wrap-up end."""


class OfferAdded(_Message, frozen=True, tag="offer_added", kw_only=True):
    offer: Offer


class OfferEnded(_Message, frozen=True, tag="offer_ended", kw_only=True):
    offer_id: OfferId
    state: OfferState
    reason: Reason


class SessionOpened(_Message, frozen=True, tag="session_opened", kw_only=True):
    session: Session
    toast: Toast | None = None
    """Set for assignments, transfers and escalations, which open without a decision."""


class SessionUpdated(_Message, frozen=True, tag="session_updated", kw_only=True):
    """Call state or customer-left changed; the transcript travels in `message_added`."""

    session_id: SessionId
    call: Call | None
    customer_left: bool


class MessageAdded(_Message, frozen=True, tag="message_added", kw_only=True):
    session_id: SessionId
    message: ChatMessage


class SessionClosed(_Message, frozen=True, tag="session_closed", kw_only=True):
    session_id: SessionId
    reason: Reason


class PresenceChanged(_Message, frozen=True, tag="presence_changed", kw_only=True):
    presence: PresenceInfo


class AlertRaised(_Message, frozen=True, tag="alert_raised", kw_only=True):
    alert: Alert


class AlertCleared(_Message, frozen=True, tag="alert_cleared", kw_only=True):
    alert_id: AlertId


class AgentUpdated(_Message, frozen=True, tag="agent_updated", kw_only=True):
    """Pushed to supervisors who listed agents, whenever a row of their table changes."""

    agent: AgentView


ServerReply = (
    Welcome
    | LoggedIn
    | Ack
    | Error
    | Agents
    | PresenceTimeline
    | ClockReading
    | WorkCreated
    | WorkInfo
    | TranscriptPage
    | BookingReply
    | Queues
)
ServerEvent = (
    Snapshot
    | OfferAdded
    | OfferEnded
    | SessionOpened
    | SessionUpdated
    | MessageAdded
    | SessionClosed
    | PresenceChanged
    | AlertRaised
    | AlertCleared
    | AgentUpdated
)


PushedEvent = ServerEvent | DepthEvent | BookingEvent
"""Everything the server pushes."""
ServerMessage = ServerReply | PushedEvent
