"""`GET /health`: up or down for anyone; the counts only for a supervisor or an admin.

The status line is 200 either way; the body's `status` is "ok" or "error" (the engine failed).

A load balancer's probe needs nothing but "up". How many agents are connected and how much
work waits is operational detail an outsider should not read off the port, so it is given
only with `Authorization: Bearer <token>` of a logged-in supervisor or admin (the token from
their `logged_in` reply).
"""

from __future__ import annotations

import http
import json
from collections.abc import Callable

from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from agent_desktop.protocol.vocabulary import Role

TRUSTED_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def answer_health(
    request: Request,
    server_name: str,
    detail: Callable[[], dict[str, object]],
    role_of: Callable[[str], Role | None],
) -> Response:
    authorization = request.headers.get("Authorization")
    if authorization is None:
        body = detail()
        return _json(http.HTTPStatus.OK, {"status": body.get("status")}, server_name)
    scheme, _, token = authorization.partition(" ")
    role = role_of(token.strip()) if scheme.lower() == "bearer" else None
    if role is None:
        return _json(
            http.HTTPStatus.UNAUTHORIZED,
            {"error": "give the Bearer token of a logged-in supervisor or admin"},
            server_name,
        )
    if role not in TRUSTED_ROLES:
        return _json(
            http.HTTPStatus.FORBIDDEN, {"error": "supervisors and admins only"}, server_name
        )
    body = detail()
    return _json(http.HTTPStatus.OK, body, server_name)


def http_response(
    status: http.HTTPStatus, body: bytes, content_type: str, server_name: str
) -> Response:
    headers = Headers(
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
            ("Server", server_name),
        ]
    )
    return Response(status.value, status.phrase, headers, body)


def _json(status: http.HTTPStatus, body: dict[str, object], server_name: str) -> Response:
    return http_response(status, json.dumps(body).encode(), "application/json", server_name)
