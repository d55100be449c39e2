"""Real providers on 127.0.0.1 for customer-notification tests: an SMTP server and an SMS API.

`SmtpSink` is aiosmtpd (a real SMTP server speaking the real protocol); `SmsEndpoint` is a
standard-library HTTP server implementing the SMS provider contract of
docs/customer-notifications.md, including the idempotency key: a repeated key is answered with
the first answer and not counted as a new message, as a real provider does.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpHandler:
    received: list[EmailMessage] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    """Answers to the next DATA commands, e.g. "451 try later"; "250 OK" once empty."""
    on_data: Callable[[EmailMessage], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(message)
        if self.on_data is not None:
            self.on_data(message)
        return "250 OK"

    def distinct(self) -> dict[str, EmailMessage]:
        """By Message-ID: what a mail reader shows (it folds a repeat of the same message)."""
        with self.lock:
            return {str(m["Message-ID"]): m for m in self.received}


class PasswordCheck:
    """aiosmtpd authenticator: one user and password, and who logged in."""

    def __init__(self, user: str, password: str) -> None:
        self.expected = (user.encode(), password.encode())
        self.logins: list[str] = []

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == self.expected:
            self.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@contextlib.contextmanager
def smtp_sink(
    tls: ssl.SSLContext | None = None, auth: PasswordCheck | None = None
) -> Iterator[tuple[SmtpHandler, int]]:
    """With `tls`, STARTTLS is required; with `auth`, so is logging in (after STARTTLS)."""
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=tls is not None,
        authenticator=auth,
        auth_required=auth is not None,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class SmsEndpoint:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    """HTTP statuses for the next requests; 200 once empty."""
    refused: list[dict[str, Any]] = field(default_factory=list)
    """The requests answered with one of `statuses` other than 200."""
    report_delivered: bool = False
    on_request: Callable[[dict[str, Any]], None] | None = None
    answers: dict[str, str] = field(default_factory=dict)
    """idempotency key -> provider id of the first accepted request."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def distinct(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {r["idempotency_key"]: r for r in self.requests}


@contextlib.contextmanager
def sms_endpoint() -> Iterator[SmsEndpoint]:
    endpoint = SmsEndpoint(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body["authorization"] = self.headers.get("Authorization")
            body["header_key"] = self.headers.get("Idempotency-Key")
            with endpoint.lock:
                status = endpoint.statuses.pop(0) if endpoint.statuses else 200
                (endpoint.requests if status == 200 else endpoint.refused).append(body)
            if endpoint.on_request is not None and status == 200:
                endpoint.on_request(body)
            with endpoint.lock:
                key = body["idempotency_key"]
                provider_id = endpoint.answers.setdefault(key, f"sms-{len(endpoint.answers) + 1}")
            answer: dict[str, str] = {"id": provider_id}
            if endpoint.report_delivered:
                answer["status"] = "delivered"
            data = json.dumps(answer).encode() if status == 200 else b'{"error": "no"}'
            with contextlib.suppress(OSError):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{server.server_address[1]}/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
