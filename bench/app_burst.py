"""Ten auto-assigned sessions arriving in one state: how long the window's render takes.

`python -m bench.app_burst [repeats]`, offscreen, in-process: the app's `AppWindow` (with a
core that is never started, and the app's theme) is shown, then renders one state that
brings ten chat sessions and their ten toasts, as the message test of item 3 does. Each
repeat, in a fresh window, is timed from `show_state` to the end of the next turn of the loop
(processEvents): the longest turn the arrival costs. Item 3's loop-stall figure runs on a
shared machine beside a server; this one isolates the app's own work.
"""

from __future__ import annotations

import os
import sys
import time

import msgspec

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from agent_desktop.protocol.model import ChatMessage, Customer, Session, Toast, WorkItem
from agent_desktop.protocol.vocabulary import (
    Channel,
    Origin,
    QueueId,
    Reason,
    Sender,
    SessionId,
    UserId,
    WorkId,
)
from agent_desktop.session.core import AgentCore
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import AgentState, ShownToast
from agent_desktop.ui.app_window import AppWindow
from agent_desktop.ui.tasks import TaskOwner
from agent_desktop.ui.theme import ThemeFollower
from bench.stats import median

SESSIONS = 10


def _burst(now: float) -> tuple[tuple[Session, ...], tuple[ShownToast, ...]]:
    sessions = []
    toasts = []
    for i in range(SESSIONS):
        work = WorkItem(
            work_id=WorkId(f"w{i}"),
            channel=Channel.CHAT,
            queue=QueueId("vip"),
            customer=Customer(name=f"VIP {i}"),
        )
        sessions.append(
            Session(
                session_id=SessionId(f"s{i}"),
                work=work,
                agent=UserId("alice"),
                opened_at=now,
                opened_reason=Reason.AUTO_ACCEPT,
                transcript=[ChatMessage(f"m{i}", Sender.CUSTOMER, "Hello", now)],
            )
        )
        toast = Toast(
            title=f"New assignment — VIP {i}",
            fields=[],
            session_id=SessionId(f"s{i}"),
            origin=Origin.NEW,
            reason=Reason.AUTO_ACCEPT,
            dismiss_after_s=8.0,
        )
        toasts.append(ShownToast(toast=toast, until=now + 8.0))
    return tuple(sessions), tuple(toasts)


def measure(repeats: int) -> list[float]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    follower = ThemeFollower(app)  # the app's style sheet: widgets cost what they cost in the app
    took = []
    for _ in range(repeats):
        core = AgentCore(Settings(server_url="ws://127.0.0.1:9", user="alice"))
        window = AppWindow(core, TaskOwner(lambda _text: None))
        window.show()
        app.processEvents()
        sessions, toasts = _burst(time.time())
        state = msgspec.structs.replace(AgentState(), sessions=sessions, toasts=toasts)
        began = time.perf_counter()
        window.show_state(state)
        app.processEvents()
        took.append(time.perf_counter() - began)
        window.close()
        window.deleteLater()
        app.processEvents()
    del follower
    return took


if __name__ == "__main__":
    runs = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
    print(
        f"render of {SESSIONS} new sessions + toasts, ms: median {median(runs) * 1000:.1f},"
        f" min {min(runs) * 1000:.1f}, max {max(runs) * 1000:.1f} (n={len(runs)});"
        f" load average {os.getloadavg()[0]:.2f}"
    )
