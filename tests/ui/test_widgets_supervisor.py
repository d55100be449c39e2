"""The supervisor's live agent table and the reset-presence action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

import msgspec
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import CustomPresence
from agent_desktop.protocol.vocabulary import AlertKind, Presence, PresenceSource, Reason, UserId
from agent_desktop.ui.theme import PRESENCE_COLOURS, apply_theme
from agent_desktop.ui.widgets.supervisor_view import SupervisorView
from tests.ui.cell_reads import data_reads
from tests.ui.test_widgets_samples import agent_view, presence
from tests.ui.theme_restore import theme_restored
from tests.ui.translated import german

ALICE = agent_view("alice", "Alice Ward", sessions=2, pending_offers=1)
BOB = agent_view(
    "bob",
    "Bob Stone",
    Presence.INACTIVE,
    source=PresenceSource.SYSTEM,
    reason=Reason.DISPLAY_TIMEOUT,
    alerts=[AlertKind.MISSED],
)
CAROL = agent_view("carol", "Carol Diaz", Presence.OFFLINE, connected=False)


def row_texts(view: SupervisorView, row: int) -> list[str]:
    model = view.model
    return [str(model.data(model.index(row, column))) for column in range(model.columnCount())]


def supervisor(qtbot: QtBot) -> SupervisorView:
    view = SupervisorView()
    qtbot.addWidget(view)
    return view


def test_table_shows_each_agent(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.show_state([CAROL, ALICE, BOB])
    assert view.model.rowCount() == 3
    assert row_texts(view, 0) == [
        "Alice Ward (alice)",
        "Available",
        "2 (2/3 capacity)",
        "1",
        "Connected",
        "—",
        "—",
    ]
    assert row_texts(view, 1) == [
        "Bob Stone (bob)",
        "Inactive — set by system: an offer was missed",
        "0 (0/3 capacity)",
        "0",
        "Connected",
        "Missed offer",
        "—",
    ]
    assert row_texts(view, 2)[4] == "Disconnected"
    headers = [
        view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())
    ]
    assert headers == [
        "Agent",
        "Presence",
        "Sessions",
        "Pending offers",
        "Connection",
        "Alerts",
        "Penalty",
    ]


def test_update_changes_one_row_and_keeps_the_selection(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.show_state([ALICE, BOB, CAROL])
    view.select_agent(UserId("bob"))
    changed: list[tuple[int, int]] = []
    view.model.dataChanged.connect(
        lambda top, bottom, _roles=(): changed.append((top.row(), bottom.row()))
    )
    reset_or_moved: list[str] = []
    view.model.modelReset.connect(lambda: reset_or_moved.append("reset"))
    view.model.rowsInserted.connect(lambda *_: reset_or_moved.append("inserted"))
    view.model.rowsRemoved.connect(lambda *_: reset_or_moved.append("removed"))
    bob_back = agent_view("bob", "Bob Stone", Presence.AVAILABLE)
    view.show_state([ALICE, bob_back, CAROL])
    assert changed == [(1, 1)]
    assert reset_or_moved == []
    assert view.selected_agent() == "bob"
    assert row_texts(view, 1)[1] == "Available"


def test_new_and_gone_agents_insert_and_remove_rows(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.show_state([ALICE, CAROL])
    view.select_agent(UserId("carol"))
    inserted: list[int] = []
    view.model.rowsInserted.connect(lambda _parent, first, _last: inserted.append(first))
    view.show_state([ALICE, BOB, CAROL])
    assert inserted == [1]
    assert view.selected_agent() == "carol"
    view.show_state([BOB, CAROL])
    assert [view.model.agent_at(r).agent for r in range(view.model.rowCount())] == [
        "bob",
        "carol",
    ]
    assert view.selected_agent() == "carol"


def test_reset_presence_button_emits_for_the_selected_agent(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.show_state([ALICE, BOB])
    assert not view.reset_button.isEnabled()
    assert not view.hint.isHidden(), "says why the button cannot be used"
    view.select_agent(UserId("bob"))
    assert view.reset_button.isEnabled()
    assert view.hint.isHidden()
    assert view.target.currentText() == "Available"
    with qtbot.waitSignal(view.reset_presence_requested) as requested:
        QTest.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
    assert requested.args == ["bob", Presence.AVAILABLE]


def test_context_actions_reset_to_a_chosen_presence(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.show_state([ALICE])
    actions = view.reset_menu(UserId("alice")).actions()
    texts = [a.text() for a in actions]
    assert "Reset presence to Away" in texts
    assert not any("Inactive" in text for text in texts)
    with qtbot.waitSignal(view.reset_presence_requested) as requested:
        actions[texts.index("Reset presence to Away")].trigger()
    assert requested.args == ["alice", Presence.AWAY]


def test_presence_cell_has_a_coloured_dot_and_tooltip(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.show_state([BOB])
    index = view.model.index(0, 1)
    assert view.model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert view.model.data(index, Qt.ItemDataRole.ToolTipRole) == (
        "Inactive — set by system: an offer was missed"
    )
    assert view.model.rowCount(index) == 0
    assert view.model.rowCount(QModelIndex()) == 1


def test_one_change_among_10000_agents_reads_a_bounded_number_of_cells(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.resize(900, 600)
    view.show()
    rows = [agent_view(f"agent{i:05d}", f"Agent {i}") for i in range(10_000)]
    view.show_state(rows)
    qtbot.wait_exposed(view)
    with data_reads(view.model) as reads:
        rows[5_000] = agent_view("agent05000", "Agent 5000", Presence.AWAY)
        view.show_state(rows)
        view.table.viewport().repaint()  # paint the change now, as the next frame would
    assert view.model.rowCount() == 10_000
    assert row_texts(view, 5_000)[1] == "Away"
    # Fitting the columns to every row read 160,720 cells (~0.2 s) per update; the rows on
    # screen and MEASURED_ROWS more read ~17,000 (~25 ms).
    assert reads[0] < 25_000, reads


@pytest.fixture
def themed() -> Iterator[None]:
    """The app's style sheet (it adds to what a cell needs), restored afterwards."""
    with theme_restored() as app:
        apply_theme(app)
        yield


