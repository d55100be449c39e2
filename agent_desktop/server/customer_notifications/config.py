"""`[customer_notifications]` in the server's TOML file: every number of the rules, the channels.

Both channels are off until their table is present. Secrets never live in this file: the SMTP
password and the SMS provider's token are read from environment variables named here.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from agent_desktop.protocol.bookings import NotificationType
from agent_desktop.protocol.vocabulary import Role

ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
"""24-hour "HH:MM"."""
EnvName = Annotated[str, msgspec.Meta(pattern=r"^[A-Z_][A-Z0-9_]{0,63}$")]
Host = Annotated[str, msgspec.Meta(min_length=1, max_length=253)]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s]+$", max_length=2000)]
Positive = Annotated[float, msgspec.Meta(gt=0)]


class Struct(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class EmailChannelConfig(Struct, frozen=True, kw_only=True):
    host: Host
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 587
    starttls: bool = True
    """Upgrade with STARTTLS (required when true); false for a plain local relay."""
    implicit_tls: bool = False
    """TLS from the first byte (port 465)."""
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=254)] | None = None
    password_env: EnvName = "AGENT_DESKTOP_SMTP_PASSWORD"
    ca_file: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)] | None = None
    """PEM bundle to trust for the server's certificate (default: the system's)."""
    sender: Annotated[str, msgspec.Meta(pattern=r"^[^@\s<>]+@[^@\s<>]+$")]
    timeout_s: Positive = 30.0


class SmsChannelConfig(Struct, frozen=True, kw_only=True):
    url: Url
    """The provider's send endpoint; see docs/customer-notifications.md for the contract."""
    sender: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    token_env: EnvName = "AGENT_DESKTOP_SMS_TOKEN"
    timeout_s: Positive = 15.0


class WebhookConfig(Struct, frozen=True, kw_only=True):
    """The SMS provider's webhook (inbound SMS, delivery receipts): off unless this table is
    present. The HMAC secret is read from the environment variable `secret_env`, never here."""

    listen: Annotated[
        str, msgspec.Meta(pattern=r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$")
    ]
    """"HOST:PORT" of its own listener, e.g. "127.0.0.1:8085" ("[::1]:8085"; port 0: any)."""
    secret_env: EnvName = "AGENT_DESKTOP_SMS_WEBHOOK_SECRET"
    max_body_bytes: Annotated[int, msgspec.Meta(ge=256, le=1_048_576)] = 16_384
    requests_per_minute: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 600
    """Per client address; more get 429 and change nothing."""
    user: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]{1,64}$")] = "sms-webhook"
    """Who the audit (and the routing engine, for a reply becoming a conversation) sees."""


class QuietHours(Struct, frozen=True, kw_only=True):
    """In the contact's own time zone; `start` after `end` spans midnight."""

    start: ClockTime = "21:00"
    end: ClockTime = "08:00"
    applies_to: list[NotificationType] = msgspec.field(
        default_factory=lambda: [
            NotificationType.REMINDER,
            NotificationType.RESCHEDULED,
            NotificationType.CANCELED,
        ]
    )
    """Traveling and completed answer what happens right now, so they are not held back."""


class RetryPolicy(Struct, frozen=True, kw_only=True):
    first_delay_s: Positive = 30.0
    max_delay_s: Positive = 3600.0
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=100)] = 8


class PortalConfig(Struct, frozen=True, kw_only=True):
    base_url: Url | None = None
    """Where links point, e.g. "https://service.example.com/portal"; default: this server."""
    brand_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] = "Field Service"
    code_valid_days_after_end: Annotated[float, msgspec.Meta(gt=0, le=365)] = 7.0
    lookups_per_minute: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 30
    """Per client address; more get 429 and reveal nothing."""

    def code_expires_at(self, booking_end: float) -> float:
        """A link's code stays valid this long after its booking's end."""
        return booking_end + self.code_valid_days_after_end * 86_400.0


class EtaConfig(Struct, frozen=True, kw_only=True):
    """The ETA provider: the distance estimate (distance / speed x traffic factor), or an
    OSRM-compatible routing service that falls back to the estimate when it fails."""

    provider: Literal["distance", "osrm"] = "distance"
    osrm_url: Url | None = None
    """The routing service's base URL (required with provider "osrm"), e.g.
    "https://router.example.com": the adapter asks `{osrm_url}/route/v1/{profile}/...`."""
    osrm_profile: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]{0,31}$")] = "driving"
    timeout_s: Annotated[float, msgspec.Meta(gt=0, le=60)] = 3.0
    """The most a routing request may take before the distance estimate is used instead."""
    average_speed_kmh: Positive = 40.0
    traffic_factor: Annotated[float, msgspec.Meta(ge=1, le=10)] = 1.3
    default_distance_km: Annotated[float, msgspec.Meta(ge=0)] = 15.0
    position_max_age_min: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    """A technician's position reported longer ago than this is not used for an ETA (they have
    moved since): the stated distance, or the default one, is used instead."""

    def __post_init__(self) -> None:
        if self.provider == "osrm" and self.osrm_url is None:
            raise ValueError('provider "osrm" needs osrm_url (the routing service\'s base URL)')


class CustomerNotificationsConfig(Struct, frozen=True, kw_only=True):
    daily_run_utc: ClockTime = "10:00"
    reminder_horizon_days: Positive = 7.0
    reschedule_threshold_min: Annotated[float, msgspec.Meta(ge=0)] = 10.0
    """A move of MORE than this many minutes is announced; exactly this many is not."""
    reschedule_coalesce_s: Annotated[float, msgspec.Meta(ge=0)] = 300.0
    """Moves within this window after the first one go out as one message, with the final time."""
    running_late_margin_min: Annotated[float, msgspec.Meta(ge=0)] = 15.0
    """While traveling, an ETA MORE than this past the scheduled start sends one update."""
    excluded_accounts: list[Annotated[str, msgspec.Meta(min_length=1)]] = []
    excluded_work_order_types: list[Annotated[str, msgspec.Meta(min_length=1)]] = []
    default_region: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")] = "US"
    """For phone numbers written without a country code."""
    dispatcher_roles: list[Role] = msgspec.field(
        default_factory=lambda: [Role.SUPERVISOR, Role.ADMIN]
    )
    """Roles with the dispatcher right (create and change bookings, run reminders)."""
    sms_reply_queue: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = "sms"
    """Where a customer's SMS reply (other than STOP/START) goes as a conversation; None: not
    routed (only acknowledged)."""
    quiet_hours: QuietHours | None = QuietHours()
    retry: RetryPolicy = RetryPolicy()
    portal: PortalConfig = PortalConfig()
    eta: EtaConfig = EtaConfig()
    dispatch_batch: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 50
    email: EmailChannelConfig | None = None
    sms: SmsChannelConfig | None = None
    webhook: WebhookConfig | None = None
