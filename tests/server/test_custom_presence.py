"""Custom presences (rule 12): admin-defined names over a base presence that routing follows."""

from __future__ import annotations

import pytest

from agent_desktop.protocol.messages import (
    Ack,
    Agents,
    AgentUpdated,
    GetPresenceTimeline,
    ListAgents,
    OfferAdded,
    PresenceChanged,
    PresenceTimeline,
    ResetPresence,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Channel, ErrorCode, Presence, Reason
from agent_desktop.server.config import CustomPresenceConfig, ServerConfig
from agent_desktop.server.config_loader import ConfigError, parse_config
from agent_desktop.server.runner import running_server
from tests.server.engine_fixtures import harness, make_config
from tests.wire import logged_in

PRESENCES = [
    CustomPresenceConfig(name="Lunch", base=Presence.AWAY, colour="#e0a030"),
    CustomPresenceConfig(name="Training", base=Presence.BUSY_DND),
    CustomPresenceConfig(name="Back office", base=Presence.BUSY),
]


def config() -> ServerConfig:
    base = make_config()
    return ServerConfig(
        timings=base.timings,
        templates=base.templates,
        queues=base.queues,
        users=base.users,
        contacts=base.contacts,
        presences=PRESENCES,
    )


def test_the_snapshot_lists_the_custom_presences() -> None:
    h = harness(config())
    snapshot = h.connect("alice")
    assert [(p.name, p.base) for p in snapshot.custom_presences] == [
        ("Lunch", Presence.AWAY),
        ("Training", Presence.BUSY_DND),
        ("Back office", Presence.BUSY),
    ]
    assert snapshot.custom_presences[0].colour == "#e0a030"


def test_an_agent_sets_a_custom_presence_and_routing_follows_its_base() -> None:
    h = harness(config())
    h.connect("alice")
    reply = h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY, custom="Lunch"))
    assert isinstance(reply, Ack)
    info = h.events("alice", PresenceChanged)[-1].presence
    assert (info.presence, info.custom, info.reason) == (Presence.AWAY, "Lunch", Reason.MANUAL)
    h.create(Channel.CHAT)
    assert h.events("alice", OfferAdded) == []  # away: the chat queue allows available/busy
    # "Back office" is busy underneath: the chat queue routes to busy agents.
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY, custom="Back office"))
    assert len(h.events("alice", OfferAdded)) == 1
    h.ok()


def test_a_custom_presence_stays_when_the_load_changes() -> None:
    h = harness(config())
    h.connect("alice")
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY, custom="Back office"))
    h.create(Channel.CHAT)
    h.accept("alice")
    agent = h.engine.presences.agents[h.principal("alice").user]
    # A plain chosen "busy" follows the load; the custom one is a deliberate choice and stays.
    assert (agent.presence.presence, agent.presence.custom) == (Presence.BUSY, "Back office")


def test_a_system_change_drops_the_custom_name_and_a_quick_reconnect_restores_it() -> None:
    h = harness(config())
    h.connect("alice")
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY, custom="Lunch"))
    h.disconnect("alice")
    agent = h.engine.presences.agents[h.principal("alice").user]
    assert (agent.presence.presence, agent.presence.custom) == (Presence.OFFLINE, None)
    snapshot = h.connect("alice")
    assert (snapshot.presence.presence, snapshot.presence.custom) == (Presence.AWAY, "Lunch")


def test_the_supervisor_sees_and_sets_the_custom_name() -> None:
    h = harness(config())
    h.connect("alice")
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.BUSY_DND, custom="Training"))
    rows = h.call("sam", ListAgents(id=h.rid()))
    assert isinstance(rows, Agents)
    alice = next(a for a in rows.agents if a.agent == "alice")
    assert alice.presence.custom == "Training"
    h.call(
        "sam", ResetPresence(id=h.rid(), agent=alice.agent, presence=Presence.AWAY, custom="Lunch")
    )
    timeline = h.call("alice", GetPresenceTimeline(id=h.rid()))
    assert isinstance(timeline, PresenceTimeline)
    last = timeline.changes[-1]
    assert (last.custom, last.by, last.reason) == ("Lunch", "sam", Reason.SUPERVISOR)


@pytest.mark.parametrize(
    ("presence", "custom"),
    [
        (Presence.AWAY, "Nap"),  # not defined
        (Presence.BUSY, "Lunch"),  # Lunch maps to away
        (Presence.INACTIVE, "Lunch"),  # system-only
    ],
)
def test_a_wrong_custom_choice_is_refused_and_changes_nothing(
    presence: Presence, custom: str
) -> None:
    h = harness(config())
    h.connect("alice")
    code = h.refused("alice", SetPresence(id=h.rid(), presence=presence, custom=custom))
    assert code is ErrorCode.INVALID_PRESENCE


BASE_TOML = """users = []

[templates.chat]
title = "Chat"

[[queues]]
id = "chat"
name = "Chat"
channel = "chat"
template = "chat"

[[presences]]
name = "Lunch"
base = "away"

[[presences]]
name = "Nap"
base = "{base}"
"""


@pytest.mark.parametrize(
    ("base", "reason"),
    [
        ("inactive", "custom presence 'Nap': inactive is set by the system only (missed offers)"),
        ("offline", "custom presence 'Nap': a connected agent is never offline"),
    ],
)
def test_config_refuses_a_system_only_base_naming_the_line(base: str, reason: str) -> None:
    text = BASE_TOML.replace("{base}", base)
    with pytest.raises(ConfigError) as raised:
        parse_config(text, source="server.toml")
    line = text.splitlines().index(f'base = "{base}"') + 1
    assert str(raised.value) == f"server.toml:{line}: {reason}"


def test_config_refuses_a_duplicate_name_and_a_bad_colour() -> None:
    text = BASE_TOML.replace("{base}", "busy").replace('name = "Nap"', 'name = "lunch"')
    with pytest.raises(ConfigError, match="duplicate presence name 'lunch'"):
        parse_config(text)
    with pytest.raises(ConfigError, match="colour"):
        parse_config(BASE_TOML.replace("{base}", "busy") + 'colour = "red"\n')


async def test_custom_presence_over_real_sockets() -> None:
    async with (
        running_server() as server,  # the demo defines Lunch, Training and Back office
        logged_in(server.url, "alice") as alice,
        logged_in(server.url, "sam") as sam,
    ):
        assert alice.snapshot is not None
        assert "Lunch" in [p.name for p in alice.snapshot.custom_presences]
        await sam.request(ListAgents(id=sam.next_id()))
        await alice.request(SetPresence(id=alice.next_id(), presence=Presence.AWAY, custom="Lunch"))
        changed = await alice.next_event(PresenceChanged)
        assert changed.presence.custom == "Lunch"
        while True:
            row = (await sam.next_event(AgentUpdated)).agent
            if row.agent == "alice" and row.presence.custom == "Lunch":
                break
