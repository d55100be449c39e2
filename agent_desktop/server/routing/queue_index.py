"""Per-queue routing indexes, so choosing who gets work never scans every agent.

Rule: among the agents *eligible* for a queue (connected, in a presence the queue allows, with
capacity left for the queue's cost counting pending offers, and below the session limit), work
goes to the one idle longest: the smallest `last_work_at`, ties broken by user id. Waiting items
leave in order of (highest priority, oldest, arrival sequence).

The engine tells the index whenever an agent's eligibility or `last_work_at` may have changed
(`set_agent`), and whenever an item starts or stops waiting (`add_item` / `remove_item`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sortedcontainers import SortedList

from agent_desktop.protocol.vocabulary import QueueId, UserId, WorkId

AgentKey = tuple[float, UserId]
ItemKey = tuple[int, float, int, WorkId]


class QueueIndex:
    """One queue: its waiting items (FIFO by priority) and its eligible agents (idle longest)."""

    def __init__(self, queue: QueueId) -> None:
        self.queue = queue
        self._agents = SortedList()
        self._agent_keys: dict[UserId, AgentKey] = {}
        self._items = SortedList()
        self._item_keys: dict[WorkId, ItemKey] = {}

    # -- agents ------------------------------------------------------------------------------

    def set_agent(self, user: UserId, last_work_at: float | None) -> None:
        """`last_work_at` None: the agent is not eligible for this queue now."""
        old = self._agent_keys.pop(user, None)
        if old is not None:
            self._agents.remove(old)
        if last_work_at is not None:
            key: AgentKey = (last_work_at, user)
            self._agents.add(key)
            self._agent_keys[user] = key

    def has_agent(self, user: UserId) -> bool:
        return user in self._agent_keys

    def eligible_agents(self) -> Iterable[UserId]:
        """Idle longest first."""
        return (user for _, user in self._agents)

    def agent_count(self) -> int:
        return len(self._agents)

    # -- items -------------------------------------------------------------------------------

    def add_item(self, work_id: WorkId, priority: int, created_at: float, seq: int) -> None:
        if work_id in self._item_keys:
            return
        key: ItemKey = (-priority, created_at, seq, work_id)
        self._items.add(key)
        self._item_keys[work_id] = key

    def remove_item(self, work_id: WorkId) -> None:
        key = self._item_keys.pop(work_id, None)
        if key is not None:
            self._items.remove(key)

    def has_item(self, work_id: WorkId) -> bool:
        return work_id in self._item_keys

    def head(self) -> ItemKey | None:
        if not self._items:
            return None
        first: ItemKey = self._items[0]
        return first

    def position(self, work_id: WorkId) -> int | None:
        """1 for the item that leaves next; None when it is not waiting here."""
        key = self._item_keys.get(work_id)
        return None if key is None else int(self._items.index(key)) + 1

    def item_count(self) -> int:
        return len(self._items)

    def waiting(self) -> list[WorkId]:
        return [key[3] for key in self._items]
