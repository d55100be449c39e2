"""The high-contrast scheme: chosen by the OS preference or the override, AAA contrast."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from agent_desktop.ui.theme import HIGH_CONTRAST, Scheme, current_scheme, stylesheet
from tests.ui.test_theme import contrast


def test_every_text_pair_reaches_seven_to_one() -> None:
    p = HIGH_CONTRAST
    pairs = [
        (p.text, p.window),
        (p.text, p.surface),
        (p.muted, p.surface),
        (p.accent_text, p.accent),
        (p.warning_text, p.warning_bg),
        (p.danger_text, p.danger_bg),
        (p.info_text, p.info_bg),
        (p.danger, p.surface),
        (p.agent_bubble_text, p.agent_bubble),
        (p.text, p.customer_bubble),
    ]
    for foreground, background in pairs:
        assert contrast(foreground, background) >= 7.0, (foreground, background)


def test_the_override_chooses_high_contrast(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENT_DESKTOP_THEME", "high_contrast")
    assert current_scheme() is Scheme.HIGH_CONTRAST
    monkeypatch.setenv("AGENT_DESKTOP_THEME", "not-a-theme")
    assert current_scheme() is not Scheme.HIGH_CONTRAST


def test_high_contrast_outlines_what_shares_the_black_background() -> None:
    sheet = stylesheet(Scheme.HIGH_CONTRAST)
    assert 'QFrame#alertRow[severity="warning"] { border-color: #ffd400; }' in sheet
    assert "border: 2px solid #ffffff" in sheet
    assert "border-color: #ffd400" not in stylesheet(Scheme.LIGHT)
