"""What the SMS provider's webhook POSTs, checked and applied: a customer's SMS, a receipt.

Transport-free (`webhook.py` does the HTTP): a signed body in, an `Answer` out. The signature
is HMAC-SHA256 over the raw body with the shared secret; it is checked before anything in the
body is read. Every refusal changes nothing. A valid SMS goes exactly the way of the protocol's
`sms_received` (STOP/START, or a reply that becomes a routed conversation), a valid receipt the
way of `delivery_report`.
"""

from __future__ import annotations

import hashlib
import hmac
import http
import itertools
import json
import os
import urllib.parse
from typing import Annotated, Final, NamedTuple

import msgspec

from agent_desktop.protocol.bookings import Phone
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.customer_notifications.config import WebhookConfig
from agent_desktop.server.customer_notifications.conversation import Route
from agent_desktop.server.customer_notifications.desk import CustomerNotifications

SIGNATURE_HEADER: Final = "x-signature"
"""`X-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>`."""
MIN_SECRET_CHARS: Final = 16
INBOUND_PATH: Final = "/sms/inbound"
STATUS_PATH: Final = "/sms/status"
PATHS: Final = (INBOUND_PATH, STATUS_PATH)
DELIVERED: Final = "delivered"
UNDELIVERED: Final = frozenset({"failed", "undelivered"})
"""Receipt states that say the message will never reach the phone: it is marked failed."""
INTERIM: Final = frozenset({"accepted", "queued", "sending", "sent"})
"""Receipt states acknowledged without a change (still on its way)."""
REMEMBER_S: Final = 7 * 86_400.0
"""How long the answer to an inbound SMS id is kept for a retried POST: providers retry for
minutes to hours, never for a week."""
_MAX_FIELDS: Final = 50

S = http.HTTPStatus


class Answer(NamedTuple):
    status: http.HTTPStatus
    body: dict[str, object]


def refusal(status: http.HTTPStatus, error: str) -> Answer:
    return Answer(status, {"error": error})


class WebhookNotStarted(RuntimeError):
    """The configured webhook cannot run (no secret, its address taken): the server stops."""


class MissingSecret(WebhookNotStarted):
    pass


def webhook_secret(config: WebhookConfig) -> bytes:
    """From the environment, like the SMS channel's token: never from the config file. A
    webhook without its secret would take forged receipts, so it refuses to start."""
    secret = os.environ.get(config.secret_env, "")
    if len(secret) < MIN_SECRET_CHARS:
        raise MissingSecret(
            f"the SMS webhook needs its shared secret (at least {MIN_SECRET_CHARS} characters) "
            f"in ${config.secret_env}"
        )
    return secret.encode()


def sign(secret: bytes, body: bytes) -> str:
    """The header value a provider sends (and tests use)."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class _Form(msgspec.Struct, frozen=True, kw_only=True):
    """Fields beyond these (providers send many) are ignored."""


class InboundSms(_Form, frozen=True, kw_only=True):
    from_number: Phone = msgspec.field(name="from")
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=1600)]
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    """The provider's id of the SMS: a retried POST with the same id is answered as before."""


class Receipt(_Form, frozen=True, kw_only=True):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    """The provider id our send got back (`{"id": ...}`)."""
    status: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    error: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    """The provider's reason for an undelivered message (a code or words), kept as the
    message's last error."""


class Malformed(ValueError):
    pass


def fields(content_type: str, body: bytes) -> dict[str, object]:
    """A JSON object, or an urlencoded form (each field once)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == "application/json":
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise Malformed("the body must be a JSON object")
            return decoded
        if kind == "application/x-www-form-urlencoded":
            pairs = urllib.parse.parse_qsl(
                body.decode(), keep_blank_values=True, strict_parsing=bool(body),
                max_num_fields=_MAX_FIELDS,
            )  # fmt: skip
            form: dict[str, object] = {}
            for name, value in pairs:
                if name in form:
                    raise Malformed(f"the field {name!r} is given twice")
                form[name] = value
            return form
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise Malformed(f"the body is not valid {kind}: {exc}") from None
    raise Malformed("send application/json or application/x-www-form-urlencoded")


class WebhookDesk:
    """Applies verified webhook requests to the customer-notifications domain."""

    def __init__(
        self,
        notifications: CustomerNotifications,
        config: WebhookConfig,
        secret: bytes,
        route: Route,
    ) -> None:
        self.notifications = notifications
        self.config = config
        self._secret = secret
        self._route = route
        self._ids = itertools.count(1)

    def answer(self, path: str, content_type: str, signature: str | None, body: bytes) -> Answer:
        if signature is None or not signature.strip():
            return refusal(S.UNAUTHORIZED, f"missing {SIGNATURE_HEADER} header")
        expected = sign(self._secret, body).encode()
        if not hmac.compare_digest(expected, signature.strip().lower().encode()):
            return refusal(S.FORBIDDEN, "bad signature")
        try:
            data = fields(content_type, body)
            if path == INBOUND_PATH:
                return self._inbound(msgspec.convert(data, InboundSms, strict=False))
            return self._receipt(msgspec.convert(data, Receipt, strict=False))
        except (Malformed, msgspec.ValidationError) as exc:
            return refusal(S.BAD_REQUEST, str(exc))

    def _inbound(self, sms: InboundSms) -> Answer:
        cn = self.notifications
        if sms.id is not None:
            seen = cn.store.inbound_answer(sms.id)
            if seen is not None:  # the provider retried a POST we answered: same answer
                return Answer(S.OK, json.loads(seen))
        try:
            handled = cn.sms_received(
                f"webhook-{next(self._ids)}", self.config.user, sms.from_number, sms.text,
                self._route,
            )  # fmt: skip
        except ProtocolError as exc:
            if exc.code is ErrorCode.INVALID_BOOKING:  # not a phone number
                return refusal(S.BAD_REQUEST, exc.message)
            # Our side could not route the reply (say, its queue is gone): the provider should
            # try again later, not drop the customer's message.
            return refusal(S.SERVICE_UNAVAILABLE, f"the reply could not be routed: {exc.message}")
        body: dict[str, object] = {"number": handled.number, "action": handled.action}
        if handled.work_id is not None:
            body["work_id"] = handled.work_id
        if sms.id is not None:
            with cn.store.transaction():
                cn.store.remember_inbound(sms.id, json.dumps(body), cn.clock.now(), REMEMBER_S)
        cn.worker.wake()
        return Answer(S.OK, body)

    def _receipt(self, receipt: Receipt) -> Answer:
        cn = self.notifications
        status = receipt.status.strip().lower()
        if status != DELIVERED and status not in UNDELIVERED and status not in INTERIM:
            return refusal(S.BAD_REQUEST, f"unknown receipt status {receipt.status!r}")
        row = cn.store.message_by_provider_id(receipt.id)
        if row is None:
            return refusal(S.NOT_FOUND, "no message with that id")
        if status in INTERIM:
            return Answer(S.OK, {"message_id": row.id, "state": row.state, "changed": False})
        try:
            entry = cn.delivery_report(
                receipt.id, f"webhook-{next(self._ids)}",
                delivered=status == DELIVERED, error=receipt.error,
            )  # fmt: skip
        except ProtocolError as exc:  # e.g. delivered after failed, or the other way round
            return refusal(S.CONFLICT, exc.message)
        changed = entry.state is not row.state
        return Answer(
            S.OK, {"message_id": entry.message_id, "state": entry.state, "changed": changed}
        )
