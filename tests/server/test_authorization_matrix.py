"""Every client message type by every role over real sockets, against the expected matrix; and
the table in docs/RELIABILITY.md must be the one this matrix renders."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import msgspec
import pytest

from agent_desktop.protocol.messages import SetPresence
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from tests.server.authz_matrix import (
    ACTOR,
    CASES,
    EXPECTED,
    OTHER_AGENT,
    ROLES,
    Target,
    clear_offers,
    outcome,
    prepare,
    render,
    table_in,
    tidy,
)
from tests.wire import DEMO_PASSWORD, connected, logged_in

pytestmark = [pytest.mark.integration]
DOC = Path(__file__).parents[2] / "docs" / "RELIABILITY.md"


def cheap_hash(password: str) -> str:
    """The real scheme at the lowest cost: 100 logins here, not what this test is about."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2, r=1, p=1, dklen=32)
    b64 = base64.b64encode
    return f"scrypt$2$1$1${b64(salt).decode()}${b64(digest).decode()}"


@pytest.fixture
async def matrix_server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    users = [
        msgspec.structs.replace(u, password_hash=cheap_hash(DEMO_PASSWORD))
        for u in demo_config.users
    ]
    async with running_server(msgspec.structs.replace(demo_config, users=users)) as server:
        yield server


async def token_of(url: str, user: str) -> str:
    async with logged_in(url, user) as client:
        assert client.logged_in is not None
        return client.logged_in.token


async def test_every_message_type_for_every_role_is_answered_as_the_matrix_says(
    matrix_server: RunningServer,
) -> None:
    url = matrix_server.url
    tokens = {user: await token_of(url, user) for user in ("alice", "bob", "sam", "admin")}
    observed: dict[str, dict[str, str]] = {}
    async with (
        logged_in(url, OTHER_AGENT, token=tokens[OTHER_AGENT]) as bob,
        logged_in(url, "admin", token=tokens["admin"]) as admin,
    ):
        await bob.call(SetPresence(id=bob.next_id(), presence=Presence.AVAILABLE))
        for message, case in CASES.items():
            row = observed.setdefault(message, {})
            for role in ROLES:
                actor = ACTOR.get(role)
                async with connected(url) as client:
                    await client.hello()
                    if actor is not None:
                        await client.login(actor, token=tokens[actor])
                    own = role == "agent (own)"
                    owner_name = actor if own and actor else OTHER_AGENT
                    target = Target(owner=owner_name, token=tokens[owner_name])
                    owner = client if own else bob
                    await prepare(case, owner, admin, target)
                    reply = await client.request(case.build(client.next_id(), target))
                    row[role] = outcome(reply)
                    if not (own and message == "logout"):
                        await tidy(case, owner, target)
                await clear_offers(bob)
    assert observed == EXPECTED


def test_the_reliability_doc_shows_the_current_matrix() -> None:
    shown = table_in(DOC.read_text())
    assert shown == render(EXPECTED), (
        "docs/RELIABILITY.md is stale: run `.venv/bin/python -m tests.server.authz_matrix "
        "docs/RELIABILITY.md`"
    )
