"""The presence rules as a table: (standing, trigger) -> (next presence, source, reason, rule).

"What makes an agent Inactive?" is answered here: only the MISSED row (rule 2). Every presence
change goes through `presence_move`; a pair that is not in the table raises
`IllegalPresenceTransition` before anything changes. The rule numbers are DESIGN.md's rules;
`docs/protocol.md` points here.

A *standing* is the presence plus why it is held where that matters: `busy_dnd` that the system
set because capacity was full (`BUSY_DND_FULL`) lifts by itself when load drops, `busy_dnd` the
agent chose or got as a penalty (rules 3 and 7) stays until someone changes it.

Rule 10's automatic presence (`capacity_presence`): nothing open -> `available`, partly used ->
`busy`, capacity full -> `busy_dnd`. The session limit (rule 7) is not capacity: an agent at 10
sessions with capacity left stays `busy` until work comes in for them. Pending offers do not move
presence: an offer is not work yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from agent_desktop.protocol.vocabulary import Presence, PresenceSource, Reason


class Standing(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    BUSY_DND = "busy_dnd"
    """Chosen by a person, or a penalty (reject, session limit): stays."""
    BUSY_DND_FULL = "busy_dnd_full"
    """Set by the system because capacity was full: follows the load."""
    AWAY = "away"
    OFFLINE = "offline"
    INACTIVE = "inactive"
    CUSTOM = "custom"
    """An admin-defined presence a person chose (rule 12): its base is what routing reads, and
    it stays at a change of load like any deliberate choice."""


class Target(StrEnum):
    """A next presence that depends on more than the row."""

    CHOSEN = "chosen"
    """What the agent or supervisor asked for (never `inactive`)."""
    RESTORED = "restored"
    """The presence from before the disconnect."""
    BY_LOAD = "by_load"
    """`capacity_presence` of the open sessions."""
    STAYS = "stays"
    """No change."""


class PresenceTrigger(StrEnum):
    LOGIN = "login"
    """First connection, or back after the restore window."""
    RECONNECT = "reconnect"
    """Back within `presence_restore_window_s` after a vanished link."""
    DISCONNECT = "disconnect"
    """The last connection vanished (heartbeat, TCP, server restart)."""
    LOGOUT = "logout"
    """The last connection said goodbye."""
    AGENT_CHOOSES = "agent_chooses"
    SUPERVISOR_RESETS = "supervisor_resets"
    MISSED = "missed"
    """An offer timed out on a queue with missed alerts on."""
    REJECTED = "rejected"
    """The agent rejected on a queue with reject alerts on."""
    SESSION_LIMIT = "session_limit"
    """Work came in for an agent with 10 open sessions."""
    LOAD_CHANGED = "load_changed"
    """A session opened or closed, or the agent logged in."""
    NEXT_STATUS = "next_status"
    """The agent's last session and wrap-up ended with a next status set (rule 15)."""
    REPEAT_MISSES = "repeat_misses"
    """A missed offer that made `[repeat_misses] count` within the window (rule 14)."""


@dataclass(frozen=True, slots=True)
class PresenceMove:
    next: Presence | Target
    source: PresenceSource
    reason: Reason
    rule: int


AGENT_CHOOSABLE: Final = frozenset(p for p in Presence if p is not Presence.INACTIVE)
"""Rule 10: `inactive` is set by the system only (missed offers)."""

S = Standing
T = PresenceTrigger
_SYSTEM = PresenceSource.SYSTEM
_ALL: Final = tuple(Standing)


