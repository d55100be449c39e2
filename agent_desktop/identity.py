"""Who the app is to the operating system: its name, ids and version, in one place.

The installers, the desktop entry, the AppStream metainfo, the macOS Info.plist and the Windows
shortcut are generated from these (packaging/identity.py adds what only installers need), and
the running app announces itself with the same values: a notification whose app name or id does
not match the installed desktop entry / AUMID / bundle id is grouped wrongly or dropped.
"""

from __future__ import annotations

from typing import Final

from agent_desktop import __version__

VERSION: Final = __version__
APP_NAME: Final = "Agent Desktop"
"""Shown to people: window titles, notifications, the desktop entry's Name."""
APP_ID: Final = "org.agentdesktop.AgentDesktop"
"""Reverse-DNS id: the desktop file and icon name on Linux, the bundle id on macOS, the app
user model id (AUMID) on Windows."""
EXECUTABLE: Final = "agent-desktop"
"""The launcher's name on PATH, the package name and the folder the app lives in."""
PUBLISHER: Final = "Agent Desktop contributors"
SUMMARY: Final = "Receive chats, SMS, calls and cases; accept or reject them from notifications"
HOMEPAGE: Final = "https://agent-desktop.example.org"
"""Placeholder until the project has a public address (metainfo needs one for screenshots)."""
LICENSE: Final = "MIT"
WINDOWS_INSTALLER_GUID: Final = "6F1E3B8A-2C4D-4E9B-9A51-7D2C8B0E4F13"
"""Inno Setup's AppId: fixed forever, so an upgrade replaces the installed app in place."""
RELEASES: Final = (("0.1.0", "2026-11-26"),)
"""(version, date) newest first, for the AppStream metainfo; the first is this version."""
