"""The in-app notification: one card per pending offer, with its countdown and decision buttons."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.vocabulary import OfferId
from agent_desktop.session.state import AnswerStatus, PendingOffer
from agent_desktop.ui.theme import channel_icon
from agent_desktop.ui.widgets.wording import CHANNEL_LABELS, countdown_text

URGENT_SECONDS = 10.0
"""Below this the countdown turns red."""

_ANSWER_TEXT = {
    AnswerStatus.WAITING_FOR_LINK: "Accepting… reconnecting",
    AnswerStatus.SENDING: "Accepting…",
}


class OfferCard(QFrame):
    """One offer: title, up to four template fields, countdown, Accept / Reject.

    The countdown counts down to the offer's local deadline (`expires_at` corrected by the
    clock offset, computed by the core). With `show_timeout` false it still runs, hidden.

    Signals:
        accept_requested(str): the agent accepted (or opened) this offer.
        reject_requested(str): the agent rejected this offer.
    """

    accept_requested = Signal(str)
    reject_requested = Signal(str)

    def __init__(self, offer: PendingOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offerCard")
        self.offer_id: OfferId = offer.offer_id
        self.pending = offer
        notification = offer.offer.notification
        work = offer.offer.work

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)

        header = QHBoxLayout()
        header.setSpacing(8)
        icon = QLabel()
        icon.setPixmap(channel_icon(work.channel).pixmap(20, 20))
        icon.setToolTip(CHANNEL_LABELS[work.channel])
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(notification.title)
        self.title.setObjectName("offerTitle")
        self.title.setWordWrap(True)
        header.addWidget(self.title, 1)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setAccessibleName("Time left to answer")
        header.addWidget(self.countdown, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        fields = QFormLayout()
        fields.setContentsMargins(28, 0, 0, 0)
        fields.setHorizontalSpacing(12)
        fields.setVerticalSpacing(2)
        self.field_labels: list[tuple[str, str]] = []
        for field in notification.fields[:4]:
            name = QLabel(field.label)
            name.setProperty("muted", True)
            value = QLabel(field.value)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            fields.addRow(name, value)
            self.field_labels.append((field.label, field.value))
        layout.addLayout(fields)

        self.progress = QProgressBar()
        self.progress.setObjectName("countdownBar")
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 1000)
        self.progress.setFixedHeight(4)
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.reject_button: QPushButton | None = None
        if notification.reject_label is not None:
            self.reject_button = QPushButton(notification.reject_label)
            self.reject_button.setProperty("danger", True)
            self.reject_button.clicked.connect(self._on_reject)
            buttons.addWidget(self.reject_button)
        self.accept_button = QPushButton(notification.accept_label)
        self.accept_button.setProperty("primary", True)
        self.accept_button.setDefault(True)
        self.accept_button.clicked.connect(self._on_accept)
        buttons.addWidget(self.accept_button)
        layout.addLayout(buttons)
        self.answer_status = QLabel(_ANSWER_TEXT[offer.answer] if offer.answer else "")
        self.answer_status.setObjectName("answerStatus")
        self.answer_status.setAccessibleName("Your answer")
        self.answer_status.setVisible(offer.answer is not None)
        buttons.insertWidget(0, self.answer_status)
        if offer.accepting:
            # The accept is on its way (or waits for the link): a second press or a reject
            # would contradict what the agent already chose.
            self.accept_button.setEnabled(False)
            if self.reject_button is not None:
                self.reject_button.setEnabled(False)

        shows = offer.show_countdown
        self.countdown.setVisible(shows)
        self.progress.setVisible(shows)

    def _on_accept(self) -> None:
        self.accept_requested.emit(self.offer_id)

    def _on_reject(self) -> None:
        self.reject_requested.emit(self.offer_id)

    def update_clock(self, now: float) -> bool:
        """Refresh the countdown; False once the offer has expired (the card should go)."""
        remaining = self.pending.remaining(now)
        if remaining <= 0:
            return False
        total = self.pending.offer.notification.wait_time_s or (
            self.pending.offer.expires_at - self.pending.offer.offered_at
        )
        self.countdown.setText(countdown_text(remaining))
        urgent = remaining <= URGENT_SECONDS
        if self.countdown.property("urgent") != urgent:
            self.countdown.setProperty("urgent", urgent)
            self.countdown.style().unpolish(self.countdown)
            self.countdown.style().polish(self.countdown)
        fraction = min(1.0, remaining / total) if total > 0 else 0.0
        self.progress.setValue(round(fraction * 1000))
        return True


class OfferList(QWidget):
    """Every pending offer as a card, newest at the top; a card is removed at its deadline.

    The shell calls `show_state(state.offers)` on each state change and `update_clock(now)` every
    second. `accept_newest_action` (Ctrl+Enter) and `reject_newest_action` (Ctrl+Shift+R) are
    for the shell to add to its main window.

    Signals:
        accept_requested(str): accept (or open) the offer with this id.
        reject_requested(str): reject the offer with this id.
        keyboard_released(): a card that had the keyboard focus went away.
    """

    accept_requested = Signal(str)
    reject_requested = Signal(str)
    keyboard_released = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 8, 8, 0)
        self._layout.setSpacing(8)
        self._cards: dict[OfferId, OfferCard] = {}
        self._now: float | None = None
        self.accept_newest_action = QAction("Accept newest offer", self)
        self.accept_newest_action.setShortcuts(
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
        )
        self.accept_newest_action.triggered.connect(self._accept_newest)
        self.reject_newest_action = QAction("Reject newest offer", self)
        self.reject_newest_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.reject_newest_action.triggered.connect(self._reject_newest)
        self.setVisible(False)
        self._sync_actions()

    def show_state(self, offers: Sequence[PendingOffer], now: float | None = None) -> None:
        if now is not None:
            self._now = now
        wanted = {o.offer_id: o for o in offers}
        for offer_id in list(self._cards):
            if offer_id not in wanted or wanted[offer_id] != self._cards[offer_id].pending:
                self._drop(offer_id)
        newest_first = sorted(offers, key=lambda o: o.offer.offered_at, reverse=True)
        for position, offer in enumerate(newest_first):
            card = self._cards.get(offer.offer_id)
            if card is None:
                if self._now is not None and offer.remaining(self._now) <= 0:
                    continue
                card = OfferCard(offer)
                card.accept_requested.connect(self.accept_requested)
                card.reject_requested.connect(self.reject_requested)
                self._cards[offer.offer_id] = card
            self._layout.insertWidget(position, card)
        if self._now is not None:
            self.update_clock(self._now)
        self._sync_actions()

    def update_clock(self, now: float) -> None:
        self._now = now
        for offer_id, card in list(self._cards.items()):
            if not card.update_clock(now):
                self._drop(offer_id)
        self._sync_actions()

    def cards(self) -> list[OfferCard]:
        """The visible cards, newest first."""
        items = (self._layout.itemAt(i) for i in range(self._layout.count()))
        return [w for w in (item.widget() for item in items if item) if isinstance(w, OfferCard)]

    def card(self, offer_id: OfferId) -> OfferCard | None:
        return self._cards.get(offer_id)

    def _drop(self, offer_id: OfferId) -> None:
        card = self._cards.pop(offer_id)
        focus = QApplication.focusWidget()
        had_keyboard = focus is not None and card.isAncestorOf(focus)
        self._layout.removeWidget(card)
        card.hide()
        card.deleteLater()
        if had_keyboard:
            # Qt hands the focus to the next widget in the tab chain (a toast's close button,
            # an alert's Dismiss), where the next Space or Enter would act: the shell decides.
            self.keyboard_released.emit()

    def _newest(self) -> OfferCard | None:
        cards = self.cards()
        return cards[0] if cards else None

    def _sync_actions(self) -> None:
        newest = self._newest()
        self.setVisible(newest is not None)
        self.accept_newest_action.setEnabled(newest is not None)
        self.reject_newest_action.setEnabled(
            newest is not None and newest.reject_button is not None
        )

    def _accept_newest(self) -> None:
        newest = self._newest()
        if newest is not None:
            self.accept_requested.emit(newest.offer_id)

    def _reject_newest(self) -> None:
        newest = self._newest()
        if newest is not None and newest.reject_button is not None:
            self.reject_requested.emit(newest.offer_id)
