"""AgentCore without a server: construction, missing credentials, fast refusals, observers."""

from __future__ import annotations

import pytest
from keyring.backends import fail

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import OfferId, Presence, SessionId
from agent_desktop.session import (
    AgentCore,
    LinkStatus,
    NotConnectedError,
    RequestError,
    Settings,
    TokenStore,
)

URL = "ws://127.0.0.1:9"  # nothing listens there; these tests never connect


def test_a_user_name_is_required() -> None:
    with pytest.raises(ValueError, match="user"):
        AgentCore(Settings(server_url=URL))


async def test_without_token_or_password_it_asks_for_the_password() -> None:
    core = AgentCore(Settings(server_url=URL, user="alice"), clock=ManualClock())
    await core.start()
    assert core.state.connection.status is LinkStatus.AUTH_FAILED
    assert "password" in core.state.connection.detail
    await core.close()
    assert core.state.connection.status is LinkStatus.AUTH_FAILED


async def test_an_unusable_keyring_is_reported_once_and_not_fatal() -> None:
    backend = fail.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped here
    core = AgentCore(
        Settings(server_url=URL, user="alice"),
        token_store=TokenStore(URL, "alice", backend),
        clock=ManualClock(),
    )
    await core.start()
    notice = core.state.credentials_notice
    assert notice is not None
    assert "asked for the password at every start" in notice
    assert core.state.connection.status is LinkStatus.AUTH_FAILED


async def test_intents_fail_fast_while_offline() -> None:
    core = AgentCore(Settings(server_url=URL, user="alice"), password="demo")
    with pytest.raises(NotConnectedError):
        await core.set_presence(Presence.AWAY)
    with pytest.raises(NotConnectedError):
        await core.list_agents()
    with pytest.raises(RequestError) as refused:
        await core.accept(OfferId("o1"))
    assert refused.value.local
    with pytest.raises(RequestError) as refused:
        await core.send_message(SessionId("s1"), "hello")
    assert refused.value.local
    with pytest.raises(RequestError) as refused:
        await core.send_message(SessionId("s1"), "   ")
    assert "empty" in refused.value.message
    with pytest.raises(RequestError):
        await core.respond_to_alert("a1")


async def test_states_yields_the_current_state_first() -> None:
    core = AgentCore(Settings(server_url=URL, user="alice"))
    async for state in core.states():
        assert state is core.state
        break


@pytest.mark.integration  # it tries a real (refused) connection to 127.0.0.1
async def test_starting_twice_is_a_bug() -> None:
    core = AgentCore(Settings(server_url=URL, user="alice"), password="demo", open_timeout=0.5)
    await core.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            await core.start()
    finally:
        await core.close()
    assert core.state.connection.status is LinkStatus.OFFLINE


def test_changed_preferences_apply_to_a_running_core_but_not_a_new_server() -> None:
    core = AgentCore(Settings(server_url=URL, user="alice"), clock=ManualClock())
    quiet = core.settings.with_changes(sound=False)
    core.use_settings(quiet)
    assert core.settings.sound is False
    with pytest.raises(ValueError, match="new core"):
        core.use_settings(quiet.with_changes(server_url="ws://127.0.0.1:10"))
    assert core.settings.server_url == URL
