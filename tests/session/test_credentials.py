"""The token store's refusal rules, with in-process keyring backends.

`MemoryKeyring` is a double at the OS boundary (a real Secret Service is exercised in
test_connector.py); the `fail`, `null` and plaintext backends are keyring's own.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from agent_desktop.session.credentials import TokenStore, service_name, unsafe_reason
from agent_desktop.session.errors import CredentialsUnavailableError


class MemoryKeyring(KeyringBackend):
    """Test double for an OS keyring: secrets in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's __init__ is untyped
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.secrets:
            raise PasswordDeleteError("not found")
        del self.secrets[(service, username)]


class LockedKeyring(MemoryKeyring):
    """Behaves like a Secret Service whose unlock prompt was dismissed."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("Prompt dismissed")

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("Prompt dismissed")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (not installed, never a dependency)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


def test_service_name_is_derived_from_the_server_url() -> None:
    assert service_name("ws://127.0.0.1:8765") == "agent-desktop ws://127.0.0.1:8765"
    assert service_name(" WSS://Desk.Example.COM/ ") == "agent-desktop wss://desk.example.com"
    assert service_name("ws://a:1") != service_name("ws://a:2")


async def test_token_is_stored_read_and_removed() -> None:
    backend = MemoryKeyring()
    store = TokenStore("ws://127.0.0.1:8765", "alice", backend)
    assert await store.load() is None
    await store.save("tok-1")
    assert backend.secrets == {("agent-desktop ws://127.0.0.1:8765", "alice"): "tok-1"}
    assert await store.load() == "tok-1"
    await store.delete()
    assert await store.load() is None
    await store.delete()  # removing nothing is fine


async def test_users_and_servers_do_not_share_tokens() -> None:
    backend = MemoryKeyring()
    await TokenStore("ws://h:1", "alice", backend).save("a")
    assert await TokenStore("ws://h:1", "bob", backend).load() is None
    assert await TokenStore("ws://h:2", "alice", backend).load() is None


def chain(*members: KeyringBackend) -> KeyringBackend:
    """A chainer backend over `members` (its `backends` is a read-only classproperty)."""

    class Chain(chainer.ChainerBackend):
        backends = tuple(members)  # shadows the read-only classproperty

    return Chain()  # type: ignore[no-untyped-call]  # keyring's __init__ is untyped


def keyring_fail() -> KeyringBackend:
    return fail.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped here


def keyring_null() -> KeyringBackend:
    return null.Keyring()  # type: ignore[no-untyped-call]  # keyring is untyped here


@pytest.mark.parametrize(
    ("make_backend", "reason"),
    [
        (keyring_fail, "no OS keyring"),
        (keyring_null, "no OS keyring"),
        (PlaintextKeyring, "plain file"),
        (lambda: chain(MemoryKeyring(), PlaintextKeyring()), "plain file"),
        (chain, "no OS keyring"),
    ],
)
async def test_unsafe_backends_are_refused_with_a_clear_message(
    make_backend: Callable[[], KeyringBackend], reason: str
) -> None:
    backend = make_backend()
    assert reason in (unsafe_reason(backend) or "")
    store = TokenStore("ws://h:1", "alice", backend)
    with pytest.raises(CredentialsUnavailableError, match="asked for the password"):
        await store.save("tok")
    with pytest.raises(CredentialsUnavailableError, match=reason):
        await store.load()


def test_real_keyrings_are_accepted() -> None:
    assert unsafe_reason(MemoryKeyring()) is None
    assert unsafe_reason(chain(MemoryKeyring())) is None


async def test_a_locked_keyring_gives_a_clear_message() -> None:
    store = TokenStore("ws://h:1", "alice", LockedKeyring())
    with pytest.raises(CredentialsUnavailableError, match="Prompt dismissed"):
        await store.save("tok")
    with pytest.raises(CredentialsUnavailableError, match="read the login token"):
        await store.load()
