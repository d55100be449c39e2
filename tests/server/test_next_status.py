"""Next status (rule 15): the presence an agent takes when the last session and wrap-up end."""

from __future__ import annotations

import msgspec

from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    AgentUpdated,
    CloseSession,
    CreateWork,
    ListAgents,
    NextPresenceChanged,
    OfferAdded,
    PresenceChanged,
    SessionOpened,
    SetNextPresence,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    ErrorCode,
    Presence,
    PresenceSource,
    QueueId,
    Reason,
    Role,
    SessionId,
    UserId,
)
from agent_desktop.server.config import CustomPresenceConfig, ServerConfig
from agent_desktop.server.runner import running_server
from tests.server.engine_fixtures import EngineHarness, harness, make_config, queue, user
from tests.wire import logged_in

ALICE = UserId("alice")


def config() -> ServerConfig:
    return msgspec.structs.replace(
        make_config(
            queues=[
                queue("chat", Channel.CHAT),
                queue("wrap", Channel.CHAT, template_name="chat", wrap_up_s=30),
            ],
            users=[user("alice", ["chat", "wrap"]), user("sam", role=Role.SUPERVISOR)],
        ),
        presences=[CustomPresenceConfig(name="Lunch", base=Presence.AWAY)],
    )


def open_chat(h: EngineHarness, queue_id: str = "chat") -> SessionId:
    work = h.create(Channel.CHAT, queue_id=queue_id, agent=ALICE)
    h.accept("alice")
    session_id = h.work(work.work_id).session_id
    assert session_id is not None
    return session_id


def close(h: EngineHarness, session_id: SessionId) -> None:
    assert isinstance(h.call("alice", CloseSession(id=h.rid(), session_id=session_id)), Ack)


def test_the_next_status_applies_when_the_last_session_closes() -> None:
    h = harness(config(), login=["sam", "alice"])
    h.call("sam", ListAgents(id=h.rid()))
    first, second = open_chat(h), open_chat(h)
    h.call("alice", SetNextPresence(id=h.rid(), presence=Presence.AWAY))
    [told] = h.events("alice", NextPresenceChanged)
    assert told.next_presence is not None
    assert told.next_presence.presence is Presence.AWAY
    assert h.engine.views.snapshot(ALICE).next_presence == told.next_presence
    row = [u.agent for u in h.events("sam", AgentUpdated) if u.agent.agent == ALICE][-1]
    assert row.next_presence == told.next_presence
    close(h, first)
    assert h.presence("alice") is Presence.BUSY
    close(h, second)
    info = h.events("alice", PresenceChanged)[-1].presence
    assert (info.presence, info.reason, info.source) == (
        Presence.AWAY,
        Reason.NEXT_STATUS,
        PresenceSource.AGENT,
    )
    assert h.events("alice", NextPresenceChanged)[-1].next_presence is None
    assert h.engine.views.snapshot(ALICE).next_presence is None
    h.ok()


def test_it_waits_for_the_wrap_up_to_end() -> None:
    h = harness(config(), login=["sam", "alice"])
    session_id = open_chat(h, "wrap")
    h.call("alice", SetNextPresence(id=h.rid(), presence=Presence.AWAY, custom="Lunch"))
    close(h, session_id)
    assert h.presence("alice") is Presence.BUSY  # wrapping up
    h.tick(30)
    info = h.engine.presences.agents[ALICE].presence
    assert (info.presence, info.custom, info.reason) == (
        Presence.AWAY,
        "Lunch",
        Reason.NEXT_STATUS,
    )


def test_cancelled_it_does_not_apply() -> None:
    h = harness(config(), login=["sam", "alice"])
    session_id = open_chat(h)
    h.call("alice", SetNextPresence(id=h.rid(), presence=Presence.AWAY))
    h.call("alice", SetNextPresence(id=h.rid(), presence=None))
    assert h.events("alice", NextPresenceChanged)[-1].next_presence is None
    close(h, session_id)
    assert h.presence("alice") is Presence.AVAILABLE
    assert h.engine.presences.agents[ALICE].presence.reason is Reason.CAPACITY


def test_with_nothing_open_it_applies_at_once() -> None:
    h = harness(config(), login=["sam", "alice"])
    h.call("alice", SetNextPresence(id=h.rid(), presence=Presence.BUSY_DND))
    assert h.presence("alice") is Presence.BUSY_DND
    assert h.engine.presences.agents[ALICE].next_presence is None


def test_a_logout_drops_it() -> None:
    h = harness(config(), login=["sam", "alice"])
    open_chat(h)
    h.call("alice", SetNextPresence(id=h.rid(), presence=Presence.AWAY))
    h.disconnect("alice", goodbye=True)
    assert h.engine.presences.agents[ALICE].next_presence is None


def test_a_wrong_next_status_is_refused_and_changes_nothing() -> None:
    h = harness(config(), login=["sam", "alice"])
    open_chat(h)
    for presence, custom in (
        (Presence.INACTIVE, None),
        (Presence.BUSY, "Lunch"),
        (Presence.AWAY, "Nap"),
        (None, "Lunch"),
    ):
        request = SetNextPresence(id=h.rid(), presence=presence, custom=custom)
        assert h.refused("alice", request) is ErrorCode.INVALID_PRESENCE


async def test_next_status_over_real_sockets() -> None:
    async with (
        running_server() as server,
        logged_in(server.url, "alice") as alice,
        logged_in(server.url, "sam") as sam,
    ):
        await sam.request(CreateWork(id=sam.next_id(), channel=Channel.CHAT, queue=QueueId("chat")))
        offer = (await alice.next_event(OfferAdded)).offer
        await alice.request(AcceptOffer(id=alice.next_id(), offer_id=offer.offer_id))
        session = (await alice.next_event(SessionOpened)).session
        await alice.request(
            SetNextPresence(id=alice.next_id(), presence=Presence.AWAY, custom="Lunch")
        )
        told = await alice.next_event(NextPresenceChanged)
        assert told.next_presence is not None
        assert told.next_presence.custom == "Lunch"
        await alice.request(CloseSession(id=alice.next_id(), session_id=session.session_id))
        while True:
            info = (await alice.next_event(PresenceChanged)).presence
            if info.reason is Reason.NEXT_STATUS:
                break
        assert (info.presence, info.custom) == (Presence.AWAY, "Lunch")
