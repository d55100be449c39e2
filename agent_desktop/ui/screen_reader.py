"""News spoken by screen readers: new offers, alerts and customer messages.

Widgets that appear are not read out by themselves; Qt's announcement event goes through the
platform's accessibility bridge (AT-SPI, UI Automation, NSAccessibility) to the screen reader.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget

KEPT = 20


class ScreenReader:
    """Announces short sentences; `said` keeps the latest few (what was announced, in order)."""

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self.said: deque[str] = deque(maxlen=KEPT)

    def announce(self, text: str, *, urgent: bool = False) -> None:
        """Urgent news (an offer with a deadline, an alert) interrupts; the rest waits its turn."""
        event = QAccessibleAnnouncementEvent(self._window, text)
        event.setPoliteness(
            QAccessible.AnnouncementPoliteness.Assertive
            if urgent
            else QAccessible.AnnouncementPoliteness.Polite
        )
        QAccessible.updateAccessibility(event)
        self.said.append(text)
