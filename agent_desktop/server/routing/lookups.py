"""Lookups that refuse: the checks a request passes before anything changes.

Each raises `ProtocolError(code, human message, re=request.id)`; none changes state.
"""

from __future__ import annotations

from typing import Final

from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import Request
from agent_desktop.protocol.vocabulary import (
    ErrorCode,
    OfferId,
    OfferState,
    Presence,
    RequestId,
    Role,
    SessionId,
    UserId,
    WorkId,
    WorkState,
)
from agent_desktop.server.config import UserConfig
from agent_desktop.server.routing.connections import Principal
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.presence_table import AGENT_CHOOSABLE
from agent_desktop.server.routing.records import OfferRecord, SessionRecord, WorkRecord

SUPERVISING: Final = frozenset({Role.SUPERVISOR, Role.ADMIN})


def refuse(code: ErrorCode, message: str, request: Request) -> ProtocolError:
    return ProtocolError(code, message, RequestId(request.id))


class Lookups:
    def __init__(self, flow: WorkFlow) -> None:
        self.flow = flow

    @staticmethod
    def require_supervisor(principal: Principal, request: Request) -> None:
        if principal.role not in SUPERVISING:
            raise refuse(ErrorCode.FORBIDDEN, "only a supervisor or admin may do this", request)

    def offer_for(self, principal: Principal, offer_id: OfferId, request: Request) -> OfferRecord:
        offer = self.flow.offers.find(offer_id)
        if offer is None:
            raise refuse(ErrorCode.UNKNOWN_OFFER, f"no offer {offer_id}", request)
        if offer.agent != principal.user:
            raise refuse(ErrorCode.FORBIDDEN, f"offer {offer_id} is not yours", request)
        return offer

    def check_pending(self, offer: OfferRecord, request: Request) -> None:
        if self.flow.offers.expired(offer):
            raise refuse(ErrorCode.OFFER_EXPIRED, f"offer {offer.offer_id} has expired", request)
        if offer.state is not OfferState.PENDING:
            raise refuse(
                ErrorCode.OFFER_NOT_PENDING,
                f"offer {offer.offer_id} is already {offer.state.value}",
                request,
            )

    def session_for(
        self, principal: Principal, session_id: SessionId, request: Request, *, supervised: bool
    ) -> SessionRecord:
        """The open session, if the principal may act on it (its agent, or a supervisor)."""
        session = self.flow.sessions.records.get(session_id)
        if session is None:
            raise refuse(ErrorCode.UNKNOWN_SESSION, f"no open session {session_id}", request)
        if session.agent != principal.user and not (supervised and principal.role in SUPERVISING):
            raise refuse(ErrorCode.FORBIDDEN, f"session {session_id} is not yours", request)
        return session

    def work_for(self, work_id: WorkId, request: Request, *, transcript: bool = True) -> WorkRecord:
        """The work item; a closed one that left memory is read from the store (not kept)."""
        work = self.flow.works.find(work_id, transcript=transcript)
        if work is None:
            raise refuse(ErrorCode.UNKNOWN_WORK, f"no work item {work_id}", request)
        return work

    def open_work(self, work_id: WorkId, request: Request) -> WorkRecord:
        work = self.work_for(work_id, request, transcript=False)
        if work.item.state is WorkState.CLOSED:
            raise refuse(ErrorCode.WORK_CLOSED, f"work item {work_id} is closed", request)
        return work

    def presence_choice(self, presence: Presence, custom: str | None, request: Request) -> None:
        """A presence a person may choose: never `inactive` (rule 11); a custom one by a name
        the config defines, with its base as `presence` (rule 12)."""
        if presence not in AGENT_CHOOSABLE:
            raise refuse(
                ErrorCode.INVALID_PRESENCE, f"{presence.value} is set by the system only", request
            )
        if custom is None:
            return
        defined = self.flow.ledger.config.custom_presence(custom)
        if defined is None:
            raise refuse(ErrorCode.INVALID_PRESENCE, f"no custom presence {custom!r}", request)
        if defined.base is not presence:
            raise refuse(
                ErrorCode.INVALID_PRESENCE,
                f"{custom!r} maps to {defined.base.value}, not {presence.value}",
                request,
            )

    def known_agent(self, user: UserId, request: Request) -> UserConfig:
        config = self.flow.directory.users.get(user)
        if config is None:
            raise refuse(ErrorCode.UNKNOWN_AGENT, f"no agent {user}", request)
        return config

    def worker(self, user: UserId, request: Request) -> UserConfig:
        """An account that can be sent work (direct assignment, transfer, escalation)."""
        config = self.known_agent(user, request)
        if not self.flow.directory.takes_work(user):
            raise refuse(
                ErrorCode.UNKNOWN_AGENT,
                f"{user} is a {config.role.value} with no queues and takes no work",
                request,
            )
        return config
