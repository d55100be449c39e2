"""How work moves between the parts: routed, offered, assigned, timed out, limited, reclaimed.

Each step names the table row it applies (`OfferTrigger`, `PresenceTrigger`); the parts keep the
records. Directed work (`create_work agent=...`, transfer or escalation `to_agent`) skips the
presence check (a person chose the agent) but never the connection, capacity or session limit.
Transfers and escalations are assignments: they open without a decision (with a toast), also when
they wait in a queue first.

Rule 7 (max sessions) holds the same way for queue routing, direct assignment, transfer and
escalation: work that comes in for an agent with 10 open sessions raises the `max_sessions`
alert, sets `busy_dnd` (reason `queue_limit_exceeded`) and goes back to its queue for someone
else. Pending offers count toward the 10 for routing (an agent with 9 sessions and 1 pending
offer gets no more work, and no alert); the alert is about open sessions only.
"""

from __future__ import annotations

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.messages import (
    NextPresenceChanged,
    OfferAdded,
    SessionOpened,
    WrapUpChanged,
    WrapUpEnded,
)
from agent_desktop.protocol.model import NextPresence
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    AlertKind,
    Origin,
    Reason,
    UserId,
    WorkState,
)
from agent_desktop.server.config import QueueConfig
from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.alerts import Alerts
from agent_desktop.server.routing.deadlines import Deadlines
from agent_desktop.server.routing.directory import Directory
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.offer_table import OfferTrigger
from agent_desktop.server.routing.offers import Offers
from agent_desktop.server.routing.penalties import Penalties
from agent_desktop.server.routing.presence import Presences
from agent_desktop.server.routing.presence_table import PresenceTrigger
from agent_desktop.server.routing.queue_stats import QueueStatistics
from agent_desktop.server.routing.records import (
    KIND_AGENT,
    OfferRecord,
    SessionRecord,
    WorkRecord,
    WrapUpRecord,
)
from agent_desktop.server.routing.render import render_notification, render_toast, work_phrase
from agent_desktop.server.routing.router import Router
from agent_desktop.server.routing.sessions import Sessions
from agent_desktop.server.routing.views import Views
from agent_desktop.server.routing.works import WorkBook
from agent_desktop.server.routing.wrap_ups import WrapUps

_ASSIGNED_ORIGINS = {Origin.TRANSFER: Reason.TRANSFER, Origin.ESCALATION: Reason.ESCALATION}


def sentence(phrase: str) -> str:
    """Capitalise the first letter only: `str.capitalize` would lowercase the customer's name."""
    return phrase[:1].upper() + phrase[1:]


