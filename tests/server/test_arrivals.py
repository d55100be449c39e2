"""Rule 8 per channel: an offer to an agent whose link is gone is kept for them for the queue's
reroute grace after its timeout (the reference 8 minutes for chat, SMS and cases), but a caller
on the line (voice, grace 0 by default) is rerouted as soon as the server knows the agent is
gone, or at the offer's timeout when it learns that earlier (a server restart)."""

from __future__ import annotations

from typing import Any

from agent_desktop.protocol.messages import CreateWork, OfferAdded, OfferEnded, SetPresence
from agent_desktop.protocol.vocabulary import (
    Channel,
    OfferState,
    Presence,
    QueueId,
    Reason,
    Role,
    UserId,
    WorkState,
)
from agent_desktop.server.engine import Engine
from agent_desktop.server.runner import RunningServer
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user
from tests.wire import logged_in

VOICE_WAIT = 30.0  # the voice template's wait time in make_config


def _config(**chat: Any) -> object:
    return make_config(
        queues=[queue("chat", Channel.CHAT, **chat), queue("voice", Channel.VOICE)],
        users=[
            user("alice", ["chat", "voice"]),
            user("bob", ["chat", "voice"]),
            user("sam", role=Role.SUPERVISOR),
        ],
    )


def _offered_to_alice(h: EngineHarness, channel: Channel) -> None:
    h.create(channel, agent=UserId("alice"))
    assert h.offer_id("alice")


def test_a_voice_offer_is_rerouted_as_soon_as_the_agents_link_is_gone() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    _offered_to_alice(h, Channel.VOICE)
    offer_id = h.offer_id("alice")
    h.disconnect("alice")  # the link vanished (no goodbye)
    ended = h.offer(offer_id)
    assert (ended.state, ended.reason) == (OfferState.WITHDRAWN, Reason.DISCONNECT)
    [rerouted] = h.events("bob", OfferAdded)
    assert rerouted.offer.work.work_id == ended.work_id
    h.ok()


def test_a_chat_offer_keeps_the_reference_grace() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    _offered_to_alice(h, Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.disconnect("alice")
    h.tick(120)
    assert h.offer(offer_id).held
    assert h.events("bob", OfferAdded) == []
    h.tick(480)
    assert h.offer(offer_id).state is OfferState.WITHDRAWN
    assert len(h.events("bob", OfferAdded)) == 1
    h.ok()


def test_a_queue_sets_its_own_grace() -> None:
    h = harness(_config(offer_reroute_grace_s=0), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    _offered_to_alice(h, Channel.CHAT)
    h.disconnect("alice")
    assert len(h.events("bob", OfferAdded)) == 1
    h.ok()


def test_a_chat_offer_sent_after_the_link_was_last_proved_alive_is_rerouted_at_once() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    proved = h.clock.now()
    h.clock.advance(1)
    _offered_to_alice(h, Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.disconnect("alice", last_alive=proved)
    ended = h.offer(offer_id)
    assert (ended.state, ended.reason) == (OfferState.WITHDRAWN, Reason.DISCONNECT)
    assert len(h.events("bob", OfferAdded)) == 1
    h.ok()


def test_a_held_offer_shown_again_counts_as_sent_when_the_agent_came_back() -> None:
    h = harness(_config(), login=["sam", "alice", "bob"])  # type: ignore[arg-type]
    h.call("bob", SetPresence(id=h.rid(), presence=Presence.AWAY))
    _offered_to_alice(h, Channel.CHAT)
    offer_id = h.offer_id("alice")
    h.clock.advance(1)
    h.disconnect("alice")  # proved delivered: held
    h.tick(120)
    assert h.offer(offer_id).held
    h.connect("alice")  # the snapshot shows it again, now
    came_back = h.clock.now()
    h.clock.advance(1)
    h.disconnect("alice", last_alive=came_back)  # the snapshot was proved: still held
    assert h.offer(offer_id).state is OfferState.PENDING
    h.connect("alice")
    h.clock.advance(1)
    h.disconnect("alice", last_alive=came_back)  # this connection's snapshot never was
    assert h.offer(offer_id).state is OfferState.WITHDRAWN
    h.ok()


def test_after_a_restart_a_voice_offer_is_rerouted_at_its_timeout() -> None:
    h = harness(_config(), login=["sam", "alice"])  # type: ignore[arg-type]
    _offered_to_alice(h, Channel.VOICE)
    offer_id = h.offer_id("alice")
    work_id = h.offer(offer_id).work_id
    # The server stops and starts again on the same store: nobody is connected.
    again = EngineHarness(Engine(h.config, h.store, h.clock), h.clock, h.store, h.config)
    again.connect("sam")
    again.connect("bob")
    again.tick(VOICE_WAIT)
    ended = again.offer(offer_id)
    assert (ended.state, ended.reason) == (OfferState.WITHDRAWN, Reason.DISCONNECT)
    assert again.work(work_id).item.state is WorkState.OFFERED
    assert again.events("bob", OfferAdded)[0].offer.work.work_id == work_id
    again.ok()


async def test_over_sockets_a_caller_is_rerouted_when_the_agents_client_dies(
    server: RunningServer,
) -> None:
    url = server.url
    async with logged_in(url, "sam") as sam, logged_in(url, "bob") as bob:
        async with logged_in(url, "alice") as alice:
            await sam.call(
                CreateWork(
                    id=sam.next_id(),
                    channel=Channel.VOICE,
                    queue=QueueId("voice"),
                    customer_name="Ben Okafor",
                    agent=UserId("alice"),
                )
            )
            offer = (await alice.next_event(OfferAdded)).offer
            alice.ws.transport.abort()  # killed: no goodbye, no close frame
        # Bob gets the caller within seconds, not at the timeout plus 8 minutes.
        rerouted = (await bob.next_event(OfferAdded)).offer
        assert rerouted.work.work_id == offer.work.work_id
        assert not [e for e in bob.events if isinstance(e, OfferEnded)]
