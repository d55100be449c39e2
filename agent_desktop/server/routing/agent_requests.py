"""What an agent asks of the routing engine: presence, offers, alerts, and their sessions.

Every handler validates first and raises (`lookups.refuse`) before anything changes.
"""

from __future__ import annotations

from typing import Any, Final

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CallControl,
    CloseSession,
    DismissAlert,
    Error,
    Escalate,
    GetPresenceTimeline,
    MessageAdded,
    PresenceTimeline,
    RejectOffer,
    ResetPresence,
    SendMessage,
    ServerReply,
    SessionUpdated,
    SetPresence,
    Transfer,
)
from agent_desktop.protocol.model import Call
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    CallAction,
    CallState,
    ErrorCode,
    OfferState,
    Origin,
    Reason,
    RequestId,
    Sender,
    UserId,
)
from agent_desktop.server.routing.connections import Principal
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.lookups import SUPERVISING, Lookups, refuse
from agent_desktop.server.routing.offer_table import OfferTrigger
from agent_desktop.server.routing.presence_table import PresenceTrigger
from agent_desktop.server.routing.records import KIND_SESSION
from agent_desktop.server.routing.render import work_phrase

# Legal call-control transitions: (state, action) -> new state; anything else is refused.
_CALL_MOVES: Final[dict[tuple[CallState, CallAction], CallState]] = {
    (CallState.CONNECTED, CallAction.HOLD): CallState.ON_HOLD,
    (CallState.ON_HOLD, CallAction.RESUME): CallState.CONNECTED,
    (CallState.CONNECTED, CallAction.MUTE): CallState.CONNECTED,
    (CallState.ON_HOLD, CallAction.MUTE): CallState.ON_HOLD,
    (CallState.CONNECTED, CallAction.UNMUTE): CallState.CONNECTED,
    (CallState.ON_HOLD, CallAction.UNMUTE): CallState.ON_HOLD,
    (CallState.RINGING, CallAction.END): CallState.ENDED,
    (CallState.CONNECTED, CallAction.END): CallState.ENDED,
    (CallState.ON_HOLD, CallAction.END): CallState.ENDED,
}


