"""Who is on the other end of a connection: password hashes, resume tokens, login.

Passwords are only ever stored as scrypt hashes. Tokens are random and stored only as their
SHA-256, so a copy of the database does not let anyone log in.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import Login
from agent_desktop.protocol.vocabulary import ErrorCode, Role, UserId
from agent_desktop.server.config import ServerConfig, UserConfig
from agent_desktop.server.login_guard import LoginGuard
from agent_desktop.server.store import Store

_SCRYPT_N: Final = 2**14
_SCRYPT_R: Final = 8
_SCRYPT_P: Final = 1
_SALT_BYTES: Final = 16
_HASH_BYTES: Final = 32
_MAX_SCRYPT_N: Final = 2**20
"""A hand-edited hash with a huge cost would stall login for minutes: refuse it instead."""


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt_b64$hash_b64` with a fresh random salt."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_HASH_BYTES
    )
    return "$".join(
        (
            "scrypt",
            str(_SCRYPT_N),
            str(_SCRYPT_R),
            str(_SCRYPT_P),
            base64.b64encode(salt).decode(),
            base64.b64encode(digest).decode(),
        )
    )


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored`; a malformed hash never matches."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    if not (1 < n <= _MAX_SCRYPT_N and 0 < r <= 64 and 0 < p <= 16 and expected):
        return False
    try:
        digest = hashlib.scrypt(
            password.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=2**27
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


# A real hash of a random password: unknown users cost the same time as known ones.
_DUMMY_HASH: Final = hash_password(secrets.token_urlsafe(16))


# --- tokens ----------------------------------------------------------------------------------


class TokenStatus(Enum):
    EXPIRED = "expired"


TOKEN_KIND: Final = "token"


class _TokenRecord(msgspec.Struct, frozen=True):
    user: str
    expires_at: float


SWEEP_EVERY_S = 60.0


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenBook:
    """Resume tokens: issued at login, kept across restarts, revoked at logout."""

    def __init__(self, store: Store, clock: Clock, ttl: float) -> None:
        self._store = store
        self._clock = clock
        self._ttl = ttl
        self._tokens: dict[str, _TokenRecord] = {
            key: msgspec.json.decode(value, type=_TokenRecord)
            for key, value in store.load(TOKEN_KIND)
        }
        self._swept_at = float("-inf")

    def issue(self, user: UserId) -> tuple[str, float]:
        """A new token and its expiry (server clock). Expired tokens are swept on the way."""
        now = self._clock.now()
        # Sweeping scans every token: at most once a minute, or a morning of N logins would
        # cost O(N^2) (measured in docs/BENCHMARKS.md). An expired token left a little longer
        # is still refused by `check`.
        if now - self._swept_at >= SWEEP_EVERY_S:
            self._swept_at = now
            for key in [k for k, rec in self._tokens.items() if rec.expires_at <= now]:
                del self._tokens[key]
                self._store.delete(TOKEN_KIND, key)
        token = secrets.token_urlsafe(32)
        record = _TokenRecord(user=user, expires_at=now + self._ttl)
        key = _token_key(token)
        self._tokens[key] = record
        self._store.put(TOKEN_KIND, key, msgspec.json.encode(record))
        self._store.commit()
        return token, record.expires_at

    def check(self, token: str) -> UserId | Literal[TokenStatus.EXPIRED] | None:
        """The token's user; `EXPIRED` for a token past its expiry; None if never issued."""
        record = self._tokens.get(_token_key(token))
        if record is None:
            return None
        if record.expires_at <= self._clock.now():
            return TokenStatus.EXPIRED
        return UserId(record.user)

    def revoke(self, token: str) -> None:
        key = _token_key(token)
        if self._tokens.pop(key, None) is not None:
            self._store.delete(TOKEN_KIND, key)
            self._store.commit()

    def revoke_all(self, user: UserId) -> int:
        """Sign out everywhere: every token of `user` stops working. Returns how many."""
        keys = [key for key, record in self._tokens.items() if record.user == user]
        for key in keys:
            del self._tokens[key]
            self._store.delete(TOKEN_KIND, key)
        self._store.commit()
        return len(keys)


