"""Wrap-up (rule 13): after a session of a queue with `wrap_up_s` > 0 closes, the agent keeps
that queue's `capacity_cost` reserved for the wrap-up time, so routing offers no work in its
place while the agent writes the disposition and note. It ends at its deadline (reason
`wrap_up_timeout`) or when the agent says "done" (`wrap_up_done`); "extend" moves the deadline.
Each step is written into the work item's history.

A wrap-up follows a close (`close_session`), not a transfer or escalation: that work goes on
with someone else. It counts in the agent's load (`Router.session_load`), so the capacity rule
keeps the agent `busy` during it and `available` after.
"""

from __future__ import annotations

from collections.abc import Iterator

from agent_desktop.protocol.model import WrapUp
from agent_desktop.protocol.vocabulary import QueueId, UserId, WorkId
from agent_desktop.server.config import QueueConfig
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.records import KIND_WRAP_UP, WrapUpRecord


class WrapUps:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.records: dict[WorkId, WrapUpRecord] = {}
        self.by_agent: dict[UserId, set[WorkId]] = {}

    def of(self, user: UserId) -> list[WrapUpRecord]:
        return [self.records[w] for w in sorted(self.by_agent.get(user, ()))]

    def count(self, user: UserId) -> int:
        return len(self.by_agent.get(user, ()))

    def load(self, user: UserId) -> int:
        return sum(self.records[w].cost for w in self.by_agent.get(user, ()))

    def add(self, record: WrapUpRecord) -> None:
        self.records[record.work_id] = record
        self.by_agent.setdefault(record.agent, set()).add(record.work_id)
        self.ledger.mark(KIND_WRAP_UP, record.work_id)
        self.ledger.changed(record.agent)

    def start(self, work_id: WorkId, user: UserId, queue: QueueConfig) -> WrapUpRecord:
        now = self.ledger.now()
        record = WrapUpRecord(
            work_id=work_id,
            agent=user,
            queue=QueueId(queue.id),
            cost=queue.capacity_cost,
            started_at=now,
            ends_at=now + queue.wrap_up_s,
        )
        self.add(record)
        return record

    def extend(self, record: WrapUpRecord, seconds: float) -> None:
        record.ends_at = max(record.ends_at, self.ledger.now()) + seconds
        self.ledger.mark(KIND_WRAP_UP, record.work_id)
        self.ledger.changed(record.agent)

    def remove(self, record: WrapUpRecord) -> None:
        del self.records[record.work_id]
        self.by_agent.get(record.agent, set()).discard(record.work_id)
        self.ledger.mark(KIND_WRAP_UP, record.work_id)
        self.ledger.changed(record.agent)

    @staticmethod
    def view(record: WrapUpRecord, queue: QueueConfig) -> WrapUp:
        return WrapUp(
            work_id=record.work_id,
            queue=record.queue,
            started_at=record.started_at,
            ends_at=record.ends_at,
            dispositions=list(queue.dispositions),
            disposition_required=queue.disposition_required,
            note_required=queue.note_required,
        )

    def violations(self) -> Iterator[str]:
        for work_id, record in self.records.items():
            if work_id not in self.by_agent.get(record.agent, set()):
                yield f"wrap-up of {work_id} is not listed for {record.agent}"
