"""Admins' portal codes (issue 14): each booking's link code, with Extend, Expire and Block."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.bookings import BookingCode, CodeAction, CodeState
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.widgets.notification_log_view import CHANNEL_WORDS, TYPE_WORDS, when_text
from agent_desktop.ui.widgets.row_table import AnyIndex, RowTableModel

COLUMNS: Final = (
    QT_TRANSLATE_NOOP("BookingCodes", "Code"),
    QT_TRANSLATE_NOOP("BookingCodes", "Booking"),
    QT_TRANSLATE_NOOP("BookingCodes", "Sent in"),
    QT_TRANSLATE_NOOP("BookingCodes", "State"),
    QT_TRANSLATE_NOOP("BookingCodes", "Created"),
    QT_TRANSLATE_NOOP("BookingCodes", "Valid until"),
    QT_TRANSLATE_NOOP("BookingCodes", "Blocked"),
)
STATE_WORDS: Final = {
    CodeState.ACTIVE: QT_TRANSLATE_NOOP("BookingCodes", "Active"),
    CodeState.EXPIRED: QT_TRANSLATE_NOOP("BookingCodes", "Expired"),
    CodeState.BLOCKED: QT_TRANSLATE_NOOP("BookingCodes", "Blocked"),
}
EXTEND_DAYS: Final = 7.0


def _t(text: str) -> str:
    return translate("BookingCodes", text)


def short_code(code: str) -> str:
    """Enough of the code to tell codes apart; the whole code is the row's tooltip."""
    return code if len(code) <= 12 else f"{code[:10]}…"


def sent_in(code: BookingCode) -> str:
    """Which message the code went out in, as the sent log shows it ("Reminder · SMS · Ada ·
    #12"); codes from before each message had its own served all of the booking's earlier
    messages."""
    if code.message_id is None:
        return translate("BookingCodes", "Earlier messages")  # spelled out: lupdate reads it
    parts = [f"#{code.message_id}"]
    if code.contact is not None:
        parts.insert(0, code.contact)
    if code.channel is not None:
        parts.insert(0, translate("NotificationLog", CHANNEL_WORDS[code.channel]))
    if code.notification_type is not None:
        parts.insert(0, translate("NotificationLog", TYPE_WORDS[code.notification_type]))
    return " · ".join(parts)


class BookingCodeModel(RowTableModel[BookingCode]):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("BookingCodes", COLUMNS, parent)

    def set_codes(self, codes: Sequence[BookingCode]) -> None:
        rows = sorted(codes, key=lambda c: (c.booking_id, c.message_id or 0, c.code))
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def code_at(self, row: int) -> BookingCode:
        return self._rows[row]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        code = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return code.code
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            short_code(code.code),
            code.booking_id,
            sent_in(code),
            _t(STATE_WORDS[code.state]),
            when_text(code.created_at),
            when_text(code.expires_at),
            when_text(code.blocked_at),
        )[index.column()]


class BookingCodesView(QWidget):
    """The codes table and the three actions on the selected code.

    Signals:
        action_requested(str, CodeAction): change this code (Extend is by `EXTEND_DAYS`; Block
            only after a second press, as "Block for good").
    block_all_requested(str): block every code of this booking (after a second press too).
    """

    action_requested = Signal(str, object)
    block_all_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        title = QLabel(translate("BookingCodes", "Booking codes"))
        title.setProperty("heading", True)
        layout.addWidget(title)
        explanation = QLabel(
            translate(
                "BookingCodes",
                "Every link sent to a customer carries a code of its own. Extend keeps it valid 7 "
                "more days, Expire ends it now, Block ends it for good.",
            )
        )
        explanation.setWordWrap(True)
        explanation.setProperty("muted", True)
        layout.addWidget(explanation)
        self.model = BookingCodeModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(translate("BookingCodes", "Booking codes"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.table, 1)

        bar = QHBoxLayout()
        self.hint = QLabel(translate("BookingCodes", "Select a code in the table to change it."))
        self.hint.setProperty("muted", True)
        bar.addWidget(self.hint)
        bar.addStretch(1)
        self.extend_button = QPushButton(translate("BookingCodes", "Extend 7 days"))
        self.expire_button = QPushButton(translate("BookingCodes", "Expire"))
        self.block_button = QPushButton(translate("BookingCodes", "Block"))
        for button, action in (
            (self.extend_button, CodeAction.EXTEND),
            (self.expire_button, CodeAction.EXPIRE),
            (self.block_button, CodeAction.BLOCK),
        ):
            button.clicked.connect(lambda _c=False, a=action: self._request(a))
            bar.addWidget(button)
        self.block_all_button = QPushButton(translate("BookingCodes", "Block all of booking"))
        self.block_all_button.clicked.connect(self._request_block_all)
        bar.addWidget(self.block_all_button)
        layout.addLayout(bar)
        self._armed: str | None = None
        """The code whose Block was pressed once: blocking is for good, so it takes a second."""
        self._armed_booking: str | None = None
        """The booking whose Block all was pressed once."""
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._disarm())
        self.model.modelReset.connect(self._enable)
        self._enable()

    def selected(self) -> BookingCode | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.code_at(rows[0].row()) if rows else None

    def select_code(self, code: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.code_at(row).code == code:
                self.table.selectRow(row)
                return

    def show_codes(self, codes: Sequence[BookingCode] | None) -> None:
        chosen = self.selected()
        self.model.set_codes(codes or ())
        if chosen is not None:
            self.select_code(chosen.code)  # a change keeps the row chosen
        self._enable()

    def _disarm(self) -> None:
        self._armed = None
        self._armed_booking = None
        self.block_button.setText(translate("BookingCodes", "Block"))
        self.block_all_button.setText(translate("BookingCodes", "Block all of booking"))
        self.hint.setText(translate("BookingCodes", "Select a code in the table to change it."))
        self._enable()

    def _enable(self) -> None:
        code = self.selected()
        # A blocked code is blocked for good: nothing left to do with it.
        live = code is not None and code.state is not CodeState.BLOCKED
        self.extend_button.setEnabled(live)
        self.expire_button.setEnabled(live and code is not None and code.state is CodeState.ACTIVE)
        self.block_button.setEnabled(live)
        self.block_all_button.setEnabled(code is not None)
        armed = self._armed is not None or self._armed_booking is not None
        self.hint.setVisible(code is None or armed)

    def _request(self, action: CodeAction) -> None:
        code = self.selected()
        if code is None:
            return
        if action is CodeAction.BLOCK and self._armed != code.code:
            self._disarm()
            self._armed = code.code
            self.block_button.setText(translate("BookingCodes", "Block for good"))
            self.hint.setText(
                translate(
                    "BookingCodes",
                    "A blocked code never works again. Press Block for good to block it.",
                )
            )
            self._enable()
            return
        self._disarm()
        self.action_requested.emit(code.code, action)

    def _request_block_all(self) -> None:
        code = self.selected()
        if code is None:
            return
        if self._armed_booking != code.booking_id:
            self._disarm()
            self._armed_booking = code.booking_id
            self.block_all_button.setText(translate("BookingCodes", "Block all for good"))
            self.hint.setText(
                translate(
                    "BookingCodes",
                    "Every link of this booking stops working for good. Press Block all for "
                    "good to block them.",
                )
            )
            self._enable()
            return
        self._disarm()
        self.block_all_requested.emit(code.booking_id)
