"""The start-up self-test: which notification path works, and a sentence that says why."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from desktop_notifier import Capability, DesktopNotifier
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from agent_desktop.protocol.vocabulary import NotificationKind, OfferId
from agent_desktop.ui.notify.chain import build_offer_notifier
from agent_desktop.ui.notify.in_app import InAppNoticeAdapter
from agent_desktop.ui.notify.native import NativeNoticeAdapter
from agent_desktop.ui.notify.notice import Notice, OfferKey
from agent_desktop.ui.notify.notifier import OfferNotifier
from agent_desktop.ui.notify.path import NotificationPath, PathReport
from tests.support.notification_service import (
    NotificationService,
    RecordingResponder,
    serving_notifications,
)


def offer(offer_id: str) -> Notice:
    return Notice(
        key=OfferKey(OfferId(offer_id)),
        title="Incoming SMS",
        lines=("From: +44 7700 900123",),
        kind=NotificationKind.ALERT,
        timeout_s=30,
    )


async def test_native_with_buttons_when_a_service_with_actions_owns_the_name(
    notification_service: NotificationService,
) -> None:
    reports: list[PathReport] = []
    notifier = build_offer_notifier(RecordingResponder(), on_path_reported=reports.append)

    report = await notifier.start()
    await notifier.start()

    assert report == PathReport(
        path=NotificationPath.NATIVE,
        reason=(
            "Native notifications with Accept/Reject via org.freedesktop.Notifications "
            "(test-notifyd 1.0)"
        ),
        buttons=True,
        fallback=False,
    )
    assert reports == [report], "reported once, however often start() is called"


async def test_native_without_buttons_when_the_service_has_no_actions(session_bus: str) -> None:
    service = NotificationService(capabilities=("body",), server=("plain-notifyd", "", "2", "1.2"))
    async with serving_notifications(service):
        notifier = build_offer_notifier(RecordingResponder())

        report = await notifier.start()
        await notifier.show(offer("sms-1"))
        await notifier.close()

    assert report.path is NotificationPath.NATIVE
    assert not report.buttons
    assert report.reason == (
        "Native notifications without buttons via org.freedesktop.Notifications "
        "(plain-notifyd 2): it does not support actions, so offers are answered in the app"
    )
    assert service.last.buttons == {}


async def test_a_bus_without_a_notification_service_falls_back_to_in_app(
    session_bus: str,
) -> None:
    # The bus tries to activate an installed daemon, which dies without a display.
    reports: list[PathReport] = []
    notifier = build_offer_notifier(RecordingResponder(), on_path_reported=reports.append)

    report = await notifier.start()

    assert report.path is NotificationPath.IN_APP
    assert report.fallback
    assert report.reason.startswith("No notification service on the session bus (")
    assert report.reason.endswith("; no tray icon: notifications show in the app only")
    assert reports == [report]


async def test_no_session_bus_at_all_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    tray = QSystemTrayIcon()  # offscreen Qt has no system tray either
    notifier = build_offer_notifier(RecordingResponder(), tray=tray)

    report = await notifier.start()

    assert report.path is NotificationPath.IN_APP
    assert report.reason.startswith("No D-Bus session bus (")
    assert report.reason.endswith("; no system tray: notifications show in the app only")
    await notifier.show(offer("sms-2"))  # the in-app path cannot fail


async def test_a_lost_delivery_steps_down_the_chain_and_says_so_once(
    session_bus: str, caplog: pytest.LogCaptureFixture
) -> None:
    reports: list[PathReport] = []
    notifier = build_offer_notifier(RecordingResponder(), on_path_reported=reports.append)
    async with serving_notifications():
        assert (await notifier.start()).path is NotificationPath.NATIVE
    # The notification daemon went away after the self-test; send() will not raise.

    with caplog.at_level(logging.WARNING, logger="desktop_notifier"):
        await notifier.show(offer("sms-3"))
        await notifier.show(offer("sms-4"))

    assert "Notification failed" in caplog.text, "desktop-notifier logged the lost delivery"
    assert [r.path for r in reports] == [NotificationPath.NATIVE, NotificationPath.IN_APP]
    assert reports[-1].reason == (
        "A native notification was not delivered; no tray icon: notifications show in the app only"
    )
    assert notifier.report == reports[-1]


# Giving up on the hung service drops its D-Bus socket while qasync still watches it for
# writing; Qt then says so once. It is the timeout path working, not a fault.
@pytest.mark.qt_log_ignore("QSocketNotifier: Invalid socket")
async def test_a_hung_notification_service_times_out_to_in_app(session_bus: str) -> None:
    service = NotificationService()
    service.freeze()
    async with serving_notifications(service):
        notifier = OfferNotifier(
            [
                NativeNoticeAdapter(DesktopNotifier(), RecordingResponder(), answer_timeout_s=0.2),
                InAppNoticeAdapter(),
            ]
        )

        report = await notifier.start()

    assert report.path is NotificationPath.IN_APP
    assert report.reason == (
        "The notification service did not answer within 0.2 s: notifications show in the app only"
    )


async def test_a_service_that_hangs_later_loses_the_notice_to_the_next_path(
    notification_service: NotificationService,
) -> None:
    reports: list[PathReport] = []
    notifier = OfferNotifier(
        [
            NativeNoticeAdapter(DesktopNotifier(), RecordingResponder(), answer_timeout_s=0.2),
            InAppNoticeAdapter(),
        ],
        on_path_reported=reports.append,
    )
    await notifier.start()
    notification_service.freeze()

    await notifier.show(offer("sms-5"))

    assert [r.path for r in reports] == [NotificationPath.NATIVE, NotificationPath.IN_APP]


class PermissionDeniedNotifier(DesktopNotifier):
    """A double for macOS/Windows with notifications turned off for this app.

    Linux's D-Bus backend always reports permission granted, so this answer of the OS
    cannot be produced here for real; only the three calls the self-test makes differ.
    """

    async def get_capabilities(self) -> frozenset[Capability]:
        return frozenset({Capability.BUTTONS, Capability.ON_CLICKED})

    async def has_authorisation(self) -> bool:
        return False

    async def request_authorisation(self) -> bool:
        return False


async def test_permission_denied_by_the_os_falls_back_and_says_why() -> None:
    notifier = build_offer_notifier(
        RecordingResponder(), desktop_notifier=PermissionDeniedNotifier()
    )

    report = await notifier.start()

    assert report.path is NotificationPath.IN_APP
    assert report.reason == (
        "Notifications are turned off for this app in the system settings; no tray icon: "
        "notifications show in the app only"
    )


class NoBackendNotifier(DesktopNotifier):
    """A double for macOS outside an app bundle: desktop-notifier falls back to a backend
    that reports no capabilities and silently shows nothing. Linux always has D-Bus."""

    async def get_capabilities(self) -> frozenset[Capability]:
        return frozenset()


async def test_a_platform_without_a_notification_backend_is_not_native() -> None:
    notifier = build_offer_notifier(RecordingResponder(), desktop_notifier=NoBackendNotifier())

    report = await notifier.start()

    assert report.path is NotificationPath.IN_APP
    assert report.reason.startswith("This system offers no native notifications to this app")
