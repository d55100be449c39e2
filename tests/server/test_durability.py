"""What a client was told survives `kill -9`: a real server process, a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_desktop.protocol.messages import (
    AcceptOffer,
    Agents,
    CreateWork,
    GetWork,
    ListAgents,
    OfferAdded,
    SessionOpened,
    SetPresence,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    MAX_SESSIONS,
    Channel,
    Presence,
    QueueId,
    UserId,
    WorkId,
    WorkState,
)
from tests.wire import WireClient, http_get, logged_in, start_server_process

pytestmark = [pytest.mark.integration, pytest.mark.slow]


async def create_work(sam: WireClient, queue: str, customer: str, agent: str | None) -> WorkId:
    created = await sam.call(
        CreateWork(
            id=sam.next_id(),
            channel=Channel(queue),
            queue=QueueId(queue),
            customer_name=customer,
            agent=UserId(agent) if agent else None,
        )
    )
    assert isinstance(created, WorkCreated)
    return created.work.work_id


async def work_state(sam: WireClient, work_id: WorkId) -> WorkState:
    info = await sam.call(GetWork(id=sam.next_id(), work_id=work_id))
    assert isinstance(info, WorkInfo)
    return info.work.state


async def test_sessions_and_work_survive_kill_9_and_the_agent_resumes_with_her_token(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    args = ("--port", "0", "--data", str(data))
    first = await start_server_process(*args, stderr_path=tmp_path / "first.log")
    try:
        async with (
            logged_in(first.url, "alice") as alice,
            logged_in(first.url, "sam") as sam,
        ):
            assert alice.logged_in is not None
            token = alice.logged_in.token
            await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AVAILABLE))
            accepted_work = await create_work(sam, "chat", "Ada", "alice")
            offer = (await alice.next_event(OfferAdded)).offer
            await alice.call(AcceptOffer(id=alice.next_id(), offer_id=offer.offer_id))
            session = (await alice.next_event(SessionOpened)).session
            # Nobody else in the sms queue is connected: this one waits in the queue.
            await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AWAY))
            queued_work = await create_work(sam, "sms", "Grace", None)
            assert await work_state(sam, queued_work) is WorkState.QUEUED
            assert await work_state(sam, accepted_work) is WorkState.ASSIGNED
            # No goodbye: the process dies with the connections still open.
            await first.kill()
    finally:
        await first.kill()

    second = await start_server_process(*args, stderr_path=tmp_path / "second.log")
    try:
        async with (
            logged_in(second.url, "alice", token=token) as alice,
            logged_in(second.url, "sam") as sam,
        ):
            assert alice.snapshot is not None
            restored = {s.session_id: s for s in alice.snapshot.sessions}
            assert session.session_id in restored
            assert restored[session.session_id].work.work_id == accepted_work
            assert await work_state(sam, accepted_work) is WorkState.ASSIGNED
            assert await work_state(sam, queued_work) is WorkState.QUEUED

            assert sam.logged_in is not None
            bearer = {"Authorization": f"Bearer {sam.logged_in.token}"}
            _, _, body = await http_get(second.port, "/health", headers=bearer)
            assert json.loads(body)["queued_items"] == 1

            agents = await sam.call(ListAgents(id=sam.next_id()))
            assert isinstance(agents, Agents)
            for row in agents.agents:
                assert row.capacity_used <= row.capacity, row
                assert row.sessions <= MAX_SESSIONS, row
            alice_row = next(row for row in agents.agents if row.agent == "alice")
            assert alice_row.sessions == 1
            assert alice_row.connected
    finally:
        assert await second.stop() == 0
