"""Every message on the wire, one frozen type per message, tagged by `type`.

Client messages are requests: each carries an `id` chosen by the client, and the server answers
each with exactly one reply (`welcome`, `logged_in`, `ack`, a typed result, or `error`) whose `re`
names that id. Server events (`snapshot`, `offer_added`, ...) carry no `re`: they are pushed.

The first request on a connection must be `hello` (version negotiation), then `login`.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

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

ReqId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class _Message(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", kw_only=True
):
    pass


class Request(_Message, frozen=True, kw_only=True):
    id: ReqId


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


class ListAgents(Request, frozen=True, tag="list_agents", kw_only=True):
    """Supervisor only. Also subscribes this connection to `agent_updated` events."""


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


# --- routing depth (issue 11): wrap-up, next status, penalties, queue statistics -------------


class ExtendWrapUp(Request, frozen=True, tag="extend_wrap_up", kw_only=True):
    """More time to wrap up the closed item: the deadline moves `seconds` later."""

    work_id: WorkId
    seconds: Annotated[float, msgspec.Meta(gt=0, le=900)] = 60.0


class FinishWrapUp(Request, frozen=True, tag="finish_wrap_up", kw_only=True):
    """Done wrapping up: the disposition (one of the queue's) and a note go into the history."""

    work_id: WorkId
    disposition: Label | None = None
    note: Text | None = None


class SetNextPresence(Request, frozen=True, tag="set_next_presence", kw_only=True):
    """Take this presence when the last open session and wrap-up end ("Away after these
    sessions"); applied at once when nothing is open. `presence` None cancels it."""

    presence: Presence | None
    custom: Label | None = None


class ClearPenalty(Request, frozen=True, tag="clear_penalty", kw_only=True):
    """Supervisor only: end an agent's repeat-miss penalty now (`reset_presence` does too)."""

    agent: UserId


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
    | ExtendWrapUp
    | FinishWrapUp
    | ClearPenalty
    | SetNextPresence
)


# --- server -> client: replies ---------------------------------------------------------------


class Reply(_Message, frozen=True, kw_only=True):
    re: str


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
    queues: list[QueueView] = []
    """Every queue, for choosing where to transfer or escalate."""


class Ack(Reply, frozen=True, tag="ack", kw_only=True):
    pass


class Error(_Message, frozen=True, tag="error", kw_only=True):
    """The request named by `re` changed nothing. `re` is None when the frame had no id."""

    re: str | None
    code: ErrorCode
    message: str


class Agents(Reply, frozen=True, tag="agents", kw_only=True):
    agents: list[AgentView]


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
    history: list[HistoryEntry]
    agent: UserId | None = None
    offer_id: OfferId | None = None
    session_id: SessionId | None = None


# --- server -> client: events ----------------------------------------------------------------


class Snapshot(_Message, frozen=True, tag="snapshot", kw_only=True):
    """Everything the agent's desktop shows, sent after login and after every resume."""

    presence: PresenceInfo
    offers: list[Offer]
    sessions: list[Session]
    alerts: list[Alert]
    server_time: float
    custom_presences: list[CustomPresence] = []
    """The admin-defined presences this agent may choose (`set_presence` with `custom`)."""
    wrap_ups: list[WrapUp] = []
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


class WrapUpChanged(_Message, frozen=True, tag="wrap_up_changed", kw_only=True):
    """A wrap-up started (a session closed) or was extended: show the countdown to `ends_at`."""

    wrap_up: WrapUp


class WrapUpEnded(_Message, frozen=True, tag="wrap_up_ended", kw_only=True):
    work_id: WorkId
    reason: Reason
    """`wrap_up_done` (the agent said done) or `wrap_up_timeout`."""


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


class NextPresenceChanged(_Message, frozen=True, tag="next_presence_changed", kw_only=True):
    """The next status was set, cancelled, or applied (then `next_presence` is None and a
    `presence_changed` with reason `next_status` follows)."""

    next_presence: NextPresence | None


DepthEvent = WrapUpChanged | WrapUpEnded | NextPresenceChanged
"""Events of the routing-depth pieces (issue 11). Kept apart from `ServerEvent` until the
desktop's session layer handles them (its reducer is exhaustive over `ServerEvent`); the server
sends them only where configured or asked for (wrap-up time, next status, queue statistics)."""
PushedEvent = ServerEvent | DepthEvent
"""Everything the server pushes."""
ServerMessage = ServerReply | PushedEvent
