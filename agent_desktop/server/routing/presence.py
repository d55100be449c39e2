"""Agents' presence: the record per agent, its timeline, and every change through the table.

`Presences.apply` is the only place a presence changes; the row comes from `presence_table`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from agent_desktop.protocol.messages import PresenceChanged
from agent_desktop.protocol.model import PresenceChange, PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, PresenceSource, Reason, UserId
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.presence_table import (
    PresenceMove,
    PresenceTrigger,
    Standing,
    Target,
    capacity_presence,
    presence_move,
    standing,
)
from agent_desktop.server.routing.records import (
    KIND_AGENT,
    KIND_TIMELINE,
    AgentRecord,
    TimelineRecord,
    decode_record,
    encode_record,
)

TIMELINE_KEEP: Final = 500
"""Presence changes kept per agent (the protocol's timeline limit)."""


class Presences:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.agents: dict[UserId, AgentRecord] = {}
        self.timeline: dict[UserId, list[tuple[str, bytes]]] = {}
        """Per agent, its last presence changes as (store key, stored `TimelineRecord` bytes).
        Kept encoded, not as structs: a change lives for hundreds of later ones, and bytes are
        nothing the garbage collector has to walk (the tuple is untracked at its first
        collection); only a timeline request decodes them."""
        self.on_left: list[Callable[[UserId, Presence], None]] = []
        """Called with (agent, presence) when the agent stops holding that presence."""

    def __getitem__(self, user: UserId) -> AgentRecord:
        return self.agent(user)

    def agent(self, user: UserId) -> AgentRecord:
        """The agent's record; one that never logged in is offline since now."""
        agent = self.agents.get(user)
        if agent is None:
            now = self.ledger.now()
            agent = AgentRecord(
                user=user,
                presence=PresenceInfo(
                    presence=Presence.OFFLINE,
                    source=PresenceSource.SYSTEM,
                    reason=Reason.DISCONNECT,
                    previous=None,
                    changed_at=now,
                ),
                last_work_at=now,
                disconnected_at=now,
            )
            self.agents[user] = agent
            self.ledger.mark(KIND_AGENT, user)
        return agent

    def presence(self, user: UserId) -> Presence:
        return self.agent(user).presence.presence

    @staticmethod
    def held(agent: AgentRecord) -> Presence:
        """The presence the agent holds: while offline, the one from before. Going offline is
        not leaving a presence (a quick return restores it, and a person who signs in again
        still has to read the alert); coming back in another one is."""
        info = agent.presence
        if info.presence is Presence.OFFLINE and info.previous is not None:
            return info.previous
        return info.presence

    def worked(self, user: UserId) -> None:
        """An offer, assignment or session close: the agent's idle time starts again."""
        agent = self.agent(user)
        agent.last_work_at = self.ledger.now()
        self.ledger.mark(KIND_AGENT, user)

    def apply(
        self,
        user: UserId,
        trigger: PresenceTrigger,
        *,
        chosen: Presence | None = None,
        custom: str | None = None,
        by: UserId | None = None,
    ) -> PresenceMove:
        """One row of the presence table; raises for an illegal one before anything changes.

        `custom` names the admin-defined presence chosen with `chosen` as its base (rule 12);
        any change other than a choice or a restore drops it."""
        agent = self.agent(user)
        move = presence_move(self.standing(agent), trigger, chosen)
        if move.next is Target.STAYS:
            return move
        auto_dnd = False
        label: str | None = None
        if move.next is Target.CHOSEN:
            assert chosen is not None  # presence_move checked it
            target, label = chosen, custom
        elif move.next is Target.RESTORED:
            before = agent.before_disconnect
            target = before.presence if before is not None else Presence.AVAILABLE
            label = before.custom if before is not None else None
            auto_dnd = agent.auto_dnd_before_disconnect
        elif move.next is Target.BY_LOAD:
            raise ValueError("load-driven presence goes through follow_load")
        else:
            target = move.next
        self._set(agent, target, move, by=by, auto_dnd=auto_dnd, custom=label)
        return move

    @staticmethod
    def standing(agent: AgentRecord) -> Standing:
        info = agent.presence
        return standing(info.presence, agent.auto_dnd, info.custom)

    def follow_load(self, user: UserId, load: int, capacity: int, sessions: int) -> None:
        """Rule 10: available/busy (or busy_dnd set for full capacity) follow the load."""
        agent = self.agents.get(user)
        if agent is None or not self.ledger.connections.is_connected(user):
            return
        move = presence_move(self.standing(agent), PresenceTrigger.LOAD_CHANGED)
        if move.next is Target.STAYS:
            return
        target = capacity_presence(load, capacity, sessions)
        if target is not agent.presence.presence:
            self._set(agent, target, move, auto_dnd=target is Presence.BUSY_DND)

    def _set(
        self,
        agent: AgentRecord,
        presence: Presence,
        move: PresenceMove,
        *,
        by: UserId | None = None,
        auto_dnd: bool = False,
        custom: str | None = None,
    ) -> None:
        ledger = self.ledger
        now = ledger.now()
        held_before = self.held(agent)
        info = PresenceInfo(
            presence=presence,
            source=move.source,
            reason=move.reason,
            previous=agent.presence.presence,
            changed_at=now,
            custom=custom,
        )
        agent.presence = info
        agent.auto_dnd = auto_dnd
        ledger.mark(KIND_AGENT, agent.user)
        change = PresenceChange(
            presence=presence,
            source=move.source,
            reason=move.reason,
            previous=info.previous,
            changed_at=now,
            by=by,
            custom=custom,
        )
        self._record_timeline(agent.user, change)
        ledger.audit(
            "presence",
            agent=agent.user,
            presence=presence,
            previous=info.previous,
            source=move.source,
            reason=move.reason,
            by=by,
            custom=custom,
        )
        ledger.deliver(agent.user, PresenceChanged(presence=info))
        ledger.changed(agent.user)
        if self.held(agent) is not held_before:
            for listener in self.on_left:
                listener(agent.user, held_before)

    def changes(self, user: UserId, limit: int) -> list[PresenceChange]:
        """The agent's last `limit` presence changes, oldest first."""
        entries = self.timeline.get(user, [])[-limit:] if limit > 0 else []
        return [decode_record(data, TimelineRecord).change for _, data in entries]

    def _record_timeline(self, user: UserId, change: PresenceChange) -> None:
        key = f"{self.ledger.next('timeline'):012d}"
        data = encode_record(TimelineRecord(agent=user, change=change))
        entries = self.timeline.setdefault(user, [])
        entries.append((key, data))
        store = self.ledger.store
        store.put(KIND_TIMELINE, key, data)
        while len(entries) > TIMELINE_KEEP:
            old_key, _ = entries.pop(0)
            store.delete(KIND_TIMELINE, old_key)
