"""The sender against the real server: what the outbox resends is applied once."""

from __future__ import annotations

import pytest

from agent_desktop.protocol.messages import (
    GetWork,
    WorkInfo,
)
from agent_desktop.server.runner import RunningServer
from tests.session.live import (
    WAIT_S,
    create_work,
    has_offer,
    make_core,
    started,
)
from tests.wire import WireClient

pytestmark = pytest.mark.integration


async def test_resent_message_is_stored_once(server: RunningServer, sam: WireClient) -> None:
    """A message resent after a resume with the same client_msg_id is not duplicated."""
    core = make_core(server.url)
    async with started(core):
        work_id = await create_work(sam)
        [pending] = (await core.wait_for(has_offer, WAIT_S)).offers
        await core.accept(pending.offer_id)
        session_id = (
            (await core.wait_for(lambda s: bool(s.sessions), WAIT_S)).sessions[0].session_id
        )
        client_msg_id = await core.send_message(session_id, "once")
        # The same message again, as a resume after a lost ack would send it.
        from agent_desktop.session.events import MessageQueued
        from agent_desktop.session.state import OutgoingMessage

        core._store.dispatch(  # the outbox replay path, driven directly
            MessageQueued(OutgoingMessage(client_msg_id, session_id, "once", core.clock.now()))
        )
        await core.wait_for(lambda s: s.outbox == (), WAIT_S)
        info = await sam.call(GetWork(id=sam.next_id(), work_id=work_id))
        assert isinstance(info, WorkInfo)
        assert [m.text for m in info.transcript if m.client_msg_id == client_msg_id] == ["once"]
