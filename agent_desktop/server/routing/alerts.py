"""Alerts at the top of an agent's dashboard (missed, rejected, max sessions), until cleared.

Each alert tells the agent which presence the system set ("you were set to Inactive / Do not
disturb"). It is cleared when a person chooses a presence the agent's queues route in, when the
agent dismisses it, and when the agent leaves the presence it names (`NAMED_PRESENCE`): a
supervisor reset, a fresh login, the capacity rule. Going offline is not leaving: the alert is
there when the agent is back, and goes if they come back in another presence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from agent_desktop.protocol.messages import AlertCleared, AlertRaised
from agent_desktop.protocol.model import Alert, WorkItem
from agent_desktop.protocol.vocabulary import AlertId, AlertKind, Presence, Reason, UserId
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.records import (
    KIND_ALERT,
    KIND_ALERT_CLEARED,
    AlertRecord,
    decode_record,
)

NAMED_PRESENCE: Final[dict[AlertKind, Presence]] = {
    AlertKind.MISSED: Presence.INACTIVE,  # rule 2
    AlertKind.REJECTED: Presence.BUSY_DND,  # rule 3
    AlertKind.MAX_SESSIONS: Presence.BUSY_DND,  # rule 7
}
"""The presence each alert says the agent was set to; leaving it resolves the alert."""


class Alerts:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.records: dict[AlertId, AlertRecord] = {}
        self.shown: dict[UserId, dict[AlertId, Alert]] = {}

    def raise_alert(
        self,
        user: UserId,
        kind: AlertKind,
        message: str,
        work: WorkItem | None,
        reason: Reason | None = None,
        until: float | None = None,
    ) -> None:
        ledger = self.ledger
        alert = Alert(
            alert_id=AlertId(f"A{ledger.next('alert')}"),
            kind=kind,
            message=message,
            raised_at=ledger.now(),
            work_id=work.work_id if work else None,
            channel=work.channel if work else None,
            customer=work.customer.name if work else None,
            reason=reason,
            until=until,
        )
        self.records[alert.alert_id] = AlertRecord(agent=user, alert=alert)
        self.shown.setdefault(user, {})[alert.alert_id] = alert
        ledger.mark(KIND_ALERT, alert.alert_id)
        ledger.audit("alert", agent=user, alert=alert)
        ledger.deliver(user, AlertRaised(alert=alert))
        # The max-sessions alert takes the agent out of routing (see `Router.candidate`).
        ledger.changed(user)

    def clear(self, alert_id: AlertId) -> None:
        record = self.records[alert_id]
        record.cleared = True
        self.shown.get(record.agent, {}).pop(alert_id, None)
        ledger = self.ledger
        ledger.mark(KIND_ALERT, alert_id)
        ledger.retire(KIND_ALERT_CLEARED, alert_id)
        ledger.deliver(record.agent, AlertCleared(alert_id=alert_id))
        ledger.changed(record.agent)

    def clear_all(self, user: UserId) -> None:
        for alert in self.of(user):
            self.clear(alert.alert_id)

    def presence_left(self, user: UserId, left: Presence) -> None:
        """The agent no longer holds `left`: alerts that say "you were set to `left`" are stale."""
        for alert in self.of(user):
            if alert.reason is Reason.REPEAT_MISSES:
                continue  # it speaks of the penalty, not the presence: it goes when that ends
            if NAMED_PRESENCE.get(alert.kind) is left:
                self.clear(alert.alert_id)

    def of(self, user: UserId) -> list[Alert]:
        return sorted(self.shown.get(user, {}).values(), key=lambda a: (a.raised_at, a.alert_id))

    def showing(self, user: UserId, kind: AlertKind) -> bool:
        return any(a.kind is kind for a in self.shown.get(user, {}).values())

    def find(self, alert_id: AlertId) -> AlertRecord | None:
        record = self.records.get(alert_id)
        if record is not None:
            return record
        data = self.ledger.store.get(KIND_ALERT_CLEARED, alert_id)
        return None if data is None else decode_record(data, AlertRecord)

    def evict(self, alert_id: AlertId) -> None:
        record = self.records.get(alert_id)
        if record is not None and record.cleared:
            del self.records[alert_id]

    def violations(self) -> Iterator[str]:
        for alert_id, alert in self.records.items():
            if (alert_id in self.shown.get(alert.agent, {})) == alert.cleared:
                yield f"{alert_id} cleared={alert.cleared} but listed otherwise for {alert.agent}"
