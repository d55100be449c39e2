"""Item 5 — the supervisor's Team page with N agents, in-process on an offscreen QApplication.

*First paint*: the listed agents go through the core's reducer (`AgentsListed`), the page's
`show_state` and one synchronous repaint of the visible page. *One update*: one `agent_updated`
(an agent's presence changes) through the reducer, `show_state` and a repaint, repeated; one
frame is 16 ms. The baseline: the same repaint of the page with nothing changed.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import msgspec

from agent_desktop.protocol.messages import AgentUpdated
from agent_desktop.protocol.model import AgentView, PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, PresenceSource, Reason, Role, UserId
from agent_desktop.session.events import AgentsListed
from agent_desktop.session.reducer import apply
from agent_desktop.session.state import AgentState
from bench.stats import Summary, summarize


class SupervisorViewCost(msgspec.Struct, frozen=True):
    agents: int
    first_paint_ms: Summary
    update_ms: Summary
    repaint_only_ms: Summary
    """A repaint of the shown page with nothing changed: the floor of an update."""
    load_average: float


def _agent(n: int, presence: Presence, at: float) -> AgentView:
    return AgentView(
        agent=UserId(f"agent{n:05d}"),
        display_name=f"Agent {n}",
        role=Role.AGENT,
        presence=PresenceInfo(
            presence=presence,
            source=PresenceSource.AGENT,
            reason=Reason.MANUAL,
            previous=None,
            changed_at=at,
        ),
        connected=True,
        sessions=n % 3,
        pending_offers=0,
        alerts=[],
        queues=[],
        capacity_used=(n % 3) * 10,
        capacity=100,
    )


def measure_supervisor_view(agents: int, updates: int, first_paints: int) -> SupervisorViewCost:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from agent_desktop.ui.widgets.supervisor_view import SupervisorView

    app = QApplication.instance() or QApplication([])
    load_average = os.getloadavg()[0]
    listed = tuple(_agent(n, Presence.AVAILABLE, 0.0) for n in range(agents))
    firsts: list[float] = []
    for _ in range(first_paints):
        view = SupervisorView()
        view.resize(1000, 700)
        view.show()
        app.processEvents()
        started = time.perf_counter()
        state, _ = apply(replace(AgentState(), agents=()), AgentsListed(agents=listed), 0.0)
        view.show_state(state.agents)
        view.repaint()
        firsts.append((time.perf_counter() - started) * 1000)
        view.close()
        view.deleteLater()
        app.processEvents()
    view = SupervisorView()
    view.resize(1000, 700)
    view.show()
    state, _ = apply(replace(AgentState(), agents=()), AgentsListed(agents=listed), 0.0)
    view.show_state(state.agents)
    app.processEvents()
    repaints: list[float] = []
    changes: list[float] = []
    for i in range(updates):
        started = time.perf_counter()
        view.repaint()
        repaints.append((time.perf_counter() - started) * 1000)
        presence = Presence.AWAY if i % 2 == 0 else Presence.AVAILABLE
        event = AgentUpdated(agent=_agent((i * 7919) % agents, presence, float(i)))
        started = time.perf_counter()
        state, _ = apply(state, event, float(i))
        view.show_state(state.agents)
        view.repaint()
        changes.append((time.perf_counter() - started) * 1000)
    view.close()
    return SupervisorViewCost(
        agents=agents,
        first_paint_ms=summarize(firsts),
        update_ms=summarize(changes),
        repaint_only_ms=summarize(repaints),
        load_average=load_average,
    )


if __name__ == "__main__":
    import sys

    print(measure_supervisor_view(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
