"""What the notification layer is asked to show, and who hears the agent's answer.

`session/` decides *whether and what* to notify (STYLE.md point 10); these plain values are
its intents. `ui/notify` only decides *how*. A notice never carries a countdown: the OS
notification must not show the timeout (DESIGN.md, notification template), and the in-app
view renders its own countdown from the offer's `expires_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId, SessionId
from agent_desktop.session.state import AgentState, ShownToast, ToastId


@dataclass(frozen=True, slots=True)
class OfferKey:
    """A notice about a pending offer: it may show while the offer is in `state.offers`."""

    offer_id: OfferId


@dataclass(frozen=True, slots=True)
class ToastKey:
    """A notice about a toast: it may show while the toast is in `state.toasts`."""

    toast_id: ToastId
    session_id: SessionId
    """The toast's session, which a click on the notice opens."""

    @staticmethod
    def of(shown: ShownToast) -> ToastKey:
        return ToastKey(shown.toast_id, shown.toast.session_id)


@dataclass(frozen=True, slots=True)
class MessageKey:
    """A notice about what a customer wrote in a session: one per session, the newest shown.

    It may show while the session is open; the app also takes it back when the agent returns.
    """

    session_id: SessionId


NoticeKey = OfferKey | ToastKey | MessageKey
"""What a notice is about; every notice showing anywhere is keyed by one."""


def is_live(state: AgentState, key: NoticeKey) -> bool:
    """May a notice with this key still be on the desktop? Only while its offer is pending
    (or its toast is up, or its session open): however the offer ended, its notice must go."""
    if isinstance(key, OfferKey):
        return state.offer(key.offer_id) is not None
    if isinstance(key, MessageKey):
        return state.session(key.session_id) is not None
    return state.toast(key.toast_id) is not None


@dataclass(frozen=True, slots=True)
class Notice:
    """One offer (kind `alert`) or one piece of information (kind `toast`) to show.

    `key` keys every answer and every withdrawal.
    """

    key: NoticeKey
    title: str
    lines: tuple[str, ...]
    """Body lines, e.g. the template's fields rendered as "Customer: Ann Lee"."""
    kind: NotificationKind
    timeout_s: float
    """How long the OS may keep it up; the app also withdraws it when it is no longer live."""
    accept_label: str | None = "Accept"
    """None for a toast. "Open item" for a case, "Open" for an auto-assignment."""
    reject_label: str | None = "Reject"
    """None when the offer cannot be rejected (case, auto-assign, template) and for toasts."""
    urgent: bool = False
    """The escalation ladder's last call: shown with critical urgency where the OS has it. It
    tells "time is nearly up" without a number, so a hidden countdown stays hidden."""

    def __post_init__(self) -> None:
        # A toast is information with no decision: buttons on it would answer nothing.
        if self.kind is NotificationKind.TOAST and (self.accept_label or self.reject_label):
            raise ValueError("a toast has no Accept/Reject buttons")
        if self.kind is NotificationKind.ALERT and not self.accept_label:
            raise ValueError("an offer needs an accept label")
        if self.kind is NotificationKind.ALERT and not isinstance(self.key, OfferKey):
            raise ValueError("an alert notice is about an offer")
        if self.timeout_s < 0:
            raise ValueError("timeout_s must not be negative")

    @property
    def body(self) -> str:
        return "\n".join(self.lines)

    @property
    def offer_id(self) -> OfferId | None:
        return self.key.offer_id if isinstance(self.key, OfferKey) else None


class NoticeResponder(Protocol):
    """Hears what the agent did with a notice, wherever it was shown.

    Implemented by the app's bridge to the session core; every call runs on the event loop.
    """

    def on_accept(self, offer_id: OfferId) -> None:
        """The Accept (or "Open item") button was pressed."""
        ...

    def on_reject(self, offer_id: OfferId) -> None:
        """The Reject button was pressed."""
        ...

    def on_open(self, key: NoticeKey) -> None:
        """The body was clicked: bring the window to front and show the offer (or session)."""
        ...

    def on_dismissed(self, key: NoticeKey) -> None:
        """The agent closed the notification without answering; the offer stays pending."""
        ...
