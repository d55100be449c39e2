"""Sessions: accepted work open on an agent's desktop, until closed.

Only open sessions are kept; a closed one is gone (its work item's history tells the rest).
"""

from __future__ import annotations

from collections.abc import Iterator

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.messages import SessionClosed
from agent_desktop.protocol.model import Call
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    CallState,
    Reason,
    SessionId,
    UserId,
    WorkState,
)
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.records import KIND_AGENT, KIND_SESSION, SessionRecord, WorkRecord
from agent_desktop.server.routing.works import WorkBook
from agent_desktop.server.routing.wrap_ups import WrapUps


class Sessions:
    def __init__(self, ledger: Ledger, works: WorkBook) -> None:
        self.ledger = ledger
        self.works = works
        self.records: dict[SessionId, SessionRecord] = {}
        self.open: dict[UserId, set[SessionId]] = {}
        self.wrap_ups = WrapUps(ledger)
        """The tails of closed sessions (rule 13), which still hold their queue's capacity."""

    def __getitem__(self, session_id: SessionId) -> SessionRecord:
        return self.records[session_id]

    def of(self, user: UserId) -> list[SessionId]:
        return sorted(self.open.get(user, ()))

    def count(self, user: UserId) -> int:
        return len(self.open.get(user, ()))

    def at_limit(self, user: UserId) -> bool:
        """Rule 7: another session would be the 11th."""
        return self.count(user) >= MAX_SESSIONS

    def add(self, work: WorkRecord, user: UserId, reason: Reason) -> SessionRecord:
        """Open a session for the item (the flow decides who and why)."""
        ledger = self.ledger
        call, work.carried_call = work.carried_call, None  # a transferred call stays live
        if call is None and traits(work.item.channel).has_call_controls:
            call = Call(state=CallState.CONNECTED)
        session = SessionRecord(
            session_id=SessionId(f"S{ledger.next('session')}"),
            work_id=work.item.work_id,
            agent=user,
            opened_at=ledger.now(),
            opened_reason=reason,
            call=call,
        )
        self.records[session.session_id] = session
        self.open.setdefault(user, set()).add(session.session_id)
        ledger.mark(KIND_SESSION, session.session_id)
        work.session_id = session.session_id
        work.offer_id = None
        self.works.update(work, state=WorkState.ASSIGNED)
        self.works.history(work, "assigned", session.session_id, agent=user, reason=reason)
        ledger.audit(
            "session", session=session.session_id, work=work.item.work_id, agent=user, reason=reason
        )
        ledger.changed(user)
        return session

    def remove(self, session: SessionRecord, reason: Reason) -> WorkRecord:
        """The session leaves its agent; the caller decides what becomes of the work item."""
        ledger = self.ledger
        user = session.agent
        del self.records[session.session_id]
        self.open.get(user, set()).discard(session.session_id)
        ledger.mark(KIND_SESSION, session.session_id)
        work = self.works[session.work_id]
        work.session_id = None
        self.works.history(work, "session_closed", session.session_id, agent=user, reason=reason)
        ledger.mark(KIND_AGENT, user)
        ledger.audit("session", session=session.session_id, agent=user, closed=True, reason=reason)
        ledger.deliver(user, SessionClosed(session_id=session.session_id, reason=reason))
        ledger.changed(user)
        return work

    def violations(self) -> Iterator[str]:
        yield from self.wrap_ups.violations()
        for session_id, session in self.records.items():
            if session_id not in self.open.get(session.agent, set()):
                yield f"{session_id} is open but not listed for {session.agent}"
        for user, sessions in self.open.items():
            if len(sessions) > MAX_SESSIONS:
                yield f"{user} has {len(sessions)} open sessions (limit {MAX_SESSIONS})"
