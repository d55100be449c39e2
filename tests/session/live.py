"""Helpers for the core's tests against the real server on 127.0.0.1.

A supervisor connection from tests/wire.py plays the customer and the tester (CreateWork,
CustomerMessage); the agent under test is an `AgentCore`, as the app and the ctl use it.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

import msgspec

from agent_desktop.clock import Clock
from agent_desktop.protocol.messages import (
    CreateWork,
    WorkCreated,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    QueueId,
    UserId,
    WorkId,
)
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.session import (
    AgentCore,
    AgentState,
    Announcement,
    Backoff,
    Settings,
    TokenStore,
)
from tests.wire import WireClient

WAIT_S: Final = 10.0
"""Generous for a loaded 2-core machine; a passing test never waits this long."""


def fast_backoff() -> Backoff:
    return Backoff(base=0.05, cap=0.3, rng=random.Random(1))


def make_core(
    url: str,
    user: str = "alice",
    password: str | None = "demo",
    *,
    clock: Clock | None = None,
    token_store: TokenStore | None = None,
) -> AgentCore:
    return AgentCore(
        Settings(server_url=url, user=user),
        password=password,
        clock=clock,
        token_store=token_store,
        backoff=fast_backoff(),
        ping_interval=1.0,
        ping_timeout=1.0,
        open_timeout=2.0,
    )


@asynccontextmanager
async def started(core: AgentCore) -> AsyncIterator[AgentCore]:
    await core.start()
    try:
        await core.wait_for(lambda s: s.online, WAIT_S)
        yield core
    finally:
        await core.close()


async def create_work(
    tester: WireClient,
    *,
    queue: str = "chat",
    channel: Channel = Channel.CHAT,
    agent: str | None = "alice",
    case_title: str | None = None,
) -> WorkId:
    reply = await tester.call(
        CreateWork(
            id=tester.next_id(),
            channel=channel,
            queue=QueueId(queue),
            customer_name="Zoe Customer",
            subject="Where is my parcel?",
            agent=UserId(agent) if agent else None,
            case_title=case_title,
        )
    )
    assert isinstance(reply, WorkCreated)
    return reply.work.work_id


def recorder(core: AgentCore) -> list[Announcement]:
    seen: list[Announcement] = []
    core.on_announcement(seen.append)
    return seen


def has_offer(state: AgentState) -> bool:
    return bool(state.offers)


def quick_chat_config(wait_time_s: float, *, show_timeout: bool = True) -> ServerConfig:
    """The demo configuration with a chat template that times out in `wait_time_s`."""
    config = demo_config()
    chat = msgspec.structs.replace(
        config.templates["chat"], wait_time_s=wait_time_s, show_timeout=show_timeout
    )
    return msgspec.structs.replace(config, templates={**config.templates, "chat": chat})
