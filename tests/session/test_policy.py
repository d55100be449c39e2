import itertools

import pytest

from agent_desktop.protocol.vocabulary import NotificationKind
from agent_desktop.session.ladder import Ladder
from agent_desktop.session.policy import NotificationMode, decide

AT_ONCE = Ladder(sound_after_s=0, flash_after_s=0)
"""Sound and flash with the notification: what these rules are about (later rungs are
tests/session/test_ladder.py's)."""


@pytest.mark.parametrize(
    ("mode", "window_active", "kind", "sound_on"),
    list(itertools.product(NotificationMode, [True, False], NotificationKind, [True, False])),
)
def test_every_combination_follows_the_rules(
    mode: NotificationMode, window_active: bool, kind: NotificationKind, sound_on: bool
) -> None:
    decision = decide(
        mode, window_active=window_active, kind=kind, sound_on=sound_on, ladder=AT_ONCE
    )
    assert decision.in_app is True
    expected_os = {
        NotificationMode.ALWAYS: True,
        NotificationMode.WHEN_UNFOCUSED: not window_active,
        NotificationMode.OFF: False,
    }[mode]
    assert decision.os_notification is expected_os
    assert decision.flash is (not window_active)
    assert decision.sound is sound_on
    assert decision.repeat_sound is False


def test_when_unfocused_shows_os_notification_only_behind_other_windows() -> None:
    focused = decide(
        NotificationMode.WHEN_UNFOCUSED,
        window_active=True,
        kind=NotificationKind.ALERT,
        sound_on=True,
        ladder=AT_ONCE,
    )
    behind = decide(
        NotificationMode.WHEN_UNFOCUSED,
        window_active=False,
        kind=NotificationKind.ALERT,
        sound_on=True,
        ladder=AT_ONCE,
    )
    assert (focused.os_notification, focused.flash) == (False, False)
    assert (behind.os_notification, behind.flash) == (True, True)


def test_repeat_sound_rings_only_for_alerts_with_sound_on() -> None:
    def repeat(kind: NotificationKind, sound_on: bool) -> bool:
        return decide(
            NotificationMode.ALWAYS,
            window_active=False,
            kind=kind,
            sound_on=sound_on,
            repeat_sound=True,
        ).repeat_sound

    assert repeat(NotificationKind.ALERT, True) is True
    assert repeat(NotificationKind.TOAST, True) is False
    assert repeat(NotificationKind.ALERT, False) is False
