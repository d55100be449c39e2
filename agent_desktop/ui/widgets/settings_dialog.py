"""Settings: notifications, sound, server and user, with the notification self-test result."""

from __future__ import annotations

import ssl

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.vocabulary import Channel
from agent_desktop.session.policy import NotificationMode
from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.ui.autostart import autostart_checkbox
from agent_desktop.ui.i18n import LANGUAGES, QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.settings_store import Preferences
from agent_desktop.ui.widgets.ladder_fields import LadderFields
from agent_desktop.ui.widgets.wording import channel_label

MODE_LABELS = {
    NotificationMode.ALWAYS: QT_TRANSLATE_NOOP("Settings", "Always"),
    NotificationMode.WHEN_UNFOCUSED: QT_TRANSLATE_NOOP(
        "Settings", "Only when the app is not in focus"
    ),
    NotificationMode.OFF: QT_TRANSLATE_NOOP("Settings", "Off"),
}


class SettingsDialog(QDialog):
    """Edits a `Settings` value; invalid input is shown in the dialog and not accepted.

    Open with `open()`; on `settings_accepted` the shell saves the value.

    Signals:
        settings_accepted(Settings): the agent pressed Save with valid settings.
        preferences_accepted(Preferences): ...and changed the app's own preferences.
    """

    settings_accepted = Signal(object)
    preferences_accepted = Signal(object)

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(parent)
        self._preferences = preferences or Preferences()
        self.setWindowTitle(translate("Settings", "Settings"))
        self.setMinimumWidth(440)
        self._original = settings
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.mode = QComboBox()
        for mode, label in MODE_LABELS.items():
            self.mode.addItem(translate("Settings", label), mode)
        self.mode.setCurrentIndex(list(MODE_LABELS).index(settings.notification_mode))
        form.addRow(translate("Settings", "Desktop notifications"), self.mode)
        self.message_notices = QCheckBox(
            translate(
                "Settings", "Notify me of new customer messages while the app is not in focus"
            )
        )
        self.message_notices.setChecked(self._preferences.message_notices)
        form.addRow(translate("Settings", "Messages"), self.message_notices)
        self.language = language_combo(self._preferences.language)
        form.addRow(translate("Settings", "Language"), self.language)
        self.sound = QCheckBox(translate("Settings", "Play a sound on incoming work"))
        self.sound.setChecked(settings.sound)
        form.addRow(translate("Settings", "Sound"), self.sound)
        self.repeat_sound = QCheckBox(translate("Settings", "Repeat until answered"))
        self.repeat_sound.setChecked(settings.repeat_sound)
        form.addRow("", self.repeat_sound)
        channels = QHBoxLayout()
        self.channel_sound: dict[Channel, QCheckBox] = {}
        for channel in Channel:
            box = QCheckBox(channel_label(channel))
            box.setChecked(settings.channel_sound.get(channel, True))
            self.channel_sound[channel] = box
            channels.addWidget(box)
        channels.addStretch(1)
        form.addRow(translate("Settings", "Sound for"), channels)
        self.ladder = LadderFields(settings.ladder)
        form.addRow(translate("Settings", "Unanswered offer"), self.ladder)
        self.server_url = QLineEdit(settings.server_url)
        self.server_url.setPlaceholderText("wss://contact-center.example.com")
        form.addRow(translate("Settings", "Server"), self.server_url)
        self.user = QLineEdit(settings.user)
        form.addRow(translate("Settings", "User"), self.user)
        ca_row = QHBoxLayout()
        self.ca_path = QLineEdit(settings.ca_path or "")
        self.ca_path.setPlaceholderText(
            translate("Settings", "None: the system's trusted certificates only")
        )
        self.ca_path.setToolTip(
            translate(
                "Settings",
                "A PEM file with your organisation's CA certificate, trusted for wss:// in "
                "addition to the system's certificates.",
            )
        )
        self.choose_ca = QPushButton(translate("Settings", "Choose…"))
        self.choose_ca.clicked.connect(self._choose_ca)
        ca_row.addWidget(self.ca_path, 1)
        ca_row.addWidget(self.choose_ca)
        form.addRow(translate("Settings", "CA certificate"), ca_row)
        self.autostart = autostart_checkbox(self)
        form.addRow(translate("Settings", "Login"), self.autostart)
        layout.addLayout(form)
        self.ca_chooser: QFileDialog | None = None

        self.self_test = QLabel(translate("Settings", "Notification self-test has not run yet."))
        self.self_test.setWordWrap(True)
        self.self_test.setProperty("muted", True)
        layout.addWidget(self.self_test)
        self.error = QLabel()
        self.error.setObjectName("alertRow")
        self.error.setProperty("severity", "danger")
        self.error.setWordWrap(True)
        self.error.setContentsMargins(10, 6, 10, 6)
        self.error.setVisible(False)
        layout.addWidget(self.error)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for dependent in (self.repeat_sound, *self.channel_sound.values()):
            self.sound.toggled.connect(dependent.setEnabled)
            dependent.setEnabled(settings.sound)

    def _choose_ca(self) -> None:
        # open(), not exec(): the loop keeps running while the agent picks a file.
        self.ca_chooser = QFileDialog(
            self,
            translate("Settings", "CA certificate"),
            self.ca_path.text(),
            translate("Settings", "Certificates (*.pem *.crt *.cer);;All (*)"),
        )
        self.ca_chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        self.ca_chooser.fileSelected.connect(self.ca_path.setText)
        self.ca_chooser.open()

    def set_self_test_result(self, text: str) -> None:
        self.self_test.setText(
            translate("Settings", "Notification self-test: {result}").format(result=text)
        )

    def value(self) -> Settings:
        """The edited settings; raises `SettingsError` when a field is invalid."""
        return self._original.with_changes(
            notification_mode=NotificationMode(self.mode.currentData()),
            sound=self.sound.isChecked(),
            repeat_sound=self.repeat_sound.isChecked(),
            ladder=self.ladder.value(),
            server_url=self.server_url.text().strip(),
            user=self.user.text().strip(),
            ca_path=_checked_ca(self.ca_path.text().strip()),
            # Only what differs from "follow the sound switch" is stored, plus what was stored.
            channel_sound={
                channel: box.isChecked()
                for channel, box in self.channel_sound.items()
                if not box.isChecked() or channel in self._original.channel_sound
            },
        )

    def accept(self) -> None:
        try:
            settings = self.value()
        except SettingsError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        self.error.setVisible(False)
        super().accept()
        self.settings_accepted.emit(settings)
        preferences = Preferences(
            message_notices=self.message_notices.isChecked(),
            language=str(self.language.currentData()),
        )
        if preferences != self._preferences:
            self.preferences_accepted.emit(preferences)


def _checked_ca(path: str) -> str | None:
    """The CA file if it holds certificates the TLS library accepts; else a `SettingsError`."""
    if not path:
        return None
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except FileNotFoundError:
        raise SettingsError(
            translate("Settings", "CA certificate: no file at {path}").format(path=path)
        ) from None
    except (OSError, ssl.SSLError, ValueError) as exc:
        raise SettingsError(
            translate("Settings", "CA certificate: {path} is not a PEM certificate ({why})").format(
                path=path, why=exc
            )
        ) from None
    return path


def language_combo(preference: str) -> QComboBox:
    """System default, then each language named in itself; applies at the next start."""
    combo = QComboBox()
    combo.addItem(translate("Settings", "System default"), "")
    for code, name in LANGUAGES.items():
        combo.addItem(name, code)
    combo.setCurrentIndex(max(0, combo.findData(preference)))
    combo.setToolTip(
        translate("Settings", "The language of the app; it changes when the app starts next.")
    )
    combo.setAccessibleDescription(
        translate("Settings", "The language of the app; it changes when the app starts next.")
    )
    return combo
