"""Shared helpers for the reducer's tests: an online agent, a run of events, a snapshot."""

from __future__ import annotations

from agent_desktop.protocol.messages import Snapshot
from agent_desktop.protocol.vocabulary import Role, SessionId, UserId
from agent_desktop.session.events import CoreEvent
from agent_desktop.session.reducer import apply
from agent_desktop.session.state import (
    AgentState,
    Connection,
    Identity,
    LinkStatus,
    OutgoingMessage,
)
from tests.session.factories import T0, presence

ONLINE = Connection(LinkStatus.ONLINE)
ALICE = Identity(UserId("alice"), Role.AGENT, "Alice")


def run(state: AgentState, *events: CoreEvent, now: float = T0) -> AgentState:
    for event in events:
        state, _ = apply(state, event, now)
    return state


def online() -> AgentState:
    return AgentState(connection=ONLINE, identity=ALICE, presence=presence())


def snapshot(**parts: object) -> Snapshot:
    defaults: dict[str, object] = {
        "presence": presence(),
        "offers": [],
        "sessions": [],
        "alerts": [],
        "server_time": T0,
    }
    defaults.update(parts)
    return Snapshot(**defaults)  # type: ignore[arg-type]  # test helper: keyword parts


def queued(cid: str, session_id: str = "s1", text: str = "hi") -> OutgoingMessage:
    return OutgoingMessage(
        client_msg_id=cid, session_id=SessionId(session_id), text=text, typed_at=T0
    )
