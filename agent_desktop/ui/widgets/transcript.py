"""The conversation of one session: a list view over a model of bubbles, painted by a delegate.

One widget per message (the first version) made Qt lay out every earlier message again on each
new one, so a long chat got slower with every line. A `QListView` lays out rows from cached
sizes and paints only the rows on screen: a 1,000-message chat costs what a 20-message one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import (
    QAbstractListModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from agent_desktop.protocol.model import ChatMessage
from agent_desktop.protocol.vocabulary import Sender
from agent_desktop.session.state import OutboxStatus, OutgoingMessage
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.theme import Palette, current_scheme, palette_for
from agent_desktop.ui.widgets.wording import clock_text

SENDING, NOT_SENT = (
    QT_TRANSLATE_NOOP("Transcript", "sending…"),
    QT_TRANSLATE_NOOP("Transcript", "not sent"),
)


@dataclass(frozen=True, slots=True)
class Line:
    """A piece of text as the transcript draws it (read like a label: `line.text()`)."""

    value: str

    def text(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Bubble:
    """One message as the transcript shows it: who, what, when, and its delivery state.

    `state` is "" for a message the server confirmed, "sending…" or "not sent" for the agent's
    own message still in the outbox (`error` says why it was not sent).
    """

    sender: Sender
    body: str
    at: float
    state: str = ""
    error: str = ""

    @property
    def text(self) -> Line:
        return Line(self.body)

    @property
    def meta(self) -> Line:
        """The small line under the text: the time, and the delivery state when unconfirmed."""
        time = _minute_text(int(self.at // 60), QLocale().name())
        return Line(f"{time} · {translate('Transcript', self.state)}" if self.state else time)

    def property(self, name: str) -> str | None:
        """`sender` ("customer", "agent", "system") and `delivery` ("sending", "failed")."""
        if name == "sender":
            return self.sender.value
        if name == "delivery" and self.state:
            return "failed" if self.state == NOT_SENT else "sending"
        return None

    def toolTip(self) -> str:  # reads like the widget API the tests already use
        return self.error


@lru_cache(maxsize=4096)
def _minute_text(minute: int, locale: str) -> str:
    del locale  # part of the cache key only: the format follows the locale

    # Layout asks for every row's meta line again; a chat spans few minutes, so few strftimes.
    return clock_text(minute * 60.0)


BUBBLE_ROLE = Qt.ItemDataRole.UserRole + 1


class TranscriptModel(QAbstractListModel):
    """Confirmed messages in server order, then the agent's unconfirmed ones at the end."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._confirmed: list[Bubble] = []
        self._pending: list[Bubble] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._confirmed) + len(self._pending)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        bubble = self.bubble(index.row())
        if role == BUBBLE_ROLE:
            return bubble
        if role == Qt.ItemDataRole.DisplayRole:
            return bubble.body
        if role == Qt.ItemDataRole.ToolTipRole:
            return bubble.error or None
        return None

    def bubble(self, row: int) -> Bubble:
        confirmed = len(self._confirmed)
        return self._confirmed[row] if row < confirmed else self._pending[row - confirmed]

    def bubbles(self) -> list[Bubble]:
        return self._confirmed + self._pending

    def append(self, bubbles: Sequence[Bubble]) -> None:
        """Confirmed messages go above the unconfirmed ones, which stay at the end."""
        if not bubbles:
            return
        first = len(self._confirmed)
        self.beginInsertRows(QModelIndex(), first, first + len(bubbles) - 1)
        self._confirmed.extend(bubbles)
        self.endInsertRows()

    def prepend(self, bubbles: Sequence[Bubble]) -> None:
        """Earlier messages, loaded on request, go before all others."""
        if not bubbles:
            return
        self.beginInsertRows(QModelIndex(), 0, len(bubbles) - 1)
        self._confirmed[:0] = bubbles
        self.endInsertRows()

    def set_pending(self, bubbles: Sequence[Bubble]) -> None:
        first = len(self._confirmed)
        if self._pending:
            self.beginRemoveRows(QModelIndex(), first, first + len(self._pending) - 1)
            self._pending = []
            self.endRemoveRows()
        if bubbles:
            self.beginInsertRows(QModelIndex(), first, first + len(bubbles) - 1)
            self._pending = list(bubbles)
            self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._confirmed = []
        self._pending = []
        self.endResetModel()


