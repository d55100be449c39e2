"""Requests of the routing-depth pieces (issue 11): wrap-up "extend" and "done", next status,
penalties, queue position and statistics. Each validates first and raises before any change."""

from __future__ import annotations

from agent_desktop.protocol.messages import (
    Ack,
    ClearPenalty,
    ExtendWrapUp,
    FinishWrapUp,
    ListQueues,
    Queues,
    Request,
    ServerReply,
    SetNextPresence,
    WrapUpChanged,
)
from agent_desktop.protocol.model import NextPresence
from agent_desktop.protocol.vocabulary import ErrorCode, Reason, RequestId, WorkId
from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.connections import Principal
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.lookups import Lookups, refuse
from agent_desktop.server.routing.records import WrapUpRecord
from agent_desktop.server.routing.wrap_ups import WrapUps


class DepthRequests:
    def __init__(self, flow: WorkFlow, lookups: Lookups) -> None:
        self.flow = flow
        self.lookups = lookups

    # -- next status (rule 15) -----------------------------------------------------------------

    def set_next_presence(self, principal: Principal, request: SetNextPresence) -> ServerReply:
        flow = self.flow
        user = principal.user
        if request.presence is None:
            if request.custom is not None:
                raise refuse(ErrorCode.INVALID_PRESENCE, "a custom name needs its base", request)
            if flow.presences.agent(user).next_presence is not None:
                flow.set_next_presence(user, None)
            return Ack(re=RequestId(request.id))
        self.lookups.presence_choice(request.presence, request.custom, request)
        chosen = NextPresence(
            presence=request.presence, custom=request.custom, set_at=flow.ledger.now()
        )
        flow.set_next_presence(user, chosen)
        flow.take_next_presence(user)  # nothing open: at once
        return Ack(re=RequestId(request.id))

    # -- queue statistics (rule 16) ------------------------------------------------------------

    def list_queues(self, principal: Principal, request: ListQueues) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        flow = self.flow
        flow.ledger.connections.queue_watchers.add(principal.user)
        rows = flow.queue_stats.rows()
        return Queues(re=RequestId(request.id), queues=rows, server_time=flow.ledger.now())

    # -- repeat misses (rule 14) ---------------------------------------------------------------

    def clear_penalty(self, principal: Principal, request: ClearPenalty) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        self.lookups.known_agent(request.agent, request)
        self.flow.penalties.clear(request.agent)  # none to clear: acknowledged, no change
        return Ack(re=RequestId(request.id))

    # -- wrap-up (rule 13) ---------------------------------------------------------------------

    def _wrap_up(self, principal: Principal, work_id: WorkId, request: Request) -> WrapUpRecord:
        record = self.flow.sessions.wrap_ups.records.get(work_id)
        if record is None:
            raise refuse(ErrorCode.UNKNOWN_WRAP_UP, f"no wrap-up for {work_id}", request)
        if record.agent != principal.user:
            raise refuse(ErrorCode.FORBIDDEN, f"the wrap-up of {work_id} is not yours", request)
        return record

    def extend_wrap_up(self, principal: Principal, request: ExtendWrapUp) -> ServerReply:
        flow = self.flow
        record = self._wrap_up(principal, request.work_id, request)
        flow.sessions.wrap_ups.extend(record, request.seconds)
        flow.deadlines.schedule(record.ends_at, deadlines.WRAP_UP, record.work_id)
        work = flow.works.revive(record.work_id)
        if work is not None:
            flow.works.history(
                work, "wrap_up_extended", f"{request.seconds:g} s", agent=record.agent
            )
        queue = flow.directory.queues[record.queue]
        flow.ledger.deliver(record.agent, WrapUpChanged(wrap_up=WrapUps.view(record, queue)))
        return Ack(re=RequestId(request.id))

    def finish_wrap_up(self, principal: Principal, request: FinishWrapUp) -> ServerReply:
        flow = self.flow
        record = self._wrap_up(principal, request.work_id, request)
        queue = flow.directory.queues[record.queue]
        disposition, note = request.disposition, (request.note or "").strip()
        if disposition is not None and disposition not in queue.dispositions:
            raise refuse(
                ErrorCode.INVALID_MESSAGE,
                f"{disposition!r} is not a disposition of queue {queue.id}",
                request,
            )
        if queue.disposition_required and disposition is None:
            raise refuse(
                ErrorCode.DISPOSITION_REQUIRED, f"queue {queue.id} needs a disposition", request
            )
        if queue.note_required and not note:
            raise refuse(ErrorCode.DISPOSITION_REQUIRED, f"queue {queue.id} needs a note", request)
        detail = " - ".join(part for part in (disposition or "", note) if part)
        flow.end_wrap_up(record, Reason.WRAP_UP_DONE, detail)
        return Ack(re=RequestId(request.id))
