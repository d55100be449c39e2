"""The core's one state transition: `step(state, event, now) -> (state, effects)`.

`apply` is the rule for each event; `step` adds what follows from any change: what to send now
(`outbox.pump`), which queued accepts are settled, which server alerts are no longer true
(`alerts.drop_untrue`), and the timer for the next local deadline.
The shell performs the effects; it decides nothing itself.

Pure: no IO, no clock reads (`now` is the local wall time, from the injected clock). Every event
type is matched and `assert_never` lets mypy prove none is forgotten.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from operator import attrgetter
from typing import assert_never

import msgspec
from msgspec.structs import replace

from agent_desktop.protocol.bookings import NotificationsUpdated
from agent_desktop.protocol.depth_messages import (
    NextPresenceChanged,
    QueueUpdated,
    WrapUpChanged,
    WrapUpEnded,
)
from agent_desktop.protocol.messages import (
    AgentUpdated,
    AlertCleared,
    AlertRaised,
    MessageAdded,
    OfferAdded,
    OfferEnded,
    PresenceChanged,
    SessionClosed,
    SessionOpened,
    SessionUpdated,
    Snapshot,
)
from agent_desktop.protocol.model import AgentView, ChatMessage, Offer, Session
from agent_desktop.protocol.vocabulary import ErrorCode, SessionId, UserId
from agent_desktop.session import depth, notification_log
from agent_desktop.session import ladder as escalation
from agent_desktop.session import outbox as sending
from agent_desktop.session.alerts import drop_untrue
from agent_desktop.session.effects import (
    AlertArrived,
    CancelTimer,
    Connect,
    Effect,
    OfferArrived,
    OfferLeft,
    StartTimer,
    Timer,
    ToastArrived,
)
from agent_desktop.session.events import (
    AcceptAnswered,
    AcceptPressed,
    AcceptUnsent,
    AgentsListed,
    AlertRemoved,
    ClockSynced,
    CoreEvent,
    CredentialsNoticed,
    EarlierMessagesLoaded,
    LinkChanged,
    MessageAcked,
    MessageDiscarded,
    MessageQueued,
    MessageRefused,
    MessageUnsent,
    QueuesListed,
    RetryDue,
    SignedIn,
    SignedOut,
    Tick,
    ToastDismissed,
)
from agent_desktop.session.notification_log import (
    BookingCodeChanged,
    BookingCodesListed,
    NotificationsListed,
)
from agent_desktop.session.state import (
    CONNECTION_LOST_ALERT,
    AgentState,
    ClientAlertKind,
    Connection,
    LinkStatus,
    OutboxStatus,
    OutgoingMessage,
    PendingOffer,
    ShownAlert,
    ShownToast,
)

Result = tuple[AgentState, list[Effect]]
_SessionChange = Callable[[Session], Session]
_OutboxFilter = Callable[[OutgoingMessage], bool]


def step(
    state: AgentState,
    event: CoreEvent,
    now: float,
    ladder: escalation.Ladder = escalation.DEFAULT_LADDER,
) -> Result:
    """`apply`, then drop untrue alerts, send what is due, settle dropped accepts, climb the
    escalation `ladder` of unanswered offers and (re)arm the timers."""
    after, effects = apply(state, event, now)
    checked = drop_untrue(state, after)
    if checked is not after:
        shown = {a.alert_id for a in checked.alerts}
        effects = [
            e for e in effects if not isinstance(e, AlertArrived) or e.alert.alert_id in shown
        ]
        after = checked
    after, sends = sending.pump(after)
    effects.extend(sends)
    effects.extend(sending.settle_answers(state, after, now))
    deadline = next_deadline(after)
    # A Tick means the armed timer fired (or a test moved the clock): arm it again.
    if isinstance(event, Tick) or deadline != next_deadline(state):
        effects.append(CancelTimer() if deadline is None else StartTimer(deadline))
    after, rungs = escalation.climb(after, ladder, now)
    effects.extend(rungs)
    rung_at = escalation.next_rung_at(after, ladder)
    if isinstance(event, Tick) or rung_at != escalation.next_rung_at(state, ladder):
        effects.append(
            CancelTimer(Timer.LADDER) if rung_at is None else StartTimer(rung_at, Timer.LADDER)
        )
    retry = _retry_at(after.connection)
    if retry != _retry_at(state.connection):
        effects.append(
            CancelTimer(Timer.RETRY) if retry is None else StartTimer(retry, Timer.RETRY)
        )
    return after, effects


def _retry_at(connection: Connection) -> float | None:
    """When the next connection attempt is due; None while connected or attempting."""
    return connection.retry_at if connection.status is LinkStatus.RECONNECTING else None


def apply(state: AgentState, event: CoreEvent, now: float) -> Result:
    match event:
        case Snapshot():
            return _resync(state, event, now)
        case OfferAdded(offer=offer):
            return _offer_added(state, offer, now)
        case OfferEnded(offer_id=offer_id, state=outcome, reason=reason):
            if state.offer(offer_id) is None:
                return state, []
            offers = tuple(o for o in state.offers if o.offer_id != offer_id)
            return replace(state, offers=offers), [OfferLeft(offer_id, outcome, reason)]
        case SessionOpened():
            return _session_opened(state, event, now)
        case SessionUpdated(session_id=session_id, call=call, customer_left=left):
            return _update_session(
                state,
                session_id,
                lambda s: msgspec.structs.replace(s, call=call, customer_left=left),
            ), []
        case MessageAdded(session_id=session_id, message=message):
            return _message_added(state, session_id, message), []
        case SessionClosed(session_id=session_id):
            sessions = tuple(s for s in state.sessions if s.session_id != session_id)
            outbox = _fail_where(
                state.outbox,
                lambda m: m.session_id == session_id,
                ErrorCode.UNKNOWN_SESSION,
                "not sent: the session was closed",
            )
            return replace(state, sessions=sessions, outbox=outbox), []
        case PresenceChanged(presence=presence):
            return replace(state, presence=presence), []
        case AlertRaised(alert=alert):
            if state.alert(alert.alert_id) is not None:
                return state, []
            shown = ShownAlert.of(alert)
            state = depth.alert_raised(state, alert)
            return replace(state, alerts=(*state.alerts, shown)), [AlertArrived(shown)]
        case AlertCleared(alert_id=alert_id) | AlertRemoved(alert_id=alert_id):
            state = depth.alert_cleared(state, alert_id)
            return replace(
                state, alerts=tuple(a for a in state.alerts if a.alert_id != alert_id)
            ), []
        case WrapUpChanged() | WrapUpEnded() | NextPresenceChanged() | QueueUpdated():
            return depth.apply(state, event), []
        case QueuesListed():
            return depth.apply(state, event), []
        case (
            NotificationsListed()
            | NotificationsUpdated()
            | BookingCodesListed()
            | BookingCodeChanged()
        ):
            return notification_log.apply(state, event), []
        case AgentUpdated(agent=agent):
            if state.agents is None:
                return state, []
            return replace(state, agents=_upsert_agent(state.agents, agent)), []
        case AgentsListed(agents=agents):
            # attrgetter, not a lambda: a listing of 10,000 agents sorts ~25 % faster.
            return replace(state, agents=tuple(sorted(agents, key=attrgetter("agent")))), []
        case EarlierMessagesLoaded():
            return _update_session(state, event.session_id, _prepend(event)), []
        case LinkChanged(connection=connection):
            return _link_changed(state, connection, now)
        case SignedIn(identity=identity, clock_offset=offset):
            return replace(state, identity=identity, clock_offset=offset), []
        case ClockSynced(clock_offset=offset):
            offers = tuple(replace(o, deadline=o.offer.expires_at - offset) for o in state.offers)
            return _expire(replace(state, clock_offset=offset, offers=offers), now)
        case Tick():
            return _expire(state, now)
        case RetryDue():
            if _retry_at(state.connection) is None:
                return state, []  # an attempt is already under way (or none is wanted)
            attempting = replace(state.connection, retry_at=None)
            return replace(state, connection=attempting), [Connect()]
        case MessageQueued(message=message):
            return replace(state, outbox=(*state.outbox, message)), []
        case MessageAcked(client_msg_id=cid) | MessageDiscarded(client_msg_id=cid):
            return replace(
                state, outbox=tuple(m for m in state.outbox if m.client_msg_id != cid)
            ), []
        case MessageRefused(client_msg_id=cid, code=code, error=error):
            outbox = _fail_where(state.outbox, lambda m: m.client_msg_id == cid, code, error)
            return replace(state, outbox=outbox), []
        case MessageUnsent(client_msg_id=cid):
            return sending.message_unsent(state, cid), []
        case AcceptPressed(offer_id=offer_id):
            return sending.accept_pressed(state, offer_id), []
        case AcceptAnswered(offer_id=offer_id, code=code):
            return sending.accept_answered(state, offer_id, refused=code is not None), []
        case AcceptUnsent(offer_id=offer_id):
            return sending.accept_unsent(state, offer_id)
        case ToastDismissed(toast=shown):
            toasts = tuple(t for t in state.toasts if t != shown)
            return replace(state, toasts=toasts), []
        case CredentialsNoticed(notice=notice):
            return replace(state, credentials_notice=notice), []
        case SignedOut():
            return AgentState(credentials_notice=state.credentials_notice), [
                OfferLeft(o.offer_id, None, None) for o in state.offers
            ]
        case _:
            assert_never(event)


def next_deadline(state: AgentState) -> float | None:
    """The earliest local time at which `Tick` changes something, for the shell's timer."""
    times = [o.deadline for o in state.offers] + [t.until for t in state.toasts]
    return min(times, default=None)


