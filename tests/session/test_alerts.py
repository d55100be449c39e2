"""Server alerts leave the state once what they say is no longer true, and the server is told."""

from __future__ import annotations

from agent_desktop.protocol.messages import AlertRaised, PresenceChanged, SessionClosed, Snapshot
from agent_desktop.protocol.vocabulary import MAX_SESSIONS, AlertKind, Presence, Reason, SessionId
from agent_desktop.session.effects import AlertArrived, Effect, SendDismiss
from agent_desktop.session.events import CoreEvent, LinkChanged
from agent_desktop.session.reducer import step
from agent_desktop.session.state import AgentState, Connection, LinkStatus
from tests.session.factories import T0, alert, presence, session
from tests.session.reducer_helpers import ALICE, ONLINE

CONNECTING = Connection(LinkStatus.CONNECTING)


def steps(state: AgentState, *events: CoreEvent) -> tuple[AgentState, list[Effect]]:
    seen: list[Effect] = []
    for event in events:
        state, effects = step(state, event, T0)
        seen.extend(effects)
    return state, seen


def at(value: Presence, connection: Connection = ONLINE) -> AgentState:
    return AgentState(connection=connection, identity=ALICE, presence=presence(value))


def snapshot(value: Presence, *alerts: AlertKind, sessions: int = 0) -> Snapshot:
    return Snapshot(
        presence=presence(value),
        offers=[],
        sessions=[session(f"s{i}", work_id=f"w{i}") for i in range(sessions)],
        alerts=[alert(f"a{i}", kind) for i, kind in enumerate(alerts)],
        server_time=T0,
    )


def test_each_alert_stays_while_its_presence_holds() -> None:
    for kind, value in (
        (AlertKind.MISSED, Presence.INACTIVE),
        (AlertKind.REJECTED, Presence.BUSY_DND),
        (AlertKind.MAX_SESSIONS, Presence.BUSY_DND),
    ):
        state, effects = steps(at(value), AlertRaised(alert=alert("a1", kind)))
        assert [a.kind for a in state.alerts] == [kind]
        assert [type(e) for e in effects] == [AlertArrived]


def test_a_resync_keeps_only_the_server_alerts_that_are_still_true() -> None:
    """The bug seen: "set to Do not disturb" and "set to Inactive" stacked while Busy."""
    state, effects = steps(
        at(Presence.AVAILABLE, CONNECTING),
        snapshot(Presence.BUSY, AlertKind.REJECTED, AlertKind.MISSED),
    )
    assert state.alerts == ()
    assert not [e for e in effects if isinstance(e, AlertArrived)]  # never announced
    assert state.dismissals == ("a0", "a1")
    state, effects = steps(state, LinkChanged(ONLINE))
    assert [e for e in effects if isinstance(e, SendDismiss)] == [
        SendDismiss("a0"),
        SendDismiss("a1"),
    ]
    assert state.dismissals == ()


def test_the_presence_moving_on_takes_the_alert_away() -> None:
    state, _ = steps(at(Presence.INACTIVE), AlertRaised(alert=alert("a1", AlertKind.MISSED)))
    moved = presence(Presence.AVAILABLE, reason=Reason.SUPERVISOR)
    state, effects = steps(state, PresenceChanged(presence=moved))
    assert state.alerts == ()
    assert SendDismiss("a1") in effects


def test_the_max_sessions_alert_stays_while_ten_sessions_are_open() -> None:
    state, _ = steps(
        at(Presence.AVAILABLE, CONNECTING),
        snapshot(Presence.BUSY, AlertKind.MAX_SESSIONS, sessions=MAX_SESSIONS),
    )
    assert [a.kind for a in state.alerts] == [AlertKind.MAX_SESSIONS]
    state, _ = steps(
        state, SessionClosed(session_id=SessionId("s0"), reason=Reason.CLOSED_BY_AGENT)
    )
    assert state.alerts == ()


def test_the_clients_own_alert_is_not_judged_by_the_presence() -> None:
    state, _ = steps(
        at(Presence.AVAILABLE),
        LinkChanged(Connection(LinkStatus.RECONNECTING, retry_at=T0 + 1)),
        PresenceChanged(presence=presence(Presence.AWAY)),
    )
    assert [a.alert_id for a in state.alerts] == ["client:connection_lost"]
