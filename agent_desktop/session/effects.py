"""What the reducer asks the shell to do besides showing the new state. Effects are data.

Two kinds:

- Notifications (`OfferArrived`, `OfferLeft`, `ToastArrived`, `AlertArrived`, and
  `OfferEscalated` from the escalation ladder): the shell pairs
  each with a `NotificationDecision` from the policy and hands both to the UI as an
  `Announcement`; the UI decides *how* to show them.
- Commands (`SendAccept`, `SendChat`, `SendDismiss`, `AcceptDropped`, `AcceptConfirmed`,
  `StartTimer`, `CancelTimer`, `Connect`): the shell performs them (send on the link, settle a
  waiting intent, arm a loop timer, open a connection) and reports what happened as events.
  Which request goes out when, which timer runs and when to reconnect is decided by the
  reducer alone.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from agent_desktop.protocol.vocabulary import OfferId, OfferState, Reason
from agent_desktop.session.ladder import OfferEscalated
from agent_desktop.session.state import OutgoingMessage, PendingOffer, ShownAlert, ShownToast

# --- notifications ---------------------------------------------------------------------------


class OfferArrived(msgspec.Struct, frozen=True):
    """A new offer: raise its notification (Accept/Reject, or Open for a case)."""

    offer: PendingOffer


class OfferLeft(msgspec.Struct, frozen=True):
    """An offer left the desktop: remove its notification and stop its sound.

    `outcome` is None when it expired locally or vanished from a resync snapshot.
    """

    offer_id: OfferId
    outcome: OfferState | None
    reason: Reason | None


class ToastArrived(msgspec.Struct, frozen=True):
    toast: ShownToast


class AlertArrived(msgspec.Struct, frozen=True):
    alert: ShownAlert


Notification = OfferArrived | OfferLeft | ToastArrived | AlertArrived | OfferEscalated

# --- commands --------------------------------------------------------------------------------


class SendAccept(msgspec.Struct, frozen=True):
    """Send `accept_offer` for this offer; report the reply as `AcceptAnswered`, a lost link as
    `AcceptUnsent`."""

    offer_id: OfferId


class SendChat(msgspec.Struct, frozen=True):
    """Send this chat message; report `MessageAcked`, `MessageRefused` or `MessageUnsent`."""

    message: OutgoingMessage


class SendDismiss(msgspec.Struct, frozen=True):
    """Tell the server to drop an alert that is no longer true (best effort: a refusal or a
    lost link changes nothing; the next snapshot would bring it back to be judged again)."""

    alert_id: str


class AcceptDropped(msgspec.Struct, frozen=True):
    """A queued accept will never be sent (the deadline passed offline): tell whoever waits."""

    offer_id: OfferId
    reason: str


class AcceptConfirmed(msgspec.Struct, frozen=True):
    """A resync shows the session of an offer whose accept lost its reply: it worked."""

    offer_id: OfferId


class Timer(StrEnum):
    DEADLINE = "deadline"
    """Fires `Tick` at the next offer expiry or toast dismissal."""
    RETRY = "retry"
    """Fires `RetryDue` when the backoff pause before the next connection attempt is over."""
    LADDER = "ladder"
    """Fires `Tick` when the next rung of an unanswered offer's escalation ladder is due."""


class StartTimer(msgspec.Struct, frozen=True):
    """(Re)arm `timer` to fire at local clock time `at`."""

    at: float
    timer: Timer = Timer.DEADLINE


class CancelTimer(msgspec.Struct, frozen=True):
    """Nothing is due for `timer` any more: stop it."""

    timer: Timer = Timer.DEADLINE


class Connect(msgspec.Struct, frozen=True):
    """Open a new connection now (the pause after a drop is over, or the agent asked)."""


Command = (
    SendAccept
    | SendChat
    | SendDismiss
    | AcceptDropped
    | AcceptConfirmed
    | StartTimer
    | CancelTimer
    | Connect
)
Effect = Notification | Command
