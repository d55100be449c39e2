"""The escalation ladder's words and its progress per offer, apart from its rules (`ladder`),
so the state can hold the progress without importing the rules that read the state."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from agent_desktop.protocol.vocabulary import OfferId


class Rung(StrEnum):
    SOUND = "sound"
    FLASH = "flash"
    LAST_CALL = "last_call"


class Climb(msgspec.Struct, frozen=True):
    """How far the ladder went for one offer on this desktop."""

    offer_id: OfferId
    since: float
    """Local clock time the offer reached this desktop (arrival or the resync that showed it)."""
    climbed: frozenset[Rung] = frozenset()