class AgentRequests:
    def __init__(self, flow: WorkFlow, lookups: Lookups) -> None:
        self.flow = flow
        self.lookups = lookups

    # -- presence and alerts -------------------------------------------------------------------

    def set_presence(self, principal: Principal, request: SetPresence) -> ServerReply:
        self.lookups.presence_choice(request.presence, request.custom, request)
        user = principal.user
        self.flow.presences.apply(
            user,
            PresenceTrigger.AGENT_CHOOSES,
            chosen=request.presence,
            custom=request.custom,
            by=user,
        )
        self._after_presence_choice(user)
        return Ack(re=RequestId(request.id))

    def reset_presence(self, principal: Principal, request: ResetPresence) -> ServerReply:
        self.lookups.require_supervisor(principal, request)
        self.lookups.known_agent(request.agent, request)
        self.lookups.presence_choice(request.presence, request.custom, request)
        if not self.flow.ledger.connections.is_connected(request.agent):
            raise refuse(
                ErrorCode.INVALID_PRESENCE,
                f"{request.agent} is not connected; presence is set when they log in",
                request,
            )
        self.flow.penalties.clear(request.agent)  # rule 14: a reset lifts the penalty
        self.flow.presences.apply(
            request.agent,
            PresenceTrigger.SUPERVISOR_RESETS,
            chosen=request.presence,
            custom=request.custom,
            by=principal.user,
        )
        self._after_presence_choice(request.agent)
        return Ack(re=RequestId(request.id))

    def _after_presence_choice(self, user: UserId) -> None:
        """A person set the presence: a workable one resolves the alerts.

        The capacity rule does not overrule the choice on the spot (else `busy` could never be
        chosen with nothing open); it applies again at the next change of load.
        """
        flow = self.flow
        if flow.presences.presence(user) in flow.directory.allowed_presences(user):
            for alert in flow.alerts.of(user):
                # The penalty's alert stays while the penalty does (rule 14).
                penalty = alert.reason is Reason.REPEAT_MISSES
                if not penalty or not flow.penalties.active(user):
                    flow.alerts.clear(alert.alert_id)

    def dismiss(self, principal: Principal, request: DismissAlert) -> ServerReply:
        record = self.flow.alerts.find(request.alert_id)
        if record is None:
            raise refuse(ErrorCode.UNKNOWN_ALERT, f"no alert {request.alert_id}", request)
        if record.agent != principal.user and principal.role not in SUPERVISING:
            raise refuse(ErrorCode.FORBIDDEN, f"alert {request.alert_id} is not yours", request)
        if not record.cleared:  # already resolved (e.g. by setting Available): nothing to do
            self.flow.alerts.clear(request.alert_id)
        return Ack(re=RequestId(request.id))

    def timeline(self, principal: Principal, request: GetPresenceTimeline) -> ServerReply:
        user = request.agent or principal.user
        if user != principal.user:
            self.lookups.require_supervisor(principal, request)
            self.lookups.known_agent(user, request)
        changes = self.flow.presences.changes(user, request.limit)
        return PresenceTimeline(re=RequestId(request.id), agent=user, changes=changes)

    # -- offers --------------------------------------------------------------------------------

    def accept(self, principal: Principal, request: AcceptOffer) -> ServerReply:
        re = RequestId(request.id)
        flow = self.flow
        offer = self.lookups.offer_for(principal, request.offer_id, request)
        if offer.state is OfferState.ACCEPTED:
            return Ack(re=re)  # a retried accept is applied once
        self.lookups.check_pending(offer, request)
        work = flow.works[offer.work_id]
        user = principal.user
        if flow.sessions.at_limit(user):
            # Rule 7 changes state (alert, presence, reroute), so it is a reply, not a raise.
            flow.session_limit(user, work, offer)
            return Error(
                re=re,
                code=ErrorCode.SESSION_LIMIT,
                message=f"you already have {MAX_SESSIONS} open sessions; the item was rerouted",
            )
        move = flow.offers.move(offer, OfferTrigger.ACCEPT)
        flow.open_session(work, user, move.reason, toast=False)
        return Ack(re=re)

    def reject(self, principal: Principal, request: RejectOffer) -> ServerReply:
        flow = self.flow
        offer = self.lookups.offer_for(principal, request.offer_id, request)
        self.lookups.check_pending(offer, request)
        if offer.notification.reject_label is None:
            raise refuse(
                ErrorCode.NOT_REJECTABLE, f"offer {offer.offer_id} cannot be rejected", request
            )
        work = flow.works[offer.work_id]
        queue = flow.directory.queues[work.item.queue]
        user = principal.user
        flow.offers.move(offer, OfferTrigger.REJECT)
        flow.router.enqueue(work, avoid=user)
        flow.queue_stats.offer_ended(work.item.queue, missed=False)
        if queue.reject_alerts:
            flow.presences.apply(user, PresenceTrigger.REJECTED)
            flow.alerts.raise_alert(
                user,
                AlertKind.REJECTED,
                f"You rejected {work_phrase(work.item)}, so you were set to Do not disturb. "
                "Set yourself Available when you are ready for new work.",
                work.item,
            )
        return Ack(re=RequestId(request.id))

    # -- sessions ------------------------------------------------------------------------------

    def send_message(self, principal: Principal, request: SendMessage) -> ServerReply:
        flow = self.flow
        session = self.lookups.session_for(principal, request.session_id, request, supervised=False)
        if request.client_msg_id not in session.client_msg_ids:
            # The id is stored in the message record, not in the session's (see records).
            session.client_msg_ids.append(request.client_msg_id)
            work = flow.works[session.work_id]
            message = flow.works.append(
                work, Sender.AGENT, request.text, request.client_msg_id, session.session_id
            )
            flow.ledger.deliver(
                session.agent, MessageAdded(session_id=session.session_id, message=message)
            )
        return Ack(re=RequestId(request.id))

    def call_control(self, principal: Principal, request: CallControl) -> ServerReply:
        flow = self.flow
        session = self.lookups.session_for(principal, request.session_id, request, supervised=False)
        work = flow.works[session.work_id]
        if not traits(work.item.channel).has_call_controls or session.call is None:
            raise refuse(
                ErrorCode.WRONG_CHANNEL,
                f"session {session.session_id} is {work.item.channel.value}, not a call",
                request,
            )
        call = session.call
        new_state = _CALL_MOVES.get((call.state, request.action))
        muting = {CallAction.MUTE: True, CallAction.UNMUTE: False}.get(request.action)
        if new_state is None or (muting is not None and muting == call.muted):
            raise refuse(
                ErrorCode.INVALID_MESSAGE,
                f"cannot {request.action.value} a call that is {call.state.value}"
                + (" and muted" if call.muted else ""),
                request,
            )
        session.call = Call(state=new_state, muted=call.muted if muting is None else muting)
        flow.ledger.mark(KIND_SESSION, session.session_id)
        flow.ledger.deliver(
            session.agent,
            SessionUpdated(
                session_id=session.session_id, call=session.call, customer_left=work.customer_left
            ),
        )
        return Ack(re=RequestId(request.id))

    def transfer(self, principal: Principal, request: Transfer | Escalate) -> ServerReply:
        flow = self.flow
        session = self.lookups.session_for(principal, request.session_id, request, supervised=True)
        work = flow.works[session.work_id]
        if (request.to_queue is None) == (request.to_agent is None):
            raise refuse(
                ErrorCode.INVALID_MESSAGE, "name exactly one target: to_queue or to_agent", request
            )
        if request.to_queue is not None:
            queue = flow.directory.queues.get(request.to_queue)
            if queue is None:
                raise refuse(ErrorCode.UNKNOWN_QUEUE, f"no queue {request.to_queue}", request)
            if queue.channel is not work.item.channel:
                raise refuse(
                    ErrorCode.WRONG_CHANNEL,
                    f"queue {queue.id} takes {queue.channel.value}, not {work.item.channel.value}",
                    request,
                )
        if request.to_agent is not None:
            self.lookups.worker(request.to_agent, request)
            if request.to_agent == session.agent:
                raise refuse(
                    ErrorCode.INVALID_MESSAGE, "the session is already with that agent", request
                )
        escalation = isinstance(request, Escalate)
        reason = Reason.ESCALATION if escalation else Reason.TRANSFER
        sender = session.agent
        work.carried_call = session.call  # the customer stays on the line
        flow.close_session(session, reason)
        changes: dict[str, Any] = {"origin": Origin.ESCALATION if escalation else Origin.TRANSFER}
        if request.to_queue is not None:
            changes["queue"] = request.to_queue
        flow.works.update(work, **changes)
        target = request.to_agent or request.to_queue or ""
        flow.works.history(work, reason.value, f"to {target}", agent=sender, reason=reason)
        if request.to_agent is not None:
            flow.direct(work, request.to_agent)
        else:
            flow.router.enqueue(work, avoid=sender)
        return Ack(re=RequestId(request.id))

    def close(self, principal: Principal, request: CloseSession) -> ServerReply:
        flow = self.flow
        session = self.lookups.session_for(principal, request.session_id, request, supervised=True)
        reason = Reason.CLOSED_BY_AGENT if principal.user == session.agent else Reason.SUPERVISOR
        flow.finish_work(session, reason, principal.user)
        return Ack(re=RequestId(request.id))