class WorkFlow:
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
        views: Views,
        deadlines: Deadlines,
    ) -> None:
        self.ledger = ledger
        self.directory = directory
        self.presences = presences
        self.works = works
        self.offers = offers
        self.sessions = sessions
        self.alerts = alerts
        self.router = router
        self.views = views
        self.deadlines = deadlines
        self.penalties = Penalties(ledger, presences, alerts, deadlines)
        self.queue_stats = QueueStatistics(
            ledger, directory, presences, works, offers, router.index, deadlines
        )

    def dispatch(self) -> None:
        self.router.dispatch(self.route)

    def follow_load(self, user: UserId) -> None:
        """Rule 10 after a change of load, or rule 15 when it is the end of the agent's work."""
        if self.take_next_presence(user):
            return
        self.presences.follow_load(
            user,
            self.router.session_load(user),
            self.directory.capacity(user),
            self.sessions.count(user),
        )

    def take_next_presence(self, user: UserId) -> bool:
        """Rule 15: nothing open and nothing to wrap up: the next status applies (connected
        agents only; a vanished one keeps it for their return)."""
        agent = self.presences.agents.get(user)
        if agent is None or agent.next_presence is None:
            return False
        if self.sessions.count(user) or self.sessions.wrap_ups.count(user):
            return False
        if not self.ledger.connections.is_connected(user):
            return False
        chosen = agent.next_presence
        self.set_next_presence(user, None)
        self.presences.apply(
            user,
            PresenceTrigger.NEXT_STATUS,
            chosen=chosen.presence,
            custom=chosen.custom,
            by=user,
        )
        return True

    def set_next_presence(self, user: UserId, chosen: NextPresence | None) -> None:
        agent = self.presences.agent(user)
        agent.next_presence = chosen
        self.ledger.mark(KIND_AGENT, user)
        self.ledger.changed(user)
        self.ledger.deliver(user, NextPresenceChanged(next_presence=chosen))

    # -- giving work ---------------------------------------------------------------------------

    def route(self, work: WorkRecord, user: UserId) -> None:
        """Give a routed item to the agent the router picked: at the session limit that is the
        max-sessions alert (rule 7), else an assignment or an offer per its queue."""
        if self.sessions.at_limit(user):
            self.session_limit(user, work, None)
            return
        self._give(work, user)

    def _give(self, work: WorkRecord, user: UserId) -> None:
        queue = self.directory.queues[work.item.queue]
        reason = _ASSIGNED_ORIGINS.get(work.item.origin)
        if reason is not None:
            self.open_session(work, user, reason, toast=True)  # rule 6: toast
        elif queue.auto_accept:
            self.open_session(work, user, Reason.AUTO_ACCEPT, toast=True)  # rule 5
        else:
            self.make_offer(work, user, queue)  # rule 6: alert

    def direct(self, work: WorkRecord, user: UserId) -> None:
        """Directed work: to this agent if it can take it, else the queue (rule 7 at the limit)."""
        connected = self.ledger.connections.is_connected(user)
        if connected and self.sessions.at_limit(user):
            self.session_limit(user, work, None)
            return
        queue = self.directory.queues[work.item.queue]
        assigns = work.item.origin in _ASSIGNED_ORIGINS or queue.auto_accept
        # An assignment is limited by open sessions (rule 7); an offer also by pending offers.
        room = self.router.fits(user, queue) if assigns else self.router.has_room(user, queue)
        if connected and room:
            self._give(work, user)
        else:
            self.works.history(work, "queued", f"{user} cannot take it now", agent=user)
            self.router.enqueue(work)

    def make_offer(self, work: WorkRecord, user: UserId, queue: QueueConfig) -> None:
        now = self.ledger.now()
        template = self.directory.template(queue)
        offer = self.offers.add(
            work.item.work_id,
            user,
            render_notification(work.item, queue, template, now),
            now + template.wait_time_s,
        )
        work.offer_id = offer.offer_id
        self.works.update(work, state=WorkState.OFFERED)
        self.works.history(work, "offered", offer.offer_id, agent=user)
        self.presences.worked(user)
        self.deadlines.schedule(offer.expires_at, deadlines.EXPIRE, offer.offer_id)
        self.ledger.deliver(user, OfferAdded(offer=self.views.offer(offer)))

    def open_session(
        self, work: WorkRecord, user: UserId, reason: Reason, *, toast: bool
    ) -> SessionRecord:
        session = self.sessions.add(work, user, reason)
        self.presences.worked(user)
        now = self.ledger.now()
        queue = self.directory.queues[work.item.queue]
        config = self.ledger.config
        shown = (
            render_toast(config, work.item, queue, session.session_id, reason, now)
            if toast
            else None
        )
        self.ledger.deliver(user, SessionOpened(session=self.views.session(session), toast=shown))
        self.follow_load(user)
        return session

    def close_session(self, session: SessionRecord, reason: Reason) -> WorkRecord:
        work = self.sessions.remove(session, reason)
        self.presences.worked(session.agent)
        self.follow_load(session.agent)
        return work

    def finish_work(self, session: SessionRecord, reason: Reason, by: UserId) -> WorkRecord:
        """The session is closed for good: the item closes and its agent wraps up (rule 13)."""
        work = self.sessions.remove(session, reason)
        self.queue_stats.handled(work.item.queue, self.ledger.now() - session.opened_at)
        self.works.update(work, state=WorkState.CLOSED)
        self.works.history(work, "closed", agent=by, reason=reason)
        queue = self.directory.queues.get(work.item.queue)
        user = session.agent
        if queue is not None and queue.wrap_up_s > 0:
            record = self.sessions.wrap_ups.start(work.item.work_id, user, queue)
            self.works.history(work, "wrap_up_started", f"{queue.wrap_up_s:g} s", agent=user)
            self.deadlines.schedule(record.ends_at, deadlines.WRAP_UP, record.work_id)
            self.ledger.deliver(user, WrapUpChanged(wrap_up=WrapUps.view(record, queue)))
        self.presences.worked(user)
        self.follow_load(user)
        return work

    def end_wrap_up(self, record: WrapUpRecord, reason: Reason, detail: str = "") -> None:
        """Done or timed out: the capacity is free again (rule 13)."""
        self.sessions.wrap_ups.remove(record)
        work = self.works.revive(record.work_id)
        if work is not None:
            self.works.history(work, "wrap_up_ended", detail, agent=record.agent, reason=reason)
        self.ledger.deliver(record.agent, WrapUpEnded(work_id=record.work_id, reason=reason))
        self.presences.worked(record.agent)
        self.follow_load(record.agent)

    def session_limit(self, user: UserId, work: WorkRecord, offer: OfferRecord | None) -> None:
        """Rule 7: work that would be an 11th session is refused and rerouted, never lost."""
        if offer is not None:
            self.offers.move(offer, OfferTrigger.SESSION_LIMIT)
        self.works.history(work, "session_limit", f"{user} has {MAX_SESSIONS} sessions", agent=user)
        self.router.enqueue(work, avoid=user)
        if self.ledger.connections.is_connected(user):
            # A vanished agent stays offline; the alert tells them when they are back.
            self.presences.apply(user, PresenceTrigger.SESSION_LIMIT)
        self.alerts.raise_alert(
            user,
            AlertKind.MAX_SESSIONS,
            f"{sentence(work_phrase(work.item))} could not open: you already have "
            f"{MAX_SESSIONS} sessions, so you were set to Do not disturb. Close a session and "
            "set yourself Available to take new work.",
            work.item,
        )

    # -- deadlines -----------------------------------------------------------------------------

    def offer_timed_out(self, offer: OfferRecord) -> None:
        work = self.works[offer.work_id]
        queue = self.directory.queues[work.item.queue]
        user = offer.agent
        if traits(work.item.channel).assigned_at_timeout:
            # Rule 4: assigned whatever the timeout, also to a vanished agent.
            if self.sessions.at_limit(user):
                self.session_limit(user, work, offer)
                return
            move = self.offers.move(offer, OfferTrigger.TIMEOUT_ASSIGNS)
            self.open_session(work, user, move.reason, toast=True)
        elif not self.ledger.connections.is_connected(user):
            self.offers.move(offer, OfferTrigger.TIMEOUT_AWAY)
            grace = self.directory.reroute_grace(work.item.queue)
            self.deadlines.schedule(offer.expires_at + grace, deadlines.HOLD, offer.offer_id)
        else:
            self.offers.move(offer, OfferTrigger.TIMEOUT)
            self.router.enqueue(work, avoid=user)
            self.queue_stats.offer_ended(work.item.queue, missed=True)
            if self.penalties.missed(user, work_phrase(work.item), work.item):
                return  # rule 14 in place of rule 2's row and alert
            if queue.missed_alerts:
                self.presences.apply(user, PresenceTrigger.MISSED)
                self.alerts.raise_alert(
                    user,
                    AlertKind.MISSED,
                    f"You missed {work_phrase(work.item)}, so you were set to Inactive. "
                    "Set yourself Available to get new work.",
                    work.item,
                )

    def held_offer_lapsed(self, offer: OfferRecord) -> None:
        self.offers.move(offer, OfferTrigger.GRACE_ENDS)
        self.router.enqueue(self.works[offer.work_id], avoid=offer.agent)

    def reclaim_sessions(self, user: UserId) -> None:
        """Rule 8: sessions of an agent gone longer than the reclaim window go back to queue."""
        for session_id in self.sessions.of(user):
            work = self.close_session(self.sessions[session_id], Reason.DISCONNECT)
            if work.customer_left:
                self.works.close(work, Reason.DISCONNECT)  # nobody left to serve
            else:
                self.router.enqueue(work)
