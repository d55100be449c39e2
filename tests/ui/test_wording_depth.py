"""Every typed reason has words: a new `Reason` must never crash a widget with a KeyError.

The routing-depth reasons (`next_status`, `repeat_misses`, `wrap_up_done`, `wrap_up_timeout`)
arrived in presence changes and the timeline before the app had phrases for them, and
`reason_phrase` raised KeyError on the first one.
"""

from __future__ import annotations

import pytest

from agent_desktop.protocol.model import PresenceChange, PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, PresenceSource, Reason, UserId
from agent_desktop.ui.widgets import wording


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_a_phrase(reason: Reason) -> None:
    assert reason in wording.REASON_PHRASES
    phrase = wording.reason_phrase(reason)
    assert phrase
    assert phrase != reason.value


@pytest.mark.parametrize("reason", list(Reason))
@pytest.mark.parametrize("source", list(PresenceSource))
def test_every_reason_reads_in_the_timeline_and_the_status(
    reason: Reason, source: PresenceSource
) -> None:
    change = PresenceChange(
        presence=Presence.INACTIVE,
        source=source,
        reason=reason,
        previous=Presence.AVAILABLE,
        changed_at=0.0,
        by=UserId("sam"),
    )
    assert wording.timeline_sentence(change).startswith("Inactive")
    info = PresenceInfo(
        presence=Presence.AWAY,
        source=source,
        reason=reason,
        previous=Presence.BUSY,
        changed_at=0.0,
    )
    assert wording.presence_explanation(info).startswith("Away")


def test_the_next_status_reads_as_the_agents_own_choice() -> None:
    info = PresenceInfo(
        presence=Presence.AWAY,
        source=PresenceSource.AGENT,
        reason=Reason.NEXT_STATUS,
        previous=Presence.BUSY,
        changed_at=0.0,
        custom="Lunch",
    )
    assert wording.presence_explanation(info) == "Lunch — as you chose, after your last session"
