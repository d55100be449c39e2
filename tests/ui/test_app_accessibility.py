"""Screen readers: every control the agent can reach has a name, with work of every kind open.

The name checked is the one a screen reader gets (Qt's accessibility interface), not a Python
attribute: a button's text counts, an unnamed combo or text box does not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from tests.ui.app_harness import (
    customer_says,
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
)

pytestmark = pytest.mark.integration

INTERACTIVE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
    QTabBar,
    QAbstractSlider,
)


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip()


def unnamed_controls(root: QWidget) -> list[str]:
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or not widget.isVisibleTo(root):
            continue
        if widget.focusPolicy().value == 0:  # Qt.NoFocus: the keyboard never lands there
            continue
        if isinstance(widget.parent(), QComboBox | QAbstractItemView):
            continue  # a combo's own line edit or a view's scroll bar: named by its owner
        if not accessible_name(widget):
            owner = type(widget.parent()).__name__
            found.append(f"{type(widget).__name__} {widget.objectName()!r} in {owner}")
    return found


async def test_every_control_has_an_accessible_name(server: RunningServer, tmp_path: Path) -> None:
    async with (
        running_app(server.url, tmp_path, user="sam") as supervisor_app,
        running_app(server.url, tmp_path) as desktop,
        supervisor_client(server.url) as sam,
    ):
        for opened, (channel, queue, customer) in enumerate(
            [
                (Channel.CHAT, "chat_vip", "Vera Ito"),
                (Channel.VOICE, "voice", "Caller Cruz"),
                (Channel.CASE, "case", "Bo Chen"),
            ],
            start=1,
        ):
            await new_work(sam, channel, queue, customer=customer, agent="alice")
            if queue != "chat_vip":
                await eventually(lambda: len(desktop.window.offers.cards()) == 1, "an offer")
                desktop.window.offers.cards()[0].accept_button.click()
            await until(desktop, lambda s, n=opened: len(s.sessions) == n)  # type: ignore[misc]
            await eventually(lambda: not desktop.window.offers.cards(), "no card left")
        await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "an offer waiting")
        await eventually(lambda: len(desktop.window.sessions.tab_titles()) == 3, "three tabs")

        problems: list[str] = []
        window = desktop.window
        for index in range(window.sessions.tabs.count()):
            window.sessions.tabs.setCurrentIndex(index)
            problems += unnamed_controls(window)
        window.pages.setCurrentWidget(supervisor_app.window.team)
        supervisor_app.window.pages.setCurrentWidget(supervisor_app.window.team)
        problems += unnamed_controls(supervisor_app.window)

        assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


async def test_offers_alerts_and_messages_are_announced_to_screen_readers(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop, supervisor_client(server.url) as sam:
        said = desktop.screen_reader.said
        work_id = await new_work(sam, Channel.CHAT, "chat_vip", customer="Vera Ito", agent="alice")
        await until(desktop, lambda s: len(s.sessions) == 1)
        await customer_says(sam, work_id, "Hello, anyone there?")
        await eventually(lambda: "Vera Ito wrote: Hello, anyone there?" in said, "the message")

        await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: "Incoming chat — Ana Lima" in said, "the offer, with its customer")
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "the card")
        reject = desktop.window.offers.cards()[0].reject_button
        assert reject is not None
        reject.click()
        state = await until(desktop, lambda s: bool(s.alerts))
        await eventually(lambda: state.alerts[0].message in said, "the alert")