# --- offers ----------------------------------------------------------------------------------


def _pending(state: AgentState, offer: Offer) -> PendingOffer:
    return PendingOffer(offer=offer, deadline=offer.expires_at - state.clock_offset)


def _offer_added(state: AgentState, offer: Offer, now: float) -> Result:
    pending = _pending(state, offer)
    if state.offer(offer.offer_id) is not None or pending.deadline <= now:
        # A duplicate, or it expired on the way here: nothing to decide any more.
        return state, []
    return replace(state, offers=(*state.offers, pending)), [OfferArrived(pending)]


def _expire(state: AgentState, now: float) -> Result:
    """Offers leave at their deadline (even with the link down); toasts at their `until`.

    The server decides the real outcome (missed, or a case assigned at timeout) and says so;
    the desktop must not keep showing a button that can no longer work.
    """
    expired = [o for o in state.offers if o.deadline <= now]
    toasts = tuple(t for t in state.toasts if t.until > now)
    if not expired and len(toasts) == len(state.toasts):
        return state, []
    offers = tuple(o for o in state.offers if o.deadline > now)
    effects: list[Effect] = [OfferLeft(o.offer_id, None, None) for o in expired]
    return replace(state, offers=offers, toasts=toasts), effects


# --- sessions --------------------------------------------------------------------------------


