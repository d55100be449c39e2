"""The wire views of the engine's records: offers, sessions, the snapshot, the agent list rows,
and the `agent_updated` deltas to watching supervisors."""

from __future__ import annotations

from agent_desktop.protocol.messages import AgentUpdated, Snapshot
from agent_desktop.protocol.model import AgentView, CustomPresence, Offer, Session
from agent_desktop.protocol.transcript import (
    OFFER_TRANSCRIPT_BYTES,
    SESSION_TRANSCRIPT_BYTES,
    newest,
)
from agent_desktop.protocol.vocabulary import UserId
from agent_desktop.server.routing.alerts import Alerts
from agent_desktop.server.routing.directory import Directory
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.offers import Offers
from agent_desktop.server.routing.presence import Presences
from agent_desktop.server.routing.records import OfferRecord, SessionRecord
from agent_desktop.server.routing.router import Router
from agent_desktop.server.routing.sessions import Sessions
from agent_desktop.server.routing.works import WorkBook
from agent_desktop.server.routing.wrap_ups import WrapUps


class Views:
    def __init__(
        self,
        ledger: Ledger,
        directory: Directory,
        presences: Presences,
        works: WorkBook,
        offers: Offers,
        sessions: Sessions,
        alerts: Alerts,
        router: Router,
    ) -> None:
        self.ledger = ledger
        self.directory = directory
        self.presences = presences
        self.works = works
        self.offers = offers
        self.sessions = sessions
        self.alerts = alerts
        self.router = router
        self.published: dict[UserId, AgentView] = {}
        """The last row each watching supervisor was sent, per agent."""

    def offer(self, offer: OfferRecord) -> Offer:
        work = self.works[offer.work_id]
        transcript, earlier = newest(work.transcript, OFFER_TRANSCRIPT_BYTES)
        return Offer(
            offer_id=offer.offer_id,
            work=work.item,
            agent=offer.agent,
            notification=offer.notification,
            offered_at=offer.offered_at,
            expires_at=offer.expires_at,
            state=offer.state,
            reason=offer.reason,
            transcript=transcript,
            earlier_messages=earlier,
        )

    def session(self, session: SessionRecord) -> Session:
        work = self.works[session.work_id]
        transcript, earlier = newest(work.transcript, SESSION_TRANSCRIPT_BYTES)
        return Session(
            session_id=session.session_id,
            work=work.item,
            agent=session.agent,
            opened_at=session.opened_at,
            opened_reason=session.opened_reason,
            transcript=transcript,
            call=session.call,
            customer_left=work.customer_left,
            earlier_messages=earlier,
        )

    def snapshot(self, user: UserId) -> Snapshot:
        return Snapshot(
            presence=self.presences.agent(user).presence,
            offers=[self.offer(self.offers[o]) for o in self.offers.of(user)],
            sessions=[self.session(self.sessions[s]) for s in self.sessions.of(user)],
            alerts=self.alerts.of(user),
            server_time=self.ledger.now(),
            penalty_until=self.presences.agent(user).penalty_until,
            next_presence=self.presences.agent(user).next_presence,
            wrap_ups=[
                WrapUps.view(r, self.directory.queues[r.queue])
                for r in self.sessions.wrap_ups.of(user)
            ],
            custom_presences=[
                CustomPresence(name=p.name, colour=p.colour, base=p.base)
                for p in self.directory.config.presences
            ],
        )

    def agent(self, user: UserId) -> AgentView:
        config = self.directory.users[user]
        return AgentView(
            agent=user,
            display_name=config.name,
            role=config.role,
            presence=self.presences.agent(user).presence,
            connected=self.ledger.connections.is_connected(user),
            sessions=self.sessions.count(user),
            pending_offers=self.offers.count(user),
            alerts=tuple(a.kind for a in self.alerts.of(user)),
            queues=tuple(self.directory.user_queues(user)),
            capacity_used=self.router.load_with_offers(user),
            capacity=config.capacity,
            wrap_ups=self.sessions.wrap_ups.count(user),
            penalty_until=self.presences.agent(user).penalty_until,
            next_presence=self.presences.agent(user).next_presence,
        )

    def agent_rows(self, users: tuple[UserId, ...]) -> list[AgentView]:
        """Rows for the agent list; remembered so only later changes go out as deltas."""
        rows = [self.agent(u) for u in users]
        self.published.update((row.agent, row) for row in rows)
        return rows

    def publish(self) -> None:
        """AgentUpdated to every watching supervisor for each row that changed."""
        ledger = self.ledger
        touched, ledger.touched = ledger.touched, set()
        if not ledger.connections.subscribers:
            return
        listed = set(self.directory.listed_users)
        for user in sorted(touched & listed):
            view = self.agent(user)
            if self.published.get(user) == view:
                continue
            self.published[user] = view
            for supervisor in ledger.connections.watching():
                ledger.deliver(supervisor, AgentUpdated(agent=view))
