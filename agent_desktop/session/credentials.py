"""The login token in the OS keyring, never in a file.

Keyring calls block (D-Bus round trips, maybe a prompt), so each runs in a worker thread.
A keyring that is missing, locked or dismissed raises `CredentialsUnavailableError` with a
message for the user; the core then asks for the password at every start. A plaintext backend
(keyrings.alt) is refused even when configured: it would put the token in a file.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from agent_desktop.session.errors import CredentialsUnavailableError

if TYPE_CHECKING:  # keyring is imported at its first use: a start may read the token without it
    import keyring.backend

T = TypeVar("T")
SERVICE_PREFIX = "agent-desktop"


def service_name(server_url: str) -> str:
    """One keyring entry per server: "agent-desktop ws://host:port" (the user is the account)."""
    parts = urlsplit(server_url.strip())
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{SERVICE_PREFIX} {parts.scheme.lower()}://{host}{port}{parts.path.rstrip('/')}"


def unsafe_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why `backend` must not hold a token, or None when it is a real OS keyring."""
    from keyring.backends import chainer, fail, null

    members = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    if not members:
        return "no OS keyring is available"
    for member in members:
        module = type(member).__module__
        if module.startswith("keyrings.alt"):
            return f"the configured keyring {type(member).__name__} stores secrets in a plain file"
        if isinstance(member, fail.Keyring | null.Keyring):
            return "no OS keyring is available (install or unlock a Secret Service keyring)"
    return None


class TokenStore:
    """The token for one user on one server."""

    def __init__(
        self, server_url: str, user: str, backend: keyring.backend.KeyringBackend | None = None
    ) -> None:
        self.service = service_name(server_url)
        self.user = user
        self._backend = backend

    async def load(self) -> str | None:
        return await asyncio.to_thread(
            self._call, "read", lambda b: b.get_password(self.service, self.user)
        )

    async def save(self, token: str) -> None:
        await asyncio.to_thread(
            self._call, "store", lambda b: b.set_password(self.service, self.user, token)
        )

    async def delete(self) -> None:
        def remove(backend: keyring.backend.KeyringBackend) -> None:
            import keyring.errors

            # Nothing stored is already the state we want.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(self.service, self.user)

        await asyncio.to_thread(self._call, "remove", remove)

    def _call(self, verb: str, action: Callable[[keyring.backend.KeyringBackend], T]) -> T:
        if self._backend is None:
            import keyring

            backend = keyring.get_keyring()
        else:
            backend = self._backend
        reason = unsafe_reason(backend)
        if reason is not None:
            raise CredentialsUnavailableError(
                f"Cannot {verb} the login token: {reason}. You will be asked for the password "
                "at every start."
            )
        try:
            return action(backend)
        # The Secret Service backends raise keyring errors, but also secretstorage/jeepney
        # errors (locked collection, dismissed prompt, dead bus): at this OS boundary every
        # failure means the same to the user.
        except Exception as exc:
            raise CredentialsUnavailableError(
                f"Cannot {verb} the login token in the keyring ({type(exc).__name__}: {exc}). "
                "You will be asked for the password at every start."
            ) from exc
