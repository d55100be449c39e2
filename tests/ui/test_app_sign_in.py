"""Signing in for the first time: the dialog says clearly why it failed and what to do.

A wrong password, a server that cannot be reached and a certificate that is not trusted each
end in the sign-in dialog with the reason (no silent retrying), and the agent gets online from
there.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import RunningServer, running_server
from agent_desktop.session.settings import Settings
from agent_desktop.session.state import LinkStatus
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.login import LoginDialog
from agent_desktop.ui.settings_store import SettingsStore
from agent_desktop.ui.sign_in_problem import sign_in_problem
from agent_desktop.ui.widgets.settings_dialog import SettingsDialog
from tests.ui.app_harness import WAIT_S, eventually
from tests.wire import self_signed_cert

pytestmark = pytest.mark.integration


@asynccontextmanager
async def app_without_password(folder: Path, url: str) -> AsyncIterator[DesktopApp]:
    """The app started with a user but no password or token: it opens the sign-in dialog."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    settings = Settings(server_url=url, user="alice", sound=False)
    desktop = DesktopApp(
        app, SettingsStore(folder / "config"), StartOptions(settings, keep_token=False)
    )
    running = asyncio.create_task(desktop.run())
    try:
        yield desktop
    finally:
        desktop.quit()
        await asyncio.wait_for(running, WAIT_S)
        desktop.window.deleteLater()


async def sign_in_dialog(desktop: DesktopApp, says: str) -> LoginDialog:
    await eventually(
        lambda: desktop._login is not None and says in desktop._login.error.text(),
        f"the sign-in dialog says {says!r}",
    )
    dialog = desktop._login
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    return dialog


def sign_in(dialog: LoginDialog, password: str, server_url: str | None = None) -> None:
    if server_url is not None:
        dialog.server_url.setText(server_url)
    dialog.password.setText(password)
    dialog.accept()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def server(demo_config: ServerConfig) -> AsyncIterator[RunningServer]:
    async with running_server(demo_config) as running:
        yield running


async def test_a_wrong_password_typed_in_the_dialog_says_so_and_the_right_one_signs_in(
    server: RunningServer, tmp_path: Path
) -> None:
    async with app_without_password(tmp_path, server.url) as desktop:
        dialog = await sign_in_dialog(desktop, "password")
        sign_in(dialog, "not-my-password")
        dialog = await sign_in_dialog(desktop, "password")
        assert desktop.core.state.connection.status is LinkStatus.AUTH_FAILED
        assert dialog.password.text() == "", "the wrong password is not kept in the field"
        sign_in(dialog, "demo")
        await desktop.core.wait_for(lambda s: s.online, WAIT_S)
        assert desktop._login is None


async def test_an_unreachable_server_is_named_in_the_dialog_instead_of_retrying(
    server: RunningServer, tmp_path: Path
) -> None:
    nowhere = f"ws://127.0.0.1:{closed_port()}"
    async with app_without_password(tmp_path, nowhere) as desktop:
        dialog = await sign_in_dialog(desktop, "password")
        sign_in(dialog, "demo")
        dialog = await sign_in_dialog(desktop, "Cannot reach")
        assert dialog.error.text().startswith(f"Cannot reach {nowhere}: connection refused")
        # It stopped: no "Reconnecting in N s" behind the dialog.
        await eventually(
            lambda: desktop.core.state.connection.status is LinkStatus.OFFLINE, "stopped trying"
        )
        assert "Reconnecting" not in desktop.window.status.connection.text()

        sign_in(dialog, "demo", server_url=server.url)  # the agent corrects the address
        # A new server means a new core: wait on whichever core the app has.
        await eventually(lambda: desktop.core.state.online, "online at the right address")
        state = desktop.core.state
        assert state.identity is not None
        assert state.identity.user == "alice"
        saved = json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))
        assert saved["server_url"] == server.url


async def test_an_untrusted_certificate_says_so_and_a_ca_added_in_settings_signs_in(
    demo_config: ServerConfig, tmp_path: Path
) -> None:
    cert, key = self_signed_cert(tmp_path / "tls")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    async with (
        running_server(demo_config, ssl=context) as server,
        app_without_password(tmp_path, server.url) as desktop,
    ):
        assert server.url.startswith("wss://")
        dialog = await sign_in_dialog(desktop, "password")
        sign_in(dialog, "demo")
        dialog = await sign_in_dialog(desktop, "certificate")
        assert dialog.error.text().startswith(
            "The server's certificate is not trusted (self-signed certificate)."
        )
        assert "CA certificate in Settings" in dialog.error.text()
        await eventually(
            lambda: desktop.core.state.connection.status is LinkStatus.OFFLINE, "stopped trying"
        )

        dialog.settings_button.click()
        await eventually(lambda: desktop._settings_dialog is not None, "the settings open")
        settings_dialog = desktop._settings_dialog
        assert settings_dialog is not None
        settings_dialog.ca_path.setText(str(cert))
        settings_dialog.accept()
        saved = json.loads((tmp_path / "config" / "settings.json").read_text(encoding="utf-8"))
        assert saved["ca_path"] == str(cert)

        sign_in(dialog, "demo")
        await eventually(lambda: desktop.core.state.online, "online over TLS with the CA")
        assert desktop.core.state.identity is not None
        assert desktop.core.settings.ca_path == str(cert)


def test_a_file_that_is_not_a_certificate_is_refused_in_settings(tmp_path: Path) -> None:
    not_a_cert = tmp_path / "notes.pem"
    not_a_cert.write_text("hello", encoding="utf-8")
    dialog = SettingsDialog(Settings(user="alice"))
    try:
        accepted: list[Settings] = []
        dialog.settings_accepted.connect(accepted.append)
        dialog.ca_path.setText(str(not_a_cert))
        dialog.accept()
        assert accepted == []
        assert "not a PEM certificate" in dialog.error.text()
        dialog.ca_path.setText(str(tmp_path / "missing.pem"))
        dialog.accept()
        assert "no file at" in dialog.error.text()
        dialog.ca_path.setText("")
        dialog.accept()
        assert len(accepted) == 1
        assert accepted[0].ca_path is None
    finally:
        dialog.deleteLater()


@pytest.mark.parametrize(
    ("detail", "said"),
    [
        # The texts Python and the OS give on Linux (captured from real attempts).
        ("[Errno 111] Connect call failed ('127.0.0.1', 9)", "Cannot reach U: connection refused"),
        ("[Errno -2] Name or service not known", "Cannot reach U: the server name is not known"),
        ("[Errno 101] Network is unreachable", "Cannot reach U: the network is unreachable"),
        ("timed out during opening handshake", "Cannot reach U: the server did not answer"),
        (
            "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)",
            "Cannot reach U: the server does not speak TLS",
        ),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has "
            "expired (_ssl.c:1006)",
            "The server's certificate is not trusted (certificate has expired).",
        ),
        ("something new", "Cannot sign in at U: something new"),
    ],
)
def test_each_way_of_not_reaching_the_server_reads_plainly(detail: str, said: str) -> None:
    assert sign_in_problem("U", detail).startswith(said)
