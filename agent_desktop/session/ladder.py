"""The escalation ladder: what the desktop adds while an offer stays unanswered.

An offer arrives with its notification (in-app, and the OS notification per the policy). If
nobody answers, the ladder climbs one rung at a time, each at a time relative to the moment
the offer reached this desktop:

- `SOUND` at `sound_after_s` (0 = the incoming-work sound plays with the notification),
- `FLASH` at `flash_after_s` (the taskbar entry flashes),
- `LAST_CALL` `last_call_s` before the deadline: the OS notification comes back with
  critical urgency and a sound, also when the template hides the countdown. The cue never
  shows a number: "10 s left" is told by urgency and sound, not text (DESIGN.md: an OS
  notification never shows the timeout).

A rung at or before the arrival (other than a 0 s sound) or at or after the deadline is
skipped: it would come too late, or say nothing the notification did not. The climb stops
the moment the offer is no longer waiting for a decision: answered (an accept pressed counts),
missed, withdrawn, or gone from a resync.

Pure: `climb(state, ladder, now)` is called by `reducer.step` after every event; the timer for
the next rung is `Timer.LADDER`, armed on the injected clock like the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from msgspec.structs import replace

from agent_desktop.session.climb import Climb as Climb
from agent_desktop.session.climb import Rung as Rung
from agent_desktop.session.state import AgentState, PendingOffer

MAX_STEP_S: Final = 600.0
"""No rung is further than this from its reference (offers wait at most 500 s)."""


class LadderError(ValueError):
    """A ladder setting is invalid; the message names the field and what is allowed."""


@dataclass(frozen=True, slots=True)
class Ladder:
    """When each rung comes; None turns a rung off."""

    sound_after_s: float | None = 0.0
    """After arrival; 0 rings with the notification (the incoming-work sound)."""
    flash_after_s: float | None = 15.0
    """After arrival; 0 flashes with the notification (when the window is not in focus)."""
    last_call_s: float | None = 10.0
    """Before the deadline."""

    def __post_init__(self) -> None:
        for name in ("sound_after_s", "flash_after_s", "last_call_s"):
            value = getattr(self, name)
            if value is None:
                continue
            if type(value) not in (int, float) or not math.isfinite(value):
                raise LadderError(f"ladder.{name} must be a number of seconds or null")
            if not 0 <= value <= MAX_STEP_S:
                raise LadderError(f"ladder.{name} must be between 0 and {MAX_STEP_S:g} s")
        if self.last_call_s == 0:
            raise LadderError("ladder.last_call_s must be above 0 (at the deadline it is gone)")

    def at_arrival(self, rung: Rung) -> bool:
        """Does `rung` come with the notification itself (0 s after arrival)?"""
        after = {Rung.SOUND: self.sound_after_s, Rung.FLASH: self.flash_after_s}.get(rung)
        return after == 0

    def times(self, climb: Climb, deadline: float) -> dict[Rung, float]:
        """The local clock time of each rung still to come for an offer seen at `climb.since`."""
        wanted = {
            Rung.SOUND: _after(climb.since, self.sound_after_s),
            Rung.FLASH: _after(climb.since, self.flash_after_s),
            Rung.LAST_CALL: None if self.last_call_s is None else deadline - self.last_call_s,
        }
        return {
            rung: at
            for rung, at in wanted.items()
            if at is not None and climb.since < at < deadline and rung not in climb.climbed
        }

    def to_dict(self) -> dict[str, float | None]:
        return {
            "sound_after_s": self.sound_after_s,
            "flash_after_s": self.flash_after_s,
            "last_call_s": self.last_call_s,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Ladder:
        if not isinstance(data, dict):
            raise LadderError("ladder must be an object of seconds (or null per step)")
        defaults = cls()
        known = defaults.to_dict()
        unknown = set(data) - set(known)
        if unknown:
            raise LadderError(f"ladder: unknown steps {sorted(unknown)}")
        return cls(**{key: data.get(key, value) for key, value in known.items()})


DEFAULT_LADDER: Final = Ladder()


def _after(since: float, seconds: float | None) -> float | None:
    return None if seconds is None or seconds == 0 else since + seconds


class OfferEscalated(msgspec.Struct, frozen=True):
    """The offer is still unanswered: take the next rung (sound, flash, or the last call)."""

    offer: PendingOffer
    rung: Rung


def waiting(offer: PendingOffer) -> bool:
    """Still waiting for the agent: nothing pressed yet."""
    return offer.answer is None


def climb(state: AgentState, ladder: Ladder, now: float) -> tuple[AgentState, list[OfferEscalated]]:
    """Start a climb for each newly waiting offer, drop the ones no longer waiting, and take
    every rung that is due at `now` (in time order, one effect per rung)."""
    known = {c.offer_id: c for c in state.climbs}
    climbs: list[Climb] = []
    effects: list[tuple[float, OfferEscalated]] = []
    for offer in state.offers:
        if not waiting(offer):
            continue
        current = known.get(offer.offer_id) or Climb(offer.offer_id, since=now)
        due = {r: at for r, at in ladder.times(current, offer.deadline).items() if at <= now}
        if due:
            current = replace(current, climbed=current.climbed | frozenset(due))
            effects.extend((at, OfferEscalated(offer, rung)) for rung, at in due.items())
        climbs.append(current)
    new_climbs = tuple(climbs)
    if new_climbs != state.climbs:
        state = replace(state, climbs=new_climbs)
    effects.sort(key=lambda pair: pair[0])
    return state, [effect for _, effect in effects]


def next_rung_at(state: AgentState, ladder: Ladder) -> float | None:
    """The earliest local time a rung is due, for the shell's `Timer.LADDER`."""
    deadlines = {o.offer_id: o.deadline for o in state.offers}
    times = [
        at
        for c in state.climbs
        if c.offer_id in deadlines
        for at in ladder.times(c, deadlines[c.offer_id]).values()
    ]
    return min(times, default=None)
