"""Work items: their records, history and transcript.

The item's state (queued, offered, assigned, closed) is changed by the flow; this part records
the change, counts closed items and reads closed items back from the store on demand.
"""

from __future__ import annotations

from typing import Any

import msgspec

from agent_desktop.protocol.model import ChatMessage, HistoryEntry
from agent_desktop.protocol.vocabulary import Reason, Sender, SessionId, UserId, WorkId, WorkState
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.records import (
    KIND_MESSAGE,
    KIND_WORK,
    KIND_WORK_CLOSED,
    MessageRecord,
    WorkRecord,
    decode_record,
    encode_record,
    message_key,
    message_prefix,
)


class WorkBook:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.items: dict[WorkId, WorkRecord] = {}
        """Open work, and closed work until it is evicted (the store keeps it)."""

    def __getitem__(self, work_id: WorkId) -> WorkRecord:
        return self.items[work_id]

    def history(
        self,
        work: WorkRecord,
        event: str,
        detail: str = "",
        agent: UserId | None = None,
        reason: Reason | None = None,
    ) -> None:
        work.history.append(
            HistoryEntry(
                at=self.ledger.now(), event=event, detail=detail, agent=agent, reason=reason
            )
        )
        self.ledger.mark(KIND_WORK, work.item.work_id)

    def update(self, work: WorkRecord, **changes: Any) -> None:
        closing = (
            changes.get("state") is WorkState.CLOSED and work.item.state is not WorkState.CLOSED
        )
        work.item = msgspec.structs.replace(work.item, **changes)
        self.ledger.mark(KIND_WORK, work.item.work_id)
        if closing:
            self.ledger.next("closed")
            self.ledger.retire(KIND_WORK_CLOSED, work.item.work_id)

    def close(self, work: WorkRecord, reason: Reason = Reason.CUSTOMER_LEFT) -> None:
        self.update(work, state=WorkState.CLOSED)
        self.history(work, "closed", reason=reason)

    def append(
        self,
        work: WorkRecord,
        sender: Sender,
        text: str,
        client_msg_id: str | None = None,
        session_id: SessionId | None = None,
    ) -> ChatMessage:
        """One transcript line, stored as its own record (written once, committed before the
        reply), so a long chat costs the same per message as a short one."""
        work_id = work.item.work_id
        seq = len(work.transcript) + 1
        message = ChatMessage(
            msg_id=f"{work_id}-{seq}",
            sender=sender,
            text=text,
            at=self.ledger.now(),
            client_msg_id=client_msg_id,
        )
        work.transcript.append(message)
        record = MessageRecord(session_id=session_id, message=message)
        self.ledger.store.put(KIND_MESSAGE, message_key(work_id, seq), encode_record(record))
        return message

    def message_records(self, work_id: WorkId) -> list[MessageRecord]:
        """A work item's transcript as stored, in order."""
        stored = self.ledger.store.load_prefix(KIND_MESSAGE, message_prefix(work_id))
        return [decode_record(data, MessageRecord) for _, data in stored]

    def find(self, work_id: WorkId, *, transcript: bool = True) -> WorkRecord | None:
        """The item; a closed one that left memory is read back from the store (not kept)."""
        work = self.items.get(work_id)
        if work is not None:
            return work
        data = self.ledger.store.get(KIND_WORK_CLOSED, work_id)
        if data is None:
            return None
        work = decode_record(data, WorkRecord)
        if transcript and not work.transcript:
            work.transcript = [r.message for r in self.message_records(work_id)]
        return work

    def revive(self, work_id: WorkId) -> WorkRecord | None:
        """A closed item back in memory to add to its history (a wrap-up may end after the
        item left memory); it leaves again after the retention."""
        work = self.items.get(work_id)
        if work is not None:
            return work
        work = self.find(work_id, transcript=True)
        if work is not None:
            self.items[work_id] = work
            self.ledger.retire(KIND_WORK_CLOSED, work_id)
        return work

    def evict(self, work_id: WorkId) -> None:
        work = self.items.get(work_id)
        if work is not None and work.item.state is WorkState.CLOSED:
            del self.items[work_id]

    def closed_in_memory(self) -> int:
        return sum(1 for w in self.items.values() if w.item.state is WorkState.CLOSED)
