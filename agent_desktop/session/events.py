"""What the core itself tells the reducer, beside the server's pushed events
(`PushedEvent`: `ServerEvent` and the routing-depth `DepthEvent`)."""

from __future__ import annotations

from dataclasses import dataclass

from agent_desktop.protocol.messages import PushedEvent
from agent_desktop.protocol.model import AgentView, ChatMessage, QueueStats
from agent_desktop.protocol.vocabulary import ErrorCode, OfferId, SessionId
from agent_desktop.session.notification_log import NotificationLogEvent
from agent_desktop.session.state import Connection, Identity, OutgoingMessage, ShownToast


@dataclass(frozen=True, slots=True)
class LinkChanged:
    connection: Connection


@dataclass(frozen=True, slots=True)
class SignedIn:
    identity: Identity
    clock_offset: float


@dataclass(frozen=True, slots=True)
class ClockSynced:
    clock_offset: float


@dataclass(frozen=True, slots=True)
class Tick:
    """The clock moved: apply local deadlines (offer expiry, toast dismissal)."""


@dataclass(frozen=True, slots=True)
class RetryDue:
    """The pause before the next connection attempt is over (its timer fired, or the agent
    asked to reconnect now)."""


@dataclass(frozen=True, slots=True)
class MessageQueued:
    message: OutgoingMessage


@dataclass(frozen=True, slots=True)
class MessageAcked:
    client_msg_id: str


@dataclass(frozen=True, slots=True)
class MessageRefused:
    client_msg_id: str
    code: ErrorCode
    error: str


@dataclass(frozen=True, slots=True)
class MessageUnsent:
    """The link was lost before the message's ack: it goes back to the queue."""

    client_msg_id: str


@dataclass(frozen=True, slots=True)
class AcceptPressed:
    """The agent accepted (or opened) an offer: sent now if online, else when the link is back."""

    offer_id: OfferId


@dataclass(frozen=True, slots=True)
class AcceptAnswered:
    """The server's reply to an accept: `code` None for the ack, else the refusal."""

    offer_id: OfferId
    code: ErrorCode | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class AcceptUnsent:
    """The link was lost before the accept's reply: send it again after the resume."""

    offer_id: OfferId


@dataclass(frozen=True, slots=True)
class MessageDiscarded:
    """The agent cleared a failed message from the outbox."""

    client_msg_id: str


@dataclass(frozen=True, slots=True)
class AgentsListed:
    agents: tuple[AgentView, ...]


@dataclass(frozen=True, slots=True)
class EarlierMessagesLoaded:
    """A page of a session's earlier messages (`get_transcript`), to go before what it shows."""

    session_id: SessionId
    before: str
    """The message the page ends before: the page applies only if it is still the first."""
    messages: tuple[ChatMessage, ...]
    earlier_messages: int


@dataclass(frozen=True, slots=True)
class AlertRemoved:
    """A client-side alert dismissed, or a server alert whose dismissal was acknowledged."""

    alert_id: str


@dataclass(frozen=True, slots=True)
class QueuesListed:
    """Supervisors: the `queues` reply to `list_queues` (then `queue_updated` keeps it live)."""

    queues: tuple[QueueStats, ...]


@dataclass(frozen=True, slots=True)
class ToastDismissed:
    toast: ShownToast


@dataclass(frozen=True, slots=True)
class CredentialsNoticed:
    notice: str | None


@dataclass(frozen=True, slots=True)
class SignedOut:
    """Logged out: the desktop empties."""


CoreEvent = (
    PushedEvent
    | LinkChanged
    | SignedIn
    | ClockSynced
    | Tick
    | RetryDue
    | MessageQueued
    | MessageAcked
    | MessageRefused
    | MessageUnsent
    | MessageDiscarded
    | AcceptPressed
    | AcceptAnswered
    | AcceptUnsent
    | AgentsListed
    | EarlierMessagesLoaded
    | QueuesListed
    | NotificationLogEvent
    | AlertRemoved
    | ToastDismissed
    | CredentialsNoticed
    | SignedOut
)
