"""Which way notifications reach the agent, and the sentence that says why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class NotificationPath(StrEnum):
    """The adapters, in the order they are tried."""

    NATIVE = "native"
    """The OS notification centre (desktop-notifier)."""
    TRAY = "tray"
    """A balloon from the system tray icon, plus a taskbar flash."""
    IN_APP = "in_app"
    """Only the app's own notification bar, plus a taskbar flash."""


@dataclass(frozen=True, slots=True)
class Probe:
    """One adapter's answer to the start-up self-test."""

    works: bool
    reason: str
    """Why it works ("Native notifications with Accept/Reject via ...") or why not."""
    buttons: bool = False
    """Whether Accept/Reject can be pressed on the notification itself."""


@dataclass(frozen=True, slots=True)
class PathReport:
    """The self-test result shown to the agent: which path notifications take, and why."""

    path: NotificationPath
    reason: str
    buttons: bool
    fallback: bool
    """True when a better path was tried and failed; the app says so once."""

    @property
    def short_text(self) -> str:
        """For the status bar: "Desktop notifications", "Tray notifications", "In-app"."""
        words = {
            NotificationPath.NATIVE: "Desktop notifications",
            NotificationPath.TRAY: "Tray notifications",
            NotificationPath.IN_APP: "In-app",
        }
        suffix = (
            " (no buttons)" if self.path is NotificationPath.NATIVE and not self.buttons else ""
        )
        return f"{words[self.path]}{suffix}"
