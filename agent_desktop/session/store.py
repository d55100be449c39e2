"""The one place the agent's state lives: apply events, tell observers, perform effects.

`StateStore` is the thin shell around the pure reducer: it keeps the current `AgentState`,
calls observers after each change, turns notification effects into `Announcement`s (with the
notification policy's decision), arms the loop timer the reducer asks for, and hands every
other command (send this, settle that intent) to the core's performer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.vocabulary import Channel, NotificationKind
from agent_desktop.session.effects import (
    AlertArrived,
    CancelTimer,
    Command,
    Notification,
    OfferArrived,
    OfferLeft,
    StartTimer,
    Timer,
    ToastArrived,
)
from agent_desktop.session.events import CoreEvent, RetryDue, Tick
from agent_desktop.session.ladder import OfferEscalated
from agent_desktop.session.policy import NotificationDecision, decide, decide_rung
from agent_desktop.session.reducer import step
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import AgentState

log = logging.getLogger(__name__)

StateListener = Callable[[AgentState], None]
AnnouncementListener = Callable[["Announcement"], None]
Performer = Callable[[Command], None]


class Announcement(msgspec.Struct, frozen=True):
    """An effect of the reducer plus, for offers and toasts, how the policy says to notify."""

    effect: Notification
    decision: NotificationDecision | None


class StateStore:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.window_active = False
        self._state = AgentState()
        self._listeners: list[StateListener] = []
        self._announcement_listeners: list[AnnouncementListener] = []
        self._timers: dict[Timer, asyncio.TimerHandle] = {}
        self.perform: Performer = _unperformed
        """Performs the commands that are not timers (sending, settling intents): the core."""

    @property
    def state(self) -> AgentState:
        return self._state

    def subscribe(self, listener: StateListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def on_announcement(self, listener: AnnouncementListener) -> Callable[[], None]:
        self._announcement_listeners.append(listener)
        return lambda: self._announcement_listeners.remove(listener)

    async def states(self) -> AsyncIterator[AgentState]:
        changed = asyncio.Event()
        unsubscribe = self.subscribe(lambda _state: changed.set())
        try:
            while True:
                changed.clear()
                yield self._state
                await changed.wait()
        finally:
            unsubscribe()

    def dispatch(self, event: CoreEvent) -> None:
        state, effects = step(self._state, event, self.clock.now(), self.settings.ladder)
        changed = state != self._state
        self._state = state
        if changed:
            for listener in list(self._listeners):
                _safely(listener, state)
        for effect in effects:
            match effect:
                case StartTimer(at=at, timer=timer):
                    self._start_timer(timer, at)
                case CancelTimer(timer=timer):
                    self._stop(timer)
                case OfferArrived() | OfferLeft() | ToastArrived() | AlertArrived():
                    announcement = Announcement(effect, self._decide(effect))
                    for announce in list(self._announcement_listeners):
                        _safely(announce, announcement)
                case OfferEscalated():
                    announcement = Announcement(effect, self._decide(effect))
                    for announce in list(self._announcement_listeners):
                        _safely(announce, announcement)
                case _:
                    self.perform(effect)

    def stop_timer(self) -> None:
        """Stop every timer (the core is done)."""
        for timer in list(self._timers):
            self._stop(timer)

    def _stop(self, timer: Timer) -> None:
        handle = self._timers.pop(timer, None)
        if handle is not None:
            handle.cancel()

    def _decide(self, effect: Notification) -> NotificationDecision | None:
        channel: Channel | None
        match effect:
            case OfferArrived(offer=pending):
                kind = pending.offer.notification.kind
                channel = pending.offer.work.channel
            case ToastArrived(toast=shown):
                kind = NotificationKind.TOAST
                session = self._state.session(shown.toast.session_id)
                channel = session.work.channel if session is not None else None
            case OfferEscalated(offer=pending, rung=rung):
                return decide_rung(
                    rung,
                    self.settings.notification_mode,
                    window_active=self.window_active,
                    sound_on=self.settings.sound_for(pending.offer.work.channel),
                    repeat_sound=self.settings.repeat_sound,
                )
            case OfferLeft() | AlertArrived():
                return None
        sound_on = self.settings.sound_for(channel) if channel else self.settings.sound
        return decide(
            self.settings.notification_mode,
            window_active=self.window_active,
            kind=kind,
            sound_on=sound_on,
            repeat_sound=self.settings.repeat_sound,
            ladder=self.settings.ladder,
        )

    def _start_timer(self, timer: Timer, at: float) -> None:
        # The loop timer only wakes us; what is due is decided by the reducer on the clock.
        self._stop(timer)
        delay = max(0.0, at - self.clock.now())
        self._timers[timer] = asyncio.get_running_loop().call_later(delay, self._fire, timer)

    def _fire(self, timer: Timer) -> None:
        self._timers.pop(timer, None)
        self.dispatch(RetryDue() if timer is Timer.RETRY else Tick())


def _unperformed(command: Command) -> None:
    log.warning("no performer for %r: nothing was sent", command)


def _safely(listener: Callable[[Any], None], value: Any) -> None:
    """A broken observer must not break the core or the other observers."""
    try:
        listener(value)
    except Exception:
        log.exception("state observer %r failed", listener)
