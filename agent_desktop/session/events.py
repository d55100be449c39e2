"""What the core itself tells the reducer, beside the server's pushed events
(`PushedEvent`: `ServerEvent` and the routing-depth `DepthEvent`)."""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.messages import PushedEvent
from agent_desktop.protocol.model import AgentView, ChatMessage, QueueStats
from agent_desktop.protocol.vocabulary import ErrorCode, OfferId, SessionId
from agent_desktop.session.notification_log import NotificationLogEvent
from agent_desktop.session.state import Connection, Identity, OutgoingMessage, ShownToast


class LinkChanged(msgspec.Struct, frozen=True):
    connection: Connection


class SignedIn(msgspec.Struct, frozen=True):
    identity: Identity
    clock_offset: float


class ClockSynced(msgspec.Struct, frozen=True):
    clock_offset: float


class Tick(msgspec.Struct, frozen=True):
    """The clock moved: apply local deadlines (offer expiry, toast dismissal)."""


class RetryDue(msgspec.Struct, frozen=True):
    """The pause before the next connection attempt is over (its timer fired, or the agent
    asked to reconnect now)."""


class MessageQueued(msgspec.Struct, frozen=True):
    message: OutgoingMessage


class MessageAcked(msgspec.Struct, frozen=True):
    client_msg_id: str


class MessageRefused(msgspec.Struct, frozen=True):
    client_msg_id: str
    code: ErrorCode
    error: str


class MessageUnsent(msgspec.Struct, frozen=True):
    """The link was lost before the message's ack: it goes back to the queue."""

    client_msg_id: str


class AcceptPressed(msgspec.Struct, frozen=True):
    """The agent accepted (or opened) an offer: sent now if online, else when the link is back."""

    offer_id: OfferId


class AcceptAnswered(msgspec.Struct, frozen=True):
    """The server's reply to an accept: `code` None for the ack, else the refusal."""

    offer_id: OfferId
    code: ErrorCode | None = None
    error: str = ""


class AcceptUnsent(msgspec.Struct, frozen=True):
    """The link was lost before the accept's reply: send it again after the resume."""

    offer_id: OfferId


class MessageDiscarded(msgspec.Struct, frozen=True):
    """The agent cleared a failed message from the outbox."""

    client_msg_id: str


class AgentsListed(msgspec.Struct, frozen=True):
    agents: tuple[AgentView, ...]


class EarlierMessagesLoaded(msgspec.Struct, frozen=True):
    """A page of a session's earlier messages (`get_transcript`), to go before what it shows."""

    session_id: SessionId
    before: str
    """The message the page ends before: the page applies only if it is still the first."""
    messages: tuple[ChatMessage, ...]
    earlier_messages: int


class AlertRemoved(msgspec.Struct, frozen=True):
    """A client-side alert dismissed, or a server alert whose dismissal was acknowledged."""

    alert_id: str


class QueuesListed(msgspec.Struct, frozen=True):
    """Supervisors: the `queues` reply to `list_queues` (then `queue_updated` keeps it live)."""

    queues: tuple[QueueStats, ...]


class ToastDismissed(msgspec.Struct, frozen=True):
    toast: ShownToast


class CredentialsNoticed(msgspec.Struct, frozen=True):
    notice: str | None


class SignedOut(msgspec.Struct, frozen=True):
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