# Geometry of a bubble, in pixels.
SIDE_MARGIN = 12
"""Between the view's edge and a bubble."""
ROW_GAP = 8
PAD_X, PAD_Y = 12, 7
META_GAP = 2
RADIUS = 10.0
MAX_TEXT_WIDTH = 460
"""A readable measure: longer lines wrap."""
TEXT_FLAGS = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)


def meta_font(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    return small


_SIZES: dict[tuple[str, str, int, str], tuple[QSize, QSize]] = {}
_SIZES_MAX = 50_000


def _measure(body: str, meta: str, width: int, font: QFont) -> tuple[QSize, QSize]:
    """Text and meta sizes at `width`; cached because every layout asks for every row again."""
    key = (body, meta, width, font.key())
    sizes = _SIZES.get(key)
    if sizes is None:
        text = QFontMetrics(font).boundingRect(QRect(0, 0, width, 1_000_000), TEXT_FLAGS, body)
        small = QFontMetrics(meta_font(font))
        sizes = text.size(), QSize(small.horizontalAdvance(meta), small.height())
        if len(_SIZES) >= _SIZES_MAX:
            _SIZES.clear()  # bounded: a window resize re-measures anyway
        _SIZES[key] = sizes
    return sizes


class BubbleDelegate(QStyledItemDelegate):
    """Paints a `Bubble`: customer on the left, agent on the right, system notes centred."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        # Every layout asks each row's size again: keep them for the width and font they were
        # measured at (a resize or a theme change measures afresh).
        self._hints: dict[Bubble, QSize] = {}
        self._hints_for: tuple[int, str] = (0, "")

    def text_width(self) -> int:
        available = self._view.viewport().width() - 2 * SIDE_MARGIN - 2 * PAD_X
        return max(80, min(MAX_TEXT_WIDTH, available))

    def _sizes(self, bubble: Bubble, font: QFont) -> tuple[QSize, QSize]:
        return _measure(bubble.body, bubble.meta.value, self.text_width(), font)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        bubble = index.data(BUBBLE_ROLE)
        if not isinstance(bubble, Bubble):
            return QSize(0, 0)
        width = self._view.viewport().width()
        hint = self._hints.get(bubble)
        if hint is not None and hint.width() == width:
            return hint
        font = self._view.font()
        measured_for = (width, font.key())
        if measured_for != self._hints_for:
            self._hints = {}
            self._hints_for = measured_for
        text, meta = self._sizes(bubble, font)
        height = ROW_GAP + PAD_Y + text.height() + META_GAP + meta.height() + PAD_Y
        hint = QSize(width, height)
        self._hints[bubble] = hint
        return hint

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        bubble = index.data(BUBBLE_ROLE)
        if not isinstance(bubble, Bubble):
            return
        font = self._view.font()
        text, meta = self._sizes(bubble, font)
        rect: QRect = option.rect
        width = max(text.width(), meta.width()) + 2 * PAD_X
        height = rect.height() - ROW_GAP
        if bubble.sender is Sender.CUSTOMER:
            left = rect.left() + SIDE_MARGIN
        elif bubble.sender is Sender.AGENT:
            left = rect.right() - SIDE_MARGIN - width
        else:
            left = rect.left() + (rect.width() - width) // 2
        box = QRect(left, rect.top() + ROW_GAP // 2, width, height)
        background, foreground = _colours(bubble, palette_for(current_scheme()))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        state = option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if background is not None or selected:
            painter.setPen(
                QColor(palette_for(current_scheme()).accent) if selected else Qt.PenStyle.NoPen
            )
            painter.setBrush(background if background is not None else Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box, RADIUS, RADIUS)
        painter.setPen(foreground)
        body_font = QFont(font)
        body_font.setItalic(bubble.sender is Sender.SYSTEM)
        painter.setFont(body_font)
        text_rect = QRect(box.left() + PAD_X, box.top() + PAD_Y, text.width(), text.height())
        painter.drawText(text_rect, TEXT_FLAGS, bubble.body)
        painter.setFont(meta_font(font))
        meta_rect = QRect(
            box.left() + PAD_X,
            text_rect.bottom() + 1 + META_GAP,
            box.width() - 2 * PAD_X,
            meta.height(),
        )
        painter.drawText(meta_rect, int(Qt.AlignmentFlag.AlignRight), bubble.meta.value)
        painter.restore()


def _colours(bubble: Bubble, p: Palette) -> tuple[QColor | None, QColor]:
    """(background or None for none, text colour), matching the rest of the theme."""
    if bubble.state == NOT_SENT:
        return QColor(p.danger_bg), QColor(p.danger_text)
    if bubble.state:
        return QColor(p.info_bg), QColor(p.info_text)
    if bubble.sender is Sender.AGENT:
        return QColor(p.agent_bubble), QColor(p.agent_bubble_text)
    if bubble.sender is Sender.CUSTOMER:
        return QColor(p.customer_bubble), QColor(p.text)
    return None, QColor(p.muted)


class Transcript(QListView):
    """The conversation, appended to as messages arrive; unconfirmed messages at the end.

    It follows new messages to the bottom unless the agent scrolled up to read back. Rows can
    be selected and copied (Ctrl+C) as text. No signals.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.model_ = TranscriptModel(self)
        self.setModel(self.model_)
        self.delegate = BubbleDelegate(self)
        self.setItemDelegate(self.delegate)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        # Rows wrap to the width: lay them out again when it changes.
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setMouseTracking(False)
        self.setContentsMargins(0, 4, 0, 4)
        self._shown: list[ChatMessage] = []
        self._pending_shown: tuple[OutgoingMessage, ...] = ()
        # Follow new messages to the bottom, unless the agent scrolled up to read back.
        self._follow = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    def _on_scrolled(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    def _on_range_changed(self, _low: int, high: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(high)

    def show_state(
        self, messages: Sequence[ChatMessage], unsent: Sequence[OutgoingMessage] = ()
    ) -> None:
        messages = list(messages)
        earlier = len(messages) - len(self._shown)
        if (
            self._shown
            and earlier > 0
            and messages[-1] == self._shown[-1]  # an append ends with a new message: cheap no
            and messages[earlier:] == self._shown
        ):
            # Earlier messages loaded: they go on top and the message that was first stays
            # where the agent is reading, instead of the view jumping to the newest.
            self.model_.prepend([Bubble(m.sender, m.text, m.at) for m in messages[:earlier]])
            self._shown = messages
            self._follow = False
            self.scrollTo(self.model_.index(earlier), QAbstractItemView.ScrollHint.PositionAtTop)
        elif messages[: len(self._shown)] != self._shown:
            # Not an append (a resync rewrote history): start again.
            self.model_.clear()
            self._shown = []
            self._pending_shown = ()
        self.model_.append([Bubble(m.sender, m.text, m.at) for m in messages[len(self._shown) :]])
        self._shown = messages
        confirmed = {m.client_msg_id for m in messages if m.client_msg_id}
        pending = tuple(m for m in unsent if m.client_msg_id not in confirmed)
        if pending != self._pending_shown:
            self.model_.set_pending([_pending_bubble(m) for m in pending])
            self._pending_shown = pending

    def bubbles(self) -> list[Bubble]:
        """Every message in the conversation, top to bottom: confirmed ones, then unconfirmed."""
        return self.model_.bubbles()

    def selected_text(self) -> str:
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return "\n".join(self.model_.bubble(row).body for row in rows)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            text = self.selected_text()
            if text:
                QGuiApplication.clipboard().setText(text)
            return
        super().keyPressEvent(event)


def _pending_bubble(outgoing: OutgoingMessage) -> Bubble:
    failed = outgoing.status is OutboxStatus.FAILED
    return Bubble(
        Sender.AGENT,
        outgoing.text,
        outgoing.typed_at,
        NOT_SENT if failed else SENDING,
        (outgoing.error or "") if failed else "",
    )
