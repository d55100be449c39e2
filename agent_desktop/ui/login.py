"""The sign-in dialog: server, user and password, with the reason the last try failed.

It remembers the server and user (they come from the settings); the password is never stored.
Opened with `open()` (never `exec()` inside a coroutine); the shell hears `submitted`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.ui.theme import app_icon


def as_sentence(text: str) -> str:
    """A capital first letter and a full stop, whoever wrote it."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


class LoginDialog(QDialog):
    """Signals:
    submitted(Settings, str): valid server and user (as settings) and the typed password.
    settings_requested(): the agent wants the settings (a CA certificate for wss://).
    """

    submitted = Signal(object, str)
    settings_requested = Signal()

    def __init__(
        self, settings: Settings, problem: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle("Sign in — Agent Desktop")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        heading = QLabel("Sign in to your contact center")
        heading.setProperty("heading", True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.server_url = QLineEdit(settings.server_url)
        self.server_url.setPlaceholderText("wss://contact-center.example.com")
        self.user = QLineEdit(settings.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Server", self.server_url)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("alertRow")
        self.error.setProperty("severity", "danger")
        self.error.setWordWrap(True)
        self.error.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.error)
        self.show_problem(problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        self.settings_button = self.buttons.addButton(
            "Settings…", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.settings_button.clicked.connect(self.settings_requested)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.password if settings.user else self.user).setFocus()

    def set_settings(self, settings: Settings) -> None:
        """Settings changed while the dialog is open (e.g. a CA added): sign in with them."""
        self._settings = settings
        self.server_url.setText(settings.server_url)
        self.user.setText(settings.user)

    def show_problem(self, problem: str | None) -> None:
        """Why the last try failed, in the error colour, as a sentence (servers send
        "unknown user or wrong password")."""
        self._show(as_sentence(problem) if problem else problem, "danger")

    def show_note(self, note: str) -> None:
        """What to do when nothing has failed (the first sign-in), in a calm colour."""
        self._show(note, "info")

    def _show(self, text: str | None, severity: str) -> None:
        self.error.setText(text or "")
        self.error.setVisible(bool(text))
        if self.error.property("severity") != severity:
            self.error.setProperty("severity", severity)
            self.error.style().unpolish(self.error)
            self.error.style().polish(self.error)

    def accept(self) -> None:
        if not self.user.text().strip():
            self.show_problem("Enter your user name.")
            return
        if not self.password.text():
            self.show_problem("Enter your password.")
            return
        try:
            settings = self._settings.with_changes(
                server_url=self.server_url.text().strip(), user=self.user.text().strip()
            )
        except SettingsError as exc:
            self.show_problem(str(exc))
            return
        password = self.password.text()
        self.password.clear()
        super().accept()
        self.submitted.emit(settings, password)
