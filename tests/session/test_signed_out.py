"""The server ends a sign-in (close 4001 token expired, 4002 signed out everywhere): the core
stops, forgets the token and a remembered password, and says why and what to do.

Seen before: after 4002 the core logged straight back in with the password it remembered (the
"sign out everywhere" undone within a second), and after 4001 it showed only the raw close.
"""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend

from agent_desktop.protocol.messages import Ack, Logout
from agent_desktop.server.runner import RunningServer
from agent_desktop.session import AgentCore, AgentState, LinkStatus, TokenStore
from tests.session.live import WAIT_S, make_core, started
from tests.wire import logged_in

pytestmark = pytest.mark.integration


def stopped(state: AgentState) -> bool:
    return state.connection.status is LinkStatus.AUTH_FAILED


async def forgot_everything(core: AgentCore, store: TokenStore) -> None:
    """Neither the stored token nor the remembered password signs in again by itself."""
    assert await store.load() is None
    await core.start()
    assert core.state.connection.status is LinkStatus.AUTH_FAILED
    assert not core.state.online


async def test_signed_out_everywhere_stops_the_core_and_says_why(
    server: RunningServer, secret_service: KeyringBackend
) -> None:
    store = TokenStore(server.url, "alice", secret_service)
    core = make_core(server.url, token_store=store)
    async with started(core), logged_in(server.url, "alice") as phone:
        assert isinstance(await phone.call(Logout(id="all", everywhere=True)), Ack)
        state = await core.wait_for(stopped, WAIT_S)
        assert state.connection.detail == (
            "You were signed out everywhere (from this or another of your devices). "
            "Enter your password to sign in again."
        )
        await forgot_everything(core, store)


async def test_an_expired_sign_in_stops_the_core_and_says_why(
    short_token_server: RunningServer, secret_service: KeyringBackend
) -> None:
    store = TokenStore(short_token_server.url, "alice", secret_service)
    core = make_core(short_token_server.url, token_store=store)
    async with started(core):
        state = await core.wait_for(stopped, WAIT_S)
        assert state.connection.detail == (
            "Your sign-in expired, so the server closed the connection. "
            "Enter your password to sign in again."
        )
        await forgot_everything(core, store)
