"""Who is connected: logged-in connections per user, and the supervisors watching the agent list.

A user counts as connected while at least one of their connections is open; the engine's other
parts ask `is_connected` and never look at connection ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NewType

from agent_desktop.protocol.messages import PushedEvent
from agent_desktop.protocol.vocabulary import Role, UserId

ConnId = NewType("ConnId", int)


@dataclass(frozen=True, slots=True)
class Principal:
    user: UserId
    role: Role


@dataclass(frozen=True, slots=True)
class Delivery:
    to: UserId
    """The IO layer sends `message` to every live connection of `to`."""
    message: PushedEvent


class Connections:
    def __init__(self) -> None:
        self.principals: dict[ConnId, Principal] = {}
        self.since: dict[ConnId, float] = {}
        """When each connection logged in: its snapshot showed every offer pending then."""
        self.by_user: dict[UserId, set[ConnId]] = {}
        self.subscribers: set[UserId] = set()
        """Supervisors who asked for the agent list and get `agent_updated` deltas."""
        self.queue_watchers: set[UserId] = set()
        """Supervisors who asked for the queue statistics and get `queue_updated` deltas."""

    def is_connected(self, user: UserId) -> bool:
        return user in self.by_user

    def principal(self, conn: ConnId) -> Principal | None:
        return self.principals.get(conn)

    def add(self, principal: Principal, conn: ConnId, since: float) -> bool:
        """True when this is the user's first connection (the user arrives)."""
        first = principal.user not in self.by_user
        self.principals[conn] = principal
        self.since[conn] = since
        self.by_user.setdefault(principal.user, set()).add(conn)
        return first

    def remove(self, conn: ConnId) -> UserId | None:
        """The user whose LAST connection this was (the user departs), else None."""
        principal = self.principals.pop(conn, None)
        self.since.pop(conn, None)
        if principal is None:
            return None
        user = principal.user
        conns = self.by_user.get(user, set())
        conns.discard(conn)
        if conns:
            return None
        self.by_user.pop(user, None)
        self.subscribers.discard(user)
        self.queue_watchers.discard(user)
        return user

    def watching(self) -> Iterator[UserId]:
        return iter(sorted(self.subscribers))
