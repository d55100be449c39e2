"""Presence rules that need no state: automatic presence from capacity, and which presences an
agent may choose.

Rule 10: while an agent is `available` or `busy` (or `busy_dnd` that the system set because
capacity was full), presence follows the load of open sessions: nothing open -> `available`,
partly used -> `busy`, full -> `busy_dnd`. A presence the agent chose (`away`, `offline`,
`busy_dnd`) or one the system set as a penalty (`inactive`, `busy_dnd` after a reject or the
session limit) stays until someone changes it. Pending offers do not move presence: an offer is
not work yet, and flipping presence on every offer would make the timeline noise.

The rule runs when load changes (a session opens or closes) and at login or reconnect. A presence
a person has just chosen stands until the next change of load: otherwise `busy` could never be
chosen with nothing open, because the rule would turn it back into `available` at once.
"""

from __future__ import annotations

from agent_desktop.protocol.vocabulary import MAX_SESSIONS, Presence

AGENT_CHOOSABLE = frozenset(p for p in Presence if p is not Presence.INACTIVE)
"""`inactive` is set by the system only (missed offers)."""


def follows_capacity(presence: Presence, auto_dnd: bool) -> bool:
    """Whether the current presence is one the capacity rule may change."""
    if presence in (Presence.AVAILABLE, Presence.BUSY):
        return True
    return presence is Presence.BUSY_DND and auto_dnd


def capacity_presence(session_load: int, capacity: int, sessions: int) -> Presence:
    """The presence open sessions call for: free, partly used, or full."""
    if sessions == 0 and session_load == 0:
        return Presence.AVAILABLE
    if session_load >= capacity or sessions >= MAX_SESSIONS:
        return Presence.BUSY_DND
    return Presence.BUSY
