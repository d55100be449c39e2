"""Credential abuse over real sockets: parallel guessing, name sprays, locking someone else out.

Each connection is bound to a chosen loopback address (127.0.0.0/8 all reaches the server on
Linux), so "another machine" is a real other TCP source as the server sees it.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from agent_desktop.protocol.messages import Error, LoggedIn, Login
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server.runner import RunningServer
from tests.wire import connected, logged_in

GUESSER = "127.0.0.3"
OWNER_ELSEWHERE = "127.0.0.2"
WRONG = "unknown user or wrong password"
LOCKED = "too many failed logins"


def outcome(reply: object) -> str:
    """ "wrong" (the password was checked), "locked" (refused before any check), or "in"."""
    if isinstance(reply, LoggedIn):
        return "in"
    assert isinstance(reply, Error), reply
    assert reply.code is ErrorCode.AUTH_FAILED, reply
    if reply.message == WRONG:
        return "wrong"
    assert reply.message.startswith(LOCKED), reply
    return "locked"


async def try_logins(url: str, user: str, passwords: list[str], source: str) -> list[str]:
    """One connection from `source`, these passwords one after the other; their outcomes."""
    async with connected(url, source=source) as client:
        await client.hello()
        return [
            outcome(await client.request(Login(id=client.next_id(), user=user, password=p)))
            for p in passwords
        ]


async def test_thirty_parallel_guesses_are_counted_before_they_are_checked(
    server: RunningServer,
) -> None:
    # Seen: 30 parallel guesses for sam got 29 "wrong password" replies and no lockout.
    guesses = [try_logins(server.url, "sam", [f"guess{i}"], GUESSER) for i in range(30)]
    outcomes = Counter(o for result in await asyncio.gather(*guesses) for o in result)
    assert outcomes["wrong"] <= 5, outcomes
    assert outcomes["locked"] >= 25, outcomes
    print(f"30 parallel guesses for one name: {dict(outcomes)}")
    # The right password from the guesser's address is refused too, for now.
    assert await try_logins(server.url, "sam", ["demo"], GUESSER) == ["locked"]


async def test_a_spray_of_names_from_one_address_locks_that_address(
    server: RunningServer,
) -> None:
    # Seen: 180 attempts over 60 user names from one address, no lockout at all.
    names = [f"user{i}" for i in range(60)]
    sprays = [
        try_logins(server.url, name, [f"pw{attempt}" for attempt in range(3)], GUESSER)
        for name in names
    ]
    outcomes = Counter(o for result in await asyncio.gather(*sprays) for o in result)
    assert sum(outcomes.values()) == 180
    assert outcomes["wrong"] <= 20, outcomes
    assert outcomes["locked"] >= 160, outcomes
    print(f"180 attempts over 60 names from one address: {dict(outcomes)}")
    # The address is locked even for a real user's right password...
    assert await try_logins(server.url, "carol", ["demo"], GUESSER) == ["locked"]
    # ...while carol at her own machine is not,
    assert await try_logins(server.url, "carol", ["demo"], OWNER_ELSEWHERE) == ["in"]
    # and a token resume from the locked address is not refused either.
    async with logged_in(server.url, "carol", source=OWNER_ELSEWHERE) as carol:
        assert carol.logged_in is not None
        token = carol.logged_in.token
    async with logged_in(server.url, "carol", token=token, source=GUESSER) as resumed:
        assert resumed.logged_in is not None


async def test_wrong_passwords_under_her_name_never_block_her_resume_or_her_own_machine(
    server: RunningServer,
) -> None:
    # Seen: five wrong passwords for a name blocked that user for 60 s, token resume included.
    async with logged_in(server.url, "alice", source=OWNER_ELSEWHERE) as alice:
        assert alice.logged_in is not None
        token = alice.logged_in.token
    assert await try_logins(server.url, "alice", ["nope"] * 5, GUESSER) == ["wrong"] * 5
    assert await try_logins(server.url, "alice", ["demo"], GUESSER) == ["locked"]

    # Her reconnect with the token works, from anywhere, the guesser's address included.
    for source in (OWNER_ELSEWHERE, GUESSER):
        async with logged_in(server.url, "alice", token=token, source=source) as resumed:
            assert resumed.logged_in is not None
            assert resumed.logged_in.user == "alice"
    # And her password from her own machine.
    assert await try_logins(server.url, "alice", ["demo"], OWNER_ELSEWHERE) == ["in"]


async def test_the_owner_who_mistypes_then_gets_it_right_starts_afresh(
    server: RunningServer,
) -> None:
    for _ in range(3):
        outcomes = await try_logins(server.url, "bob", ["typo", "typo", "typo", "demo"], GUESSER)
        assert outcomes == ["wrong", "wrong", "wrong", "in"]
