"""The agent's setting: desktop notifications always, or only when the app is not in focus."""

from __future__ import annotations

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.ui.notify import Notice, NotifyWhen, build_offer_notifier
from tests.support.notification_service import NotificationService, RecordingResponder


class Focus:
    """The app's focus as the notifier reads it; a test sets it like a window manager."""

    def __init__(self) -> None:
        self.focused = False

    def __call__(self) -> bool:
        return self.focused


def voice_offer(offer_id: str) -> Notice:
    return Notice(OfferId(offer_id), "Incoming call", ("Caller: Dee",), NotificationKind.ALERT, 20)


async def test_only_when_not_in_focus_skips_the_os_notification_while_focused(
    notification_service: NotificationService,
) -> None:
    focus = Focus()
    notifier = build_offer_notifier(
        RecordingResponder(), when=NotifyWhen.NOT_FOCUSED, app_focused=focus
    )

    focus.focused = True
    await notifier.show(voice_offer("call-1"))
    assert notification_service.calls == []

    focus.focused = False
    await notifier.show(voice_offer("call-2"))
    assert [c.title for c in notification_service.calls] == ["Incoming call"]


async def test_always_notifies_even_when_focused(
    notification_service: NotificationService,
) -> None:
    notifier = build_offer_notifier(
        RecordingResponder(), when=NotifyWhen.ALWAYS, app_focused=lambda: True
    )

    await notifier.show(voice_offer("call-3"))

    assert len(notification_service.calls) == 1


async def test_a_replacement_while_focused_takes_the_old_notification_away(
    notification_service: NotificationService,
) -> None:
    focus = Focus()
    notifier = build_offer_notifier(
        RecordingResponder(), when=NotifyWhen.NOT_FOCUSED, app_focused=focus
    )
    await notifier.show(voice_offer("call-4"))
    shown = notification_service.last.notification_id

    focus.focused = True
    await notifier.show(voice_offer("call-4"))

    assert notification_service.closed_by_call == [shown]
    assert len(notification_service.calls) == 1
