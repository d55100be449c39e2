"""The Team page's table model: one row per agent, sorted by agent id, each row's texts made
once (a cell's data() is asked for ~8 roles at every paint, and 10,000 rows may be listed)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from operator import attrgetter
from typing import Final

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from agent_desktop.protocol.model import AgentView, CustomPresence
from agent_desktop.protocol.vocabulary import AlertKind, UserId
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.theme import PRESENCE_COLOURS, colour_dot
from agent_desktop.ui.widgets.row_table import AnyIndex, RowTableModel
from agent_desktop.ui.widgets.wording import clock_text, presence_explanation, presence_label

COLUMNS: Final = (
    QT_TRANSLATE_NOOP("SupervisorView", "Agent"),
    QT_TRANSLATE_NOOP("SupervisorView", "Presence"),
    QT_TRANSLATE_NOOP("SupervisorView", "Sessions"),
    QT_TRANSLATE_NOOP("SupervisorView", "Pending offers"),
    QT_TRANSLATE_NOOP("SupervisorView", "Connection"),
    QT_TRANSLATE_NOOP("SupervisorView", "Alerts"),
    QT_TRANSLATE_NOOP("SupervisorView", "Penalty"),
)
ALERT_WORDS: Final = {
    AlertKind.MISSED: QT_TRANSLATE_NOOP("SupervisorView", "Missed offer"),
    AlertKind.REJECTED: QT_TRANSLATE_NOOP("SupervisorView", "Rejected offer"),
    AlertKind.MAX_SESSIONS: QT_TRANSLATE_NOOP("SupervisorView", "Session limit"),
}
PRESENCE_COLUMN: Final = 1
"""Takes the width the other columns leave (at least its contents')."""
# data() is called ~8 times per cell painted (once per role): plain ints compare fastest.
_DISPLAY: Final = int(Qt.ItemDataRole.DisplayRole)
_DECORATION: Final = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP: Final = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT: Final = int(Qt.ItemDataRole.TextAlignmentRole)
_AGENT_ID: Final = int(Qt.ItemDataRole.UserRole)
_CENTRED: Final = int(Qt.AlignmentFlag.AlignCenter)
_dots: dict[str, QIcon] = {}


def dot(colour: str) -> QIcon:
    """The presence dot in `colour`, drawn once (a cell's icon is asked for at every paint)."""
    icon = _dots.get(colour)
    if icon is None:
        icon = _dots[colour] = colour_dot(colour)
    return icon


class AgentTableModel(RowTableModel[AgentView]):
    """Rows of `AgentView`, sorted by agent id. `set_agents` changes only what changed, so the
    view keeps its selection and scroll position under a stream of updates."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("SupervisorView", COLUMNS, parent)
        self._texts: dict[int, tuple[AgentView, tuple[str, ...]]] = {}
        """A row's cell texts by the row object's id (the row kept to tell a reused id)."""
        self._custom_colours: dict[str, str] = {}
        self._listed: Sequence[AgentView] = ()
        """The sequence last shown; a tuple (immutable) the same object again is unchanged."""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == _DISPLAY:
            return self.texts(index.row())[index.column()] if index.isValid() else None
        if role == _ALIGNMENT:
            return _CENTRED if index.column() in (2, 3) else None
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == _DECORATION and column == PRESENCE_COLUMN:
            return dot(self.colour(row))
        if role == _TOOLTIP and column == PRESENCE_COLUMN:
            upcoming = row.next_presence
            then = (
                translate("SupervisorView", "; then {presence}").format(
                    presence=upcoming.custom or presence_label(upcoming.presence)
                )
                if upcoming is not None
                else ""
            )
            return presence_explanation(row.presence) + then
        if role == _AGENT_ID:
            return row.agent
        return None

    def texts(self, position: int) -> tuple[str, ...]:
        """What each column shows for the row at `position`, made once per row object."""
        row = self._rows[position]
        known = self._texts.get(id(row))
        if known is not None and known[0] is row:
            return known[1]
        texts = self._texts_of(row)
        self._texts[id(row)] = (row, texts)
        return texts

    def colour(self, row: AgentView) -> str:
        """The dot's colour: an admin-defined presence's own ("Lunch" in purple), else the
        colour of the presence itself."""
        custom = row.presence.custom
        if custom is not None and custom in self._custom_colours:
            return self._custom_colours[custom]
        return PRESENCE_COLOURS[row.presence.presence]

    def set_custom_presences(self, customs: Sequence[CustomPresence]) -> None:
        colours = {c.name: c.colour for c in customs}
        if colours != self._custom_colours:
            self._custom_colours = colours
            if self._rows:
                last = len(self._rows) - 1
                self.dataChanged.emit(
                    self.index(0, PRESENCE_COLUMN),
                    self.index(last, PRESENCE_COLUMN),
                    [Qt.ItemDataRole.DecorationRole],
                )

    @staticmethod
    def _texts_of(row: AgentView) -> tuple[str, ...]:
        """One row's texts, column by column (in one pass: the first listing makes ~115)."""
        name = row.display_name
        sessions = (
            translate("SupervisorView", "{sessions}, {wrap_ups} wrapping up").format(
                sessions=row.sessions, wrap_ups=row.wrap_ups
            )
            if row.wrap_ups
            else str(row.sessions)
        )
        until = row.penalty_until
        return (
            name if name == row.agent else f"{name} ({row.agent})",
            presence_explanation(row.presence),
            translate("SupervisorView", "{sessions} ({used}/{capacity} capacity)").format(
                sessions=sessions, used=row.capacity_used, capacity=row.capacity
            ),
            str(row.pending_offers),
            translate("SupervisorView", "Connected")
            if row.connected
            else translate("SupervisorView", "Disconnected"),
            ", ".join(translate("SupervisorView", ALERT_WORDS[a]) for a in row.alerts)
            if row.alerts
            else "—",
            "—"
            if until is None
            else translate("SupervisorView", "No queue work until {time}").format(
                time=clock_text(until)
            ),
        )

    def agent_at(self, row: int) -> AgentView:
        return self._rows[row]

    def position_of(self, agent: UserId) -> int | None:
        """The row of `agent` (rows are sorted by agent id: a binary search)."""
        position = bisect_left(self._rows, agent, key=attrgetter("agent"))
        found = position < len(self._rows) and self._rows[position].agent == agent
        return position if found else None

    def penalised(self, agent: UserId) -> bool:
        position = self.position_of(agent)
        return position is not None and self._rows[position].penalty_until is not None

    def set_agents(self, agents: Sequence[AgentView]) -> list[int] | None:
        """Show `agents`. Returns the positions of rows replaced in place, or None when rows
        came, went or moved (then every column width may need a new fit)."""
        if isinstance(agents, tuple) and agents is self._listed:
            # The core's state changed elsewhere (a message, a tick) and kept its agent tuple:
            # comparing 10,000 rows again cost ~0.9 ms on every such change.
            return []
        self._listed = agents
        changed = self._changed_in_place(agents)
        if changed is not None:
            # The usual update (one agent_updated): the same agents in the same order, a few
            # rows replaced. Found without sorting or walking 10,000 rows in Python.
            for position in changed:
                self._texts.pop(id(self._rows[position]), None)
                self._rows[position] = agents[position]
                self.dataChanged.emit(
                    self.index(position, 0), self.index(position, len(COLUMNS) - 1)
                )
            return changed
        new = sorted(agents, key=attrgetter("agent"))
        if not self._rows:
            # The first listing: one reset instead of one insert signal per row.
            self.beginResetModel()
            self._rows = new
            self._texts.clear()
            self.endResetModel()
            return None
        new_ids = {a.agent for a in new}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].agent not in new_ids:
                self.beginRemoveRows(QModelIndex(), row, row)
                self._texts.pop(id(self._rows[row]), None)
                del self._rows[row]
                self.endRemoveRows()
        # Both lists are sorted by agent id now, so one merge pass updates and inserts.
        for position, agent in enumerate(new):
            if position < len(self._rows) and self._rows[position].agent == agent.agent:
                if self._rows[position] != agent:
                    self._texts.pop(id(self._rows[position]), None)
                    self._rows[position] = agent
                    self.dataChanged.emit(
                        self.index(position, 0), self.index(position, len(COLUMNS) - 1)
                    )
            else:
                self.beginInsertRows(QModelIndex(), position, position)
                self._rows.insert(position, agent)
                self.endInsertRows()
        return None

    def _changed_in_place(self, agents: Sequence[AgentView]) -> list[int] | None:
        """Positions of replaced rows when `agents` is the shown list with only some rows
        replaced by rows of the same agents; None when rows came, went or moved."""
        rows = self._rows
        if not rows or len(agents) != len(rows):
            return None
        # The core keeps unchanged rows as the same objects: an identity test per row.
        changed = [
            i for i, (old, new) in enumerate(zip(rows, agents, strict=True)) if old is not new
        ]
        if any(rows[i].agent != agents[i].agent for i in changed):
            return None
        return [i for i in changed if rows[i] != agents[i]]
