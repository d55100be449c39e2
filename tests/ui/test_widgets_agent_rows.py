"""The Team page's cell painter draws what Qt's own delegate draws, without reading the model's
data() for each cell."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import AgentView, CustomPresence
from agent_desktop.protocol.vocabulary import AlertKind, Presence, PresenceSource, Reason
from agent_desktop.ui.theme import Scheme, apply_theme
from agent_desktop.ui.widgets.agent_rows import AgentRowDelegate
from agent_desktop.ui.widgets.supervisor_view import SupervisorView
from tests.ui.cell_reads import data_reads
from tests.ui.test_widgets_samples import agent_view, presence
from tests.ui.theme_restore import theme_restored


def agents() -> list[AgentView]:
    rows = [
        agent_view(f"agent{n:03d}", f"Agent {n}", presence, sessions=n % 3)
        for n, presence in enumerate(list(Presence) * 3)
    ]
    rows[2] = agent_view("agent002", "Bea " + "Longname-" * 12, Presence.AWAY)
    rows[4] = agent_view("agent004", "Cy", Presence.OFFLINE, connected=False)
    rows[5] = agent_view(
        "agent005",
        "Di",
        Presence.INACTIVE,
        source=PresenceSource.SYSTEM,
        reason=Reason.DISPLAY_TIMEOUT,
        alerts=[AlertKind.MISSED, AlertKind.MAX_SESSIONS],
    )
    rows[6] = msgspec.structs.replace(
        rows[6], presence=msgspec.structs.replace(presence(Presence.AWAY), custom="Lunch")
    )
    return rows


@pytest.fixture(params=list(Scheme))
def scheme(request: pytest.FixtureRequest) -> Iterator[Scheme]:
    with theme_restored() as app:
        chosen = Scheme(request.param)
        apply_theme(app, chosen)
        yield chosen


def painted(view: SupervisorView) -> QImage:
    view.table.viewport().repaint()
    return view.table.viewport().grab().toImage()


def test_cells_look_the_same_as_qts_own_delegate(qtbot: QtBot, scheme: Scheme) -> None:
    view = SupervisorView()
    qtbot.addWidget(view)
    view.resize(760, 800)
    view.show()
    qtbot.wait_exposed(view)
    view.show_customs([CustomPresence(name="Lunch", colour="#a855f7", base=Presence.AWAY)])
    view.show_state(agents())
    view.table.selectRow(3)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(3, 0))
    assert isinstance(view.table.itemDelegate(), AgentRowDelegate)
    # The page fits its columns to their texts; unfitted, a cell elides its text.
    view.table.viewport().removeEventFilter(view)
    view.table.horizontalHeader().resizeSection(0, 140)
    view.table.horizontalHeader().resizeSection(1, 150)
    view.table.horizontalScrollBar().setValue(0)
    ours = painted(view)
    view.table.setItemDelegate(QStyledItemDelegate(view.table))
    qts = painted(view)
    assert ours.size() == qts.size()
    assert ours == qts, f"{scheme}: the painted cells differ from Qt's delegate"


def test_a_screenful_is_painted_without_reading_cells(qtbot: QtBot) -> None:
    view = SupervisorView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.wait_exposed(view)
    view.show_state([agent_view(f"agent{n:05d}", f"Agent {n}") for n in range(1_000)])
    painted(view)  # the first paint measures each column's cell once
    assert view.table.rowAt(view.table.viewport().height() - 1) > 10, "a screenful of rows"
    with data_reads(view.model) as reads:
        painted(view)
    # Qt's delegate read ~7 roles of every cell on screen at every paint (~690 for 14 rows).
    assert reads[0] == 0


def test_a_theme_switch_repaints_cells_in_the_new_colours(qtbot: QtBot) -> None:
    with theme_restored() as app:
        apply_theme(app, Scheme.LIGHT)
        view = SupervisorView()
        qtbot.addWidget(view)
        view.resize(760, 600)
        view.show()
        qtbot.wait_exposed(view)
        view.show_state(agents())
        light = painted(view)
        # The desktop switches to dark while the page is open (ThemeFollower re-applies).
        apply_theme(app, Scheme.DARK)
        ours = painted(view)
        view.table.setItemDelegate(QStyledItemDelegate(view.table))
        assert ours == painted(view)
        assert ours != light


def test_larger_text_is_measured_again(qtbot: QtBot) -> None:
    view = SupervisorView()
    qtbot.addWidget(view)
    view.resize(760, 600)
    view.show()
    qtbot.wait_exposed(view)
    view.show_state(agents())
    painted(view)
    font = view.table.font()
    font.setPointSizeF(font.pointSizeF() * 2)  # the desktop's text size at 200 %
    view.table.setFont(font)
    view.table.verticalHeader().setDefaultSectionSize(60)
    ours = painted(view)
    view.table.setItemDelegate(QStyledItemDelegate(view.table))
    assert ours == painted(view)
