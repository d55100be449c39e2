"""The supervisor's queue table: columns fit their contents without re-measuring every second."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from agent_desktop.protocol.model import QueueStats
from agent_desktop.protocol.vocabulary import Channel, QueueId
from agent_desktop.ui.theme import apply_theme
from agent_desktop.ui.widgets.queue_table import QueueTable, wait_text
from tests.ui.cell_reads import data_reads
from tests.ui.theme_restore import theme_restored


@pytest.fixture(autouse=True)
def themed() -> Iterator[None]:
    """The app's style sheet (it adds to what a cell needs), restored afterwards."""
    with theme_restored() as app:
        apply_theme(app)
        yield


def queue(n: int, oldest: float | None) -> QueueStats:
    return QueueStats(
        queue=QueueId(f"q{n}"),
        name=f"Queue {n}",
        channel=Channel.CHAT,
        waiting=n,
        oldest_waiting_since=oldest,
        estimated_wait_s=15.0 if n % 2 else None,
        average_handle_s=60.0,
        agents_available=1,
        agents_busy=2,
        agents_away=0,
        offers_in_flight=0,
        missed_last_hour=0,
        rejected_last_hour=0,
    )


def shown(qtbot: QtBot) -> QueueTable:
    table = QueueTable()
    qtbot.addWidget(table)
    table.resize(1100, 400)
    table.show()
    qtbot.wait_exposed(table)
    table.show_state([queue(n, 100.0 - n) for n in range(8)], 130.0)
    return table


def too_narrow(table: QueueTable) -> list[str]:
    view, model = table.table, table.model
    header = view.horizontalHeader()
    found = []
    for column in range(1, model.columnCount()):
        cells = [view.sizeHintForIndex(model.index(r, column)).width() for r in range(8)]
        needs = max(header.sectionSizeHint(column), *cells)
        if header.sectionSize(column) < needs:
            found.append(f"{model.headerData(column, header.orientation())}: < {needs}")
    return found


def test_every_column_fits_its_heading_and_cells_and_a_longer_wait_widens_its_column(
    qtbot: QtBot,
) -> None:
    table = shown(qtbot)
    assert too_narrow(table) == []
    wait = table.table.columnWidth(2)
    assert table.cell(QueueId("q0"), "Longest wait") == wait_text(30)
    table.update_clock(100.0 + 10**10)  # wider than its heading ("Longest wait")
    assert table.cell(QueueId("q0"), "Longest wait") == wait_text(10**10)
    assert too_narrow(table) == []
    assert table.table.columnWidth(2) > wait


def test_the_clock_tick_reads_a_bounded_number_of_cells(qtbot: QtBot) -> None:
    table = shown(qtbot)
    QApplication.processEvents()
    with data_reads(table.model) as reads:
        table.update_clock(131.0)
        for _turn in range(3):
            QApplication.processEvents()
    # The header re-measured every cell at each second's tick: ~690 reads (~3 ms).
    assert reads[0] < 350, reads
