"""The agent's client settings: defaults, validation, and a plain dict/JSON form.

The app layer persists them (e.g. QSettings or a JSON file). They never hold a secret: the
token lives in the keyring (`credentials`) and the password is never stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.session.ladder import DEFAULT_LADDER, Ladder, LadderError
from agent_desktop.session.policy import NotificationMode

DEFAULT_SERVER_URL: Final = "ws://127.0.0.1:8765"
T = TypeVar("T")
_SECRET_KEYS: Final = frozenset({"token", "password", "secret"})


class SettingsError(ValueError):
    """A settings value is invalid; the message names the field and what is allowed."""


@dataclass(frozen=True, slots=True)
class Settings:
    server_url: str = DEFAULT_SERVER_URL
    user: str = ""
    notification_mode: NotificationMode = NotificationMode.ALWAYS
    sound: bool = True
    repeat_sound: bool = False
    """Ring until the offer is answered (the reference product's "repeat until answered")."""
    channel_sound: dict[Channel, bool] = field(default_factory=dict)
    """Per-channel sound switch; a channel not listed follows `sound`."""
    ladder: Ladder = DEFAULT_LADDER
    """The escalation ladder for an unanswered offer: when the sound, the taskbar flash and
    the last call come (`session.ladder`)."""
    ca_path: str | None = None
    """A PEM file of extra trusted CAs for wss:// (a company CA); verification stays on."""

    def __post_init__(self) -> None:
        scheme = urlsplit(self.server_url).scheme
        if scheme not in ("ws", "wss") or not urlsplit(self.server_url).hostname:
            raise SettingsError(
                f"server_url must be ws://host[:port] or wss://host[:port], not {self.server_url!r}"
            )
        if len(self.user) > 64 or self.user != self.user.strip():
            raise SettingsError("user must be at most 64 characters without surrounding spaces")
        if self.ca_path is not None and not self.ca_path:
            raise SettingsError("ca_path must be a file path or unset")

    def sound_for(self, channel: Channel) -> bool:
        return self.sound and self.channel_sound.get(channel, True)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "server_url": self.server_url,
            "user": self.user,
            "notification_mode": self.notification_mode.value,
            "sound": self.sound,
            "repeat_sound": self.repeat_sound,
            "channel_sound": {c.value: on for c, on in sorted(self.channel_sound.items())},
            "ca_path": self.ca_path,
            "ladder": self.ladder.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: object) -> Settings:
        """Validate a dict from disk. Unknown keys are ignored (a newer version wrote them),
        but a key that looks like a secret is refused: secrets never belong in settings."""
        if not isinstance(data, dict):
            raise SettingsError("settings must be a JSON object")
        secrets = _SECRET_KEYS.intersection(data)
        if secrets:
            raise SettingsError(f"settings must not contain secrets: {sorted(secrets)}")
        defaults = cls()
        return cls(
            server_url=_typed(data, "server_url", str, defaults.server_url),
            user=_typed(data, "user", str, defaults.user),
            notification_mode=_mode(data.get("notification_mode", defaults.notification_mode)),
            sound=_typed(data, "sound", bool, defaults.sound),
            repeat_sound=_typed(data, "repeat_sound", bool, defaults.repeat_sound),
            channel_sound=_channel_sound(data.get("channel_sound", {})),
            ca_path=_optional_str(data, "ca_path"),
            ladder=_ladder(data.get("ladder", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SettingsError(f"settings are not valid JSON: {exc}") from None
        return cls.from_dict(data)

    def save(self, path: Path) -> None:
        path.write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Settings:
        """The settings in `path`, or the defaults when the file does not exist yet."""
        if not path.exists():
            return cls()
        return cls.from_json(path.read_text(encoding="utf-8"))


def _typed(data: dict[Any, Any], key: str, kind: type[T], default: T) -> T:
    value = data.get(key, default)
    # bool is an int subclass and int is not a bool: check exact types for clear errors.
    if type(value) is not kind:
        raise SettingsError(f"{key} must be a {kind.__name__}, not {value!r}")
    return value


def _optional_str(data: dict[Any, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{key} must be a string or null, not {value!r}")
    return value


def _mode(value: object) -> NotificationMode:
    try:
        return NotificationMode(str(value)) if isinstance(value, str) else NotificationMode("")
    except ValueError:
        allowed = ", ".join(m.value for m in NotificationMode)
        raise SettingsError(f"notification_mode must be one of {allowed}, not {value!r}") from None


def _ladder(value: object) -> Ladder:
    try:
        return Ladder.from_dict(value)
    except LadderError as exc:
        raise SettingsError(str(exc)) from None


def _channel_sound(value: object) -> dict[Channel, bool]:
    if not isinstance(value, dict):
        raise SettingsError("channel_sound must be an object of channel -> true/false")
    result: dict[Channel, bool] = {}
    for key, on in value.items():
        try:
            channel = Channel(key)
        except ValueError:
            raise SettingsError(f"channel_sound: unknown channel {key!r}") from None
        if type(on) is not bool:
            raise SettingsError(f"channel_sound.{key} must be true or false, not {on!r}")
        result[channel] = on
    return result
