"""From a request to the part that answers it: a thin table, no rules."""

from __future__ import annotations

from agent_desktop.protocol.messages import (
    AcceptOffer,
    CallControl,
    ClearPenalty,
    ClockReading,
    CloseSession,
    CreateWork,
    CustomerEnd,
    CustomerMessage,
    DismissAlert,
    Escalate,
    ExtendWrapUp,
    FinishWrapUp,
    GetPresenceTimeline,
    GetTranscript,
    GetWork,
    ListAgents,
    ListQueues,
    RejectOffer,
    Request,
    ResetPresence,
    SendMessage,
    ServerReply,
    SetNextPresence,
    SetPresence,
    SyncClock,
    Transfer,
)
from agent_desktop.protocol.vocabulary import ErrorCode, RequestId
from agent_desktop.server.routing.agent_requests import AgentRequests
from agent_desktop.server.routing.connections import Principal
from agent_desktop.server.routing.depth_requests import DepthRequests
from agent_desktop.server.routing.lookups import refuse
from agent_desktop.server.routing.work_requests import WorkRequests

READ_ONLY = (SyncClock, GetWork, GetTranscript, GetPresenceTimeline, ListQueues)
"""Requests a supervisor makes that are not audited (they change nothing)."""


class Dispatcher:
    def __init__(self, agents: AgentRequests, work: WorkRequests, depth: DepthRequests) -> None:
        self.agents = agents
        self.work = work
        self.depth = depth

    def handle(self, principal: Principal, request: Request) -> ServerReply:
        agents, work = self.agents, self.work
        match request:
            case SetPresence():
                return agents.set_presence(principal, request)
            case AcceptOffer():
                return agents.accept(principal, request)
            case RejectOffer():
                return agents.reject(principal, request)
            case SendMessage():
                return agents.send_message(principal, request)
            case CallControl():
                return agents.call_control(principal, request)
            case Transfer() | Escalate():
                return agents.transfer(principal, request)
            case CloseSession():
                return agents.close(principal, request)
            case DismissAlert():
                return agents.dismiss(principal, request)
            case ResetPresence():
                return agents.reset_presence(principal, request)
            case GetPresenceTimeline():
                return agents.timeline(principal, request)
            case ListAgents():
                return work.list_agents(principal, request)
            case SyncClock():
                return ClockReading(re=RequestId(request.id), server_time=agents.flow.ledger.now())
            case CreateWork():
                return work.create_work(principal, request)
            case CustomerMessage():
                return work.customer_message(principal, request)
            case CustomerEnd():
                return work.customer_end(principal, request)
            case GetWork():
                return work.get_work(principal, request)
            case GetTranscript():
                return work.get_transcript(principal, request)
        return self._depth(principal, request)

    def _depth(self, principal: Principal, request: Request) -> ServerReply:
        depth = self.depth
        match request:
            case ExtendWrapUp():
                return depth.extend_wrap_up(principal, request)
            case FinishWrapUp():
                return depth.finish_wrap_up(principal, request)
            case ClearPenalty():
                return depth.clear_penalty(principal, request)
            case SetNextPresence():
                return depth.set_next_presence(principal, request)
            case ListQueues():
                return depth.list_queues(principal, request)
        raise refuse(
            ErrorCode.INVALID_MESSAGE,
            f"{type(request).__name__} is handled by the connection layer, not the engine",
            request,
        )
