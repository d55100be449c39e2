"""What the core itself tells the reducer, beside the server's events (`ServerEvent`)."""

from __future__ import annotations

from dataclasses import dataclass

from agent_desktop.protocol.messages import ServerEvent
from agent_desktop.protocol.model import AgentView
from agent_desktop.protocol.vocabulary import ErrorCode
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
class MessageDiscarded:
    """The agent cleared a failed message from the outbox."""

    client_msg_id: str


@dataclass(frozen=True, slots=True)
class AgentsListed:
    agents: tuple[AgentView, ...]


@dataclass(frozen=True, slots=True)
class AlertRemoved:
    """A client-side alert dismissed, or a server alert whose dismissal was acknowledged."""

    alert_id: str


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
    ServerEvent
    | LinkChanged
    | SignedIn
    | ClockSynced
    | Tick
    | MessageQueued
    | MessageAcked
    | MessageRefused
    | MessageDiscarded
    | AgentsListed
    | AlertRemoved
    | ToastDismissed
    | CredentialsNoticed
    | SignedOut
)
