"""Repeat misses (rule 14): after `[repeat_misses] count` missed offers within `window_s`, the
agent is `inactive` (reason `repeat_misses`) and out of queue routing for `penalty_s`, with its
own alert (kind `missed`, reason `repeat_misses`: a kind of its own would be new to every
client's exhaustive handling of alert kinds). The penalty ends at its deadline, or when a
supervisor clears it (`clear_penalty`, or `reset_presence`). The agent setting themselves
Available does not end it: a client that misses every offer would otherwise keep burning
customers' wait time.
"""

from __future__ import annotations

from agent_desktop.protocol.model import WorkItem
from agent_desktop.protocol.vocabulary import AlertKind, Reason, UserId
from agent_desktop.server.routing import deadlines
from agent_desktop.server.routing.alerts import Alerts
from agent_desktop.server.routing.deadlines import Deadlines
from agent_desktop.server.routing.ledger import Ledger
from agent_desktop.server.routing.presence import Presences
from agent_desktop.server.routing.presence_table import PresenceTrigger
from agent_desktop.server.routing.records import KIND_AGENT


class Penalties:
    def __init__(
        self, ledger: Ledger, presences: Presences, alerts: Alerts, deadlines: Deadlines
    ) -> None:
        self.ledger = ledger
        self.presences = presences
        self.alerts = alerts
        self.deadlines = deadlines

    def active(self, user: UserId) -> bool:
        agent = self.presences.agents.get(user)
        return agent is not None and agent.penalty_until is not None

    def missed(self, user: UserId, what: str, work: WorkItem) -> bool:
        """Count a missed offer; True when it starts the penalty (which then replaces the plain
        missed row and alert)."""
        rule = self.ledger.config.repeat_misses
        if rule.count == 0:
            return False
        agent = self.presences.agent(user)
        now = self.ledger.now()
        agent.misses = [at for at in agent.misses if at > now - rule.window_s] + [now]
        self.ledger.mark(KIND_AGENT, user)
        if len(agent.misses) < rule.count or agent.penalty_until is not None:
            return False
        agent.misses = []
        agent.penalty_until = now + rule.penalty_s
        self.presences.apply(user, PresenceTrigger.REPEAT_MISSES)
        self.deadlines.schedule(agent.penalty_until, deadlines.PENALTY, user)
        minutes = max(1, round(rule.penalty_s / 60))
        self.alerts.raise_alert(
            user,
            AlertKind.MISSED,
            f"You missed {what}, your {rule.count}th missed offer in {rule.window_s / 60:g} "
            f"minutes, so you get no new work for {minutes} min. A supervisor can lift this.",
            work,
            reason=Reason.REPEAT_MISSES,
            until=agent.penalty_until,
        )
        return True

    def clear(self, user: UserId) -> None:
        """The penalty is over (deadline) or lifted (supervisor); the agent may be routed again
        once their presence allows it."""
        agent = self.presences.agents.get(user)
        if agent is None or agent.penalty_until is None:
            return
        agent.penalty_until = None
        agent.misses = []
        self.ledger.mark(KIND_AGENT, user)
        self.ledger.changed(user)
        for alert in self.alerts.of(user):
            if alert.reason is Reason.REPEAT_MISSES:
                self.alerts.clear(alert.alert_id)
