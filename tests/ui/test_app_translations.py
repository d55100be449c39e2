"""The whole app in German against the real server: no English left on screen or for screen
readers, the server's alerts and toasts said in German, and the German screens stay German."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.desktop import DesktopApp
from agent_desktop.ui.leave_dialog import Leaving
from tests.ui.app_harness import (
    customer_says,
    eventually,
    new_work,
    running_app,
    supervisor_client,
    until,
)
from tests.ui.translated import catalogue, english_in, german, shown_texts

pytestmark = pytest.mark.integration

DATA = ("Ana Lima", "Vera Ito", "Caller Cruz", "Bo Chen", "Ben Okafor", "Order 5521 is late")
"""What the server and the customers wrote, shown as given: not the app's words."""


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


@pytest.fixture
def in_german() -> Iterator[None]:
    with german():
        yield


def english_left(root: QWidget) -> list[str]:
    """Texts under `root` with English words, or equal to an English source that has German."""
    rows = catalogue()
    german_texts = {t for _, _, t, _ in rows}
    translated_sources = {s for _, s, t, _ in rows if t and t != s} - german_texts
    found = []
    for where, text in shown_texts(root):
        words = english_in(text, DATA)
        if words or text in translated_sources:
            found.append(f"{where}: {text!r} {words}")
    return found


async def _open_work_of_every_kind(desktop: DesktopApp, url: str) -> None:
    async with supervisor_client(url) as sam:
        for opened, (channel, queue, customer) in enumerate(
            [
                (Channel.CHAT, "chat_vip", "Vera Ito"),  # assigned without an offer: a toast
                (Channel.VOICE, "voice", "Caller Cruz"),
                (Channel.CASE, "case", "Bo Chen"),
            ],
            start=1,
        ):
            work_id = await new_work(sam, channel, queue, customer=customer, agent="alice")
            if queue != "chat_vip":
                await eventually(lambda: len(desktop.window.offers.cards()) == 1, "an offer")
                desktop.window.offers.cards()[0].accept_button.click()
            else:
                await customer_says(sam, work_id, "Hallo, ist da jemand?")
            await until(desktop, lambda s, n=opened: len(s.sessions) == n)  # type: ignore[misc]
            await eventually(lambda: not desktop.window.offers.cards(), "no card left")
        await new_work(sam, customer="Ana Lima", agent="alice")
        await eventually(lambda: len(desktop.window.offers.cards()) == 1, "an offer waiting")


@pytest.mark.usefixtures("in_german")
async def test_the_whole_app_speaks_german(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock
) -> None:
    async with running_app(server.url, tmp_path) as desktop:
        window = desktop.window
        await _open_work_of_every_kind(desktop, server.url)
        await eventually(lambda: bool(window.toasts.cards()), "the assignment toast")
        problems: list[str] = []
        for index in range(window.sessions.tabs.count()):
            window.sessions.tabs.setCurrentIndex(index)
            problems += english_left(window)
        assert window.offers.cards()[0].title.text() == "Eingehender Chat"
        assert window.offers.cards()[0].accept_button.text() == "Annehmen"
        assert window.toasts.cards()[0].title.text() == "Neue Zuweisung"

        # The server's missed alert, said in German from its kind, channel and customer.
        manual_clock.advance(121)
        server.wake()
        await until(desktop, lambda s: bool(s.alerts) and not s.offers)
        await eventually(lambda: len(window.alert_bar.rows()) == 1, "the missed alert")
        assert (
            window.alert_bar.rows()[0]
            .message.text()
            .startswith("Sie haben einen Chat von Ana Lima verpasst")
        )
        explanation = window.presence.explanation.text()
        assert explanation == "vom System gesetzt: ein Angebot wurde verpasst"
        problems += english_left(window)

        window.show_shortcuts()
        assert window.shortcuts_sheet is not None
        problems += english_left(window.shortcuts_sheet)
        window.shortcuts_sheet.close()
        desktop.open_settings()
        dialog = desktop._settings_dialog
        assert dialog is not None
        problems += english_left(dialog)
        dialog.reject()
        view = window.sessions.view(window.sessions.current_session())  # type: ignore[arg-type]
        assert view is not None
        view.transfer_button.click()
        assert view.dialog is not None
        problems += english_left(view.dialog)
        view.dialog.reject()
        desktop.leaving.ask(Leaving.QUIT)
        assert desktop.leaving.dialog is not None
        problems += english_left(desktop.leaving.dialog)
        desktop.leaving.dialog.reject()
        window.show_timeline()
        await eventually(lambda: window.timeline.tree.topLevelItemCount() > 0, "history")
        problems += english_left(window.timeline)

        assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


@pytest.mark.usefixtures("in_german")
async def test_the_supervisor_view_speaks_german(server: RunningServer, tmp_path: Path) -> None:
    async with (
        running_app(server.url, tmp_path, user="sam") as supervisor_app,
        running_app(server.url, tmp_path),
    ):
        window = supervisor_app.window
        window.pages.setCurrentWidget(window.team)
        await eventually(lambda: window.team.model.rowCount() > 0, "the agents")
        problems = english_left(window)
        assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
