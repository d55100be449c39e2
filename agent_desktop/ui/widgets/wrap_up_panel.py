"""Wrap-up after a closed session: a countdown, the queue's disposition codes, a note, and
"Extend" and "Done". One card per running wrap-up; the widget renders state and sends intents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_desktop.protocol.depth_messages import NOTE_MAX
from agent_desktop.protocol.model import WrapUp
from agent_desktop.protocol.vocabulary import WorkId
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.widgets.wording import countdown_text

EXTEND_S: Final = 60.0
"""What one press of "Extend" adds."""
NO_DISPOSITION: Final = QT_TRANSLATE_NOOP("WrapUp", "No disposition")
PICK_DISPOSITION: Final = QT_TRANSLATE_NOOP("WrapUp", "Choose a disposition…")
LAST_CALL_S: Final = 10.0
"""Time left at which a screen reader hears, once, that the wrap-up is about to end."""


class WrapUpCard(QFrame):
    """One wrap-up: whose work it was, the time left, disposition, note, Extend and Done.

    Signals:
        extend_requested(str): the work id.
        done_requested(str, object, str): the work id, the disposition (or None) and the note.
    """

    extend_requested = Signal(str)
    done_requested = Signal(str, object, str)

    def __init__(self, wrap_up: WrapUp, title: str) -> None:
        super().__init__()
        self.work_id = wrap_up.work_id
        self.setObjectName("wrapUpCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.title_text = title
        """Whose work it was (the customer's name), as the announcements say it."""
        self.title = QLabel(translate("WrapUp", "Wrap-up: {title}").format(title=title))
        self.title.setProperty("heading", True)
        self.countdown = QLabel()
        self.countdown.setAccessibleName(translate("WrapUp", "Wrap-up time left"))
        top.addWidget(self.title, 1)
        top.addWidget(self.countdown)
        layout.addLayout(top)
        self.disposition = QComboBox()
        self.disposition.setAccessibleName(translate("WrapUp", "Disposition"))
        self.disposition.setAccessibleDescription(
            translate("WrapUp", "The outcome code of the work just finished")
        )
        layout.addWidget(self.disposition)
        self.note = QLineEdit()
        self.note.setMaxLength(NOTE_MAX)
        self.note.setAccessibleName(translate("WrapUp", "Wrap-up note"))
        self.note.setAccessibleDescription(
            translate("WrapUp", "A note on the work just finished, kept in its history")
        )
        layout.addWidget(self.note)
        buttons = QHBoxLayout()
        self.hint = QLabel()
        self.hint.setProperty("muted", True)
        self.hint.setWordWrap(True)
        buttons.addWidget(self.hint, 1)
        self.extend_button = QPushButton(
            translate("WrapUp", "Extend {minutes} min").format(minutes=f"{EXTEND_S / 60:g}")
        )
        self.extend_button.setToolTip(translate("WrapUp", "More time to wrap up"))
        self.extend_button.clicked.connect(self._on_extend)
        self.done_button = QPushButton(translate("WrapUp", "Done"))
        self.done_button.setAccessibleDescription(
            translate("WrapUp", "Finish the wrap-up with this disposition and note")
        )
        self.done_button.setProperty("primary", True)
        self.done_button.clicked.connect(self._on_done)
        buttons.addWidget(self.extend_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self.disposition.currentIndexChanged.connect(self._sync)
        self.note.textChanged.connect(self._sync)
        self._wrap_up = wrap_up
        self.show_wrap_up(wrap_up)

    def show_wrap_up(self, wrap_up: WrapUp) -> None:
        """The deadline moved (extended) or the card is new; a chosen code and note stay."""
        if wrap_up.dispositions != self._wrap_up.dispositions or self.disposition.count() == 0:
            self.disposition.clear()
            first = PICK_DISPOSITION if wrap_up.disposition_required else NO_DISPOSITION
            self.disposition.addItem(translate("WrapUp", first), None)
            for code in wrap_up.dispositions:
                self.disposition.addItem(code, code)
        self.disposition.setVisible(bool(wrap_up.dispositions))
        self.note.setPlaceholderText(
            translate("WrapUp", "Note (required)")
            if wrap_up.note_required
            else translate("WrapUp", "Note (optional)")
        )
        self._wrap_up = wrap_up
        self._sync()

    @property
    def wrap_up(self) -> WrapUp:
        return self._wrap_up

    def show_time_left(self, seconds: float) -> None:
        self.countdown.setText(countdown_text(seconds))
        self.countdown.setProperty("urgent", seconds <= LAST_CALL_S)

    def first_field(self) -> QWidget:
        """Where the keyboard starts: the disposition when the queue has codes, else the note."""
        return self.disposition if self._wrap_up.dispositions else self.note

    def started_text(self, seconds: float) -> str:
        """What a screen reader says when the card appears: whose, how long, what is missing."""
        text = translate("WrapUp", "Wrap-up started for {title}, {time} left.").format(
            title=self.title_text, time=countdown_text(seconds)
        )
        missing = self._missing()
        return f"{text} {missing}" if missing else text

    def chosen_disposition(self) -> str | None:
        data = self.disposition.currentData()
        return str(data) if data else None

    def _missing(self) -> str:
        if self._wrap_up.disposition_required and self.chosen_disposition() is None:
            return translate("WrapUp", "Choose a disposition to finish.")
        if self._wrap_up.note_required and not self.note.text().strip():
            return translate("WrapUp", "Write a note to finish.")
        return ""

    def _sync(self) -> None:
        missing = self._missing()
        self.hint.setText(missing)
        self.done_button.setEnabled(not missing)

    def _on_extend(self) -> None:
        self.extend_requested.emit(self.work_id)

    def _on_done(self) -> None:
        if not self._missing():
            self.done_requested.emit(self.work_id, self.chosen_disposition(), self.note.text())


class WrapUpPanel(QWidget):
    """The running wrap-ups, newest last; hidden when there is none.

    Signals:
        extend_requested(str): more time for this work item's wrap-up.
        done_requested(str, object, str): finish it with a disposition (or None) and a note.
        announcement(str, bool): a sentence for the screen reader, and whether it is urgent.
            A card appearing is news the agent did not ask for in that words; the last
            seconds are urgent because a missed wrap-up ends without its disposition.
    """

    extend_requested = Signal(str)
    done_requested = Signal(str, object, str)
    announcement = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 8, 4)
        self._layout.setSpacing(6)
        self._cards: dict[WorkId, WrapUpCard] = {}
        self._last_called: set[WorkId] = set()
        """Cards whose last seconds were announced; forgotten when Extend gives time back."""
        self._greet: list[WrapUpCard] = []
        """New cards not yet announced: the first clock reading gives their time left."""
        self.setVisible(False)

    def show_state(
        self,
        wrap_ups: Sequence[WrapUp],
        titles: Mapping[WorkId, str],
        *,
        take_focus: bool = False,
    ) -> None:
        """`take_focus`: the keyboard moves to a new card (the agent has no session left to type
        in, so nothing is taken from them); otherwise the announcement alone tells them."""
        running = {w.work_id for w in wrap_ups}
        for work_id in [w for w in self._cards if w not in running]:
            gone = self._cards.pop(work_id)
            self._last_called.discard(work_id)
            if gone in self._greet:
                self._greet.remove(gone)
            self._layout.removeWidget(gone)
            gone.hide()
            gone.deleteLater()
        for wrap_up in wrap_ups:
            card = self._cards.get(wrap_up.work_id)
            if card is None:
                card = WrapUpCard(wrap_up, titles.get(wrap_up.work_id, wrap_up.work_id))
                card.extend_requested.connect(self.extend_requested)
                card.done_requested.connect(self.done_requested)
                self._cards[wrap_up.work_id] = card
                self._layout.addWidget(card)
                self._greet.append(card)
            else:
                card.show_wrap_up(wrap_up)
        self.setVisible(bool(self._cards))
        if take_focus and self._greet:
            self._greet[-1].first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def update_clock(self, remaining: Callable[[WrapUp], float]) -> None:
        greet, self._greet = self._greet, []
        for card in self._cards.values():
            left = remaining(card.wrap_up)
            card.show_time_left(left)
            if card in greet:
                self.announcement.emit(card.started_text(left), False)
            if left > LAST_CALL_S:
                self._last_called.discard(card.work_id)
            elif card.work_id not in self._last_called and left > 0:
                self._last_called.add(card.work_id)
                self.announcement.emit(
                    translate("WrapUp", "Wrap-up for {title} ends in {seconds} seconds.").format(
                        title=card.title_text, seconds=f"{max(1, round(left))}"
                    ),
                    True,
                )

    def card(self, work_id: WorkId) -> WrapUpCard | None:
        return self._cards.get(work_id)

    def cards(self) -> list[WrapUpCard]:
        return list(self._cards.values())
