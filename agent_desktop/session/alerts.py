"""Which of the server's alerts still say something true, pure.

Each server alert states a presence the agent was set to ("…so you were set to Inactive").
Once the presence has moved on (a fresh login, a supervisor, the capacity rule), the sentence
is false and its "Set me Available" button misleading; stacked with a newer alert it is
contradictory. Such an alert leaves the state at once, whatever event moved the presence, and
the server is told to drop it too (`dismissals`, sent once online). The server's own snapshot
stays the source: an alert it no longer lists is gone after every resync.
"""

from __future__ import annotations

from msgspec.structs import replace

from agent_desktop.protocol.vocabulary import MAX_SESSIONS, AlertKind, Presence
from agent_desktop.session.state import AgentState, ShownAlert


def still_true(alert: ShownAlert, state: AgentState) -> bool:
    if not isinstance(alert.kind, AlertKind) or state.presence is None:
        return True  # the client's own alerts have their own rules; no presence: no judgement
    if alert.penalty:
        return True  # true while the penalty lasts, whatever the presence; the server clears it
    presence = state.presence.presence
    match alert.kind:
        case AlertKind.MISSED:
            return presence is Presence.INACTIVE
        case AlertKind.REJECTED:
            return presence is Presence.BUSY_DND
        case AlertKind.MAX_SESSIONS:
            # Also true while the ten sessions are still open: the item could not open.
            return presence is Presence.BUSY_DND or len(state.sessions) >= MAX_SESSIONS


def drop_untrue(before: AgentState, after: AgentState) -> AgentState:
    """`after` without the server alerts that are no longer true, queued for dismissal."""
    if (
        after.presence is before.presence
        and after.alerts is before.alerts
        and after.sessions is before.sessions
    ):
        return after
    stale = [a.alert_id for a in after.alerts if not still_true(a, after)]
    if not stale:
        return after
    return replace(
        after,
        alerts=tuple(a for a in after.alerts if a.alert_id not in stale),
        dismissals=(*after.dismissals, *stale),
    )