DAVE = msgspec.structs.replace(
    agent_view(
        "dave",
        "Dmitri Alexandrovich Kuznetsov-Wolkonski",
        Presence.OFFLINE,
        source=PresenceSource.SYSTEM,
        reason=Reason.DISPLAY_TIMEOUT,
        alerts=[AlertKind.MISSED, AlertKind.REJECTED, AlertKind.MAX_SESSIONS],
        connected=False,
    ),
    penalty_until=1.8e9,
    wrap_ups=2,
)


def too_narrow(view: SupervisorView) -> list[str]:
    """Columns narrower than Qt's own size hint for their heading or one of their cells."""
    table, model = view.table, view.model
    header = table.horizontalHeader()
    found = []
    for column in range(model.columnCount()):
        cells = [table.sizeHintForIndex(model.index(r, column)).width() for r in range(3)]
        needs = max(header.sectionSizeHint(column), *cells)
        if header.sectionSize(column) < needs:
            heading = model.headerData(column, Qt.Orientation.Horizontal)
            found.append(f"{heading}: {header.sectionSize(column)} < {needs}")
    return found


@pytest.mark.parametrize("width", [700, 1300])
@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.usefixtures("themed")
def test_every_column_fits_its_heading_and_cells_at_any_width(
    qtbot: QtBot, language: str, width: int
) -> None:
    with german() if language == "de" else nullcontext():
        view = supervisor(qtbot)
        view.resize(width, 500)
        view.show()
        qtbot.wait_exposed(view)
        view.show_state([ALICE, BOB, DAVE])
        # The presence column took what the others left, when they left little: "Offline
        # — set by system: …" cut to "Offl…". Now it keeps its room and the table scrolls.
        assert too_narrow(view) == []


@pytest.mark.usefixtures("themed")
def test_a_longer_text_in_an_update_widens_its_column(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    view.resize(900, 500)
    view.show()
    qtbot.wait_exposed(view)
    view.show_state([ALICE, BOB, CAROL])
    alerts = view.table.columnWidth(5)
    view.show_state([msgspec.structs.replace(ALICE, alerts=DAVE.alerts), BOB, CAROL])
    assert too_narrow(view) == []
    assert view.table.columnWidth(5) > alerts


def test_an_agent_in_a_custom_presence_shows_its_colour(qtbot: QtBot) -> None:
    view = supervisor(qtbot)
    at_lunch = msgspec.structs.replace(
        BOB, presence=msgspec.structs.replace(presence(Presence.AWAY), custom="Lunch")
    )
    view.show_state([ALICE, at_lunch])
    # The customs come with the snapshot, possibly after the agents: the dots are repainted.
    with qtbot.waitSignal(view.model.dataChanged):
        view.show_customs([CustomPresence(name="Lunch", colour="#a855f7", base=Presence.AWAY)])

    def dot_colour(row: int) -> str:
        icon = view.model.data(view.model.index(row, 1), Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon)
        return icon.pixmap(12, 12).toImage().pixelColor(6, 6).name()

    assert dot_colour(1) == "#a855f7", "Lunch's own colour, not Away's yellow"
    assert dot_colour(0) == PRESENCE_COLOURS[Presence.AVAILABLE]
    assert row_texts(view, 1)[1] == "Lunch"
