"""The app's event loop: socket callbacks run from Qt's notifier, with qasync's safety kept.

Real sockets (socket pairs, a real routing server on 127.0.0.1) on the loop the app runs; the
UI tests' loop factory (conftest) builds the same loop.
"""

from __future__ import annotations

import asyncio
import socket
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from agent_desktop.protocol.vocabulary import Presence, WorkId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.runner import running_server
from agent_desktop.session.core import AgentCore
from agent_desktop.session.settings import Settings
from agent_desktop.ui.qt_event_loop import NotifierEventLoop
from tests.ui.app_harness import new_work, supervisor_client

WAIT_S = 5.0


@pytest.fixture
def pairs() -> Iterator[list[tuple[socket.socket, socket.socket]]]:
    made: list[tuple[socket.socket, socket.socket]] = []
    yield made
    for ours, theirs in made:
        ours.close()
        theirs.close()


def _pair(made: list[tuple[socket.socket, socket.socket]]) -> tuple[socket.socket, socket.socket]:
    ours, theirs = socket.socketpair()
    ours.setblocking(False)
    made.append((ours, theirs))
    return ours, theirs


def _loop() -> NotifierEventLoop:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, NotifierEventLoop), "the tests run on the app's loop"
    return loop


async def _round_trip(made: list[tuple[socket.socket, socket.socket]]) -> None:
    """One byte through a fresh socket pair: the loop has dispatched socket events since."""
    loop = _loop()
    ours, theirs = _pair(made)
    arrived = asyncio.Event()

    def read() -> None:
        ours.recv(16)
        loop.remove_reader(ours)
        arrived.set()

    loop.add_reader(ours, read)
    theirs.send(b"x")
    await asyncio.wait_for(arrived.wait(), WAIT_S)


async def test_a_reader_runs_from_the_notifier_itself_and_a_writer_fires(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    loop = _loop()
    ours, theirs = _pair(pairs)
    read: asyncio.Future[tuple[bytes, str]] = loop.create_future()

    def on_readable() -> None:
        # Who called us: the notifier's slot, not a Qt timer event (qasync's call_soon hop).
        callers = "".join(traceback.format_stack())
        loop.remove_reader(ours)
        read.set_result((ours.recv(64), callers))

    loop.add_reader(ours, on_readable)
    theirs.send(b"offer")
    data, callers = await asyncio.wait_for(read, WAIT_S)
    assert data == b"offer"
    assert "_run_ready" in callers
    assert "timerEvent" not in callers

    writable: asyncio.Future[None] = loop.create_future()

    def on_writable() -> None:
        loop.remove_writer(ours)
        ours.send(b"reply")
        writable.set_result(None)

    loop.add_writer(ours, on_writable)
    await asyncio.wait_for(writable, WAIT_S)
    theirs.settimeout(WAIT_S)
    assert theirs.recv(64) == b"reply"


async def test_a_removed_reader_does_not_fire_even_when_removed_during_the_same_dispatch(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    loop = _loop()
    first, first_peer = _pair(pairs)
    second, second_peer = _pair(pairs)
    fired: list[str] = []
    one_fired = asyncio.Event()

    def reader(name: str) -> None:
        # Whichever runs first removes both: the other, readable in the same poll, must not run.
        fired.append(name)
        loop.remove_reader(first)
        loop.remove_reader(second)
        one_fired.set()

    loop.add_reader(first, reader, "first")
    loop.add_reader(second, reader, "second")
    first_peer.send(b"a")
    second_peer.send(b"b")
    await asyncio.wait_for(one_fired.wait(), WAIT_S)
    # Both sockets stay readable (nothing was read): a live notifier would fire again at once.
    await _round_trip(pairs)
    await _round_trip(pairs)
    assert len(fired) == 1, fired

    removed, removed_peer = _pair(pairs)
    loop.add_reader(removed, fired.append, "removed before any data")
    assert loop.remove_reader(removed)
    removed_peer.send(b"c")
    await _round_trip(pairs)
    await _round_trip(pairs)
    assert fired == fired[:1]


async def test_an_exception_in_a_callback_reaches_the_loops_handler_and_the_reader_stays(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    loop = _loop()
    ours, theirs = _pair(pairs)
    reported: list[dict[str, Any]] = []
    second_call = asyncio.Event()
    calls = 0

    def on_readable() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("a broken frame handler")
        loop.remove_reader(ours)
        second_call.set()

    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        loop.add_reader(ours, on_readable)
        theirs.send(b"x")
        # Unread data: the reader, still registered after the error, is called again.
        await asyncio.wait_for(second_call.wait(), WAIT_S)
    finally:
        loop.set_exception_handler(previous)
    assert len(reported) == 1
    assert isinstance(reported[0]["exception"], ValueError)
    assert "Exception in callback" in reported[0]["message"]


async def test_a_callback_that_spins_a_nested_event_loop_is_not_reentered(
    pairs: list[tuple[socket.socket, socket.socket]],
) -> None:
    loop = _loop()
    ours, theirs = _pair(pairs)
    depth = deepest = 0
    reported: list[dict[str, Any]] = []
    done = asyncio.Event()

    def on_readable() -> None:
        nonlocal depth, deepest
        depth += 1
        deepest = max(deepest, depth)
        # A modal dialog or processEvents inside a callback runs Qt's dispatch while the
        # socket is still readable: the notifier must not call back into us meanwhile.
        for _ in range(5):
            QCoreApplication.processEvents()
        depth -= 1
        ours.recv(16)
        loop.remove_reader(ours)
        done.set()

    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        loop.add_reader(ours, on_readable)
        theirs.send(b"x")
        await asyncio.wait_for(done.wait(), WAIT_S)
    finally:
        loop.set_exception_handler(previous)
    # A re-entry would either nest (depth 2) or be refused by the handle's context (reported).
    assert deepest == 1
    assert reported == []


async def test_the_apps_core_gets_an_offer_from_a_real_server(demo_config: ServerConfig) -> None:
    _loop()
    async with running_server(demo_config) as server, supervisor_client(server.url) as sam:
        core = AgentCore(Settings(server_url=server.url, user="alice"), password="demo")
        try:
            await core.start()
            await core.wait_for(lambda s: s.online, WAIT_S)
            await core.set_presence(Presence.AVAILABLE)
            work = await new_work(sam)

            def offered(work_id: WorkId) -> bool:
                return any(o.offer.work.work_id == work_id for o in core.state.offers)

            await core.wait_for(lambda _s: offered(work), WAIT_S)
        finally:
            await core.close()
