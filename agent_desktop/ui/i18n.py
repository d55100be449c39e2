"""The agent's language: which translation the app loads, and how the code marks its words.

Every user-facing string goes through `translate(context, text)` (Qt's own
`QCoreApplication.translate`, so `pyside6-lupdate` finds it) and tables of words that exist before a
translator is installed are marked with `QT_TRANSLATE_NOOP` and translated where they are shown.
Placeholders are `{name}` fields filled with `str.format` after translation, so a translation can
put them in its own order.

The language follows the system's locale (`QLocale.system()`); the preference "Language" in the
settings or `AGENT_DESKTOP_LANGUAGE` (tests, screenshots) override it. English is the source
language and the fallback for anything a catalogue lacks.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

LANGUAGE_ENV: Final = "AGENT_DESKTOP_LANGUAGE"
TRANSLATIONS_DIR: Final = Path(__file__).with_name("translations")
CATALOGUE_PREFIX: Final = "agent_desktop_"

LANGUAGES: Final[dict[str, str]] = {"en": "English", "de": "Deutsch"}
"""The languages the app speaks, by code, each named in itself (as a language menu shows them)."""

_installed: list[QTranslator] = []
log = logging.getLogger(__name__)


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """`text` in the agent's language (English when there is no translation)."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for the catalogue without translating it yet (module-level tables)."""
    del context
    return text


def chosen_language(preference: str = "") -> str:
    """The language code to use: the env override, else the preference, else the system's."""
    for wanted in (os.environ.get(LANGUAGE_ENV, ""), preference):
        code = wanted.strip().lower().replace("-", "_").split("_")[0]
        if code in LANGUAGES:
            return code
    system = QLocale.system().name().split("_")[0]
    return system if system in LANGUAGES else "en"


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE_PREFIX}{language}.qm"


def install_language(language: str) -> QLocale:
    """Load `language`'s catalogues into the application; dates and numbers follow it.

    Replaces what an earlier call installed, so tests can switch languages. English needs no
    catalogue. Qt's own catalogue (`qtbase`) translates the standard dialog buttons.
    """
    remove_language()
    system = QLocale.system()
    # The system's own locale when it speaks this language (en_GB keeps its 24-hour clock).
    locale = system if system.name().split("_")[0] == language else QLocale(language)
    if language != "en" and language in LANGUAGES:
        app_catalogue = QTranslator()
        if not app_catalogue.load(str(catalogue_path(language))):
            # A copy installed without the build step: English beats not starting at all.
            log.warning(
                "%s is missing (build it with `python -m agent_desktop.ui.translations_build`); "
                "the app speaks English",
                catalogue_path(language),
            )
            return install_language("en")
        qt_catalogue = QTranslator()
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for translator, loaded in (
            (app_catalogue, True),
            (qt_catalogue, qt_catalogue.load(locale, "qtbase", "_", qt_dir)),
        ):
            if loaded:
                QCoreApplication.installTranslator(translator)
                _installed.append(translator)
    QLocale.setDefault(locale)
    return locale


def remove_language() -> None:
    """Back to the English source texts."""
    while _installed:
        QCoreApplication.removeTranslator(_installed.pop())
    QLocale.setDefault(QLocale(QLocale.Language.English))
