"""Help ▸ About: what runs (app, Qt, Python, the server), and where the logs are.

Support asks for these first. The server's version is its `welcome` reply to `hello`, asked on
a short connection of its own (no login): the agent's link is left alone, and a server that is
down says so instead of holding the dialog up.
"""

from __future__ import annotations

import asyncio
import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.identity import APP_NAME, HOMEPAGE, VERSION
from agent_desktop.protocol.codec import PROTOCOL_VERSION
from agent_desktop.protocol.messages import Hello, Welcome
from agent_desktop.session.link import describe, open_link, ssl_context_for
from agent_desktop.ui.diagnostics import FATAL_LOG, crash_logs
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.places import config_dir, log_dir

SERVER_ASK_TIMEOUT_S = 5.0


async def ask_server_version(
    url: str, ca_path: str | None = None, timeout_s: float = SERVER_ASK_TIMEOUT_S
) -> str:
    """The server's name and version from its welcome, e.g. "agent-desktop-server/0.1.0"."""
    async with (
        asyncio.timeout(timeout_s),
        open_link(
            url,
            on_event=lambda _event: None,
            ssl_context=ssl_context_for(url, ca_path),
            open_timeout=timeout_s,
            ping_interval=None,
            ping_timeout=None,
            request_timeout=timeout_s,
        ) as (link, _reader),
    ):
        hello = Hello(id="about-1", versions=[PROTOCOL_VERSION], client=f"agent-desktop/{VERSION}")
        welcome = await link.call(hello, Welcome)
        await link.close()
    return translate("About", "{server} (protocol {version})").format(
        server=welcome.server, version=welcome.version
    )


class AboutDialog(QDialog):
    """Open with `open()`; `server_version` fills in when the server answers."""

    def __init__(
        self,
        server_url: str,
        ca_path: str | None = None,
        parent: QWidget | None = None,
        *,
        logs: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("About", "About {app}").format(app=APP_NAME))
        self.logs = logs or log_dir()
        self._server_url = server_url
        self._ca_path = ca_path
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{APP_NAME}</b> {VERSION}")
        layout.addWidget(title)
        form = QFormLayout()
        self.qt_version = QLabel(f"{qVersion()} (PySide6 {pyside_version})")
        self.python_version = QLabel(f"{platform.python_version()} on {platform.platform()}")
        self.server_version = QLabel(
            translate("About", "asking…") if server_url else translate("About", "no server set")
        )
        self.server_version.setWordWrap(True)
        form.addRow("Qt", self.qt_version)
        form.addRow("Python", self.python_version)
        form.addRow(translate("About", "Server"), self.server_version)
        form.addRow(translate("About", "Settings"), _path_label(config_dir()))
        form.addRow(translate("About", "Logs"), _path_label(self.logs))
        self.crashes = QLabel(self._crash_summary())
        self.crashes.setWordWrap(True)
        form.addRow(translate("About", "Crash logs"), self.crashes)
        layout.addLayout(form)
        layout.addWidget(QLabel(f'<a href="{HOMEPAGE}">{HOMEPAGE}</a>', openExternalLinks=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_logs = QPushButton(translate("About", "Open log folder"))
        self.open_logs.clicked.connect(self._open_logs)
        self.copy = QPushButton(translate("About", "Copy details"))
        self.copy.clicked.connect(self._copy_details)
        buttons.addButton(self.open_logs, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._asking: asyncio.Task[None] | None = None
        self.finished.connect(self._stop_asking)

    def open(self) -> None:
        super().open()
        if self._server_url and self._asking is None:
            self._asking = asyncio.get_event_loop().create_task(self._ask())

    async def _ask(self) -> None:
        try:
            text = await ask_server_version(self._server_url, self._ca_path)
        except asyncio.CancelledError:
            raise
        except TimeoutError:
            text = translate("About", "no answer from {url} within {seconds} s").format(
                url=self._server_url, seconds=f"{SERVER_ASK_TIMEOUT_S:g}"
            )
        except Exception as exc:  # any failure only means "unknown" here; say why
            text = translate("About", "not reachable at {url} ({why})").format(
                url=self._server_url, why=describe(exc)
            )
        self.server_version.setText(text)

    def _stop_asking(self) -> None:
        if self._asking is not None and not self._asking.done():
            self._asking.cancel()

    def _crash_summary(self) -> str:
        crashes = crash_logs(self.logs)
        fatal = self.logs / FATAL_LOG
        parts = [
            translate("About", "{count}, newest {name}").format(
                count=len(crashes), name=crashes[0].name
            )
            if crashes
            else translate("About", "none")
        ]
        if fatal.is_file() and fatal.stat().st_size:
            parts.append(
                translate("About", "hard crashes recorded in {path}").format(path=FATAL_LOG)
            )
        return "; ".join(parts)

    def details(self) -> str:
        """Plain text for a support request."""
        return (
            f"{APP_NAME} {VERSION}\nQt {self.qt_version.text()}\n"
            f"Python {self.python_version.text()} ({sys.executable})\n"
            f"Server {self.server_version.text()}\nLogs {self.logs}\n"
            f"Crash logs {self.crashes.text()}\n"
        )

    def _open_logs(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.logs)))

    def _copy_details(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.details())


def _path_label(path: Path) -> QLabel:
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
