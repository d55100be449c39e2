"""Qt on the qasync loop, and the private D-Bus session the notification tests use."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping

import pytest
from PySide6.QtWidgets import QApplication

from agent_desktop.ui.qt_event_loop import new_event_loop
from tests.support.notification_service import (
    NotificationService,
    private_session_bus,
    serving_notifications,
)

# Set before any QApplication exists; the dunst test needs no Qt display of its own.
os.environ["QT_QPA_PLATFORM"] = "offscreen"


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Run async tests on the app's qasync loop, so Qt timers and signals fire during `await`."""

    def qt_loop() -> asyncio.AbstractEventLoop:
        app = QApplication.instance() or QApplication([])
        loop: asyncio.AbstractEventLoop = new_event_loop(app)
        return loop

    return {"qasync": qt_loop}


@pytest.fixture(autouse=True)
def qt_garbage_dies_on_the_qt_thread() -> Iterator[None]:
    """Collect a test's cyclic garbage here, on the Qt thread, once the test is done.

    Left to the cyclic GC, a widget or timer from an earlier test dies whenever a collection
    happens to run: in a later test that may be on a server or D-Bus thread, and Qt warns
    ("Timers cannot be stopped from another thread"), which fails that later test.
    """
    yield
    gc.collect()


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private D-Bus session bus for this test, with no notification daemon on it."""
    with private_session_bus() as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield address


@pytest.fixture
async def notification_service(session_bus: str) -> AsyncIterator[NotificationService]:
    """A real org.freedesktop.Notifications service on the private bus."""
    async with serving_notifications() as service:
        yield service
