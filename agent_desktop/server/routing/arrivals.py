"""Agents arriving and departing: presence restored or fresh, held offers, reclaimed sessions.

Rule 8 (vanished client) and rule 10 (goodbye, restore window) in motion; the rows themselves are
in `offer_table` and `presence_table`.
"""

from __future__ import annotations

from collections.abc import Callable

from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.flow import WorkFlow
from agent_desktop.server.routing.offer_table import OfferTrigger
from agent_desktop.server.routing.presence_table import PresenceTrigger
from agent_desktop.server.routing.records import KIND_AGENT, KIND_OFFER, AgentRecord, OfferRecord


class Arrivals:
    def __init__(self, flow: WorkFlow) -> None:
        self.flow = flow

    def arrive(self, agent: AgentRecord) -> None:
        """The agent's first connection: restore presence, re-offer held offers."""
        flow = self.flow
        ledger = flow.ledger
        now = ledger.now()
        window = ledger.config.timings.presence_restore_window_s
        recent = agent.disconnected_at is not None and now - agent.disconnected_at <= window
        user = agent.user
        login = not (agent.before_disconnect is not None and recent)
        if login:
            agent.last_work_at = now
            flow.presences.apply(user, PresenceTrigger.LOGIN)
        else:
            flow.presences.apply(user, PresenceTrigger.RECONNECT)
        agent.disconnected_at = None
        agent.before_disconnect = None
        agent.auto_dnd_before_disconnect = False
        for offer_id in flow.offers.of(user):
            offer = flow.offers[offer_id]
            if offer.held:
                # Still within the reroute grace (else the deadline ended it): a fresh countdown.
                flow.offers.move(offer, OfferTrigger.AGENT_RETURNS)
                offer.expires_at = now + offer.notification.wait_time_s
                flow.deadlines.schedule(offer.expires_at, deadlines.EXPIRE, offer_id)
                ledger.mark(KIND_OFFER, offer_id)
        if login:
            flow.follow_load(user)  # a reconnect restores the presence as it was
        ledger.changed(user)

    def depart(
        self,
        agent: AgentRecord,
        *,
        goodbye: bool,
        delivered: Callable[[OfferRecord], bool] = lambda offer: True,
    ) -> None:
        """The agent's last connection went away; `delivered` says which of its offers that
        connection is known to have received (the others were never seen: nothing to hold)."""
        flow = self.flow
        user = agent.user
        if goodbye:
            for offer_id in flow.offers.of(user):
                offer = flow.offers[offer_id]
                flow.offers.move(offer, OfferTrigger.LOGOUT)
                flow.router.enqueue(flow.works[offer.work_id])
            agent.before_disconnect = None
            agent.auto_dnd_before_disconnect = False
            agent.next_presence = None  # rule 15: a logout ends the plan with the presence
            flow.presences.apply(user, PresenceTrigger.LOGOUT, by=user)
        else:
            for offer_id in flow.offers.of(user):
                offer = flow.offers[offer_id]
                work = flow.works[offer.work_id]
                if flow.directory.reroute_grace(work.item.queue) == 0 or not delivered(offer):
                    flow.offers.move(offer, OfferTrigger.AGENT_GONE)
                    flow.router.enqueue(work, avoid=user)
            self.went_away(agent)
        self.schedule_reclaim(agent)

    def went_away(self, agent: AgentRecord) -> None:
        """A vanished link (or a server restart): offline now, the presence kept for a return."""
        agent.before_disconnect = agent.presence
        agent.auto_dnd_before_disconnect = agent.auto_dnd
        self.flow.presences.apply(agent.user, PresenceTrigger.DISCONNECT)

    def schedule_reclaim(self, agent: AgentRecord) -> None:
        flow = self.flow
        now = flow.ledger.now()
        agent.disconnected_at = now
        flow.ledger.mark(KIND_AGENT, agent.user)
        flow.ledger.changed(agent.user)
        if flow.sessions.open.get(agent.user):
            reclaim = flow.ledger.config.timings.session_reclaim_s
            flow.deadlines.schedule(now + reclaim, deadlines.RECLAIM, agent.user)
