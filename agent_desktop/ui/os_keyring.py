"""Which OS keyring holds the token: on Linux the Secret Service, chosen directly.

At a start on Linux the token is read without keyring at all (`secret_service.read_token`:
~50 ms of imports less); keyring is loaded when the token is written or removed, or when that
read has no plain answer.

`keyring.get_keyring()` finds its backend by loading every installed backend through the
package entry points and asking each for its priority (kwallet, libsecret, Secret Service,
...): 80-300 ms at every start on a loaded machine, against 30-75 ms for asking the Secret
Service alone. The app knows what it wants on Linux, so it asks for that, in the worker thread
the token is read in.

Everything else keeps keyring's own discovery: Windows and macOS, a backend the user chose
(`PYTHON_KEYRING_BACKEND`, keyring's config file, or `keyring.set_keyring()` in the process),
a KDE session (where KWallet may be the
keyring the user expects), and a Linux without a reachable Secret Service (no session bus, no
keyring daemon: discovery then ends at its `fail` backend, and the token store says why).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desktop.session.credentials import TokenStore

if TYPE_CHECKING:  # keyring is imported when it is used: a start reads the token without it
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)


def discovery_wanted(platform: str, environ: Mapping[str, str]) -> str | None:
    """Why keyring's own discovery must choose here, or None to ask the Secret Service."""
    if not platform.startswith("linux"):
        return f"not Linux ({platform})"
    # Set by keyring.set_keyring() or an earlier discovery in this process: keyring keeps it
    # in a module global, and asking for it again costs nothing. (Not imported: not chosen.)
    core = sys.modules.get("keyring.core")
    if getattr(core, "_keyring_backend", None) is not None:
        return "a backend is already chosen in this process"
    if environ.get("PYTHON_KEYRING_BACKEND"):
        return "PYTHON_KEYRING_BACKEND names a backend"
    if "KDE" in environ.get("XDG_CURRENT_DESKTOP", "").upper().split(":"):
        return "a KDE session (KWallet)"
    if (keyring_config_root() / "keyringrc.cfg").exists():
        return "keyring's config file names a backend"
    return None


def keyring_config_root() -> Path:
    """keyring's config folder on Linux (`keyring.util.platform_.config_root()`, from the
    process's environment as keyring reads it), computed here: asking must not import keyring."""
    root = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root, "python_keyring")


def secret_service() -> KeyringBackend | None:
    """The Secret Service backend when one answers on the session bus; None otherwise.

    Blocking (it opens a D-Bus connection): call it from a worker thread.
    """
    try:
        from keyring.backends import SecretService

        # keyring's own viability test: raises when there is no bus or no service on it.
        SecretService.Keyring.priority  # noqa: B018
        backend: KeyringBackend = SecretService.Keyring()  # type: ignore[no-untyped-call]
    except Exception as exc:  # any failure here means "let discovery decide"
        log.info("no Secret Service (%s): keyring's discovery chooses", exc)
        return None
    return backend


def choose_backend(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> KeyringBackend | None:
    """The backend to use, or None for keyring's discovery. Blocking: from a worker thread."""
    why = discovery_wanted(platform, environ)
    if why is not None:
        log.debug("keyring discovery: %s", why)
        return None
    return secret_service()


class OsTokenStore(TokenStore):
    """A `TokenStore` that picks its keyring with `choose_backend` at its first use.

    `prefetch()` starts that choice and the token's read on a thread at once, so the keyring's
    D-Bus round trips run while the window is being built; the first `load()` takes the result.
    """

    def __init__(self, server_url: str, user: str) -> None:
        super().__init__(server_url, user)
        self._chosen = False
        self._prefetched: concurrent.futures.Future[str | None] | None = None
        self._choosing = threading.Lock()

    def prefetch(self) -> None:
        if self._prefetched is not None:
            return
        prefetched: concurrent.futures.Future[str | None] = concurrent.futures.Future()

        def read() -> None:
            try:
                prefetched.set_result(self._read_at_start())
            except BaseException as exc:  # handed to load(), which raises it there
                prefetched.set_exception(exc)

        self._prefetched = prefetched
        threading.Thread(target=read, name="token-prefetch", daemon=True).start()

    def _read_at_start(self) -> str | None:
        if discovery_wanted(sys.platform, os.environ) is None:
            from agent_desktop.ui.secret_service import NotAnsweredError, read_token

            try:
                return read_token(self.service, self.user)
            except NotAnsweredError as exc:
                log.info("token not read from the Secret Service directly (%s): via keyring", exc)
        self._choose_now()
        return self._call("read", lambda b: b.get_password(self.service, self.user))

    def _choose_now(self) -> None:
        with self._choosing:
            if not self._chosen:
                self._backend = choose_backend()
                self._chosen = True

    async def _choose(self) -> None:
        if not self._chosen:
            await asyncio.to_thread(self._choose_now)

    async def load(self) -> str | None:
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is not None:  # only the first read: later ones see later saves
            return await asyncio.wrap_future(prefetched)
        await self._choose()
        return await super().load()

    async def save(self, token: str) -> None:
        # A fresh token comes at every sign-in: written without keyring where it was read so.
        if not self._chosen and discovery_wanted(sys.platform, os.environ) is None:
            from agent_desktop.ui.secret_service import NotAnsweredError, write_token

            try:
                await asyncio.to_thread(write_token, self.service, self.user, token)
            except NotAnsweredError as exc:
                log.info("token not written to the Secret Service directly (%s): via keyring", exc)
            else:
                return
        await self._choose()
        await super().save(token)

    async def delete(self) -> None:
        await self._choose()
        await super().delete()
