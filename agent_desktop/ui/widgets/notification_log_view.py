"""Staff's read-only log of customer notifications (issue 14): filters, failed ones at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.bookings import (
    DeliveryState,
    NotificationChannel,
    NotificationEntry,
    NotificationType,
)
from agent_desktop.session.notification_log import failed_count
from agent_desktop.ui.theme import current_scheme, palette_for

COLUMNS: Final = (
    "Customer",
    "Booking",
    "Type",
    "Channel",
    "State",
    "Attempts",
    "Queued",
    "Sent",
    "Delivered",
    "Provider id",
)
STATE_COLUMN: Final = 4
TYPE_WORDS: Final = {
    NotificationType.REMINDER: "Reminder",
    NotificationType.TRAVELING: "On the way",
    NotificationType.COMPLETED: "Completed",
    NotificationType.RESCHEDULED: "Rescheduled",
    NotificationType.CANCELED: "Canceled",
    NotificationType.RUNNING_LATE: "Running late",
}
STATE_WORDS: Final = {
    DeliveryState.QUEUED: "Queued",
    DeliveryState.SENT: "Sent",
    DeliveryState.DELIVERED: "Delivered",
    DeliveryState.FAILED: "Failed",
    DeliveryState.EXCLUDED: "Not sent",
}
CHANNEL_WORDS: Final = {NotificationChannel.EMAIL: "Email", NotificationChannel.SMS: "SMS"}
SINCE_CHOICES: Final = (
    ("Any time", None),
    ("Last hour", 3600.0),
    ("Last 24 hours", 86_400.0),
    ("Last 7 days", 7 * 86_400.0),
)
"""The date filter: how far back from now the log reaches."""


def failed_colour() -> QColor:
    """The theme's danger colour (chosen for contrast in light, dark and high contrast), looked
    up each time so a theme change while the app runs is followed."""
    return QColor(palette_for(current_scheme()).danger)


AnyIndex = QModelIndex | QPersistentModelIndex


def when_text(at: float | None) -> str:
    return "" if at is None else datetime.fromtimestamp(at).strftime("%d %b %H:%M:%S")


def state_text(entry: NotificationEntry) -> str:
    words = STATE_WORDS[entry.state]
    if entry.state is DeliveryState.FAILED:
        words = f"⚠ {words}"  # seen without reading the colour
    if entry.reason is not None:
        words += f" ({entry.reason.value.replace('_', ' ')})"
    return words


def customer_text(entry: NotificationEntry) -> str:
    """The contact, and the account when it is another name (a company, a household)."""
    if entry.account == entry.contact:
        return entry.contact
    return f"{entry.contact} ({entry.account})"


def channel_text(entry: NotificationEntry) -> str:
    if not entry.address:
        missing = "no address" if entry.channel is NotificationChannel.EMAIL else "no number"
        return f"{CHANNEL_WORDS[entry.channel]} ({missing})"
    return f"{CHANNEL_WORDS[entry.channel]}: {entry.address}"


def cells(entry: NotificationEntry) -> tuple[str, ...]:
    return (
        customer_text(entry),
        entry.booking_id,
        TYPE_WORDS[entry.type],
        channel_text(entry),
        state_text(entry),
        str(entry.attempts),
        when_text(entry.created_at),
        when_text(entry.sent_at),
        when_text(entry.delivered_at),
        entry.provider_id or "",
    )


class NotificationLogModel(QAbstractTableModel):
    """The listed entries, newest first, as the server sent them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[NotificationEntry] = []

    def set_entries(self, entries: Sequence[NotificationEntry]) -> None:
        if list(entries) == self._rows:
            return  # a poll that changed nothing keeps the selection and scroll position
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def entry_at(self, row: int) -> NotificationEntry:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(entry)[index.column()]
        failed = entry.state is DeliveryState.FAILED
        if role == Qt.ItemDataRole.ForegroundRole and failed:
            return QBrush(failed_colour())
        if role == Qt.ItemDataRole.ToolTipRole and entry.last_error:
            return entry.last_error
        return None


class NotificationLogView(QWidget):
    """Filters above the log table; a line that counts the failed messages listed.

    Signals:
        filter_changed(): the user picked another state, type, channel or time span.
    """

    filter_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        title = QLabel("Customer notifications")
        title.setProperty("heading", True)
        layout.addWidget(title)

        bar = QHBoxLayout()
        self.state_filter = self._combo(bar, "State", STATE_WORDS)
        self.type_filter = self._combo(bar, "Type", TYPE_WORDS)
        self.channel_filter = self._combo(bar, "Channel", CHANNEL_WORDS)
        bar.addWidget(QLabel("Since"))
        self.since_filter = QComboBox()
        self.since_filter.setAccessibleName("Since")
        for words, span in SINCE_CHOICES:
            self.since_filter.addItem(words, span)
        self.since_filter.currentIndexChanged.connect(lambda _i: self.filter_changed.emit())
        bar.addWidget(self.since_filter)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.failed = QLabel()
        self.failed.setVisible(False)
        layout.addWidget(self.failed)

        self.model = NotificationLogModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Sent customer notifications")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.table, 1)
        self.empty = QLabel("No customer notifications match the filters.")
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)

    def _combo(self, bar: QHBoxLayout, label: str, words: Mapping[Any, str]) -> QComboBox:
        bar.addWidget(QLabel(label))
        combo = QComboBox()
        combo.setAccessibleName(f"Filter by {label.lower()}")
        combo.addItem("Any", None)
        for value, text in words.items():
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _i: self.filter_changed.emit())
        bar.addWidget(combo)
        return combo

    def since_span(self) -> float | None:
        span = self.since_filter.currentData()
        return float(span) if span is not None else None

    def show_entries(self, entries: Sequence[NotificationEntry] | None) -> None:
        entries = entries or ()
        self.model.set_entries(entries)
        failed = failed_count(tuple(entries))
        self.failed.setStyleSheet(f"color: {failed_colour().name()}; font-weight: bold;")
        self.failed.setText(f"⚠ {failed} failed: not delivered and not retried" if failed else "")
        self.failed.setVisible(bool(failed))
        self.empty.setVisible(not entries)
