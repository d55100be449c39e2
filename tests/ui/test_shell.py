"""The app's shell: signing in (and silently next time), one instance, settings that survive."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication

from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.credentials import service_name
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import LinkStatus
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.instance import SingleInstance
from agent_desktop.ui.settings_store import SettingsStore
from tests.support.desktop_bus import secret_service
from tests.ui.app_harness import WAIT_S, eventually

__all__ = ["secret_service"]


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


def _app(store: SettingsStore, settings: Settings, password: str | None) -> DesktopApp:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return DesktopApp(app, store, StartOptions(settings, password=password))


@pytest.mark.integration
async def test_the_next_start_signs_in_silently_with_the_token_in_the_keyring(
    server: RunningServer, tmp_path: Path, secret_service: KeyringBackend
) -> None:
    keyring.set_keyring(secret_service)
    store = SettingsStore(tmp_path / "config")
    settings = Settings(server_url=server.url, user="alice", sound=False)

    first = _app(store, settings, password="demo")
    running = asyncio.create_task(first.run())
    await first.core.wait_for(lambda s: s.online, WAIT_S)
    first.quit()
    await running
    token = secret_service.get_password(service_name(server.url), "alice")
    assert token, "the token is in the keyring"
    for written in (tmp_path / "config").rglob("*"):
        if written.is_file():
            assert token.encode() not in written.read_bytes(), f"the token leaked into {written}"

    second = _app(store, settings, password=None)  # no password this time
    running = asyncio.create_task(second.run())
    state = await second.core.wait_for(lambda s: s.online, WAIT_S)
    assert state.identity is not None
    assert state.identity.user == "alice"
    assert second._login is None, "no sign-in dialog"
    second.quit()
    await running


@pytest.mark.integration
async def test_a_wrong_password_opens_the_sign_in_dialog_with_the_reason(
    server: RunningServer, tmp_path: Path
) -> None:
    store = SettingsStore(tmp_path / "config")
    settings = Settings(server_url=server.url, user="alice", sound=False)
    desktop = DesktopApp(
        QApplication.instance(),  # type: ignore[arg-type]  # the test's QApplication
        store,
        StartOptions(settings, password="wrong", keep_token=False),
    )
    running = asyncio.create_task(desktop.run())
    await desktop.core.wait_for(lambda s: s.connection.status is LinkStatus.AUTH_FAILED, WAIT_S)
    await eventually(lambda: desktop._login is not None, "the sign-in dialog opens")
    dialog = desktop._login
    assert dialog is not None
    assert dialog.error.isVisible() or dialog.error.text()
    assert "password" in dialog.error.text().lower()

    dialog.password.setText("demo")
    dialog.accept()
    await desktop.core.wait_for(lambda s: s.online, WAIT_S)
    desktop.quit()
    await running


def test_a_second_start_hands_over_to_the_running_instance(qapp: QApplication) -> None:
    first = SingleInstance("test-instance")
    second = SingleInstance("test-instance")
    raised: list[bool] = []
    first.raise_requested.connect(lambda: raised.append(True))
    try:
        assert first.claim()
        assert not second.claim()
        for _ in range(100):
            qapp.processEvents()
            if raised:
                break
        assert raised == [True]
    finally:
        first.release()


def test_broken_settings_fall_back_to_defaults_and_say_why(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    (tmp_path / "settings.json").write_text('{"sound": "loud"}', encoding="utf-8")
    loaded = store.load()
    assert loaded.settings == Settings()
    assert loaded.problem is not None
    assert "sound" in loaded.problem
    assert (tmp_path / "settings.json.broken").exists()

    store.save(Settings(user="alice", sound=False))
    assert store.load() == type(loaded)(Settings(user="alice", sound=False))
