"""The server's configuration: users, queues, notification templates, contacts and timings.

These types are the validated form of one TOML file (see `config_loader`). Every limit a broken
file could break is declared here, so validation happens in one place.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from agent_desktop.protocol.vocabulary import (
    Channel,
    ContactId,
    FieldKey,
    NotificationKind,
    Presence,
    QueueId,
    Role,
    UserId,
)
from agent_desktop.server.customer_notifications.config import CustomerNotificationsConfig

Label = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")]
Seconds = Annotated[float, msgspec.Meta(ge=0)]
Colour = Annotated[str, msgspec.Meta(pattern=r"^#[0-9A-Fa-f]{6}$")]
"""`#rrggbb`."""


class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


TemplateField = FieldKey
"""What a notification template may show, up to four of them (the wire names them the same)."""


class TemplateConfig(Struct, frozen=True, kw_only=True):
    title: Label
    # msgspec refuses a non-empty mutable default: a factory builds a fresh list each time.
    fields: Annotated[list[TemplateField], msgspec.Meta(max_length=4)] = msgspec.field(
        default_factory=lambda: [TemplateField.CUSTOMER_NAME, TemplateField.QUEUE]
    )
    kind: NotificationKind = NotificationKind.ALERT
    accept_label: Label = "Accept"
    reject_label: Label = "Reject"
    wait_time_s: Annotated[float, msgspec.Meta(ge=0, le=500)] = 120.0
    show_timeout: bool = True
    allow_reject: bool = True


class QueueConfig(Struct, frozen=True, kw_only=True):
    id: Name
    name: Label
    channel: Channel
    template: Name
    """Template for new work and bot escalations (an alert, or a toast on auto-accept queues)."""
    toast_template: Name | None = None
    """Template for transfers, escalations and auto-accepted work; a built-in one if unset."""
    allowed_presences: Annotated[list[Presence], msgspec.Meta(min_length=1)] = msgspec.field(
        default_factory=lambda: [Presence.AVAILABLE, Presence.BUSY]
    )
    capacity_cost: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 10
    auto_accept: bool = False
    allow_reject: bool = True
    missed_alerts: bool = True
    reject_alerts: bool = True
    wrap_up_s: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 0.0
    """After a session closes, the agent keeps this queue's capacity this long to wrap up
    (0: no wrap-up)."""
    dispositions: Annotated[list[Label], msgspec.Meta(max_length=50)] = []
    """Disposition codes the agent picks from in wrap-up (needs `wrap_up_s` > 0)."""
    disposition_required: bool = False
    """Wrap-up's "done" needs one of `dispositions`."""
    note_required: bool = False
    """Wrap-up's "done" needs a note."""
    expected_handle_s: Annotated[float, msgspec.Meta(gt=0, le=86_400)] = 300.0
    """The handle time the wait estimate assumes until the queue has handled items."""
    offer_reroute_grace_s: Seconds | None = None
    """How long after its timeout an offer to an agent whose link is gone is kept for them.
    Unset: 0 where a caller waits on the line (voice: rerouted as soon as the link is known
    gone, or at the timeout), else `Timings.offer_reroute_grace_s`."""


class UserConfig(Struct, frozen=True, kw_only=True):
    id: Name
    name: Label
    role: Role = Role.AGENT
    password_hash: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    """`scrypt$...` as printed by `agent-desktop-ctl hash-password`; never a plain password."""
    queues: list[Name] = []
    capacity: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 100


class CustomPresenceConfig(Struct, frozen=True, kw_only=True):
    """An admin-defined presence ("Lunch", "Training"): a name and colour on top of a base
    presence, which is what routing reads (`allowed_presences` name base presences only)."""

    name: Label
    """What agents choose and supervisors see ("Lunch"); unique, not a built-in presence."""
    base: Presence
    """The presence routing reads: never `inactive` (system-only) or `offline`."""
    colour: Colour = "#808080"
    """`#rrggbb`, how the app shows it."""


class ContactConfig(Struct, frozen=True, kw_only=True):
    id: Name
    name: Label
    mobile_phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    account: Label | None = None


class Timings(Struct, frozen=True, kw_only=True):
    """Durations of the rules, all configurable; the defaults are the reference system's."""

    offer_reroute_grace_s: Seconds = 480.0
    """An offer a vanished client never picked up is rerouted this long after its timeout
    (the default for queues that do not set their own; voice queues default to 0)."""
    session_reclaim_s: Seconds = 480.0
    """Sessions of a vanished agent go back to their queue after this long disconnected."""
    presence_restore_window_s: Seconds = 150.0
    """An agent reconnecting within this gets the presence from before the disconnect."""
    heartbeat_interval_s: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    heartbeat_timeout_s: Annotated[float, msgspec.Meta(gt=0)] = 5.0
    token_ttl_s: Annotated[float, msgspec.Meta(gt=0)] = 12 * 3600.0
    toast_dismiss_s: Annotated[float, msgspec.Meta(gt=0, le=60)] = 8.0
    closed_retention_s: Seconds = 0.0
    """Closed work, ended offers and cleared alerts leave the server's memory this long after
    they finish (0: at the end of the request that finished them); they stay in the store,
    which answers GetWork, a late accept or dismiss and the audit log for them."""


class RepeatMisses(Struct, frozen=True, kw_only=True):
    """Rule 14: after `count` missed offers within `window_s`, the agent is out of queue routing
    for `penalty_s` (a stuck client must not burn every customer's wait). `count` 0: off."""

    count: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0
    """This many missed offers within `window_s` start the penalty; 0: never."""
    window_s: Annotated[float, msgspec.Meta(gt=0, le=86_400)] = 600.0
    """How far back missed offers count."""
    penalty_s: Annotated[float, msgspec.Meta(gt=0, le=86_400)] = 300.0
    """How long the agent gets no queue work (a supervisor can clear it sooner)."""


class ServerConfig(Struct, frozen=True, kw_only=True):
    timings: Timings = Timings()
    repeat_misses: RepeatMisses = RepeatMisses()
    templates: dict[Name, TemplateConfig]
    queues: list[QueueConfig]
    users: list[UserConfig]
    contacts: list[ContactConfig] = []
    customer_notifications: CustomerNotificationsConfig = CustomerNotificationsConfig()
    """Bookings, their email/SMS notifications and portal links (channels off until set)."""
    presences: list[CustomPresenceConfig] = []
    """Custom presences, in the order a presence selector lists them."""

    def queue(self, queue_id: QueueId) -> QueueConfig | None:
        return next((q for q in self.queues if q.id == queue_id), None)

    def user(self, user_id: UserId) -> UserConfig | None:
        return next((u for u in self.users if u.id == user_id), None)

    def custom_presence(self, name: str) -> CustomPresenceConfig | None:
        return next((p for p in self.presences if p.name == name), None)

    def contact(self, contact_id: ContactId) -> ContactConfig | None:
        return next((c for c in self.contacts if c.id == contact_id), None)
