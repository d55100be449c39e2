"""The escalation ladder's fields in Settings."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from agent_desktop.session.ladder import Ladder
from agent_desktop.session.settings import Settings
from agent_desktop.ui.widgets.settings_dialog import SettingsDialog


def test_the_ladder_is_shown_edited_and_turned_off_in_settings(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(user="alice"))
    qtbot.addWidget(dialog)
    fields = dialog.ladder
    assert fields.sound_after.text() == "0 s"  # the default: the sound with the notification
    assert fields.flash_after.text() == "15 s"
    assert fields.last_call.text() == "10 s"

    fields.sound_after.setValue(5)
    fields.flash_after.setValue(fields.flash_after.minimum())
    fields.last_call.setValue(20)
    assert fields.flash_after.text() == "Off"
    with qtbot.waitSignal(dialog.settings_accepted) as accepted:
        dialog.accept()
    settings = accepted.args[0]
    assert isinstance(settings, Settings)
    assert settings.ladder == Ladder(sound_after_s=5, flash_after_s=None, last_call_s=20)


def test_a_stored_ladder_with_a_rung_off_opens_as_off(qtbot: QtBot) -> None:
    stored = Settings(user="alice", ladder=Ladder(sound_after_s=None, last_call_s=None))
    dialog = SettingsDialog(stored)
    qtbot.addWidget(dialog)
    assert dialog.ladder.sound_after.text() == "Off"
    assert dialog.ladder.last_call.text() == "Off"
    assert dialog.value().ladder == stored.ladder
