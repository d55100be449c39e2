"""The escalation ladder through the real app: a real server, the app's real DesktopNotifier
talking D-Bus to a real `org.freedesktop.Notifications` service on a private bus (it records
each `Notify` with its hints), and one ManualClock for server and app so the rungs are exact.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.ladder import Ladder
from agent_desktop.session.settings import Settings
from agent_desktop.ui.sound import IncomingSound
from tests.support.notification_service import NotificationService
from tests.ui.app_harness import eventually, new_work, running_app, supervisor_client, until

pytestmark = pytest.mark.integration

URGENCY_NORMAL = 1
URGENCY_CRITICAL = 2
"""The freedesktop notification spec's `urgency` hint values."""


class RecordingSound(IncomingSound):
    """Test double at the audio-device boundary: counts what would have been played."""

    def __init__(self) -> None:
        self.played = 0

    def play(self) -> None:
        self.played += 1


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_an_unanswered_offer_climbs_to_a_critical_last_call_without_a_number(
    server: RunningServer,
    tmp_path: Path,
    notification_service: NotificationService,
    manual_clock: ManualClock,
) -> None:
    sound = RecordingSound()
    settings = Settings(
        server_url=server.url,
        user="alice",
        sound=True,
        ladder=Ladder(sound_after_s=5, flash_after_s=15, last_call_s=10),
    )
    async with (
        running_app(server.url, tmp_path, settings=settings, sound=sound, clock=manual_clock) as (
            desktop
        ),
        supervisor_client(server.url) as sam,
    ):
        await new_work(sam, agent="alice")
        await eventually(lambda: bool(notification_service.calls), "the offer's notification")
        first = notification_service.last
        assert first.hints["urgency"] == URGENCY_NORMAL
        assert sound.played == 0  # notification first; the sound is the next rung

        manual_clock.advance(5)
        desktop.core.wake()
        await eventually(lambda: sound.played == 1, "the sound rung")
        assert len(notification_service.calls) == 1  # the sound alone: no new notification

        [pending] = desktop.core.state.offers
        manual_clock.advance(pending.deadline - 10 - manual_clock.now())
        desktop.core.wake()
        await eventually(lambda: len(notification_service.calls) == 2, "the last call")
        last = notification_service.last
        assert last.hints["urgency"] == URGENCY_CRITICAL
        # The cue is the urgency (and a sound), never a countdown in the text.
        assert (last.title, last.body) == (first.title, first.body)
        assert not re.search(r"\d+\s*(s|sec|seconds?)\b", last.title + last.body), last.body
        assert sound.played == 2
        await eventually(
            lambda: first.notification_id in notification_service.closed_by_call,
            "the normal notification replaced by the urgent one",
        )

        await desktop.core.accept(pending.offer_id)
        await until(desktop, lambda s: not s.offers)
        await eventually(
            lambda: last.notification_id in notification_service.closed_by_call,
            "the urgent notification withdrawn at the accept",
        )
        manual_clock.advance(60)
        desktop.core.wake()
        await until(desktop, lambda s: not s.climbs)
        assert len(notification_service.calls) == 2
        assert sound.played == 2
