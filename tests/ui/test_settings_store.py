"""Where the settings live: one folder in the platform's config folder, never doubled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from agent_desktop.session.settings import Settings
from agent_desktop.ui.settings_store import Preferences, SettingsStore, config_dir


@pytest.fixture
def named_app(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Path]:
    """The app named as `ui/main.py` names it, with a throwaway config folder."""
    monkeypatch.delenv("AGENT_DESKTOP_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    names = (qapp.applicationName(), qapp.organizationName())
    qapp.setApplicationName("Agent Desktop")
    qapp.setOrganizationName("Agent Desktop")
    yield tmp_path
    qapp.setApplicationName(names[0])
    qapp.setOrganizationName(names[1])


def test_the_settings_folder_is_not_doubled(named_app: Path) -> None:
    assert config_dir() == named_app / "agent-desktop"


def test_settings_from_the_doubled_folder_are_adopted(named_app: Path) -> None:
    doubled = named_app / "Agent Desktop" / "Agent Desktop"
    SettingsStore(doubled).save(Settings(server_url="ws://127.0.0.1:8765", user="alice"))

    store = SettingsStore(config_dir())

    assert store.load().settings.user == "alice"
    assert store.folder == named_app / "agent-desktop"


def test_preferences_are_kept_and_a_broken_file_gives_the_defaults(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    assert store.load_preferences() == Preferences()

    store.save_preferences(Preferences(message_notices=False))
    assert SettingsStore(tmp_path).load_preferences().message_notices is False

    store.preferences_file.write_text("{not json", encoding="utf-8")
    assert store.load_preferences() == Preferences()
