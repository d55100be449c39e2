"""Which OS-state backend this machine gets. Apart from `os_state`, whose protocols the
backends implement, so the backends and their interface do not import each other."""

from __future__ import annotations

import platform

from agent_desktop.ui.os_state import OsStateBackend, OsStateListener


def os_state_backend() -> OsStateBackend:
    """The backend for this OS."""
    # platform.system() rather than sys.platform: mypy would prune the other OSes as dead code.
    system = platform.system()
    if system == "Linux":
        from agent_desktop.ui.os_state_linux import LinuxOsState

        return LinuxOsState()
    from agent_desktop.ui.os_state_other import MacOsState, WindowsOsState

    return WindowsOsState() if system == "Windows" else MacOsState()


class DeferredOsState:
    """This OS's backend, made when watching starts.

    The Linux backend imports dbus-fast: the app starts watching after its first paint, so
    that import is not part of the start.
    """

    def __init__(self) -> None:
        self._backend: OsStateBackend | None = None

    @property
    def implemented(self) -> bool:
        return platform.system() == "Linux"  # the others are stubs (os_state_other)

    async def start(self, listener: OsStateListener) -> str:
        if self._backend is None:
            self._backend = os_state_backend()
        return await self._backend.start(listener)

    async def close(self) -> None:
        if self._backend is not None:
            await self._backend.close()
