"""A session's tab page: light until the agent first looks at it, then the full `SessionView`.

Ten auto-accepted sessions can arrive in one state. Building ten full views (customer panel,
transcript, reply box, buttons, each styled) in one turn of the loop stalled the app for
100-300 ms, so a tab starts as this page with only the session's name and the newest state;
`SessionTabs` builds the view when the tab is first shown, and the page hands it everything
that arrived in the meantime.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from agent_desktop.protocol.model import Session
from agent_desktop.protocol.vocabulary import Channel, SessionId
from agent_desktop.session.state import OutgoingMessage
from agent_desktop.ui.i18n import translate
from agent_desktop.ui.widgets.wording import channel_label

if TYPE_CHECKING:  # built (and imported) by SessionTabs when the page is first shown
    from agent_desktop.ui.widgets.session_view import SessionView


class SessionPage(QWidget):
    """Holds one session's newest state, and its `SessionView` once built."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_id: SessionId = session.session_id
        self.channel: Channel = session.work.channel
        self.session = session
        self.unsent: tuple[OutgoingMessage, ...] = ()
        self.view: SessionView | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        # Seen only if a paint comes before the view is built (the tab shown builds it at once).
        self._placeholder: QLabel | None = QLabel(
            translate("SessionTabs", "Opening the conversation…")
        )
        self._placeholder.setProperty("muted", True)
        self._layout.addWidget(self._placeholder)
        self._describe()

    @property
    def customer_name(self) -> str:
        return self.session.work.customer.name

    def describe(self) -> str:
        """What the session is, for the tab's tooltip and screen readers: "Chat with Ana"."""
        return translate("SessionTabs", "{channel} with {name}").format(
            channel=channel_label(self.channel), name=self.customer_name
        )

    def show_state(self, session: Session, unsent: Sequence[OutgoingMessage]) -> None:
        renamed = session.work.customer.name != self.customer_name
        self.session = session
        self.unsent = tuple(unsent)
        if renamed:
            self._describe()
        if self.view is not None:
            self.view.show_state(session, self.unsent)

    def attach(self, view: SessionView) -> None:
        """Put the built view in place of the placeholder, showing the newest state."""
        view.show_state(self.session, self.unsent)
        if self._placeholder is not None:
            self._layout.removeWidget(self._placeholder)
            self._placeholder.deleteLater()
            self._placeholder = None
        self._layout.addWidget(view)
        # Shown now, not by the layout's queued show: the caller may put the keyboard in it at
        # once, and a hidden widget cannot take the focus.
        view.show()
        self.view = view

    def _describe(self) -> None:
        self.setAccessibleName(self.describe())
