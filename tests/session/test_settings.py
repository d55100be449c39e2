import json
from pathlib import Path
from typing import Any

import pytest

from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import DEFAULT_SERVER_URL, Settings, SettingsError


def test_defaults() -> None:
    settings = Settings()
    assert settings.server_url == DEFAULT_SERVER_URL
    assert settings.notification_mode is NotificationMode.ALWAYS
    assert settings.sound is True
    assert settings.ca_path is None


def test_round_trip_through_json(tmp_path: Path) -> None:
    settings = Settings(
        server_url="wss://desk.example.com:8443",
        user="alice",
        notification_mode=NotificationMode.WHEN_UNFOCUSED,
        sound=True,
        repeat_sound=True,
        channel_sound={Channel.SMS: False},
        ca_path="/etc/company-ca.pem",
    )
    assert Settings.from_json(settings.to_json()) == settings
    path = tmp_path / "settings.json"
    settings.save(path)
    assert Settings.load(path) == settings
    assert json.loads(path.read_text())["channel_sound"] == {"sms": False}


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert Settings.load(tmp_path / "absent.json") == Settings()


def test_no_secret_is_ever_serialised() -> None:
    text = Settings(user="alice").to_json()
    for word in ("token", "password", "secret"):
        assert word not in text


@pytest.mark.parametrize("key", ["token", "password"])
def test_a_secret_in_the_file_is_refused(key: str) -> None:
    with pytest.raises(SettingsError, match="secrets"):
        Settings.from_dict({"user": "alice", key: "hunter2"})


def test_unknown_keys_from_a_newer_version_are_ignored() -> None:
    assert Settings.from_dict({"user": "bob", "theme": "dark"}) == Settings(user="bob")


def test_sound_per_channel_follows_the_master_switch() -> None:
    settings = Settings(channel_sound={Channel.VOICE: False})
    assert settings.sound_for(Channel.CHAT) is True
    assert settings.sound_for(Channel.VOICE) is False
    assert settings.with_changes(sound=False).sound_for(Channel.CHAT) is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"server_url": "http://x"}, "server_url"),
        ({"server_url": "ws://"}, "server_url"),
        ({"server_url": 5}, "server_url must be a str"),
        ({"user": " alice"}, "user"),
        ({"user": "a" * 65}, "user"),
        ({"notification_mode": "sometimes"}, "notification_mode must be one of"),
        ({"notification_mode": 1}, "notification_mode"),
        ({"sound": "yes"}, "sound must be a bool"),
        ({"sound": 1}, "sound must be a bool"),
        ({"repeat_sound": None}, "repeat_sound"),
        ({"channel_sound": []}, "channel_sound must be an object"),
        ({"channel_sound": {"fax": True}}, "unknown channel"),
        ({"channel_sound": {"sms": 0}}, "true or false"),
        ({"ca_path": 3}, "ca_path"),
        ({"ca_path": ""}, "ca_path"),
    ],
)
def test_invalid_values_are_refused_with_the_field_named(
    data: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_dict(data)


def test_not_an_object_or_not_json() -> None:
    with pytest.raises(SettingsError, match="JSON object"):
        Settings.from_dict(["user"])
    with pytest.raises(SettingsError, match="not valid JSON"):
        Settings.from_json("{user")