# --- login -----------------------------------------------------------------------------------

_AUTH_FAILED: Final = "unknown user or wrong password"


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: UserConfig
    token: str
    token_expires_at: float


MAX_CONCURRENT_CHECKS: Final = 4
"""Password checks running at once, server-wide: each holds a thread and ~16 MiB for scrypt."""
CHECKS_PER_SOURCE: Final = 2
"""Password logins of one source address checked at once; the others wait their turn, so the
guard counts each source's attempts (almost) one after the other."""


class Authenticator:
    """Turns a `login` request into a user and a fresh token, or a `ProtocolError`."""

    def __init__(self, config: ServerConfig, tokens: TokenBook, clock: Clock) -> None:
        self._users = {u.id: u for u in config.users}
        self.tokens = tokens
        self.guard = LoginGuard(clock)
        self._checks = asyncio.Semaphore(MAX_CONCURRENT_CHECKS)
        self._source_turns: dict[str, tuple[asyncio.Semaphore, int]] = {}

    async def login(self, request: Login, source: str) -> LoginResult:
        """`source` is the client's address: password failures count against it (and the name).

        A token resume is never refused by the password guard: a guesser typing wrong passwords
        under an agent's name must not keep that agent from reconnecting.
        """
        user = self._users.get(UserId(request.user))
        if request.token is not None:
            if request.password is not None:
                raise ProtocolError(
                    ErrorCode.INVALID_MESSAGE, "give a password or a token, not both", request.id
                )
            ok = self._check_token(request, user)
        elif request.password is not None:
            ok = await self._check_password(request, request.password, user, source)
        else:
            raise ProtocolError(ErrorCode.INVALID_MESSAGE, "give a password or a token", request.id)
        if not ok or user is None:
            raise ProtocolError(ErrorCode.AUTH_FAILED, _AUTH_FAILED, request.id)
        # A resume also gets a fresh token; the old one stays valid until it expires, so a
        # client that lost the reply (link dropped mid-login) can still resume with it.
        token, expires_at = self.tokens.issue(UserId(user.id))
        return LoginResult(user=user, token=token, token_expires_at=expires_at)

    async def _check_password(
        self, request: Login, password: str, user: UserConfig | None, source: str
    ) -> bool:
        async with self._source_turn(source):
            # Counted before the slow check: parallel guesses see each other's attempts.
            attempt = self.guard.admit(request.user, source)
            if isinstance(attempt, float):
                raise ProtocolError(
                    ErrorCode.AUTH_FAILED,
                    f"too many failed logins for {request.user!r} from this address; "
                    f"try again in {attempt:.0f} s",
                    request.id,
                )
            stored = user.password_hash if user is not None else _DUMMY_HASH
            async with self._checks:
                # scrypt takes ~50 ms of CPU: keep it off the event loop.
                matches = await asyncio.to_thread(verify_password, password, stored)
        if matches and user is not None:
            self.guard.succeeded(attempt)
            return True
        self.guard.failed(attempt)
        return False

    @asynccontextmanager
    async def _source_turn(self, source: str) -> AsyncIterator[None]:
        turn, waiting = self._source_turns.get(source, (asyncio.Semaphore(CHECKS_PER_SOURCE), 0))
        self._source_turns[source] = (turn, waiting + 1)
        try:
            async with turn:
                yield
        finally:
            turn, waiting = self._source_turns[source]
            if waiting == 1:
                del self._source_turns[source]
            else:
                self._source_turns[source] = (turn, waiting - 1)

    def _check_token(self, request: Login, user: UserConfig | None) -> bool:
        assert request.token is not None
        owner = self.tokens.check(request.token)
        if owner is TokenStatus.EXPIRED:
            raise ProtocolError(
                ErrorCode.TOKEN_EXPIRED, "the session token has expired; log in again", request.id
            )
        return user is not None and owner == user.id

    def role_of(self, token: str) -> Role | None:
        """The role of a valid (issued, unexpired, unrevoked) token's user; None otherwise."""
        owner = self.tokens.check(token)
        if owner is None or owner is TokenStatus.EXPIRED:
            return None
        user = self._users.get(owner)
        return user.role if user is not None else None
