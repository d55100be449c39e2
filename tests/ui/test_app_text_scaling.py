"""200 % text (a desktop's text-size setting, not only QT_SCALE_FACTOR): no label or button of
the main views is clipped or runs into another, in English and in German."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import nullcontext
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.ui.desktop import DesktopApp
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until
from tests.ui.text_fit import (
    clipped_texts,
    cut_off_sideways,
    overlapping_texts,
    text_scaled,
)
from tests.ui.translated import german

pytestmark = pytest.mark.integration

SCREEN = (1280, 800)
"""A common laptop screen; the window is maximised on it, as an agent with large text has it."""


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def _busy_desk(desktop: DesktopApp, url: str, manual_clock: ManualClock) -> None:
    """Sessions of every kind, a toast, an offer waiting and a missed alert."""
    async with supervisor_client(url) as sam:
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


def _problems(desktop: DesktopApp) -> list[str]:
    window = desktop.window
    window.resize(*SCREEN)
    found: list[str] = []
    for index in range(window.sessions.tabs.count()):
        window.sessions.tabs.setCurrentIndex(index)
        layout = window.layout()
        assert layout is not None
        layout.activate()
        found += clipped_texts(window) + overlapping_texts(window) + cut_off_sideways(window)
    return sorted(set(found))


@pytest.mark.parametrize("language", ["en", "de"])
async def test_no_text_is_clipped_at_200_percent(
    server: RunningServer, tmp_path: Path, manual_clock: ManualClock, language: str
) -> None:
    with text_scaled(2.0), german() if language == "de" else nullcontext():
        async with running_app(server.url, tmp_path) as desktop:
            desktop.window.show()
            await _busy_desk(desktop, server.url, manual_clock)
            problems = _problems(desktop)
            assert problems == [], "\n".join(problems)
