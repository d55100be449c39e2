"""The status bar's connection state and the notification path found by the self-test."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from agent_desktop.protocol.vocabulary import Presence
from agent_desktop.session.state import Connection, LinkStatus
from agent_desktop.ui.widgets.wording import connection_text

_DOT_PRESENCE = {
    LinkStatus.ONLINE: Presence.AVAILABLE,
    LinkStatus.CONNECTING: Presence.AWAY,
    LinkStatus.RECONNECTING: Presence.AWAY,
    LinkStatus.OFFLINE: Presence.OFFLINE,
    LinkStatus.AUTH_FAILED: Presence.BUSY_DND,
}
"""The dot borrows presence colours: green online, amber on the way, red refused."""


class StatusBarWidget(QWidget):
    """ "Online" / "Reconnecting in 4 s" / "Offline" / "Sign-in failed", and the notification path.

    The shell calls `show_state(state.connection, now)` on changes and every second while
    reconnecting. No signals.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(6)
        self.dot = QLabel("●")
        self.dot.setObjectName("presenceDot")
        self.connection = QLabel()
        self.connection.setAccessibleName("Connection")
        self.notification_path = QLabel()
        self.notification_path.setProperty("muted", True)
        layout.addWidget(self.dot)
        layout.addWidget(self.connection)
        layout.addStretch(1)
        layout.addWidget(self.notification_path)
        self.show_state(Connection(), 0.0)

    def show_state(self, connection: Connection, now: float, *, tried: bool = True) -> None:
        """`tried` False: no sign-in was attempted yet, so nothing "failed"."""
        refused = connection.status is LinkStatus.AUTH_FAILED
        if refused and not tried:
            self.connection.setText("Not signed in")
            self.connection.setToolTip("")
            presence = Presence.OFFLINE
        else:
            self.connection.setText(connection_text(connection, now))
            self.connection.setToolTip(connection.detail)
            presence = _DOT_PRESENCE[connection.status]
        if self.dot.property("presence") != presence.value:
            self.dot.setProperty("presence", presence.value)
            self.dot.style().unpolish(self.dot)
            self.dot.style().polish(self.dot)

    def set_notification_path(self, text: str) -> None:
        self.notification_path.setText(text)
