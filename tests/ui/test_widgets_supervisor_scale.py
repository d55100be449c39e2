"""The Team page with many agents: the first listing and one agent_updated stay cheap."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from agent_desktop.protocol.messages import AgentUpdated
from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.session.events import AgentsListed
from agent_desktop.session.reducer import apply
from agent_desktop.session.state import AgentState
from agent_desktop.ui.widgets.supervisor_view import SupervisorView
from tests.ui.test_widgets_samples import agent_view

MANY = tuple(agent_view(f"agent{n:04d}", f"Agent {n}") for n in range(500))


def listed(qtbot: QtBot) -> tuple[SupervisorView, AgentState, list[str]]:
    view = SupervisorView()
    qtbot.addWidget(view)
    signals: list[str] = []
    model = view.model
    model.modelReset.connect(lambda: signals.append("reset"))
    model.rowsInserted.connect(lambda *_: signals.append("inserted"))
    model.rowsRemoved.connect(lambda *_: signals.append("removed"))
    model.dataChanged.connect(lambda first, last, *_: signals.append(f"changed {first.row()}"))
    state, _ = apply(replace(AgentState(), agents=()), AgentsListed(agents=MANY[::-1]), 0.0)
    view.show_state(state.agents)
    return view, state, signals


def test_the_first_listing_is_one_model_reset_not_one_insert_per_row(qtbot: QtBot) -> None:
    view, _, signals = listed(qtbot)
    assert signals == ["reset"]
    assert view.model.rowCount() == len(MANY)
    assert view.model.agent_at(0).agent == "agent0000"


def test_one_agent_updated_changes_only_its_row(qtbot: QtBot) -> None:
    view, state, signals = listed(qtbot)
    signals.clear()
    moved = agent_view("agent0250", "Agent 250", Presence.AWAY)
    state, _ = apply(state, AgentUpdated(agent=moved), 1.0)
    view.show_state(state.agents)
    assert signals == ["changed 250"]
    assert view.model.agent_at(250) == moved


def test_a_new_agent_is_inserted_in_order_and_a_gone_one_removed(qtbot: QtBot) -> None:
    view, state, signals = listed(qtbot)
    signals.clear()
    newcomer = agent_view("agent0250a", "Agent 250a")
    state, _ = apply(state, AgentUpdated(agent=newcomer), 1.0)
    assert state.agents is not None
    assert [a.agent for a in state.agents] == sorted(a.agent for a in state.agents)
    view.show_state(state.agents)
    assert signals == ["inserted"]
    assert view.model.agent_at(251) == newcomer
    signals.clear()
    view.show_state(state.agents[:100])
    assert view.model.rowCount() == 100
    assert set(signals) == {"removed"}
