"""The running app tells the OS which installed app it is, so notifications reach the user.

Linux ties windows and notifications to the desktop entry by its id (Wayland's app id, GNOME's
notification settings); Windows drops toasts from a process whose app user model id (AUMID) no
Start-menu shortcut carries; macOS needs the bundle id (from Info.plist, nothing to do at run
time). The ids come from `agent_desktop.identity`, as do the installers'.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from agent_desktop.identity import APP_ID, APP_NAME, EXECUTABLE
from agent_desktop.resources import icon_path


def installed_prefix() -> Path | None:
    """The install prefix (e.g. /usr) of a frozen app laid out as <prefix>/lib/<exe>/<exe>.

    Both the .deb (/usr) and the tarball (wherever it is unpacked) use that layout; a
    development copy or a bare one-folder build has no prefix.
    """
    if not getattr(sys, "frozen", False):
        return None
    executable = Path(sys.executable).resolve()
    if executable.parent.name == EXECUTABLE and executable.parents[1].name == "lib":
        return executable.parents[2]
    return None


def notification_icon() -> Path:
    """The icon notifications carry: the installed theme icon when installed, else the bundled
    one (a daemon shows the same picture the menu and the dock show for the app)."""
    prefix = installed_prefix()
    if prefix is not None:
        installed = prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
        if installed.is_file():
            return installed
    return icon_path("app")


def notifier_app_name() -> str:
    """The name desktop-notifier registers: on Windows it is the toast's AUMID, which must be
    the one the Start-menu shortcut carries; elsewhere the name people see."""
    return APP_ID if sys.platform == "win32" else APP_NAME


def name_toasts(app_icon: Path | None) -> None:
    """Windows: after desktop-notifier registered the AUMID (named after itself, since the AUMID
    is its app name there), give toasts the app's own name and icon. Elsewhere nothing to do."""
    if sys.platform == "win32":
        from desktop_notifier import Icon
        from desktop_notifier.backends.winrt import register_hkey

        register_hkey(APP_ID, APP_NAME, Icon(path=app_icon) if app_icon else None)


def announce_identity(app: QGuiApplication) -> None:
    """Call once at start, before any window or notification."""
    app.setDesktopFileName(APP_ID)
    if sys.platform == "win32":
        import ctypes

        # The taskbar groups windows and toasts by this id; it must match the shortcut's.
        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)
