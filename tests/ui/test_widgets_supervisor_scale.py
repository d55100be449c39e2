"""The Team page with many agents: the first listing and one agent_updated stay cheap."""

from __future__ import annotations

from msgspec.structs import replace
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
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


def on_screen(qtbot: QtBot, agents: int) -> tuple[SupervisorView, AgentState]:
    view = SupervisorView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.wait_exposed(view)
    listing = tuple(agent_view(f"agent{n:05d}", f"Agent {n}") for n in range(agents))
    state, _ = apply(replace(AgentState(), agents=()), AgentsListed(agents=listing), 0.0)
    return view, state


class Reads:
    """Counts the model's data() calls and the table's paints until the event loop is idle,
    as the next frame would see them."""

    def __init__(self, view: SupervisorView) -> None:
        self.view = view
        self.cells = 0
        self.paints = 0
        self._read = view.model.data

    def __enter__(self) -> Reads:
        def counting(*args: object) -> object:
            self.cells += 1
            return self._read(*args)  # type: ignore[arg-type]

        self.view.model.data = counting  # type: ignore[method-assign,assignment]
        self._paint_filter = PaintCounter(self)
        self.view.table.viewport().installEventFilter(self._paint_filter)
        return self

    def __exit__(self, *_: object) -> None:
        for _turn in range(3):  # layout, deferred work, paint: all of the change's frame
            QApplication.processEvents()
        self.view.table.viewport().removeEventFilter(self._paint_filter)
        # counting -> read -> model -> counting is a cycle: break it here, on the Qt thread.
        del self.view.model.data


class PaintCounter(QObject):
    def __init__(self, reads: Reads) -> None:
        super().__init__()
        self._reads = reads

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._reads.paints += 1
        return False


def test_the_first_listing_of_10000_is_measured_from_a_sample_and_painted_once(
    qtbot: QtBot,
) -> None:
    view, state = on_screen(qtbot, 10_000)
    with Reads(view) as reads:
        view.show_state(state.agents)
    # The header's fit to contents read ~25,000 cells (~60 ms), and a scroll bar appearing
    # after the first paint painted the whole table a second time. Then Qt's delegate read ~7
    # roles of every cell it painted (~700 reads); now a cell's data() is read to measure one
    # cell per column (the fit and the painter's layout), ~100 reads.
    assert reads.cells < 200, reads.cells
    assert reads.paints == 1
    assert view.model.rowCount() == 10_000


def test_a_change_to_an_agent_on_screen_reads_about_its_row(qtbot: QtBot) -> None:
    view, state = on_screen(qtbot, 10_000)
    view.show_state(state.agents)
    for _turn in range(3):
        QApplication.processEvents()
    moved = agent_view("agent00003", "Agent 3", Presence.AWAY)
    state, _ = apply(state, AgentUpdated(agent=moved), 1.0)
    with Reads(view) as reads:
        view.show_state(state.agents)
    # The header re-measured ~100 rows per column on a change to a row on screen (~4,900
    # reads, ~19 ms); now the row is measured (to widen a column) and repainted.
    assert reads.cells < 300, reads.cells
    assert view.model.texts(3)[1] == "Away"


def test_the_same_agent_tuple_again_reads_and_signals_nothing(qtbot: QtBot) -> None:
    view, state, signals = listed(qtbot)
    signals.clear()
    before = view.model.agent_at(0)
    assert view.model.set_agents(state.agents or ()) == []
    assert signals == []
    assert view.model.agent_at(0) is before
