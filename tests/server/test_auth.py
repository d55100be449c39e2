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
    TokenBook,
    TokenStatus,
    hash_password,
    verify_password,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.login_guard import Attempt, LoginGuard
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


def fail(guard: LoginGuard, user: str, source: str = "10.0.0.1") -> None:
    attempt = guard.admit(user, source)
    assert isinstance(attempt, Attempt), attempt
    guard.failed(attempt)


def test_guard_locks_a_name_at_one_address_after_five_failures_and_unlocks_later() -> None:
    clock = ManualClock()
    guard = LoginGuard(clock)
    for _ in range(5):
        fail(guard, "bob")
        clock.advance(10)
    assert guard.admit("bob", "10.0.0.1") == pytest.approx(60)
    assert guard.locked_for("bob", "10.0.0.1") == pytest.approx(60)
    assert isinstance(guard.admit("bob", "10.0.0.2"), Attempt)  # bob at his own machine
    assert isinstance(guard.admit("carol", "10.0.0.1"), Attempt)
    clock.advance(60)
    assert guard.locked_for("bob", "10.0.0.1") == 0
    assert isinstance(guard.admit("bob", "10.0.0.1"), Attempt)


def test_guard_counts_an_attempt_before_it_is_checked() -> None:
    guard = LoginGuard(ManualClock())
    in_flight = [guard.admit("sam", "10.0.0.1") for _ in range(5)]
    assert all(isinstance(a, Attempt) for a in in_flight)
    assert isinstance(guard.admit("sam", "10.0.0.1"), float)


def test_guard_lockouts_grow_for_a_guesser_that_comes_back() -> None:
    clock = ManualClock()
    guard = LoginGuard(clock)
    waits = []
    for _ in range(4):
        for _ in range(5):
            fail(guard, "bob")
        wait = guard.admit("bob", "10.0.0.1")
        assert isinstance(wait, float)
        waits.append(wait)
        clock.advance(wait)
    assert waits == [60, 120, 240, 480]


def test_guard_forgets_failures_older_than_the_window() -> None:
    clock = ManualClock()
    guard = LoginGuard(clock)
    for _ in range(4):
        fail(guard, "bob")
    clock.advance(61)
    fail(guard, "bob")
    assert guard.locked_for("bob", "10.0.0.1") == 0


def test_guard_limits_one_address_over_many_names_and_one_name_over_many_addresses() -> None:
    guard = LoginGuard(ManualClock())
    for index in range(20):
        fail(guard, f"user{index}", "10.0.0.9")
    assert isinstance(guard.admit("someone-else", "10.0.0.9"), float)
    for index in range(50):
        fail(guard, "dave", f"10.1.0.{index}")
    assert isinstance(guard.admit("dave", "10.2.0.1"), float)


async def test_expired_token_login_says_token_expired(demo_config: ServerConfig) -> None:
    clock = ManualClock()
    book = TokenBook(MemoryStore(), clock, ttl=60)
    auth = Authenticator(demo_config, book, clock)
    token, _ = book.issue(ALICE)
    clock.advance(61)
    with pytest.raises(ProtocolError) as refused:
        await auth.login(Login(id="r", user="alice", token=token), source="10.0.0.1")
    assert refused.value.code is ErrorCode.TOKEN_EXPIRED
    assert refused.value.re == "r"


async def test_login_with_password_issues_a_token(demo_config: ServerConfig) -> None:
    clock = ManualClock()
    book = TokenBook(MemoryStore(), clock, ttl=60)
    result = await Authenticator(demo_config, book, clock).login(
        Login(id="r", user="carol", password="demo"), source="10.0.0.1"
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
            await auth.login(login, source="10.0.0.1")
        assert refused.value.code is ErrorCode.INVALID_MESSAGE
