"""Staff's read-only log of customer notifications (issue 14): filters, failed ones at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from PySide6.QtCore import (
    QDateTime,
    QLocale,
    Qt,
    Signal,
)
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
    NotificationReason,
    NotificationType,
)
from agent_desktop.session.notification_log import failed_count
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.theme import current_scheme, palette_for
from agent_desktop.ui.widgets.row_table import AnyIndex, RowTableModel

COLUMNS: Final = (
    QT_TRANSLATE_NOOP("NotificationLog", "Customer"),
    QT_TRANSLATE_NOOP("NotificationLog", "Booking"),
    QT_TRANSLATE_NOOP("NotificationLog", "Type"),
    QT_TRANSLATE_NOOP("NotificationLog", "Channel"),
    QT_TRANSLATE_NOOP("NotificationLog", "State"),
    QT_TRANSLATE_NOOP("NotificationLog", "Attempts"),
    QT_TRANSLATE_NOOP("NotificationLog", "Queued"),
    QT_TRANSLATE_NOOP("NotificationLog", "Sent"),
    QT_TRANSLATE_NOOP("NotificationLog", "Delivered"),
    QT_TRANSLATE_NOOP("NotificationLog", "Provider id"),
)
STATE_COLUMN: Final = 4
TYPE_WORDS: Final = {
    NotificationType.REMINDER: QT_TRANSLATE_NOOP("NotificationLog", "Reminder"),
    NotificationType.TRAVELING: QT_TRANSLATE_NOOP("NotificationLog", "On the way"),
    NotificationType.COMPLETED: QT_TRANSLATE_NOOP("NotificationLog", "Completed"),
    NotificationType.RESCHEDULED: QT_TRANSLATE_NOOP("NotificationLog", "Rescheduled"),
    NotificationType.CANCELED: QT_TRANSLATE_NOOP("NotificationLog", "Canceled"),
    NotificationType.RUNNING_LATE: QT_TRANSLATE_NOOP("NotificationLog", "Running late"),
}
STATE_WORDS: Final = {
    DeliveryState.QUEUED: QT_TRANSLATE_NOOP("NotificationLog", "Queued"),
    DeliveryState.SENT: QT_TRANSLATE_NOOP("NotificationLog", "Sent"),
    DeliveryState.DELIVERED: QT_TRANSLATE_NOOP("NotificationLog", "Delivered"),
    DeliveryState.FAILED: QT_TRANSLATE_NOOP("NotificationLog", "Failed"),
    DeliveryState.EXCLUDED: QT_TRANSLATE_NOOP("NotificationLog", "Not sent"),
}
CHANNEL_WORDS: Final = {
    NotificationChannel.EMAIL: QT_TRANSLATE_NOOP("NotificationLog", "Email"),
    NotificationChannel.SMS: QT_TRANSLATE_NOOP("NotificationLog", "SMS"),
}
REASON_WORDS: Final = {
    NotificationReason.ACCOUNT_EXCLUDED: QT_TRANSLATE_NOOP("NotificationLog", "account excluded"),
    NotificationReason.WORK_ORDER_TYPE_EXCLUDED: QT_TRANSLATE_NOOP(
        "NotificationLog", "work order type excluded"
    ),
    NotificationReason.OPTED_OUT: QT_TRANSLATE_NOOP("NotificationLog", "opted out"),
    NotificationReason.SMS_STOP: QT_TRANSLATE_NOOP("NotificationLog", "replied STOP"),
    NotificationReason.NO_ADDRESS: QT_TRANSLATE_NOOP("NotificationLog", "no address"),
    NotificationReason.CHANNEL_OFF: QT_TRANSLATE_NOOP("NotificationLog", "channel off"),
    NotificationReason.BOOKING_ENDED: QT_TRANSLATE_NOOP("NotificationLog", "booking ended"),
    NotificationReason.NO_LONGER_MOVED: QT_TRANSLATE_NOOP("NotificationLog", "no longer moved"),
    NotificationReason.PERMANENT_FAILURE: QT_TRANSLATE_NOOP("NotificationLog", "permanent failure"),
    NotificationReason.ATTEMPTS_EXHAUSTED: QT_TRANSLATE_NOOP(
        "NotificationLog", "attempts exhausted"
    ),
    NotificationReason.UNDELIVERED: QT_TRANSLATE_NOOP("NotificationLog", "not delivered"),
}
SINCE_CHOICES: Final = (
    (QT_TRANSLATE_NOOP("NotificationLog", "Any time"), None),
    (QT_TRANSLATE_NOOP("NotificationLog", "Last hour"), 3600.0),
    (QT_TRANSLATE_NOOP("NotificationLog", "Last 24 hours"), 86_400.0),
    (QT_TRANSLATE_NOOP("NotificationLog", "Last 7 days"), 7 * 86_400.0),
)
"""The date filter: how far back from now the log reaches."""


def failed_colour() -> QColor:
    """The theme's danger colour (chosen for contrast in light, dark and high contrast), looked
    up each time so a theme change while the app runs is followed."""
    return QColor(palette_for(current_scheme()).danger)


def _t(text: str) -> str:
    return translate("NotificationLog", text)


def when_text(at: float | None) -> str:
    """Date and time in the local zone, in the locale's short format (e.g. "26.11.26 14:05")."""
    if at is None:
        return ""
    moment = QDateTime.fromMSecsSinceEpoch(round(at * 1000))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def state_text(entry: NotificationEntry) -> str:
    words = _t(STATE_WORDS[entry.state])
    if entry.state is DeliveryState.FAILED:
        words = f"⚠ {words}"  # seen without reading the colour
    if entry.reason is not None:
        words += f" ({_t(REASON_WORDS[entry.reason])})"
    return words


