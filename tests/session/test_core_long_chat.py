"""A chat longer than one frame, through the core against the real server: the app gets back in
after a restart, shows the newest messages and loads the earlier ones page by page."""

from __future__ import annotations

import pytest

from agent_desktop.protocol.messages import CustomerMessage
from agent_desktop.protocol.vocabulary import SessionId
from agent_desktop.server.runner import RunningServer
from tests.session.live import WAIT_S, create_work, make_core, started
from tests.wire import WireClient

pytestmark = pytest.mark.integration

LONG = "y" * 9_000
MESSAGES = 130  # ~1.2 MB of text: a whole transcript would not fit in a frame


async def test_a_long_chat_comes_back_after_a_restart_and_pages_back_to_its_start(
    server: RunningServer, sam: WireClient
) -> None:
    work_id = await create_work(sam, queue="chat_vip")  # auto-accepted by alice
    for n in range(MESSAGES):
        await sam.call(CustomerMessage(id=sam.next_id(), work_id=work_id, text=f"{n:03} {LONG}"))

    core = make_core(server.url)  # the app starting after the chat grew
    async with started(core):
        state = await core.wait_for(lambda s: len(s.sessions) == 1, WAIT_S)
        session = state.sessions[0]
        assert session.transcript[-1].text.startswith(f"{MESSAGES - 1:03} ")
        assert 0 < session.earlier_messages < MESSAGES
        session_id = SessionId(session.session_id)
        while core.state.sessions[0].earlier_messages:
            before = core.state.sessions[0].earlier_messages
            await core.load_earlier_messages(session_id)
            assert core.state.sessions[0].earlier_messages < before, "each page moves back"
        texts = [m.text for m in core.state.sessions[0].transcript]
        assert texts == [f"{n:03} {LONG}" for n in range(MESSAGES)], "all, in order, once"
        await core.load_earlier_messages(session_id)  # nothing earlier: no request, no change
        assert len(core.state.sessions[0].transcript) == MESSAGES
