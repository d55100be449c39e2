"""What testers and supervisors ask about work: create it, play the customer, look it up, and
the supervisor's agent list."""

from __future__ import annotations

from collections.abc import Sequence

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    CreateWork,
    CustomerEnd,
    CustomerMessage,
    GetWork,
    ListAgents,
    MessageAdded,
    ServerReply,
    SessionUpdated,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.model import CaseRecord, ChatMessage, WorkItem
from agent_desktop.protocol.transcript import (
    PAGE_BYTES,
    SESSION_TRANSCRIPT_BYTES,
    GetTranscript,
    TranscriptPage,
    newest,
)
from agent_desktop.protocol.vocabulary import (
    ErrorCode,
    Origin,
    QueueId,
    Reason,
    RequestId,
    Sender,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.routing.agent_page import agent_page
from agent_desktop.server.routing.connections import Principal
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.lookups import Lookups, refuse
from agent_desktop.server.routing.offer_table import OfferTrigger
from agent_desktop.server.routing.records import WorkRecord
from agent_desktop.server.routing.render import customer_for


class WorkRequests:
    def __init__(self, flow: WorkFlow, lookups: Lookups) -> None:
        self.flow = flow
        self.lookups = lookups

    def list_agents(self, principal: Principal, request: ListAgents) -> ServerReply:
        """The supervisor's agent table; also subscribes to `agent_updated` deltas."""
        self.lookups.require_supervisor(principal, request)
        flow = self.flow
        flow.ledger.connections.subscribers.add(principal.user)
        page, after = agent_page(flow.directory.listed_by_id, request.after, request.limit)
        rows = flow.views.agent_rows(tuple(page))
        return Agents(re=RequestId(request.id), agents=rows, next=after)

    def create_work(self, principal: Principal, request: CreateWork) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        flow = self.flow
        queue = flow.directory.queues.get(request.queue)
        if queue is None:
            raise refuse(ErrorCode.UNKNOWN_QUEUE, f"no queue {request.queue}", request)
        if queue.channel is not request.channel:
            raise refuse(
                ErrorCode.WRONG_CHANNEL,
                f"queue {queue.id} takes {queue.channel.value}, not {request.channel.value}",
                request,
            )
        if request.agent is not None:
            self.lookups.worker(request.agent, request)
        ledger = flow.ledger
        case = None
        if traits(request.channel).has_case_record:
            case = CaseRecord(
                case_number=f"CAS-{ledger.next('case'):05d}",
                title=request.case_title or request.subject or "Case",
            )
        item = WorkItem(
            work_id=WorkId(f"W{ledger.next('work')}"),
            channel=request.channel,
            queue=QueueId(queue.id),
            customer=customer_for(
                ledger.config, request.channel, request.customer_name, request.phone, request.email
            ),
            subject=request.subject,
            priority=request.priority,
            origin=Origin.BOT_ESCALATION if request.bot_summary else Origin.NEW,
            bot_summary=request.bot_summary,
            case=case,
            state=WorkState.QUEUED,
            created_at=ledger.now(),
        )
        work = WorkRecord(item=item, seq=ledger.next("seq"))
        flow.works.items[item.work_id] = work
        flow.works.history(work, "created", f"in {queue.id}", agent=principal.user)
        ledger.audit("work", work=item.work_id, queue=queue.id, by=principal.user)
        if request.agent is not None:
            flow.direct(work, request.agent)
        else:
            flow.router.enqueue(work)
        flow.dispatch()
        return WorkCreated(re=RequestId(request.id), work=work.item)

    def customer_message(self, principal: Principal, request: CustomerMessage) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        flow = self.flow
        work = self.lookups.open_work(request.work_id, request)
        if work.customer_left:
            raise refuse(
                ErrorCode.WORK_CLOSED, f"the customer of {request.work_id} has left", request
            )
        message = flow.works.append(work, Sender.CUSTOMER, request.text)
        session = flow.sessions.records.get(work.session_id) if work.session_id else None
        if session is not None:
            flow.ledger.deliver(
                session.agent, MessageAdded(session_id=session.session_id, message=message)
            )
        return Ack(re=RequestId(request.id))

    def customer_end(self, principal: Principal, request: CustomerEnd) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        flow = self.flow
        work = self.lookups.open_work(request.work_id, request)
        re = RequestId(request.id)
        if work.customer_left:
            return Ack(re=re)  # already recorded; the agent closes the session
        work.customer_left = True
        flow.works.history(work, "customer_left", reason=Reason.CUSTOMER_LEFT)
        state = work.item.state
        if state is WorkState.OFFERED and work.offer_id is not None:
            flow.offers.move(flow.offers[work.offer_id], OfferTrigger.CUSTOMER_LEFT)
            flow.works.close(work)
        elif state is WorkState.QUEUED:
            flow.router.unqueue(work)
            flow.works.close(work)
        elif state is WorkState.ASSIGNED and work.session_id is not None:
            session = flow.sessions[work.session_id]
            message = flow.works.append(work, Sender.SYSTEM, "The customer left.")
            ledger = flow.ledger
            ledger.deliver(
                session.agent, MessageAdded(session_id=session.session_id, message=message)
            )
            ledger.deliver(
                session.agent,
                SessionUpdated(
                    session_id=session.session_id, call=session.call, customer_left=True
                ),
            )
            ledger.touched.add(session.agent)
        return Ack(re=re)

    def get_work(self, principal: Principal, request: GetWork) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        work = self.lookups.work_for(request.work_id, request)
        agent = self._holder(work)
        position, estimate = self._waiting(work)
        transcript, earlier = newest(work.transcript, SESSION_TRANSCRIPT_BYTES)
        return WorkInfo(
            re=RequestId(request.id),
            work=work.item,
            transcript=transcript,
            earlier_messages=earlier,
            history=list(work.history),
            agent=agent,
            offer_id=work.offer_id,
            session_id=work.session_id,
            queue_position=position,
            estimated_wait_s=estimate,
        )

    def get_transcript(self, principal: Principal, request: GetTranscript) -> ServerReply:
        """Its agent (an open session or a pending offer of the item) or a supervisor."""
        work = self.lookups.work_for(request.work_id, request)
        if self._holder(work) != principal.user:
            self.lookups.require_supervisor(principal, request)
        messages = work.transcript
        end = len(messages)
        if request.before is not None:
            end = _index_of(messages, request.before)
            if end < 0:
                raise refuse(
                    ErrorCode.UNKNOWN_MESSAGE,
                    f"work item {work.item.work_id} has no message {request.before}",
                    request,
                )
        page, earlier = newest(messages, PAGE_BYTES, end=end)
        return TranscriptPage(
            re=RequestId(request.id),
            work_id=work.item.work_id,
            messages=page,
            earlier_messages=earlier,
        )

    def _holder(self, work: WorkRecord) -> UserId | None:
        """The agent the item is with now: its open session's, else its pending offer's."""
        flow = self.flow
        if work.session_id is not None and work.session_id in flow.sessions.records:
            return flow.sessions[work.session_id].agent
        if work.offer_id is not None and work.offer_id in flow.offers.records:
            return flow.offers[work.offer_id].agent
        return None

    def _waiting(self, work: WorkRecord) -> tuple[int | None, float | None]:
        """Position and estimated wait of a queued item (rule 16)."""
        stats = self.flow.queue_stats
        position = stats.position(work.item.queue, work.item.work_id)
        if position is None:
            return None, None
        queue = self.flow.directory.queues[work.item.queue]
        return position, stats.estimate(queue, position)


def _index_of(messages: Sequence[ChatMessage], msg_id: str) -> int:
    """Where `msg_id` stands in the transcript, or -1. Ids are `<work>-<seq>` with seq the
    1-based position (`WorkBook.append`): tried first, so paging a long chat is not a scan."""
    _, _, seq = msg_id.rpartition("-")
    if seq.isdigit() and 0 < int(seq) <= len(messages) and messages[int(seq) - 1].msg_id == msg_id:
        return int(seq) - 1
    return next((i for i, m in enumerate(messages) if m.msg_id == msg_id), -1)
