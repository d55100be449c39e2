"""The catalogues: every marked string translated, none left out of the .ts, placeholders kept;
the language chosen by env, preference or system; dates, times and durations in the locale."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import Alert, TemplateField, Toast
from agent_desktop.protocol.vocabulary import (
    AlertId,
    AlertKind,
    Channel,
    FieldKey,
    Origin,
    Reason,
    SessionId,
)
from agent_desktop.session.settings import Settings
from agent_desktop.ui import i18n, translations_build
from agent_desktop.ui.i18n import (
    LANGUAGE_ENV,
    chosen_language,
    install_language,
    remove_language,
    translate,
)
from agent_desktop.ui.settings_store import Preferences, SettingsStore
from agent_desktop.ui.widgets.server_words import alert_text, field_label, field_value, toast_title
from agent_desktop.ui.widgets.settings_dialog import SettingsDialog
from agent_desktop.ui.widgets.wording import clock_text, countdown_text, duration_text
from tests.ui.translated import GERMAN_TS, catalogue, german

_FIELDS = re.compile(r"\{(\w*)\}")


@pytest.fixture(autouse=True)
def app() -> QApplication:
    instance = QApplication.instance() or QApplication([])
    assert isinstance(instance, QApplication)
    return instance


def test_every_string_of_the_german_catalogue_is_translated() -> None:
    rows = catalogue()
    assert len(rows) > 300
    unfinished = [f"{c}: {s!r}" for c, s, t, kind in rows if kind is not None or not t]
    assert unfinished == [], "\n".join(unfinished)


def test_translations_keep_every_placeholder_and_menu_key() -> None:
    wrong = []
    for context, source, translation, _ in catalogue():
        assert translation is not None
        # Case only picks a form ("{Work}" starts a sentence); a language may need the other.
        said = {f.lower() for f in _FIELDS.findall(translation)}
        if said != {f.lower() for f in _FIELDS.findall(source)}:
            wrong.append(f"{context}: {source!r} -> {translation!r}")
        if source.count("&") != translation.count("&"):
            wrong.append(f"{context}: {source!r} -> {translation!r} (menu key)")
    assert wrong == [], "\n".join(wrong)


def test_the_catalogue_holds_every_string_the_code_marks(tmp_path: Path) -> None:
    """lupdate over the code finds nothing new: a string added without a translation fails."""
    copy = tmp_path / GERMAN_TS.name
    shutil.copy(GERMAN_TS, copy)
    root = Path(translations_build.__file__).resolve().parents[2]
    files = [str(p.relative_to(root)) for p in translations_build.sources()]
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    done = subprocess.run(
        [str(lupdate), *files, "-no-obsolete", "-locations", "none", "-ts", str(copy)],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "0 new" in done.stdout, done.stdout
    assert 'type="unfinished"' not in copy.read_text(encoding="utf-8")


def test_the_language_follows_the_env_then_the_preference_then_the_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(LANGUAGE_ENV, "de_DE")
    assert chosen_language("en") == "de"
    monkeypatch.setenv(LANGUAGE_ENV, "")
    assert chosen_language("de") == "de"
    assert chosen_language("en") == "en"
    monkeypatch.setenv(LANGUAGE_ENV, "xx")  # unknown: ignored, like no override
    system = QLocale.system().name().split("_")[0]
    assert chosen_language("") == (system if system in ("en", "de") else "en")


def test_times_durations_and_countdowns_follow_the_locale() -> None:
    at = 1_800_000_000.0  # 15 Jan 2027, 08:00 UTC
    install_language("en")
    QLocale.setDefault(QLocale("en_US"))
    try:
        english_time = clock_text(at)
        assert re.search(r"\b(AM|PM)\b", english_time), english_time
        assert duration_text(3_700) == "1 h 1 min"
        assert countdown_text(75.2) == "1:16"
    finally:
        remove_language()
    with german():
        german_time = clock_text(at)
        assert re.fullmatch(r"\d\d:\d\d", german_time), german_time
        assert duration_text(3_700) == "1 Std. 1 Min."
        assert duration_text(12) == "gerade eingetroffen"
        assert countdown_text(75.2) == "1:16"


def _alert(kind: AlertKind, *, with_values: bool = True) -> Alert:
    return Alert(
        alert_id=AlertId("A1"),
        kind=kind,
        message="You missed a chat from Ben Okafor, so you were set to Inactive.",
        raised_at=0.0,
        channel=Channel.CHAT if with_values else None,
        customer="Ben Okafor" if with_values else None,
    )


def test_server_alerts_are_said_in_german_from_their_kind_and_values() -> None:
    with german():
        assert alert_text(_alert(AlertKind.MISSED)) == (
            "Sie haben einen Chat von Ben Okafor verpasst und wurden daher auf Inaktiv gesetzt. "
            "Setzen Sie sich auf Verfügbar, um neue Arbeit zu erhalten."
        )
        assert (
            alert_text(_alert(AlertKind.MAX_SESSIONS)).startswith(
                "Ihnen konnte einen Chat von Ben Okafor nicht"
            )
            is False
        )  # the accusative phrase reads as a dative object: checked in the sentence
        assert "10 Sitzungen" in alert_text(_alert(AlertKind.MAX_SESSIONS))
        # An older server sends no values: its English text is shown, not a guess.
        old = _alert(AlertKind.MISSED, with_values=False)
        assert alert_text(old) == old.message


def test_the_repeat_miss_penalty_is_not_said_as_a_plain_miss() -> None:
    """A `missed` alert with reason `repeat_misses` speaks of the penalty and its length; without
    values, the server's message (or a penalty sentence of its own), never the plain miss's."""
    penalty = msgspec.structs.replace(
        _alert(AlertKind.MISSED), reason=Reason.REPEAT_MISSES, until=300.0
    )
    with german():
        said = alert_text(penalty)
        assert said.startswith("Sie haben einen Chat von Ben Okafor verpasst, ein verpasstes")
        assert "5 Min. lang keine neue Arbeit" in said
        assert "Verfügbar" not in said
        bare = msgspec.structs.replace(penalty, channel=None, customer=None)
        assert alert_text(bare) == bare.message
        silent = msgspec.structs.replace(bare, message=" ")
        assert alert_text(silent).startswith("Sie haben in kurzer Zeit zu viele Angebote verpasst")


def test_toast_titles_and_field_labels_are_said_in_german() -> None:
    fields = [
        TemplateField(label="Customer", value="Ana Lima", key=FieldKey.CUSTOMER_NAME),
        TemplateField(label="Waiting", value="3 min", key=FieldKey.WAIT_TIME, number=200.0),
        TemplateField(label="Channel", value="sms", key=FieldKey.CHANNEL),
        TemplateField(label="Shoe size", value="42"),  # no key: an older server's label
    ]
    toast = Toast(
        title="Assigned: VIP chat",
        fields=fields,
        session_id=SessionId("S1"),
        origin=Origin.NEW,
        reason=Reason.AUTO_ACCEPT,
        queue_name="VIP chat",
    )
    with german():
        assert toast_title(toast) == "Zugewiesen: VIP chat"
        assert [field_label(f) for f in fields] == ["Kunde", "Wartet seit", "Kanal", "Shoe size"]
        assert [field_value(f) for f in fields] == ["Ana Lima", "3 Min.", "SMS", "42"]
        transferred = Toast(
            title="Transferred to you",
            fields=[],
            session_id=SessionId("S1"),
            origin=Origin.TRANSFER,
            reason=Reason.TRANSFER,
        )
        assert toast_title(transferred) == "An Sie weitergeleitet"
    assert toast_title(toast) == "Assigned: VIP chat"


def test_the_language_chosen_in_settings_is_kept_for_the_next_start(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(LANGUAGE_ENV, raising=False)
    store = SettingsStore(tmp_path)
    dialog = SettingsDialog(Settings(user="alice"), None, store.load_preferences())
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == ""  # follows the system until one is chosen
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    with qtbot.waitSignal(dialog.preferences_accepted) as accepted:
        dialog.accept()
    store.save_preferences(accepted.args[0])
    assert chosen_language(store.load_preferences().language) == "de"
    # A language the app does not speak, written by hand, is ignored rather than trusted.
    store.preferences_file.write_text('{"language": "xx"}', encoding="utf-8")
    assert store.load_preferences() == Preferences(language="")


def test_a_missing_catalogue_leaves_the_app_in_english(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A copy installed without the build step starts, in English, and says why in the log."""
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", tmp_path)
    try:
        locale = install_language("de")
        assert locale.language() is QLocale.Language.English
        assert translate("Wording", "Available") == "Available"
        assert "agent_desktop_de.qm is missing" in caplog.text
    finally:
        remove_language()
