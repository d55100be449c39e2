"""Password hashes, resume tokens and the brute-force guard, with a manual clock."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import Login
from agent_desktop.protocol.vocabulary import ErrorCode, UserId
from agent_desktop.server.auth import (
    TOKEN_KIND,
    Authenticator,
    LoginGuard,
    TokenBook,
    TokenStatus,
    hash_password,
    verify_password,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.store import MemoryStore, SqliteStore

ALICE = UserId("alice")


def test_hash_has_the_documented_format_and_verifies() -> None:
    stored = hash_password("correct horse")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 24  # 16 bytes, base64
    assert digest
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horse ", stored)


def test_same_password_gets_a_different_salt_each_time() -> None:
    assert hash_password("demo") != hash_password("demo")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text-password",
        "scrypt$16384$8$1$notbase64!$AAAA",
        "scrypt$x$8$1$AAAA$AAAA",
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # a cost that would stall login
        "bcrypt$16384$8$1$AAAA$AAAA",
    ],
)
def test_a_malformed_hash_never_matches(stored: str) -> None:
    assert not verify_password("demo", stored)


def test_tokens_are_stored_only_as_their_sha256() -> None:
    store = MemoryStore()
    book = TokenBook(store, ManualClock(), ttl=60)
    token, _ = book.issue(ALICE)
    keys = [key for key, _ in store.load(TOKEN_KIND)]
    assert keys == [hashlib.sha256(token.encode()).hexdigest()]
    assert all(token.encode() not in value for _, value in store.load(TOKEN_KIND))


def test_token_expires_with_the_clock() -> None:
    clock = ManualClock()
    book = TokenBook(MemoryStore(), clock, ttl=60)
    token, expires_at = book.issue(ALICE)
    assert expires_at == clock.now() + 60
    assert book.check(token) == ALICE
    clock.advance(59.9)
    assert book.check(token) == ALICE
    clock.advance(0.1)
    assert book.check(token) is TokenStatus.EXPIRED
    assert book.check("never-issued") is None


def test_expired_tokens_leave_the_store_at_most_once_a_minute() -> None:
    store, clock = MemoryStore(), ManualClock()
    book = TokenBook(store, clock, ttl=10)
    first, _ = book.issue(ALICE)
    clock.advance(11)
    book.issue(ALICE)  # swept less than a minute ago: the expired token stays, still refused
    assert len(list(store.load("token"))) == 2
    assert book.check(first) is TokenStatus.EXPIRED
    clock.advance(50)
    last, _ = book.issue(ALICE)  # a minute since the last sweep: both expired tokens go
    assert len(list(store.load("token"))) == 1
    assert book.check(first) is None
    assert book.check(last) == ALICE


def test_revoked_token_is_unknown() -> None:
    book = TokenBook(MemoryStore(), ManualClock(), ttl=60)
    token, _ = book.issue(ALICE)
    book.revoke(token)
    assert book.check(token) is None


def test_tokens_survive_a_restart(tmp_path: Path) -> None:
    clock = ManualClock()
    store = SqliteStore(tmp_path / "state.sqlite3")
    token, _ = TokenBook(store, clock, ttl=60).issue(ALICE)
    store.close()
    reopened = SqliteStore(tmp_path / "state.sqlite3")
    assert TokenBook(reopened, clock, ttl=60).check(token) == ALICE
    reopened.close()


def test_guard_locks_after_five_failures_within_a_minute_and_unlocks_later() -> None:
    clock = ManualClock()
    guard = LoginGuard(clock)
    for _ in range(4):
        guard.failed("bob")
        clock.advance(10)
    assert guard.locked_for("bob") == 0
    guard.failed("bob")
    assert guard.locked_for("bob") == pytest.approx(60)
    assert guard.locked_for("carol") == 0
    clock.advance(60)
    assert guard.locked_for("bob") == 0


def test_guard_forgets_failures_older_than_the_window() -> None:
    clock = ManualClock()
    guard = LoginGuard(clock)
    for _ in range(4):
        guard.failed("bob")
    clock.advance(61)
    guard.failed("bob")
    assert guard.locked_for("bob") == 0


async def test_expired_token_login_says_token_expired(demo_config: ServerConfig) -> None:
    clock = ManualClock()
    book = TokenBook(MemoryStore(), clock, ttl=60)
    auth = Authenticator(demo_config, book, clock)
    token, _ = book.issue(ALICE)
    clock.advance(61)
    with pytest.raises(ProtocolError) as refused:
        await auth.login(Login(id="r", user="alice", token=token))
    assert refused.value.code is ErrorCode.TOKEN_EXPIRED
    assert refused.value.re == "r"


async def test_login_with_password_issues_a_token(demo_config: ServerConfig) -> None:
    clock = ManualClock()
    book = TokenBook(MemoryStore(), clock, ttl=60)
    result = await Authenticator(demo_config, book, clock).login(
        Login(id="r", user="carol", password="demo")
    )
    assert result.user.id == "carol"
    assert book.check(result.token) == "carol"


async def test_login_needs_exactly_one_credential(demo_config: ServerConfig) -> None:
    clock = ManualClock()
    auth = Authenticator(demo_config, TokenBook(MemoryStore(), clock, ttl=60), clock)
    for login in (
        Login(id="r", user="carol"),
        Login(id="r", user="carol", password="demo", token="t"),
    ):
        with pytest.raises(ProtocolError) as refused:
            await auth.login(login)
        assert refused.value.code is ErrorCode.INVALID_MESSAGE
