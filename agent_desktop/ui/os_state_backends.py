"""Which OS-state backend this machine gets. Apart from `os_state`, whose protocols the
backends implement, so the backends and their interface do not import each other."""

from __future__ import annotations

import platform

from agent_desktop.ui.os_state import OsStateBackend


def os_state_backend() -> OsStateBackend:
    """The backend for this OS."""
    # platform.system() rather than sys.platform: mypy would prune the other OSes as dead code.
    system = platform.system()
    if system == "Linux":
        from agent_desktop.ui.os_state_linux import LinuxOsState

        return LinuxOsState()
    from agent_desktop.ui.os_state_other import MacOsState, WindowsOsState

    return WindowsOsState() if system == "Windows" else MacOsState()
