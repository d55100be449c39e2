"""Build `ServerConfig`s and engines in Python for the engine's tests (no config files).

`EngineHarness` wraps an `Engine` with a `ManualClock` and keeps what each user was sent, so a
test reads like the scenario: connect alice, create a chat, alice accepts, the clock moves...
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from agent_desktop.clock import ManualClock
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CreateWork,
    PushedEvent,
    Request,
    ServerReply,
    Snapshot,
    WorkCreated,
)
from agent_desktop.protocol.model import WorkItem
from agent_desktop.protocol.vocabulary import (
    Channel,
    ErrorCode,
    OfferId,
    Presence,
    QueueId,
    Role,
    UserId,
    WorkId,
)
from agent_desktop.server.config import (
    ContactConfig,
    QueueConfig,
    ServerConfig,
    TemplateConfig,
    Timings,
    UserConfig,
)
from agent_desktop.server.config import TemplateField as Field
from agent_desktop.server.engine import ConnId, Delivery, Engine, Principal
from agent_desktop.server.routing.records import OfferRecord, WorkRecord
from agent_desktop.server.store import MemoryStore, Store

E = TypeVar("E", bound=PushedEvent)

HASH = "scrypt$not-checked-by-the-engine"


def template(title: str, **overrides: Any) -> TemplateConfig:
    return TemplateConfig(title=title, **overrides)


def queue(
    queue_id: str, channel: Channel, template_name: str | None = None, **overrides: Any
) -> QueueConfig:
    return QueueConfig(
        id=queue_id,
        name=queue_id.replace("_", " ").title(),
        channel=channel,
        template=template_name or queue_id,
        **overrides,
    )


def user(
    user_id: str, queues: Iterable[str] = (), role: Role = Role.AGENT, **kw: Any
) -> UserConfig:
    return UserConfig(
        id=user_id,
        name=user_id.title(),
        role=role,
        password_hash=HASH,
        queues=list(queues),
        **kw,
    )


ALL_QUEUES = ("chat", "sms", "voice", "case", "chat_vip")


def make_config(
    *,
    agents: Iterable[str] = ("alice", "bob", "carol"),
    queues: list[QueueConfig] | None = None,
    users: list[UserConfig] | None = None,
    timings: Timings | None = None,
    capacity: int = 100,
) -> ServerConfig:
    """The demo's shape: chat, sms, voice, case (not rejectable), chat_vip (auto-accept)."""
    templates = {
        "chat": template("Incoming chat", fields=[Field.CUSTOMER_NAME, Field.QUEUE, Field.SUBJECT]),
        "sms": template("Incoming SMS", fields=[Field.CUSTOMER_NAME, Field.PHONE]),
        "voice": template(
            "Incoming call", fields=[Field.CUSTOMER_NAME, Field.BOT_SUMMARY], wait_time_s=30
        ),
        "case": template("Case assigned", fields=[Field.CASE_NUMBER, Field.CASE_TITLE]),
        "chat_vip": template("VIP chat", kind="toast"),
        "assignment": template("Work assigned to you", kind="toast"),
    }
    if queues is None:
        queues = [
            queue("chat", Channel.CHAT),
            queue("sms", Channel.SMS),
            queue("voice", Channel.VOICE),
            queue("case", Channel.CASE, allow_reject=False),
            queue("chat_vip", Channel.CHAT, auto_accept=True, toast_template="assignment"),
        ]
    if users is None:
        users = [user(a, [q.id for q in queues], capacity=capacity) for a in agents]
        users += [
            user("sam", role=Role.SUPERVISOR),
            user("admin", role=Role.ADMIN),
        ]
    return ServerConfig(
        timings=timings or Timings(),
        templates=templates,
        queues=queues,
        users=users,
        contacts=[
            ContactConfig(
                id="c1",
                name="Dana Contact",
                mobile_phone="+1 (555) 010-2030",
                email="dana@example.com",
                account="Acme",
            ),
            ContactConfig(id="c2", name="Eli Other", mobile_phone="+44 20 7946 0000"),
        ],
    )


