"""Bundled icons (SVG) and sounds (WAV), found next to this module in an installed app too."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from agent_desktop.protocol.vocabulary import Channel

RESOURCES: Final = Path(__file__).resolve().parent


def icon_path(name: str) -> Path:
    """An icon by name without extension, e.g. "app" or "chat"."""
    return RESOURCES / "icons" / f"{name}.svg"


def channel_icon_path(channel: Channel) -> Path:
    return icon_path(channel.value)


def incoming_sound_path() -> Path:
    """The short chime played on incoming work."""
    return RESOURCES / "sounds" / "incoming.wav"
