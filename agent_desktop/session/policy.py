"""Whether and how to tell the agent about new work: pure, decided in one place.

The UI decides *how* to raise each part (desktop-notifier, tray balloon, QApplication.alert);
this module decides *whether*.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from agent_desktop.protocol.vocabulary import NotificationKind
from agent_desktop.session.ladder import DEFAULT_LADDER, Ladder, Rung


class NotificationMode(StrEnum):
    ALWAYS = "always"
    WHEN_UNFOCUSED = "when_unfocused"
    OFF = "off"


class NotificationDecision(msgspec.Struct, frozen=True):
    os_notification: bool
    in_app: bool
    sound: bool
    repeat_sound: bool
    """Ring until the offer is answered or gone (alerts only: a toast needs no answer)."""
    flash: bool
    """Flash the taskbar entry; never needed while the agent is looking at the window."""
    urgent: bool = False
    """Show the OS notification again with critical urgency (the ladder's last call)."""


def decide(
    mode: NotificationMode,
    *,
    window_active: bool,
    kind: NotificationKind,
    sound_on: bool,
    repeat_sound: bool = False,
    ladder: Ladder = DEFAULT_LADDER,
) -> NotificationDecision:
    """In-app always; OS notification per `mode`; flash only when unfocused; sound when on.

    For an offer (kind `alert`) the escalation ladder says whether the sound and the flash
    come with the notification or later, as rungs of their own (`decide_rung`).
    """
    alert = kind is NotificationKind.ALERT
    match mode:
        case NotificationMode.ALWAYS:
            os_notification = True
        case NotificationMode.WHEN_UNFOCUSED:
            os_notification = not window_active
        case NotificationMode.OFF:
            os_notification = False
    return NotificationDecision(
        os_notification=os_notification,
        in_app=True,
        sound=sound_on and (not alert or ladder.at_arrival(Rung.SOUND)),
        repeat_sound=sound_on and repeat_sound and alert and ladder.at_arrival(Rung.SOUND),
        flash=not window_active and (not alert or ladder.at_arrival(Rung.FLASH)),
    )


def decide_rung(
    rung: Rung,
    mode: NotificationMode,
    *,
    window_active: bool,
    sound_on: bool,
    repeat_sound: bool = False,
) -> NotificationDecision:
    """How to take one rung of the escalation ladder for an offer still unanswered.

    SOUND rings (the "repeat until answered" setting starts ringing here); FLASH flashes the
    taskbar unless the agent is looking at the window; LAST_CALL brings the OS notification
    back with critical urgency (where the mode shows OS notifications at all), with a sound
    and a flash. No rung shows a countdown: the notice text never carries one.
    """
    match rung:
        case Rung.SOUND:
            return NotificationDecision(
                os_notification=False,
                in_app=True,
                sound=sound_on,
                repeat_sound=sound_on and repeat_sound,
                flash=False,
            )
        case Rung.FLASH:
            return NotificationDecision(
                os_notification=False,
                in_app=True,
                sound=False,
                repeat_sound=False,
                flash=not window_active,
            )
        case Rung.LAST_CALL:
            shown = decide(
                mode, window_active=window_active, kind=NotificationKind.ALERT, sound_on=sound_on
            )
            return NotificationDecision(
                os_notification=shown.os_notification,
                in_app=True,
                sound=sound_on,
                repeat_sound=False,
                flash=not window_active,
                urgent=True,
            )
