"""Observing the core against the real server: notification decisions, observers, the
supervisor's live agent table, the clock offset."""

from __future__ import annotations

import pytest

from agent_desktop.protocol.vocabulary import (
    Channel,
    Presence,
    PresenceSource,
    UserId,
)
from agent_desktop.server.runner import RunningServer
from agent_desktop.session import (
    AgentCore,
    AgentState,
    NotificationMode,
    OfferArrived,
    Settings,
    ToastArrived,
)
from tests.session.live import (
    WAIT_S,
    create_work,
    fast_backoff,
    has_offer,
    make_core,
    recorder,
    started,
)
from tests.wire import WireClient

pytestmark = pytest.mark.integration


async def test_notification_decisions_follow_focus_and_settings(
    server: RunningServer, sam: WireClient
) -> None:
    core = AgentCore(
        Settings(
            server_url=server.url,
            user="alice",
            notification_mode=NotificationMode.WHEN_UNFOCUSED,
            channel_sound={Channel.CHAT: False},
        ),
        password="demo",
        backoff=fast_backoff(),
    )
    announcements = recorder(core)
    async with started(core):
        core.set_window_active(True)
        await create_work(sam)
        await core.wait_for(has_offer, WAIT_S)
        core.set_window_active(False)
        await create_work(sam, queue="sms", channel=Channel.SMS)
        await core.wait_for(lambda s: len(s.offers) == 2, WAIT_S)
        await create_work(sam, queue="chat_vip")
        await core.wait_for(lambda s: bool(s.toasts), WAIT_S)
    decisions = [
        (type(a.effect).__name__, a.decision)
        for a in announcements
        if isinstance(a.effect, OfferArrived | ToastArrived)
    ]
    assert [name for name, _ in decisions] == ["OfferArrived", "OfferArrived", "ToastArrived"]
    focused, unfocused, toast = (d for _, d in decisions)
    assert focused is not None
    assert (focused.in_app, focused.os_notification, focused.flash) == (True, False, False)
    assert focused.sound is False  # chat sound switched off
    assert unfocused is not None
    # The taskbar flash is the escalation ladder's next rung (15 s later by default), not part
    # of the arrival: tests/session/test_ladder.py.
    assert (unfocused.in_app, unfocused.os_notification, unfocused.flash) == (True, True, False)
    assert unfocused.sound is True  # sms still rings
    assert toast is not None
    assert toast.sound is False  # the VIP chat is a chat
    assert toast.os_notification is True


async def test_a_broken_observer_does_not_stop_the_others(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    core = make_core(server.url)
    seen: list[AgentState] = []

    def broken(state: AgentState) -> None:
        raise RuntimeError("widget bug")

    core.subscribe(broken)
    unsubscribe = core.subscribe(seen.append)
    async with started(core):
        assert seen[-1].online
        count = len(seen)
        unsubscribe()
        await core.set_presence(Presence.AWAY)
        await core.wait_for(lambda s: s.shown_presence is Presence.AWAY, WAIT_S)
        assert len(seen) == count
    assert "widget bug" in caplog.text


async def test_supervisor_sees_agents_live_and_resets_a_presence(server: RunningServer) -> None:
    alice = make_core(server.url)
    supervisor = make_core(server.url, "sam")
    async with started(alice), started(supervisor):
        assert supervisor.state.identity is not None
        assert supervisor.state.identity.supervises
        await supervisor.list_agents()
        agents = {a.agent: a for a in supervisor.state.agents or ()}
        assert agents[UserId("alice")].connected

        await alice.set_presence(Presence.AWAY)
        await supervisor.wait_for(lambda s: _presence_of(s, "alice") is Presence.AWAY, WAIT_S)

        await supervisor.reset_presence(UserId("alice"))
        state = await alice.wait_for(
            lambda s: s.presence is not None and s.presence.presence is Presence.AVAILABLE, WAIT_S
        )
        assert state.presence is not None
        assert state.presence.source is PresenceSource.SUPERVISOR
        assert state.presence.previous is Presence.AWAY
        await supervisor.wait_for(lambda s: _presence_of(s, "alice") is Presence.AVAILABLE, WAIT_S)
        timeline = await supervisor.presence_timeline(UserId("alice"))
        assert timeline[-1].by == "sam"

        # After a resume the live table keeps updating (the subscription is per connection).
        await supervisor.force_reconnect()
        await supervisor.wait_for(lambda s: not s.online, WAIT_S)
        await supervisor.wait_for(lambda s: s.online, WAIT_S)
        await alice.set_presence(Presence.AWAY)
        await supervisor.wait_for(lambda s: _presence_of(s, "alice") is Presence.AWAY, WAIT_S)


def _presence_of(state: AgentState, agent: str) -> Presence | None:
    for view in state.agents or ():
        if view.agent == agent:
            return view.presence.presence
    return None


async def test_sync_clock_measures_the_offset_again(server: RunningServer) -> None:
    async with started(make_core(server.url)) as core:
        offset = await core.sync_clock()
        assert abs(offset) < 1.0
        assert core.state.clock_offset == offset
