"""`list_agents` pages: a slice of the list sorted by agent id, with an id as the cursor."""

from __future__ import annotations

from agent_desktop.protocol.messages import Agents, ListAgents
from agent_desktop.protocol.vocabulary import ErrorCode, UserId
from agent_desktop.server.routing.agent_page import agent_page
from tests.server.engine_fixtures import harness

USERS = [UserId(name) for name in ("ann", "ben", "cid", "dee", "eve")]


def test_pages_walk_the_whole_list_once() -> None:
    assert agent_page(USERS, None, 2) == (USERS[:2], "ben")
    assert agent_page(USERS, UserId("ben"), 2) == (USERS[2:4], "dee")
    assert agent_page(USERS, UserId("dee"), 2) == (USERS[4:], None)


def test_a_page_that_ends_the_list_exactly_says_so() -> None:
    assert agent_page(USERS, None, 5) == (USERS, None)
    assert agent_page(USERS, UserId("cid"), 2) == (USERS[3:], None)
    assert agent_page([], None, 5) == ([], None)


def test_a_cursor_for_an_agent_who_is_gone_still_continues_after_it() -> None:
    # "bob" is not on the list (removed between two pages): the next page starts after it.
    assert agent_page(USERS, UserId("bob"), 2) == (USERS[2:4], "dee")
    assert agent_page(USERS, UserId("zed"), 2) == ([], None)


def test_the_engine_pages_the_supervisors_list() -> None:
    h = harness(login=["sam", "alice"])
    first = h.call("sam", ListAgents(id=h.rid(), limit=2))
    assert isinstance(first, Agents)
    assert [row.agent for row in first.agents] == ["alice", "bob"]
    assert first.next == "bob"
    last = h.call("sam", ListAgents(id=h.rid(), after=first.next, limit=2))
    assert isinstance(last, Agents)
    assert [row.agent for row in last.agents] == ["carol"]
    assert last.next is None
    assert h.refused("alice", ListAgents(id=h.rid(), limit=2)) is ErrorCode.FORBIDDEN
