"""The token's keyring: Secret Service chosen directly on Linux, keyring's discovery elsewhere.

A real gnome-keyring on a private session bus where a Secret Service is needed.
"""

from __future__ import annotations

from pathlib import Path

import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService

from agent_desktop.session.errors import CredentialsUnavailableError
from agent_desktop.ui.os_keyring import (
    OsTokenStore,
    choose_backend,
    discovery_wanted,
    keyring_config_root,
)
from agent_desktop.ui.secret_service import NotAnsweredError, read_token
from tests.support.desktop_bus import secret_service

__all__ = ["secret_service"]

URL = "ws://127.0.0.1:8765"


@pytest.fixture
def undecided(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No backend chosen in the process, none named by the user, not KDE."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.mark.usefixtures("undecided")
async def test_on_linux_the_token_goes_to_the_secret_service_without_discovery(
    secret_service: KeyringBackend,
) -> None:
    assert discovery_wanted("linux", {}) is None
    tokens = OsTokenStore(URL, "alice")
    await tokens.save("token-1")
    assert await tokens.load() == "token-1"
    assert secret_service.get_password(tokens.service, "alice") == "token-1"
    # keyring's discovery never ran: its module global is still unset.
    assert keyring.core._keyring_backend is None
    await tokens.delete()
    assert await tokens.load() is None


@pytest.mark.parametrize(
    ("platform", "environ", "why"),
    [
        ("win32", {}, "not Linux"),
        ("darwin", {}, "not Linux"),
        ("linux", {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}, "names a backend"),
        ("linux", {"XDG_CURRENT_DESKTOP": "KDE"}, "KDE"),
    ],
)
@pytest.mark.usefixtures("undecided")
def test_elsewhere_keyring_discovery_chooses(
    platform: str, environ: dict[str, str], why: str
) -> None:
    reason = discovery_wanted(platform, environ)
    assert reason is not None
    assert why in reason
    assert choose_backend(platform, environ) is None


@pytest.mark.usefixtures("undecided")
def test_a_keyring_config_file_is_the_users_choice(tmp_path: Path) -> None:
    config = tmp_path / "config" / "python_keyring"
    config.mkdir(parents=True)
    (config / "keyringrc.cfg").write_text(
        "[backend]\ndefault-keyring=keyring.backends.null.Keyring\n"
    )
    reason = discovery_wanted("linux", {})
    assert reason is not None
    assert "config file" in reason


def test_a_backend_set_in_the_process_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = SecretService.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped
    monkeypatch.setattr(keyring.core, "_keyring_backend", chosen)
    reason = discovery_wanted("linux", {})
    assert reason is not None
    assert "already chosen" in reason


@pytest.mark.usefixtures("undecided")
async def test_without_a_session_bus_discovery_decides_and_the_store_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert choose_backend("linux", {}) is None
    with pytest.raises(CredentialsUnavailableError, match="keyring"):
        await OsTokenStore(URL, "alice").load()


@pytest.mark.usefixtures("undecided")
async def test_a_prefetched_token_is_the_first_read_and_later_reads_see_later_saves(
    secret_service: KeyringBackend,
) -> None:
    secret_service.set_password(OsTokenStore(URL, "alice").service, "alice", "token-1")
    tokens = OsTokenStore(URL, "alice")
    tokens.prefetch()
    assert await tokens.load() == "token-1"
    await tokens.save("token-2")
    assert await tokens.load() == "token-2"


@pytest.mark.usefixtures("undecided")
async def test_a_prefetch_that_fails_fails_the_first_read_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    tokens = OsTokenStore(URL, "alice")
    tokens.prefetch()
    with pytest.raises(CredentialsUnavailableError, match="keyring"):
        await tokens.load()


@pytest.mark.usefixtures("undecided")
def test_keyring_config_root_is_keyrings_own() -> None:
    from keyring.util import platform_

    assert keyring_config_root() == platform_.config_root()


@pytest.mark.usefixtures("undecided")
async def test_the_start_reads_the_token_keyring_wrote_without_keyring(
    secret_service: KeyringBackend,
) -> None:
    tokens = OsTokenStore(URL, "alice")
    secret_service.set_password(tokens.service, "alice", "tökén-1")
    secret_service.set_password(OsTokenStore(URL, "bob").service, "bob", "bob's")
    assert read_token(tokens.service, "alice") == "tökén-1"
    assert read_token(tokens.service, "carol") is None
    assert read_token(OsTokenStore("ws://elsewhere:1", "alice").service, "alice") is None
    tokens.prefetch()
    assert await tokens.load() == "tökén-1"


@pytest.mark.usefixtures("undecided")
def test_without_a_session_bus_the_direct_read_hands_over_to_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    with pytest.raises(NotAnsweredError):
        read_token("agent-desktop ws://127.0.0.1:8765", "alice")


@pytest.mark.usefixtures("undecided")
async def test_the_token_written_without_keyring_is_keyrings_own_item_replaced_in_place(
    secret_service: KeyringBackend,
) -> None:
    tokens = OsTokenStore(URL, "alice")
    await tokens.save("token-1")
    await tokens.save("token-2")  # the next sign-in's fresh token replaces the first
    assert secret_service.get_password(tokens.service, "alice") == "token-2"
    collection = secret_service.get_preferred_collection()  # type: ignore[attr-defined]
    items = list(collection.search_items({"service": tokens.service, "username": "alice"}))
    assert len(items) == 1
    assert items[0].get_label() == f"Password for 'alice' on '{tokens.service}'"
    assert items[0].get_attributes()["application"] == "Python keyring library"
    assert keyring.core._keyring_backend is None