def _rows() -> dict[tuple[Standing, PresenceTrigger], PresenceMove]:
    rows: dict[tuple[Standing, PresenceTrigger], PresenceMove] = {
        # rule 10: a fresh login is available; the capacity rule then applies.
        (S.OFFLINE, T.LOGIN): PresenceMove(Presence.AVAILABLE, _SYSTEM, Reason.LOGIN, 10),
        # rule 10: back within 2.5 minutes: the presence from before the disconnect.
        (S.OFFLINE, T.RECONNECT): PresenceMove(Target.RESTORED, _SYSTEM, Reason.RECONNECT, 10),
        # rule 10: automatic presence follows the load of open sessions ...
        (S.AVAILABLE, T.LOAD_CHANGED): PresenceMove(Target.BY_LOAD, _SYSTEM, Reason.CAPACITY, 10),
        (S.BUSY, T.LOAD_CHANGED): PresenceMove(Target.BY_LOAD, _SYSTEM, Reason.CAPACITY, 10),
        (S.BUSY_DND_FULL, T.LOAD_CHANGED): PresenceMove(
            Target.BY_LOAD, _SYSTEM, Reason.CAPACITY, 10
        ),
    }
    for standing in _ALL:
        # rule 10: ... but a presence chosen as away/offline/busy_dnd, or a penalty, stays.
        rows.setdefault(
            (standing, T.LOAD_CHANGED), PresenceMove(Target.STAYS, _SYSTEM, Reason.CAPACITY, 10)
        )
        # rules 8 and 10: a vanished link is offline at once (restored on a quick return).
        rows[(standing, T.DISCONNECT)] = PresenceMove(
            Presence.OFFLINE, _SYSTEM, Reason.DISCONNECT, 8
        )
        # rule 10: a goodbye is the agent going offline.
        rows[(standing, T.LOGOUT)] = PresenceMove(
            Presence.OFFLINE, PresenceSource.AGENT, Reason.LOGOUT, 10
        )
        # rule 11: agents set their own presence, supervisors anyone's (never inactive).
        rows[(standing, T.AGENT_CHOOSES)] = PresenceMove(
            Target.CHOSEN, PresenceSource.AGENT, Reason.MANUAL, 11
        )
        rows[(standing, T.SUPERVISOR_RESETS)] = PresenceMove(
            Target.CHOSEN, PresenceSource.SUPERVISOR, Reason.SUPERVISOR, 11
        )
        # rule 2: a missed offer makes the agent inactive (the only way to become inactive).
        rows[(standing, T.MISSED)] = PresenceMove(
            Presence.INACTIVE, _SYSTEM, Reason.DISPLAY_TIMEOUT, 2
        )
        # rule 15: the presence the agent picked for when their last session (and wrap-up)
        # ended; a choice of theirs, made earlier.
        rows[(standing, T.NEXT_STATUS)] = PresenceMove(
            Target.CHOSEN, PresenceSource.AGENT, Reason.NEXT_STATUS, 15
        )
        # rule 14: the miss that makes too many in the window: inactive, and out of routing
        # for the penalty time (this row takes the place of the plain missed row).
        rows[(standing, T.REPEAT_MISSES)] = PresenceMove(
            Presence.INACTIVE, _SYSTEM, Reason.REPEAT_MISSES, 14
        )
        # rule 3: a reject makes the agent do-not-disturb.
        rows[(standing, T.REJECTED)] = PresenceMove(
            Presence.BUSY_DND, _SYSTEM, Reason.DECLINED_BY_AGENT, 3
        )
        # rule 7: work that would be an 11th session makes the agent do-not-disturb.
        rows[(standing, T.SESSION_LIMIT)] = PresenceMove(
            Presence.BUSY_DND, _SYSTEM, Reason.QUEUE_LIMIT_EXCEEDED, 7
        )
    return rows


PRESENCE_TABLE: Final[dict[tuple[Standing, PresenceTrigger], PresenceMove]] = _rows()


class IllegalPresenceTransition(RuntimeError):
    """A bug in the engine: it tried a change the presence rules do not have."""


def standing(presence: Presence, auto_dnd: bool, custom: str | None = None) -> Standing:
    if custom is not None:
        return Standing.CUSTOM
    if presence is Presence.BUSY_DND and auto_dnd:
        return Standing.BUSY_DND_FULL
    return Standing(presence.value)


def presence_move(
    current: Standing, trigger: PresenceTrigger, chosen: Presence | None = None
) -> PresenceMove:
    """The row for (current, trigger); raises for a pair the rules do not have, and for a
    choice of a presence only the system sets."""
    move = PRESENCE_TABLE.get((current, trigger))
    if move is None:
        raise IllegalPresenceTransition(f"{current.value} cannot take {trigger.value}")
    if move.next is Target.CHOSEN and (chosen is None or chosen not in AGENT_CHOOSABLE):
        raise IllegalPresenceTransition(f"{trigger.value} cannot choose {chosen}")
    return move


def follows_capacity(presence: Presence, auto_dnd: bool, custom: str | None = None) -> bool:
    """Whether the capacity rule may change the current presence (rule 10)."""
    move = PRESENCE_TABLE[(standing(presence, auto_dnd, custom), PresenceTrigger.LOAD_CHANGED)]
    return move.next is not Target.STAYS


def capacity_presence(session_load: int, capacity: int, sessions: int) -> Presence:
    """The presence open sessions call for: free, partly used, or capacity full."""
    if sessions == 0 and session_load == 0:
        return Presence.AVAILABLE
    if session_load >= capacity:
        return Presence.BUSY_DND
    return Presence.BUSY
