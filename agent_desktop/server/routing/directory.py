"""The configured world the rules read: queues, users, their queues, capacity and templates.

Read-only after start. Who may take work at all (`takes_work`) is decided here, once.
"""

from __future__ import annotations

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.vocabulary import Presence, QueueId, Role, UserId
from agent_desktop.server.config import QueueConfig, ServerConfig, TemplateConfig, UserConfig

DEFAULT_ALLOWED: frozenset[Presence] = frozenset({Presence.AVAILABLE, Presence.BUSY})
"""A queue's `allowed_presences` when the config does not say (see `QueueConfig`)."""


class Directory:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.queues: dict[QueueId, QueueConfig] = {QueueId(q.id): q for q in config.queues}
        self.users: dict[UserId, UserConfig] = {UserId(u.id): u for u in config.users}
        self.listed_users: tuple[UserId, ...] = tuple(
            u for u, c in self.users.items() if c.role is Role.AGENT or c.queues
        )
        """Who appears in the supervisor's table: agents, and anyone who takes work."""
        self.listed_by_id: tuple[UserId, ...] = tuple(sorted(self.listed_users))
        """The same, in the order the table is paged (`list_agents` with `after`)."""
        self._workers = frozenset(self.listed_users)

    def takes_work(self, user: UserId) -> bool:
        """Agents, and anyone given queues. A supervisor or admin without queues is nobody's
        desk: work sent there would sit with someone no supervisor watches."""
        return user in self._workers

    def user_queues(self, user: UserId) -> list[QueueId]:
        config = self.users.get(user)
        if config is None:
            return []
        return [QueueId(q) for q in config.queues if q in self.queues]

    def capacity(self, user: UserId) -> int:
        config = self.users.get(user)
        return config.capacity if config is not None else 0

    def allowed_presences(self, user: UserId) -> set[Presence]:
        """Presences in which the agent can get work from at least one of its queues."""
        allowed: set[Presence] = set()
        for queue_id in self.user_queues(user):
            allowed.update(self.queues[queue_id].allowed_presences)
        return allowed or set(DEFAULT_ALLOWED)

    def reroute_grace(self, queue_id: QueueId) -> float:
        """Rule 8: how long after its timeout an offer to a vanished agent stays theirs."""
        queue = self.queues[queue_id]
        if queue.offer_reroute_grace_s is not None:
            return queue.offer_reroute_grace_s
        if traits(queue.channel).caller_waits:
            return 0.0
        return self.config.timings.offer_reroute_grace_s

    def template(self, queue: QueueConfig) -> TemplateConfig:
        template = self.config.templates.get(queue.template)
        return template if template is not None else TemplateConfig(title=queue.name)