def _session_opened(state: AgentState, event: SessionOpened, now: float) -> Result:
    session = event.session
    effects: list[Effect] = []
    if state.session(session.session_id) is None:
        sessions = (*state.sessions, session)
    else:
        sessions = tuple(
            s if s.session_id != session.session_id else session for s in state.sessions
        )
    # The work item is no longer on offer once it is a session (accepted or auto-assigned).
    gone = [o for o in state.offers if o.offer.work.work_id == session.work.work_id]
    offers = tuple(o for o in state.offers if o not in gone)
    effects.extend(OfferLeft(o.offer_id, None, None) for o in gone)
    toasts = state.toasts
    if event.toast is not None:
        shown = ShownToast(event.toast, until=now + event.toast.dismiss_after_s)
        toasts = (*toasts, shown)
        effects.append(ToastArrived(shown))
    outbox = _drop_delivered(state.outbox, session.transcript)
    return replace(state, sessions=sessions, offers=offers, toasts=toasts, outbox=outbox), effects


def _update_session(state: AgentState, session_id: SessionId, change: _SessionChange) -> AgentState:
    if state.session(session_id) is None:
        return state
    sessions = tuple(change(s) if s.session_id == session_id else s for s in state.sessions)
    return replace(state, sessions=sessions)


def _prepend(page: EarlierMessagesLoaded) -> _SessionChange:
    def prepend(session: Session) -> Session:
        first = session.transcript[0].msg_id if session.transcript else None
        if first != page.before:  # a snapshot replaced the transcript since it was asked
            return session
        return msgspec.structs.replace(
            session,
            transcript=[*page.messages, *session.transcript],
            earlier_messages=page.earlier_messages,
        )

    return prepend


def _message_added(state: AgentState, session_id: SessionId, message: ChatMessage) -> AgentState:
    def add(session: Session) -> Session:
        # A repeat can only be recent (a resync racing the live event): look back only over
        # messages as new as this one, so a long chat costs O(1) per message, not O(length).
        for seen in reversed(session.transcript):
            if seen.at < message.at:
                break
            if seen.msg_id == message.msg_id:
                return session
        return msgspec.structs.replace(session, transcript=[*session.transcript, message])

    state = _update_session(state, session_id, add)
    if message.client_msg_id is not None:
        outbox = tuple(m for m in state.outbox if m.client_msg_id != message.client_msg_id)
        state = replace(state, outbox=outbox)
    return state


