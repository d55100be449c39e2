"""Pages and `agent_updated` events merge in frame order into the list as it stands."""

from __future__ import annotations

import gc

import msgspec

from agent_desktop.protocol.agent_list import AgentListing
from agent_desktop.protocol.messages import Agents
from agent_desktop.protocol.model import AgentView, PresenceInfo
from agent_desktop.protocol.vocabulary import Presence, PresenceSource, Reason, Role, UserId


def row(agent: str, presence: Presence = Presence.AVAILABLE) -> AgentView:
    return AgentView(
        agent=UserId(agent),
        display_name=agent.title(),
        role=Role.AGENT,
        presence=PresenceInfo(
            presence=presence,
            source=PresenceSource.AGENT,
            reason=Reason.MANUAL,
            previous=None,
            changed_at=0.0,
        ),
        connected=True,
        sessions=0,
        pending_offers=0,
        alerts=(),
        queues=(),
        capacity_used=0,
        capacity=100,
    )


def test_an_event_after_a_page_wins_over_that_page() -> None:
    listing = AgentListing("r1")
    assert (
        listing.add_page(Agents(re="r1", agents=[row("ann"), row("ben")], next=UserId("ben")))
        is None
    )
    listing.update(row("ann", Presence.AWAY))
    whole = listing.add_page(Agents(re="r2", agents=[row("cid")]))
    assert whole is not None
    assert whole.re == "r1"
    assert [(r.agent, r.presence.presence) for r in whole.agents] == [
        ("ann", Presence.AWAY),
        ("ben", Presence.AVAILABLE),
        ("cid", Presence.AVAILABLE),
    ]
    assert listing.done


def test_a_page_after_an_event_wins_over_that_event() -> None:
    listing = AgentListing("r1")
    listing.add_page(Agents(re="r1", agents=[row("ann")], next=UserId("ann")))
    listing.update(row("ben", Presence.BUSY))  # not fetched yet: its page is newer
    whole = listing.add_page(Agents(re="r2", agents=[row("ben", Presence.AWAY)]))
    assert whole is not None
    assert [(r.agent, r.presence.presence) for r in whole.agents] == [
        ("ann", Presence.AVAILABLE),
        ("ben", Presence.AWAY),
    ]


def test_a_decoded_listing_of_10000_agents_leaves_nothing_for_the_collector() -> None:
    """A supervisor's app holds the whole listing; every object in it that the collector
    tracks is walked by each of its full collections (a pause on the Team page)."""
    listed = [row(f"agent{n:05d}", Presence.AVAILABLE) for n in range(10_000)]
    wire = msgspec.json.encode(Agents(re="r1", agents=listed))
    gc.collect()
    before = len(gc.get_objects())
    page = msgspec.json.decode(wire, type=Agents)
    gc.collect()
    assert len(page.agents) == 10_000
    assert len(gc.get_objects()) - before < 100  # was 40,000: a view, its presence, two lists
