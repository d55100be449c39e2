"""Alerts are cleared when the agent leaves the presence they name, whoever moved them."""

from __future__ import annotations

from agent_desktop.protocol.messages import AlertCleared, RejectOffer, ResetPresence, SetPresence
from agent_desktop.protocol.model import Alert
from agent_desktop.protocol.vocabulary import AlertKind, Channel, Presence, UserId
from agent_desktop.server.config import Timings
from agent_desktop.server.routing.alerts import NAMED_PRESENCE
from tests.server.engine_fixtures import harness, make_config

FAST = Timings(offer_reroute_grace_s=60, session_reclaim_s=300, presence_restore_window_s=150)
ALICE = UserId("alice")


def kinds(alerts: list[Alert]) -> list[AlertKind]:
    return [a.kind for a in alerts]


def test_every_alert_names_the_presence_it_set() -> None:
    assert set(NAMED_PRESENCE) == set(AlertKind)


def test_a_supervisor_reset_to_another_presence_clears_the_missed_alert() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.tick(120)
    assert kinds(h.engine.alerts.of(ALICE)) == [AlertKind.MISSED]
    h.clear()
    # Do not disturb is not a presence the queues route in, so the old rule left the alert.
    h.call("sam", ResetPresence(id=h.rid(), agent=ALICE, presence=Presence.BUSY_DND))
    assert h.presence("alice") is Presence.BUSY_DND
    assert h.engine.alerts.of(ALICE) == []
    assert any(isinstance(m, AlertCleared) for m in h.inbox[ALICE])
    h.ok()


def test_a_fresh_login_clears_the_alerts_of_the_presence_it_replaces() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.tick(120)
    h.disconnect("alice")
    h.clock.advance(151)  # past the restore window: the next login is fresh (available)
    snapshot = h.connect("alice")
    assert snapshot.presence.presence is Presence.AVAILABLE
    assert snapshot.alerts == []
    h.ok()


def test_choosing_away_clears_the_reject_alert() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.call("alice", RejectOffer(id=h.rid(), offer_id=h.offer_id("alice")))
    assert kinds(h.engine.alerts.of(ALICE)) == [AlertKind.REJECTED]
    h.call("alice", SetPresence(id=h.rid(), presence=Presence.AWAY))
    assert h.engine.alerts.of(ALICE) == []


def test_a_quick_return_keeps_the_alert_and_the_presence() -> None:
    h = harness(make_config(timings=FAST), login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.tick(120)
    h.disconnect("alice")
    h.clock.advance(100)
    snapshot = h.connect("alice")
    assert snapshot.presence.presence is Presence.INACTIVE
    assert kinds(snapshot.alerts) == [AlertKind.MISSED]


def test_staying_in_the_named_presence_keeps_the_alert() -> None:
    h = harness(login=["sam", "alice"])
    h.create(Channel.CHAT)
    h.call("alice", RejectOffer(id=h.rid(), offer_id=h.offer_id("alice")))
    h.call("sam", ResetPresence(id=h.rid(), agent=ALICE, presence=Presence.BUSY_DND))
    assert kinds(h.engine.alerts.of(ALICE)) == [AlertKind.REJECTED]
