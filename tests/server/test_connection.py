"""A connection's delivery proof: offers a vanished client never received are not held for it.

Over real sockets: a client "freezes" by no longer reading its socket (no pong is sent), the
server's heartbeat finds the link dead, and the engine is told how far delivery was proved.
"""

from __future__ import annotations

from agent_desktop.protocol.messages import (
    AgentUpdated,
    CreateWork,
    GetWork,
    ListAgents,
    OfferAdded,
    SetPresence,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import Channel, Presence, QueueId, WorkState
from agent_desktop.server.runner import RunningServer
from tests.wire import WireClient, logged_in

NOTICED_WITHIN_S = 5.0
"""Far below the chat offer's 120 s timeout and 480 s reroute grace that a hold would take."""


async def create_chat(sam: WireClient) -> WorkCreated:
    reply = await sam.call(
        CreateWork(id=sam.next_id(), channel=Channel.CHAT, queue=QueueId("chat"))
    )
    assert isinstance(reply, WorkCreated)
    return reply


async def wait_offline(sam: WireClient, agent: str) -> None:
    while True:
        update = await sam.next_event(AgentUpdated, wait_s=NOTICED_WITHIN_S)
        if update.agent.agent == agent and not update.agent.connected:
            return


async def test_an_offer_sent_to_a_frozen_client_is_rerouted_as_soon_as_the_link_is_dead(
    fast_heartbeat_server: RunningServer,
) -> None:
    server = fast_heartbeat_server
    async with (
        logged_in(server.url, "sam") as sam,
        logged_in(server.url, "alice") as alice,
        logged_in(server.url, "bob") as bob,
    ):
        await bob.call(SetPresence(id=bob.next_id(), presence=Presence.AWAY))
        # Alice's machine freezes: her socket stays open but nothing is read, so no pong.
        alice.ws.transport.pause_reading()
        created = await create_chat(sam)
        info = await sam.call(GetWork(id=sam.next_id(), work_id=created.work.work_id))
        assert isinstance(info, WorkInfo)
        assert (info.work.state, info.agent) == (WorkState.OFFERED, "alice")
        await bob.call(SetPresence(id=bob.next_id(), presence=Presence.AVAILABLE))
        # The offer only ever reached a socket buffer: once the heartbeat finds the link
        # dead it goes to bob, not after the timeout plus the reroute grace.
        offered = await bob.next_event(OfferAdded, wait_s=NOTICED_WITHIN_S)
        assert offered.offer.work.work_id == created.work.work_id


async def test_an_offer_the_client_received_is_held_for_its_return(
    fast_heartbeat_server: RunningServer,
) -> None:
    server = fast_heartbeat_server
    async with (
        logged_in(server.url, "sam") as sam,
        logged_in(server.url, "alice") as alice,
    ):
        await sam.call(ListAgents(id=sam.next_id()))  # sam gets the agent_updated deltas
        created = await create_chat(sam)
        await alice.next_event(OfferAdded)
        # A round trip after the offer: the pong to the server's proof ping left before it.
        await alice.call(SetPresence(id=alice.next_id(), presence=Presence.AVAILABLE))
        alice.ws.transport.pause_reading()
        await wait_offline(sam, "alice")
        info = await sam.call(GetWork(id=sam.next_id(), work_id=created.work.work_id))
        assert isinstance(info, WorkInfo)
        assert (info.work.state, info.agent) == (WorkState.OFFERED, "alice")
