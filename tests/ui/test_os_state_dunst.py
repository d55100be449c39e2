"""Do Not Disturb on Linux from the real dunst (1.9, on Xvfb): its `paused` state, set with
`dunstctl set-paused`, read and followed over D-Bus by the app's OS-state watch."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.ui.os_state import DO_NOT_DISTURB_NOTE, OsStateWatch
from agent_desktop.ui.os_state_linux import LinuxOsState
from tests.support.notification_service import BUS_NAME, Dunst, wait_for_bus_name, xvfb_display

pytestmark = pytest.mark.integration


@pytest.fixture
async def dunst(session_bus: str, tmp_path: Path) -> AsyncIterator[Dunst]:
    with xvfb_display() as display:
        daemon = Dunst(tmp_path, display, session_bus)
        daemon.start()
        try:
            try:
                await wait_for_bus_name(BUS_NAME)
            except TimeoutError:
                pytest.fail(f"dunst did not take {BUS_NAME}:\n{daemon.log()}")
            yield daemon
        finally:
            daemon.stop()


class Notes:
    """What the app would show in its status bar, with a wait for the next line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._changed = asyncio.Event()

    def __call__(self, text: str) -> None:
        self.lines.append(text)
        self._changed.set()

    async def wait_for(self, count: int) -> list[str]:
        async with asyncio.timeout(10):
            while len(self.lines) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.lines


def in_dnd(watch: OsStateWatch) -> bool:
    """Read afresh each time (an assert on the attribute would narrow it for mypy)."""
    return watch.now.do_not_disturb


async def _nothing() -> None:
    return None


async def test_dunst_paused_is_told_as_do_not_disturb_and_its_end_too(
    dunst: Dunst, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # No logind here: point the system bus at nothing, so only the dunst part is watched.
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'no-system-bus'}")
    notes = Notes()
    watch = OsStateWatch(LinuxOsState(), goodbye=_nothing, come_back=_nothing, note=notes)
    await watch.start()
    try:
        assert "Do not disturb via dunst" in watch.now.watching
        assert "no system bus" in watch.now.watching
        assert not in_dnd(watch)
        assert notes.lines == []

        await dunst.ctl("set-paused", "true")
        assert await notes.wait_for(1) == [DO_NOT_DISTURB_NOTE]
        assert in_dnd(watch)

        await dunst.ctl("set-paused", "false")
        assert (await notes.wait_for(2))[1] == "Desktop notifications are back on."
        assert not in_dnd(watch)
    finally:
        await watch.close()


async def test_a_paused_dunst_at_start_is_told_at_once(
    dunst: Dunst, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'no-system-bus'}")
    await dunst.ctl("set-paused", "true")
    notes = Notes()
    watch = OsStateWatch(LinuxOsState(), goodbye=_nothing, come_back=_nothing, note=notes)
    await watch.start()
    try:
        assert notes.lines == [DO_NOT_DISTURB_NOTE]
    finally:
        await watch.close()
