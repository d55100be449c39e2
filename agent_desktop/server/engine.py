"""The routing engine: pure state, rules and an injected clock (skeleton; rules land next)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NewType

from agent_desktop.clock import Clock
from agent_desktop.protocol.messages import Request, ServerEvent, ServerReply, Snapshot
from agent_desktop.protocol.vocabulary import Role, UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.store import Store

ConnId = NewType("ConnId", int)


@dataclass(frozen=True, slots=True)
class Principal:
    user: UserId
    role: Role


@dataclass(frozen=True, slots=True)
class Delivery:
    to: UserId
    """The IO layer sends `message` to every live connection of `to`."""
    message: ServerEvent


class Engine:
    def __init__(self, config: ServerConfig, store: Store, clock: Clock) -> None:
        self.config = config
        self.store = store
        self.clock = clock

    def connect(self, principal: Principal, conn: ConnId) -> tuple[Snapshot, list[Delivery]]:
        raise NotImplementedError

    def disconnect(self, conn: ConnId, *, goodbye: bool) -> list[Delivery]:
        raise NotImplementedError

    def handle(
        self, principal: Principal, conn: ConnId, request: Request
    ) -> tuple[ServerReply, list[Delivery]]:
        raise NotImplementedError

    def tick(self) -> list[Delivery]:
        raise NotImplementedError

    def next_deadline(self) -> float | None:
        raise NotImplementedError

    def invariant_violations(self) -> list[str]:
        raise NotImplementedError

    def accounting(self) -> dict[str, int]:
        raise NotImplementedError
