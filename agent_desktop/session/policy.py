"""Whether and how to tell the agent about new work: pure, decided in one place.

The UI decides *how* to raise each part (desktop-notifier, tray balloon, QApplication.alert);
this module decides *whether*.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from agent_desktop.protocol.vocabulary import NotificationKind


class NotificationMode(StrEnum):
    ALWAYS = "always"
    WHEN_UNFOCUSED = "when_unfocused"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class NotificationDecision:
    os_notification: bool
    in_app: bool
    sound: bool
    repeat_sound: bool
    """Ring until the offer is answered or gone (alerts only: a toast needs no answer)."""
    flash: bool
    """Flash the taskbar entry; never needed while the agent is looking at the window."""


def decide(
    mode: NotificationMode,
    *,
    window_active: bool,
    kind: NotificationKind,
    sound_on: bool,
    repeat_sound: bool = False,
) -> NotificationDecision:
    """In-app always; OS notification per `mode`; flash only when unfocused; sound when on."""
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
        sound=sound_on,
        repeat_sound=sound_on and repeat_sound and kind is NotificationKind.ALERT,
        flash=not window_active,
    )
