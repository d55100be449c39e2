"""What the reducer asks the shell to do besides showing the new state: notify the user.

Effects are data. The shell (`AgentCore`) pairs each with a `NotificationDecision` from the
notification policy and hands both to the UI, which decides *how* to show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_desktop.protocol.vocabulary import OfferId, OfferState, Reason
from agent_desktop.session.state import PendingOffer, ShownAlert, ShownToast


@dataclass(frozen=True, slots=True)
class OfferArrived:
    """A new offer: raise its notification (Accept/Reject, or Open for a case)."""

    offer: PendingOffer


@dataclass(frozen=True, slots=True)
class OfferLeft:
    """An offer left the desktop: remove its notification and stop its sound.

    `outcome` is None when it expired locally or vanished from a resync snapshot.
    """

    offer_id: OfferId
    outcome: OfferState | None
    reason: Reason | None


@dataclass(frozen=True, slots=True)
class ToastArrived:
    toast: ShownToast


@dataclass(frozen=True, slots=True)
class AlertArrived:
    alert: ShownAlert


Effect = OfferArrived | OfferLeft | ToastArrived | AlertArrived
