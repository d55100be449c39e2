"""The theme: both schemes readable, the OS scheme followed, icons and the chime present."""

from __future__ import annotations

import wave

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.vocabulary import Channel, Presence
from agent_desktop.resources import incoming_sound_path
from agent_desktop.ui import theme
from agent_desktop.ui.theme import DARK, LIGHT, Palette, Scheme


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    c = QColor(colour)
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_text_and_alert_colours_meet_wcag_aa(palette: Palette) -> None:
    pairs = [
        (palette.text, palette.window),
        (palette.text, palette.surface),
        (palette.muted, palette.surface),
        (palette.warning_text, palette.warning_bg),
        (palette.danger_text, palette.danger_bg),
        (palette.info_text, palette.info_bg),
        (palette.accent_text, palette.accent),
        (palette.agent_bubble_text, palette.agent_bubble),
        (palette.text, palette.customer_bubble),
    ]
    for foreground, background in pairs:
        assert contrast(foreground, background) >= 4.5, (foreground, background)


@pytest.mark.parametrize("scheme", list(Scheme))
def test_stylesheet_has_presence_and_alert_rules(scheme: Scheme) -> None:
    sheet = theme.stylesheet(scheme)
    palette = theme.palette_for(scheme)
    for presence, colour in theme.PRESENCE_COLOURS.items():
        assert f'[presence="{presence.value}"] {{ color: {colour}; }}' in sheet
    assert palette.warning_bg in sheet
    assert palette.danger_bg in sheet


def test_theme_follower_applies_the_stylesheet(qtbot: QtBot, qapp: QApplication) -> None:
    original = qapp.palette()
    follower = theme.ThemeFollower(qapp)
    try:
        assert qapp.styleSheet() == theme.stylesheet(follower.scheme)
        # The offscreen platform reports no scheme: the palette decides, and it is light.
        assert follower.scheme is theme.current_scheme()
        with qtbot.assertNotEmitted(follower.scheme_changed):
            follower._on_scheme_changed(Qt.ColorScheme.Unknown)
    finally:
        qapp.setStyleSheet("")
        qapp.setPalette(original)
        follower.deleteLater()


def test_icons_load() -> None:
    assert not theme.app_icon().pixmap(64, 64).isNull()
    for channel in Channel:
        assert not theme.channel_icon(channel).pixmap(20, 20).isNull(), channel
    assert not theme.presence_icon(Presence.AVAILABLE).pixmap(12, 12).isNull()
    badged = theme.badged_icon(theme.app_icon(), 3).pixmap(32, 32).toImage()
    # The badge sits in the top-right corner in red.
    corner = QColor(badged.pixel(26, 5))
    assert corner.red() > 180
    assert corner.green() < 90


def test_incoming_sound_is_a_short_wav() -> None:
    with wave.open(str(incoming_sound_path()), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
        assert wav.getnchannels() == 1
    assert 0.2 < seconds < 1.0
