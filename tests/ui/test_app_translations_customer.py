"""The customer-notification log and the booking codes in German, as an admin, against the real
server sending through a real SMTP server and SMS endpoint on 127.0.0.1: headings, filters,
states, reasons, buttons and hints in German, and dates in the German locale's format."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from agent_desktop.clock import ManualClock
from agent_desktop.server.runner import RunningServer, running_server
from tests.support.providers import SmsEndpoint, SmtpHandler, sms_endpoint, smtp_sink
from tests.ui.app_harness import eventually, running_app, supervisor_client
from tests.ui.test_app_customer_notifications import book, notifying_config, pages, set_off
from tests.ui.test_app_translations import english_left
from tests.ui.translated import catalogue, english_in, german

pytestmark = pytest.mark.integration

GERMAN_SHORT_DATE_TIME = re.compile(r"^\d\d\.\d\d\.\d\d \d\d:\d\d$")
"""QLocale's short date and time in German, e.g. "26.11.26 14:05"."""


@pytest.fixture
def providers() -> Iterator[tuple[SmtpHandler, int, SmsEndpoint]]:
    with smtp_sink() as (handler, port), sms_endpoint() as sms:
        yield handler, port, sms


@pytest.fixture
async def server(
    manual_clock: ManualClock, providers: tuple[SmtpHandler, int, SmsEndpoint]
) -> AsyncIterator[RunningServer]:
    _, port, sms = providers
    async with running_server(notifying_config(port, sms), clock=manual_clock) as running:
        yield running


@pytest.fixture
def in_german() -> Iterator[None]:
    with german():
        yield


def english_cells(model: QAbstractItemModel) -> list[str]:
    """Cells with English words, or equal to an English source the catalogue has German for
    (the shown-texts walk reads headers, not cells)."""
    rows = catalogue()
    sources = {s for _, s, t, _ in rows if t and t != s} - {t for _, _, t, _ in rows}
    found = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = str(model.data(model.index(row, column)) or "")
            bare = text.removeprefix("⚠ ").split(" (")[0]
            detail = text[text.find("(") + 1 : -1] if text.endswith(")") else ""
            if english_in(text) or bare in sources or detail in sources:
                found.append(f"({row}, {column}): {text!r}")
    return found


def problems_on(page: QWidget, model: QAbstractItemModel) -> list[str]:
    return english_left(page) + english_cells(model)


@pytest.mark.usefixtures("in_german")
async def test_the_log_and_the_codes_speak_german(
    server: RunningServer,
    tmp_path: Path,
    manual_clock: ManualClock,
    providers: tuple[SmtpHandler, int, SmsEndpoint],
) -> None:
    smtp, _, sms = providers
    async with (
        running_app(server.url, tmp_path, user="admin") as app,
        supervisor_client(server.url, user="admin") as admin,
    ):
        log = pages(app).log
        app.window.pages.setCurrentWidget(log)
        sms.statuses = [400]  # the SMS fails for good: the failed line and its reason show
        await set_off(admin, await book(admin, manual_clock.now()))
        await eventually(lambda: len(smtp.received) == 1, "the email reached the SMTP server")
        await eventually(lambda: log.failed.isVisible(), "the failed SMS")
        await eventually(lambda: log.model.rowCount() == 2, "both messages listed")
        assert log.model.headerData(0, Qt.Orientation.Horizontal) == "Kunde"
        states = sorted(str(log.model.data(log.model.index(r, 4))) for r in range(2))
        assert states == ["Gesendet", "⚠ Fehlgeschlagen (dauerhafter Fehler)"]
        queued = str(log.model.data(log.model.index(0, 6)))
        assert GERMAN_SHORT_DATE_TIME.match(queued), queued
        problems = problems_on(log, log.model)
        assert problems == [], "\n".join(problems)

        codes = pages(app).codes
        app.window.pages.setCurrentWidget(codes)
        await eventually(lambda: codes.model.rowCount() == 2, "a code per message")
        sent_in = {str(codes.model.data(codes.model.index(r, 2))) for r in range(2)}
        assert sent_in == {
            "Unterwegs · E-Mail · Ada Byron · #1",
            "Unterwegs · SMS · Ada Byron · #2",
        }
        created = str(codes.model.data(codes.model.index(0, 4)))
        assert GERMAN_SHORT_DATE_TIME.match(created), created
        problems = problems_on(codes, codes.model)
        assert problems == [], "\n".join(problems)
        codes.table.selectRow(0)
        QTest.mouseClick(codes.block_button, Qt.MouseButton.LeftButton)
        assert codes.block_button.text() == "Endgültig sperren"
        problems = problems_on(codes, codes.model)
        assert problems == [], "\n".join(problems)
        assert english_left(app.window) == []
