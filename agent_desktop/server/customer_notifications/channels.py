"""Channel adapters: email through an SMTP server, SMS through an HTTP provider.

Each takes one rendered message with its idempotency key and returns the provider's id, or
raises `TransientFailure` (try again later) or `PermanentFailure` (never will work). The key goes
with every attempt: as the email's Message-ID and as the SMS request's Idempotency-Key, so a
message resent after a crash between "sent" and "recorded" is recognisably the same one.
"""

from __future__ import annotations

import asyncio
import json
import os
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import NamedTuple, Protocol

import aiosmtplib

from agent_desktop.server.customer_notifications.config import (
    EmailChannelConfig,
    SmsChannelConfig,
)
from agent_desktop.server.customer_notifications.render import Rendered


class TransientFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class Outgoing(NamedTuple):
    idempotency_key: str
    to: str
    to_name: str
    rendered: Rendered
    sent_at: float


class Sent(NamedTuple):
    provider_id: str
    delivered: bool = False
    """The provider already reports delivery (some SMS gateways answer synchronously)."""


class ChannelAdapter(Protocol):
    async def send(self, message: Outgoing) -> Sent: ...


class EmailChannel:
    def __init__(self, config: EmailChannelConfig, brand: str) -> None:
        self._config = config
        self._brand = brand

    def build(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = formataddr((self._brand, self._config.sender))
        mail["To"] = formataddr((message.to_name, message.to))
        mail["Subject"] = message.rendered.subject
        mail["Date"] = formatdate(message.sent_at)
        domain = self._config.sender.rsplit("@", 1)[1]
        mail["Message-ID"] = f"<{message.idempotency_key}@{domain}>"
        mail.set_content(message.rendered.text)
        mail.add_alternative(message.rendered.html, subtype="html")
        if message.rendered.ics is not None:
            mail.add_attachment(
                message.rendered.ics,
                maintype="text",
                subtype="calendar",
                filename="appointment.ics",
                params={"method": "PUBLISH"},
            )
        return mail

    async def send(self, message: Outgoing) -> Sent:
        config = self._config
        password = os.environ.get(config.password_env) if config.username else None
        mail = self.build(message)
        try:
            await aiosmtplib.send(
                mail,
                hostname=config.host,
                port=config.port,
                start_tls=config.starttls and not config.implicit_tls,
                use_tls=config.implicit_tls,
                username=config.username,
                password=password,
                timeout=config.timeout_s,
                cert_bundle=config.ca_file,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused: {codes}") from None
            raise TransientFailure(f"recipient refused for now: {codes}") from None
        except aiosmtplib.SMTPResponseException as exc:
            failure = PermanentFailure if 500 <= exc.code < 600 else TransientFailure
            raise failure(f"SMTP {exc.code}: {exc.message}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TransientFailure(f"SMTP: {exc}") from None
        return Sent(provider_id=str(mail["Message-ID"]))


class SmsChannel:
    """POST JSON {to, from, text, idempotency_key} with a bearer token from the environment."""

    def __init__(self, config: SmsChannelConfig) -> None:
        self._config = config

    async def send(self, message: Outgoing) -> Sent:
        return await asyncio.to_thread(self._post, message)

    def _post(self, message: Outgoing) -> Sent:
        config = self._config
        body = json.dumps(
            {
                "to": message.to,
                "from": config.sender,
                "text": message.rendered.sms,
                "idempotency_key": message.idempotency_key,
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.idempotency_key,
        }
        token = os.environ.get(config.token_env)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(config.url, data=body, headers=headers, method="POST")
        try:
            # The URL comes from the admin's config file, never from a request.
            with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise TransientFailure(f"SMS provider HTTP {exc.code}") from None
            raise PermanentFailure(f"SMS provider HTTP {exc.code}: {exc.reason}") from None
        except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
            raise TransientFailure(f"SMS provider: {exc}") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("id"), str):
            raise TransientFailure("SMS provider answered without an id")
        return Sent(provider_id=answer["id"], delivered=answer.get("status") == "delivered")