def _drop_delivered(
    outbox: tuple[OutgoingMessage, ...], transcript: list[ChatMessage]
) -> tuple[OutgoingMessage, ...]:
    delivered = {m.client_msg_id for m in transcript if m.client_msg_id is not None}
    return tuple(m for m in outbox if m.client_msg_id not in delivered)


def _fail_where(
    outbox: tuple[OutgoingMessage, ...],
    which: _OutboxFilter,
    code: ErrorCode,
    error: str,
) -> tuple[OutgoingMessage, ...]:
    return tuple(
        replace(m, status=OutboxStatus.FAILED, error_code=code, error=error)
        if m.status is not OutboxStatus.FAILED and which(m)
        else m
        for m in outbox
    )


# --- resync, link and supervisors ------------------------------------------------------------


def _resync(state: AgentState, snapshot: Snapshot, now: float) -> Result:
    """The server's snapshot is the truth after (re)login: offers, sessions, presence, alerts."""
    effects: list[Effect] = []
    known = {o.offer_id: o for o in state.offers}
    offers = tuple(
        replace(p, answer=known[p.offer_id].answer if p.offer_id in known else None)
        for p in (_pending(state, o) for o in snapshot.offers)
        if p.deadline > now
    )
    kept = {o.offer_id for o in offers}
    effects.extend(
        OfferLeft(o.offer_id, None, None) for o in state.offers if o.offer_id not in kept
    )
    effects.extend(OfferArrived(o) for o in offers if o.offer_id not in known)
    known_alerts = {a.alert_id for a in state.alerts}
    alerts = tuple(ShownAlert.of(a) for a in snapshot.alerts)
    effects.extend(AlertArrived(a) for a in alerts if a.alert_id not in known_alerts)
    local = tuple(a for a in state.alerts if not a.from_server)
    sessions = tuple(snapshot.sessions)
    outbox = state.outbox
    for session in sessions:
        outbox = _drop_delivered(outbox, session.transcript)
    open_ids = {s.session_id for s in sessions}
    outbox = _fail_where(
        outbox,
        lambda m: m.session_id not in open_ids,
        ErrorCode.UNKNOWN_SESSION,
        "not sent: the session closed while the link was down",
    )
    new_state = replace(
        depth.resync(state, snapshot),
        presence=snapshot.presence,
        offers=offers,
        sessions=sessions,
        alerts=(*alerts, *local),
        outbox=outbox,
    )
    return new_state, effects


def _link_changed(state: AgentState, connection: Connection, now: float) -> Result:
    alerts = state.alerts
    effects: list[Effect] = []
    lost = state.alert(CONNECTION_LOST_ALERT) is not None
    if connection.status is LinkStatus.RECONNECTING and state.identity is not None and not lost:
        alert = ShownAlert(
            alert_id=CONNECTION_LOST_ALERT,
            kind=ClientAlertKind.CONNECTION_LOST,
            message="Connection to the server lost; reconnecting. You receive no new work.",
            raised_at=now,
        )
        alerts = (*alerts, alert)
        effects.append(AlertArrived(alert))
    elif connection.status in (LinkStatus.ONLINE, LinkStatus.OFFLINE, LinkStatus.AUTH_FAILED):
        alerts = tuple(a for a in alerts if a.alert_id != CONNECTION_LOST_ALERT)
    if connection.status is not LinkStatus.ONLINE:
        state = sending.link_down(state)
    return replace(state, connection=connection, alerts=alerts), effects


def _upsert_agent(agents: tuple[AgentView, ...], agent: AgentView) -> tuple[AgentView, ...]:
    """`agents` is sorted by id (AgentsListed sorts it, this keeps it so): a binary search finds
    the row, so one update of a 10,000-agent table does not walk or re-sort all of it."""
    at = bisect.bisect_left(agents, agent.agent, key=_agent_id)
    found = at < len(agents) and agents[at].agent == agent.agent
    return (*agents[:at], agent, *agents[at + 1 if found else at :])


def _agent_id(view: AgentView) -> UserId:
    return view.agent
