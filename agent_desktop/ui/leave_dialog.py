"""Asking before Quit or Sign out leaves work behind: what happens to sessions and offers.

A goodbye hands pending offers back to their queues at once (the server ends them
`withdrawn`, reason logout: not a miss, no Inactive). Open sessions stay assigned to the
agent for the server's reclaim window and come back on the next sign-in within it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from agent_desktop.session.state import AgentState


class Leaving(StrEnum):
    QUIT = "quit"
    SIGN_OUT = "sign_out"


_VERBS = {Leaving.QUIT: ("Quit", "Quitting"), Leaving.SIGN_OUT: ("Sign out", "Signing out")}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def leave_question(state: AgentState, leaving: Leaving) -> str | None:
    """What leaving now would do to the agent's work; None when there is nothing to lose."""
    sessions, offers = len(state.sessions), len(state.offers)
    if not state.online or (sessions == 0 and offers == 0):
        return None
    _, doing = _VERBS[leaving]
    lines: list[str] = []
    if offers:
        waiting = _count(offers, "offer is", "offers are")
        lines.append(
            f"{waiting} waiting for you. {doing} hands "
            f"{'it' if offers == 1 else 'them'} back to the queue now, so another agent gets "
            f"{'it' if offers == 1 else 'them'}. This is not counted as a missed offer."
        )
    if sessions:
        open_ = _count(sessions, "session is", "sessions are")
        lines.append(
            f"{open_} open. {'It stays' if sessions == 1 else 'They stay'} assigned to you "
            "for a few minutes: sign in again soon to carry on, or the customers go back to "
            "the queue."
        )
    return "\n\n".join(lines)


class LeaveDialog(QMessageBox):
    """Asks "Quit with work open?" and says what happens; never run with exec().

    Signals:
        confirmed(): the agent chose to leave.
    """

    confirmed = Signal()

    def __init__(self, leaving: Leaving, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        verb, _ = _VERBS[leaving]
        self.leaving = leaving
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(f"{verb} with work open?")
        self.setText(f"{verb} with work open?")
        self.setInformativeText(question)
        self.leave_button = self.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        self.stay_button = self.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.stay_button)
        self.setEscapeButton(self.stay_button)
        self.leave_button.setAccessibleName(verb)
        self.stay_button.setAccessibleName("Keep working")
        self.buttonClicked.connect(self._on_clicked)

    def _on_clicked(self, button: object) -> None:
        if button is self.leave_button:
            self.confirmed.emit()


class LeaveGuard:
    """Quit or Sign out; with sessions open or offers waiting, ask first and say what happens.

    `leave` does it (quit, or sign out); `state` reads the core's state at the moment asked.
    """

    def __init__(
        self,
        window: QWidget,
        state: Callable[[], AgentState],
        leave: Callable[[Leaving], None],
    ) -> None:
        self._window = window
        self._state = state
        self._leave = leave
        self.dialog: LeaveDialog | None = None
        """The question on screen, if any."""

    def ask(self, leaving: Leaving) -> None:
        question = leave_question(self._state(), leaving)
        if question is None:
            self._leave(leaving)
            return
        if self.dialog is not None:
            self.dialog.raise_()
            return
        dialog = LeaveDialog(leaving, question, self._window)
        dialog.confirmed.connect(lambda: self._leave(leaving))
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None
