"""The OS state on Windows and macOS: documented stubs, not implemented and not run here.

They keep the one interface honest (`implemented` is False, `start()` says so) and record what
an implementation has to use, so the next one is a fill-in, not a search.

Windows (a hidden window's message loop, e.g. through `QAbstractNativeEventFilter`):

- Sleep: `WM_POWERBROADCAST` with `PBT_APMSUSPEND` (about to suspend; ~2 s to act) and
  `PBT_APMRESUMEAUTOMATIC` / `PBT_APMRESUMESUSPEND` (resumed). On Modern Standby machines
  register with `PowerRegisterSuspendResumeNotification`.
- Lock: `WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION)`, then
  `WM_WTSSESSION_CHANGE` with `WTS_SESSION_LOCK` / `WTS_SESSION_UNLOCK`.
- Do Not Disturb (Focus Assist / "Do not disturb" in Windows 11): no supported public API;
  `SHQueryUserNotificationState` reports `QUNS_QUIET_TIME` / `QUNS_BUSY` (full screen, quiet
  hours) and is the documented approximation.

macOS (`NSWorkspace.sharedWorkspace.notificationCenter`, e.g. through PyObjC):

- Sleep: `NSWorkspaceWillSleepNotification` (the app gets a short moment before sleep) and
  `NSWorkspaceDidWakeNotification`.
- Lock: `NSWorkspaceScreensDidSleepNotification` / `...DidWakeNotification`, and the
  distributed notifications `com.apple.screenIsLocked` / `com.apple.screenIsUnlocked`.
- Focus: `INFocusStatusCenter` (Intents framework, macOS 12+) says whether Focus is on, once
  the user allowed the app to read it; notifications may still break through when the app
  sends them as time-sensitive.
"""

from __future__ import annotations

from agent_desktop.ui.os_state import OsStateListener


class _NotImplementedOsState:
    implemented = False
    os_name = ""

    async def start(self, listener: OsStateListener) -> str:
        return (
            f"sleep, lock and Do not disturb are not watched on {self.os_name} yet: the app "
            "relies on the server's grace window and its own sleep check instead"
        )

    async def close(self) -> None:
        return None


class WindowsOsState(_NotImplementedOsState):
    """Not implemented: see the module docstring for the Win32 messages to use."""

    os_name = "Windows"


class MacOsState(_NotImplementedOsState):
    """Not implemented: see the module docstring for the NSWorkspace notifications to use."""

    os_name = "macOS"
