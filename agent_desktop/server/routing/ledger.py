"""What one public call of the engine produced, and the ids and clock every part shares.

Each part writes through the ledger: events to deliver, records that changed (flushed to the
store when the call finishes), agents whose routing eligibility or supervisor row may have
changed, and the audit log. Parts never call each other to say "something changed"; they mark
it here and the engine settles it once (routing indexes before dispatch, rows at the end).
"""

from __future__ import annotations

from collections import deque
from typing import Any, Final

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.messages import PushedEvent
from agent_desktop.protocol.vocabulary import UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.routing.connections import Connections, Delivery
from agent_desktop.server.routing.records import KIND_META, META_COUNTERS, Counters
from agent_desktop.server.store import Store

_json: Final = msgspec.json.Encoder()


class Ledger:
    def __init__(
        self, config: ServerConfig, store: Store, clock: Clock, connections: Connections
    ) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.connections = connections
        self.counters = Counters()
        self.out: list[Delivery] = []
        self.dirty: set[tuple[str, str]] = set()
        """(record kind, key) changed in this call: written to the store at its end."""
        self.touched: set[UserId] = set()
        """Agents whose supervisor row may have changed."""
        self.stale: set[UserId] = set()
        """Agents whose routing eligibility may have changed (re-filed before dispatch)."""
        self.retired: deque[tuple[float, str, str]] = deque()
        """(evict at, finished kind, key) in time order: finished things to drop from memory."""

    def begin(self) -> None:
        self.out = []
        self.dirty = set()
        self.touched = set()
        self.stale = set()

    def now(self) -> float:
        return self.clock.now()

    def deliver(self, to: UserId, message: PushedEvent) -> None:
        if self.connections.is_connected(to):
            self.out.append(Delivery(to=to, message=message))

    def take_out(self) -> list[Delivery]:
        out, self.out = self.out, []
        return out

    def mark(self, kind: str, key: str) -> None:
        self.dirty.add((kind, key))

    def changed(self, user: UserId) -> None:
        """Something about this agent's load, presence or connection changed."""
        self.stale.add(user)
        self.touched.add(user)

    def audit(self, kind: str, **body: Any) -> None:
        self.store.append_audit(self.clock.now(), kind, _json.encode(body))

    def next(self, counter: str) -> int:
        value: int = getattr(self.counters, counter) + 1
        setattr(self.counters, counter, value)
        self.dirty.add((KIND_META, META_COUNTERS))
        return value

    def retire(self, finished_kind: str, key: str) -> None:
        """A work item closed, an offer ended or an alert cleared: it leaves memory later."""
        at = self.clock.now() + self.config.timings.closed_retention_s
        self.retired.append((at, finished_kind, key))
