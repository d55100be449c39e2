"""The window's routing-depth parts (issue 11): wrap-up cards, the next status, custom
presences, the penalty's time left and the supervisor's queue table.

Kept beside `AppWindow` so the window stays readable: this object holds the widgets' wiring to
the core's intents and renders the state's depth fields; the widgets decide nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from agent_desktop.protocol.vocabulary import UserId, WorkId
from agent_desktop.session.state import AgentState
from agent_desktop.ui.widgets.next_status import NextStatus
from agent_desktop.ui.widgets.wrap_up_panel import EXTEND_S, WrapUpPanel

if TYPE_CHECKING:
    from agent_desktop.ui.app_window import AppWindow
    from agent_desktop.ui.widgets.supervisor_view import SupervisorView


class DepthControls(QObject):
    """Owns `wrap_ups` (the Incoming column's top) and `next_status` (beside the presence)."""

    def __init__(self, window: AppWindow, now: Callable[[], float]) -> None:
        super().__init__(window)
        self.window = window
        self.now = now
        self.wrap_ups = WrapUpPanel()
        self.next_status = NextStatus()
        self._state: AgentState | None = None
        self._titles: dict[WorkId, str] = {}
        """Customer names of sessions seen: a wrap-up outlives its session's tab."""
        self._wire()
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    def _wire(self) -> None:
        window = self.window
        core, run = window.core, window.tasks.run
        window.presence.custom_chosen.connect(self.choose_custom)
        self.wrap_ups.extend_requested.connect(
            lambda work_id: run("Extend wrap-up", core.extend_wrap_up(WorkId(work_id), EXTEND_S))
        )
        self.wrap_ups.done_requested.connect(
            lambda work_id, disposition, note: run(
                "Finish wrap-up", core.finish_wrap_up(WorkId(work_id), disposition, note)
            )
        )
        self.next_status.next_chosen.connect(
            lambda presence, custom: run(
                "Set next status", core.set_next_presence(presence, custom)
            )
        )
        self.next_status.cancel_requested.connect(
            lambda: run("Cancel next status", core.set_next_presence(None))
        )

    def wire_team(self, team: SupervisorView) -> None:
        """The Team page, when the window builds it (supervisors only)."""
        core, run = self.window.core, self.window.tasks.run
        team.clear_penalty_requested.connect(
            lambda agent: run("Clear penalty", core.clear_penalty(UserId(agent)))
        )

    def choose_custom(self, name: str) -> None:
        """A custom presence by its name (the selector or the tray): set with its base."""
        state = self.window.core.state
        custom = state.custom_presence(name)
        if custom is not None:
            self.window.tasks.run(
                "Set presence", self.window.core.set_presence(custom.base, custom.name)
            )

    def show_state(self, state: AgentState, previous: AgentState | None) -> None:
        self._state = state
        for session in state.sessions:
            self._titles[session.work.work_id] = session.work.customer.name
        self.wrap_ups.show_state(state.wrap_ups, self._titles, take_focus=not state.sessions)
        self.window.custom_presence_items.show(
            state.custom_presences,
            state.presence.custom if state.presence is not None else None,
            enabled=state.online and state.presence is not None,
        )
        self.next_status.show_state(
            state.next_presence,
            has_work=state.online and bool(state.sessions or state.wrap_ups),
            customs=state.custom_presences,
        )
        now = self.now()
        team = self.window.team_if_built()
        if team is not None:
            team.show_queues(state.queue_stats, now + state.clock_offset)
        self._tick(now)  # the same instant: the queue table is not refitted a second time
        identity = state.identity
        if (
            identity is not None
            and identity.supervises
            and state.online
            and (previous is None or not previous.online)
        ):
            # Resubscribe after every (re)connect, as the agent list: the server forgets it.
            self.window.tasks.run("List queues", self.window.core.list_queues())

    def _tick(self, now: float | None = None) -> None:
        state = self._state
        if state is None:
            return
        now = self.now() if now is None else now
        self.wrap_ups.update_clock(lambda w: state.wrap_up_remaining(w, now))
        self.window.alert_bar.show_penalty_left(state.penalty_remaining(now))
        team = self.window.team_if_built()
        if team is not None:
            team.queues.update_clock(now + state.clock_offset)
