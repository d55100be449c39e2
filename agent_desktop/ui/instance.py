"""One instance per user: a second start hands over to the running app and exits.

A local socket named after the OS user is the lock: the first instance listens on it, a later one
connects, asks the first to come to the front, and quits. A socket left by a crashed instance is
removed and taken over.
"""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_RAISE = b"raise\n"


def _socket_name(scope: str) -> str:
    # Hashing keeps the name short and free of characters some platforms refuse in pipe names.
    digest = hashlib.sha256(f"{getpass.getuser()}:{scope}".encode()).hexdigest()[:16]
    return f"agent-desktop-{digest}"


class SingleInstance(QObject):
    """Signals:
    raise_requested(): another start of the app asked this one to come to the front.
    """

    raise_requested = Signal()

    def __init__(self, scope: str = "app", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = _socket_name(scope)
        self._server: QLocalServer | None = None

    def claim(self, timeout_ms: int = 500) -> bool:
        """True when this is the only instance; False after asking the running one to raise."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(timeout_ms):
            probe.write(_RAISE)
            probe.waitForBytesWritten(timeout_ms)
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)  # a stale socket from a crashed instance
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            return True  # cannot guard (odd platform): better run twice than not at all
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        socket.readyRead.connect(lambda: self._on_ready(socket))

    def _on_ready(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_RAISE.strip()):
            self.raise_requested.emit()
        socket.disconnectFromServer()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
