"""The escalation ladder for an unanswered offer: rungs as the reducer's effects on the clock.

Pure reducer tests (time is the `now` argument), then one test of the core on a ManualClock
shared with a real server over real websockets.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.messages import OfferAdded, OfferEnded
from agent_desktop.protocol.vocabulary import NotificationKind, OfferId, OfferState, Reason
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.effects import CancelTimer, Effect, StartTimer, Timer
from agent_desktop.session.events import AcceptPressed, CoreEvent, Tick
from agent_desktop.session.ladder import Ladder, LadderError, OfferEscalated, Rung
from agent_desktop.session.policy import (
    NotificationDecision,
    NotificationMode,
    decide,
    decide_rung,
)
from agent_desktop.session.reducer import step
from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.session.state import AgentState
from tests.session.factories import T0, offer
from tests.session.live import WAIT_S, create_work, has_offer, make_core
from tests.session.reducer_helpers import online
from tests.wire import WireClient, logged_in

LADDER = Ladder(sound_after_s=5, flash_after_s=15, last_call_s=10)


def rungs(effects: list[Effect]) -> list[Rung]:
    return [e.rung for e in effects if isinstance(e, OfferEscalated)]


def run(state: AgentState, event: CoreEvent, now: float) -> tuple[AgentState, list[Effect]]:
    return step(state, event, now, LADDER)


def arrived(expires_in: float = 120, *, show_timeout: bool = True) -> AgentState:
    state, effects = run(
        online(), OfferAdded(offer=offer(expires_at=T0 + expires_in, show_timeout=show_timeout)), T0
    )
    assert rungs(effects) == []  # the notification itself is OfferArrived's
    return state


def test_the_rungs_come_in_order_each_once_on_the_clock() -> None:
    state, effects = run(online(), OfferAdded(offer=offer(expires_at=T0 + 120)), T0)
    assert StartTimer(T0 + 5, Timer.LADDER) in effects  # the first rung is armed
    state, effects = run(state, Tick(), T0 + 4.9)  # a timer that fired early takes nothing
    assert rungs(effects) == []
    assert StartTimer(T0 + 5, Timer.LADDER) in effects
    state, effects = run(state, Tick(), T0 + 5)
    assert rungs(effects) == [Rung.SOUND]
    assert StartTimer(T0 + 15, Timer.LADDER) in effects
    state, effects = run(state, Tick(), T0 + 5.5)
    assert rungs(effects) == []  # each rung once
    state, effects = run(state, Tick(), T0 + 15)
    assert rungs(effects) == [Rung.FLASH]
    assert StartTimer(T0 + 110, Timer.LADDER) in effects  # 10 s before the deadline
    state, effects = run(state, Tick(), T0 + 110)
    assert rungs(effects) == [Rung.LAST_CALL]
    assert CancelTimer(Timer.LADDER) in effects  # nothing left to climb
    state, effects = run(state, Tick(), T0 + 120)
    assert state.offers == ()
    assert state.climbs == ()


def test_a_jump_past_several_rungs_takes_them_in_time_order() -> None:
    _, effects = run(arrived(), Tick(), T0 + 111)
    assert rungs(effects) == [Rung.SOUND, Rung.FLASH, Rung.LAST_CALL]


def test_the_last_call_comes_even_when_the_template_hides_the_countdown() -> None:
    _, effects = run(arrived(show_timeout=False), Tick(), T0 + 110)
    assert Rung.LAST_CALL in rungs(effects)


@pytest.mark.parametrize(
    "end",
    [
        OfferEnded(offer_id=OfferId("o1"), state=OfferState.WITHDRAWN, reason=Reason.SUPERVISOR),
        AcceptPressed(OfferId("o1")),
    ],
    ids=["withdrawn", "accept pressed"],
)
def test_every_rung_is_cancelled_the_moment_the_offer_is_no_longer_waiting(
    end: CoreEvent,
) -> None:
    state, effects = run(arrived(), end, T0 + 1)
    assert CancelTimer(Timer.LADDER) in effects
    assert state.climbs == ()
    _, effects = run(state, Tick(), T0 + 111)
    assert rungs(effects) == []


def test_a_short_offer_skips_the_rungs_that_would_come_too_late() -> None:
    # 12 s to answer: the last call ("10 s left") at 2 s, the sound at 5 s, and no flash: at
    # 15 s the offer is gone.
    _, effects = run(arrived(expires_in=12), Tick(), T0 + 11.9)
    assert rungs(effects) == [Rung.LAST_CALL, Rung.SOUND]


def test_a_last_call_at_or_before_the_arrival_is_skipped() -> None:
    state, _ = run(online(), OfferAdded(offer=offer(expires_at=T0 + 9)), T0)
    _, effects = run(state, Tick(), T0 + 8.9)
    assert rungs(effects) == [Rung.SOUND]


def test_rungs_turned_off_or_at_arrival_are_not_climbed_later() -> None:
    quiet = Ladder(sound_after_s=0, flash_after_s=None, last_call_s=None)
    state, effects = step(online(), OfferAdded(offer=offer()), T0, quiet)
    assert not any(isinstance(e, StartTimer) and e.timer is Timer.LADDER for e in effects)
    _, effects = step(state, Tick(), T0 + 119, quiet)
    assert rungs(effects) == []


def test_the_arrival_decision_leaves_delayed_rungs_out() -> None:
    decision = decide(
        NotificationMode.ALWAYS,
        window_active=False,
        kind=NotificationKind.ALERT,
        sound_on=True,
        repeat_sound=True,
        ladder=LADDER,
    )
    assert (decision.sound, decision.repeat_sound, decision.flash) == (False, False, False)
    toast = decide(
        NotificationMode.ALWAYS,
        window_active=False,
        kind=NotificationKind.TOAST,
        sound_on=True,
        ladder=LADDER,
    )
    assert (toast.sound, toast.flash) == (True, True)  # a toast has no ladder


def test_each_rung_decides_how_it_is_taken() -> None:
    def rung(
        r: Rung, *, active: bool = False, mode: NotificationMode = NotificationMode.ALWAYS
    ) -> NotificationDecision:
        return decide_rung(r, mode, window_active=active, sound_on=True, repeat_sound=True)

    assert (rung(Rung.SOUND).sound, rung(Rung.SOUND).repeat_sound) == (True, True)
    assert rung(Rung.SOUND).os_notification is False
    assert rung(Rung.FLASH).flash is True
    assert rung(Rung.FLASH, active=True).flash is False  # the agent is looking already
    last = rung(Rung.LAST_CALL)
    assert (last.urgent, last.os_notification, last.sound, last.flash) == (True, True, True, True)
    focused = rung(Rung.LAST_CALL, active=True, mode=NotificationMode.WHEN_UNFOCUSED)
    assert (focused.urgent, focused.os_notification, focused.sound) == (True, False, True)
    silent = decide_rung(Rung.LAST_CALL, NotificationMode.OFF, window_active=False, sound_on=False)
    assert (silent.os_notification, silent.sound, silent.flash) == (False, False, True)


@pytest.mark.parametrize(
    ("ladder", "complaint"),
    [
        ({"sound_after_s": -1}, "between 0"),
        ({"flash_after_s": "soon"}, "number of seconds"),
        ({"last_call_s": 0}, "above 0"),
        ({"last_call_s": True}, "number of seconds"),
        ({"ring": 3}, "unknown steps"),
        ([], "must be an object"),
    ],
)
def test_a_bad_ladder_in_the_settings_is_refused_with_its_name(
    ladder: object, complaint: str
) -> None:
    with pytest.raises(SettingsError, match=complaint):
        Settings.from_dict({"ladder": ladder})
    with pytest.raises(LadderError):
        Ladder.from_dict(ladder)


def test_the_ladder_round_trips_through_the_settings_file() -> None:
    settings = Settings(ladder=Ladder(sound_after_s=3, flash_after_s=None, last_call_s=20))
    assert Settings.from_json(settings.to_json()) == settings
    assert Settings.from_dict({}).ladder == Ladder()  # an older file gets the defaults


# --- the core on a ManualClock against a real server ---------------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def server(clock: ManualClock) -> AsyncIterator[RunningServer]:
    async with running_server(clock=clock) as running:
        yield running


@pytest.mark.integration
async def test_the_core_climbs_on_its_clock_and_stops_at_the_accept(
    server: RunningServer, clock: ManualClock
) -> None:
    core = make_core(server.url, clock=clock)
    core.use_settings(core.settings.with_changes(ladder=LADDER))
    heard: list[Announcement] = []
    climbed = asyncio.Event()

    def hear(announcement: Announcement) -> None:
        heard.append(announcement)
        if isinstance(announcement.effect, OfferEscalated):
            climbed.set()

    core.on_announcement(hear)
    await core.start()
    try:
        async with logged_in(server.url, "sam") as sam:
            await _climb_then_accept(core, sam, clock, heard, climbed)
    finally:
        await core.close()


async def _climb_then_accept(
    core: AgentCore,
    sam: WireClient,
    clock: ManualClock,
    heard: list[Announcement],
    climbed: asyncio.Event,
) -> None:
    await core.wait_for(lambda s: s.online, WAIT_S)
    await create_work(sam)
    [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
    clock.advance(5)
    core.wake()
    async with asyncio.timeout(WAIT_S):
        await climbed.wait()
    sound = [a for a in heard if isinstance(a.effect, OfferEscalated)]
    assert [a.effect.rung for a in sound if isinstance(a.effect, OfferEscalated)] == [Rung.SOUND]
    assert sound[0].decision is not None
    assert sound[0].decision.sound
    await core.accept(pending.offer_id)
    await core.wait_for(lambda s: not s.offers and not s.climbs, WAIT_S)
    clock.advance(200)
    core.wake()
    assert [a for a in heard if isinstance(a.effect, OfferEscalated)] == sound
