"""The first launch greets, it does not scold; a cancelled sign-in has a way back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from tests.ui.app_harness import eventually, running_app, until
from tests.ui.test_app_sign_in import app_without_password, sign_in

pytestmark = pytest.mark.integration


@pytest.fixture
async def server(
    demo_config: ServerConfig, manual_clock: ManualClock
) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config, clock=manual_clock) as running:
        yield running


async def test_the_first_sign_in_is_a_greeting_not_an_error(
    server: RunningServer, tmp_path: Path
) -> None:
    async with app_without_password(tmp_path, server.url) as desktop:
        await eventually(lambda: desktop._login is not None, "the sign-in dialog")
        dialog = desktop._login
        assert dialog is not None
        assert dialog.error.isVisibleTo(dialog)
        assert dialog.error.text() == "Enter your password to sign in."
        assert dialog.error.property("severity") == "info", "nothing failed yet"
        status = desktop.window.status.connection.text()
        assert status == "Not signed in", f"nothing was tried yet, but the status says {status!r}"


async def test_after_cancelling_sign_in_the_menu_signs_in(
    server: RunningServer, tmp_path: Path
) -> None:
    async with app_without_password(tmp_path, server.url) as desktop:
        await eventually(lambda: desktop._login is not None, "the sign-in dialog")
        dialog = desktop._login
        assert dialog is not None
        dialog.reject()
        await eventually(lambda: desktop._login is None, "cancelled")
        action = desktop.window.sign_in_action
        assert action.isEnabled()
        assert "Sign in" in desktop.window.statusBar().currentMessage()

        action.trigger()

        await eventually(lambda: desktop._login is not None, "the sign-in dialog again")
        dialog = desktop._login
        assert dialog is not None
        sign_in(dialog, "demo")
        await until(desktop, lambda s: s.online)
        await eventually(lambda: not desktop.window.sign_in_action.isEnabled(), "signed in")


async def test_signing_out_is_not_reported_as_an_error(
    server: RunningServer, tmp_path: Path
) -> None:
    async with running_app(server.url, tmp_path) as desktop:
        desktop.window.sign_out_action.trigger()  # nothing open: no question first
        await eventually(lambda: desktop._login is not None, "the sign-in dialog")
        dialog = desktop._login
        assert dialog is not None
        assert dialog.error.text().startswith("You signed out.")
        assert dialog.error.property("severity") == "info"