@dataclass
class EngineHarness:
    engine: Engine
    clock: ManualClock
    store: Store
    config: ServerConfig
    inbox: dict[UserId, list[PushedEvent]] = field(default_factory=dict)
    conns: dict[UserId, list[ConnId]] = field(default_factory=dict)
    _conn_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _req_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def principal(self, name: str) -> Principal:
        config = self.config.user(UserId(name))
        assert config is not None, name
        return Principal(UserId(name), config.role)

    def take(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            self.inbox.setdefault(delivery.to, []).append(delivery.message)

    def connect(self, name: str) -> Snapshot:
        conn = ConnId(next(self._conn_ids))
        self.conns.setdefault(UserId(name), []).append(conn)
        snapshot, deliveries = self.engine.connect(self.principal(name), conn)
        self.take(deliveries)
        return snapshot

    def disconnect(self, name: str, *, goodbye: bool = False, last_alive: float = math.inf) -> None:
        conn = self.conns[UserId(name)].pop()
        self.take(self.engine.disconnect(conn, goodbye=goodbye, last_alive=last_alive))

    def rid(self) -> str:
        return f"r{next(self._req_ids)}"

    def call(self, name: str, request: Request) -> ServerReply:
        conn = self.conns[UserId(name)][-1]
        reply, deliveries = self.engine.handle(self.principal(name), conn, request)
        self.take(deliveries)
        return reply

    def refused(self, name: str, request: Request) -> ErrorCode:
        """The request is refused and changes nothing (state, store and deliveries)."""
        before = self.state()
        conn = self.conns[UserId(name)][-1]
        with pytest.raises(ProtocolError) as raised:
            self.engine.handle(self.principal(name), conn, request)
        assert raised.value.re == request.id
        assert self.state() == before, "a refused request changed state"
        return raised.value.code

    def state(self) -> tuple[object, ...]:
        """A comparable picture of the engine's state (records and what the store holds)."""
        engine = self.engine
        store = self.store
        kinds = ("work", "offer", "session", "agent", "alert", "timeline", "meta")
        stored = tuple(tuple(sorted(store.load(k))) for k in kinds)
        return (
            repr(sorted(engine.works.items.items())),
            repr(sorted(engine.offers.records.items())),
            repr(sorted(engine.sessions.records.items())),
            repr(sorted(engine.presences.agents.items())),
            repr(sorted(engine.alerts.records.items())),
            stored,
            len(store.audit(0, 10**9)),
        )

    def events(self, name: str, kind: type[E]) -> list[E]:
        return [m for m in self.inbox.get(UserId(name), []) if isinstance(m, kind)]

    def clear(self) -> None:
        self.inbox.clear()

    def tick(self, seconds: float = 0.0) -> None:
        self.clock.advance(seconds)
        self.take(self.engine.tick())

    def create(
        self, channel: Channel = Channel.CHAT, queue_id: str | None = None, **kw: Any
    ) -> WorkItem:
        reply = self.call(
            "sam",
            CreateWork(
                id=self.rid(), channel=channel, queue=QueueId(queue_id or channel.value), **kw
            ),
        )
        assert isinstance(reply, WorkCreated), reply
        return reply.work

    def offer(self, offer_id: OfferId) -> OfferRecord:
        """The offer's record: in memory while pending, else as the store keeps it (an ended
        offer leaves memory at the end of the request that ended it)."""
        offer = self.engine.offers.find(offer_id)
        assert offer is not None, offer_id
        return offer

    def work(self, work_id: WorkId) -> WorkRecord:
        """The item's record: in memory while open, else as the store keeps it."""
        work = self.engine.works.find(work_id)
        assert work is not None, work_id
        return work

    def offer_id(self, name: str) -> OfferId:
        """The pending offer the agent holds (exactly one expected)."""
        pending = self.engine.offers.pending.get(UserId(name), set())
        assert len(pending) == 1, pending
        return next(iter(pending))

    def accept(self, name: str, offer_id: OfferId | None = None) -> ServerReply:
        return self.call(name, AcceptOffer(id=self.rid(), offer_id=offer_id or self.offer_id(name)))

    def presence(self, name: str) -> Presence:
        return self.engine.presences.agents[UserId(name)].presence.presence

    def ok(self) -> None:
        assert self.engine.invariant_violations() == []


def harness(
    config: ServerConfig | None = None,
    store: Store | None = None,
    *,
    clock: ManualClock | None = None,
    login: Iterable[str] = ("sam",),
) -> EngineHarness:
    config = config or make_config()
    store = store if store is not None else MemoryStore()
    clock = clock or ManualClock()
    h = EngineHarness(Engine(config, store, clock), clock, store, config)
    for name in login:
        h.connect(name)
    return h


__all__ = ["Ack", "EngineHarness", "harness", "make_config", "queue", "template", "user"]