def customer_text(entry: NotificationEntry) -> str:
    """The contact, and the account when it is another name (a company, a household)."""
    if entry.account == entry.contact:
        return entry.contact
    return f"{entry.contact} ({entry.account})"


def channel_text(entry: NotificationEntry) -> str:
    if not entry.address:
        email = entry.channel is NotificationChannel.EMAIL
        missing = (
            translate("NotificationLog", "no address")
            if email
            else translate("NotificationLog", "no number")
        )
        return f"{_t(CHANNEL_WORDS[entry.channel])} ({missing})"
    return f"{_t(CHANNEL_WORDS[entry.channel])}: {entry.address}"


def cells(entry: NotificationEntry) -> tuple[str, ...]:
    return (
        customer_text(entry),
        entry.booking_id,
        _t(TYPE_WORDS[entry.type]),
        channel_text(entry),
        state_text(entry),
        QLocale().toString(entry.attempts),
        when_text(entry.created_at),
        when_text(entry.sent_at),
        when_text(entry.delivered_at),
        entry.provider_id or "",
    )


class NotificationLogModel(RowTableModel[NotificationEntry]):
    """The listed entries, newest first, as the server sent them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("NotificationLog", COLUMNS, parent)

    def set_entries(self, entries: Sequence[NotificationEntry]) -> None:
        if list(entries) == self._rows:
            return  # a poll that changed nothing keeps the selection and scroll position
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def entry_at(self, row: int) -> NotificationEntry:
        return self._rows[row]

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
        title = QLabel(translate("NotificationLog", "Customer notifications"))
        title.setProperty("heading", True)
        layout.addWidget(title)

        bar = QHBoxLayout()
        self.state_filter = self._combo(
            bar,
            translate("NotificationLog", "State"),
            translate("NotificationLog", "Filter by state"),
            STATE_WORDS,
        )
        self.type_filter = self._combo(
            bar,
            translate("NotificationLog", "Type"),
            translate("NotificationLog", "Filter by type"),
            TYPE_WORDS,
        )
        self.channel_filter = self._combo(
            bar,
            translate("NotificationLog", "Channel"),
            translate("NotificationLog", "Filter by channel"),
            CHANNEL_WORDS,
        )
        bar.addWidget(QLabel(translate("NotificationLog", "Since")))
        self.since_filter = QComboBox()
        self.since_filter.setAccessibleName(translate("NotificationLog", "Since"))
        for words, span in SINCE_CHOICES:
            self.since_filter.addItem(_t(words), span)
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
        self.table.setAccessibleName(translate("NotificationLog", "Sent customer notifications"))
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
        self.empty = QLabel(
            translate("NotificationLog", "No customer notifications match the filters.")
        )
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)

    def _combo(
        self, bar: QHBoxLayout, label: str, name: str, words: Mapping[Any, str]
    ) -> QComboBox:
        bar.addWidget(QLabel(label))
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem(translate("NotificationLog", "Any"), None)
        for value, text in words.items():
            combo.addItem(_t(text), value)
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
        text = translate(
            "NotificationLog", "⚠ {count} failed: not delivered and not retried"
        ).format(count=QLocale().toString(failed))
        self.failed.setText(text if failed else "")
        self.failed.setVisible(bool(failed))
        self.empty.setVisible(not entries)
