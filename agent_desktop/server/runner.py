"""Start the reference server: store, engine, authenticator and websocket listener together.

Used by the CLI, by the app's demo mode and by tests (port 0 picks a free port; the real one is
in `RunningServer.port` and in the ready line printed once the socket listens).
"""

from __future__ import annotations

import ssl as ssl_module
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from websockets.asyncio.server import ServerConnection, serve

from agent_desktop.clock import Clock, SystemClock
from agent_desktop.protocol.codec import MAX_FRAME_BYTES, SUBPROTOCOL
from agent_desktop.server.auth import Authenticator, TokenBook
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.server.customer_notifications.desk import CustomerNotifications
from agent_desktop.server.customer_notifications.webhook import start_webhook
from agent_desktop.server.engine import Engine
from agent_desktop.server.heap_freezer import HeapFreezer
from agent_desktop.server.heartbeat import Heartbeat
from agent_desktop.server.net import SERVER_NAME, Hub, select_subprotocol
from agent_desktop.server.store import MemoryStore, SqliteStore, Store

STATE_FILE: Final = "state.sqlite3"
READY_LINE: Final = "agent-desktop-server listening on"
"""Printed (and flushed) as `"<READY_LINE> ws://HOST:PORT"` once clients can connect."""


@dataclass
class RunningServer:
    url: str
    """e.g. "ws://127.0.0.1:43123" (wss:// with TLS)."""
    port: int
    engine: Engine
    clock: Clock
    hub: Hub = field(repr=False)
    notifications: CustomerNotifications | None = field(default=None, repr=False)
    """Bookings and their customer notifications (always set by `running_server`)."""
    webhook_port: int | None = None
    """The SMS provider's webhook, when `[customer_notifications.webhook]` is configured."""

    def wake(self) -> None:
        """Re-arm the deadline timer now, e.g. after a test advanced a ManualClock."""
        self.hub.wake()


def open_store(data_dir: Path | None) -> Store:
    return SqliteStore(data_dir / STATE_FILE) if data_dir is not None else MemoryStore()


@asynccontextmanager
async def running_server(
    config: ServerConfig | None = None,
    *,
    data_dir: Path | None = None,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    ssl: ssl_module.SSLContext | None = None,
    freeze_heap: bool = False,
) -> AsyncIterator[RunningServer]:
    """config None -> the built-in demo configuration. data_dir None -> in-memory store.

    `freeze_heap` (the server's own process, not a test embedding it): keep what start-up and
    each login wave made out of the garbage collector's full collections (`HeapFreezer`)."""
    config = config if config is not None else demo_config()
    clock = clock if clock is not None else SystemClock()
    store = open_store(data_dir)
    try:
        engine = Engine(config, store, clock)
        tokens = TokenBook(store, clock, config.timings.token_ttl_s)
        freezer = HeapFreezer() if freeze_heap else None
        hub = Hub(engine, Authenticator(config, tokens, clock), clock, freezer)
        timings = config.timings
        # The heartbeat: a client that stops answering pings is gone within
        # interval + timeout, and the engine starts its grace windows. After a missed pong
        # the connection gets its short close timeout (set below, not websockets' 10 s) so
        # that detection stays near interval + timeout. One timer for all connections.
        heartbeat = Heartbeat(timings.heartbeat_interval_s, timings.heartbeat_timeout_s)

        async def handle(ws: ServerConnection) -> None:
            heartbeat.watch(ws)
            await hub.handle(ws)

        async with serve(
            handle,
            host,
            port,
            ssl=ssl,
            max_size=MAX_FRAME_BYTES,
            subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]  # Subprotocol is a NewType of str
            select_subprotocol=select_subprotocol,
            process_request=hub.process_request,
            ping_interval=None,  # `heartbeat` pings, not a keepalive task per connection
            close_timeout=timings.heartbeat_timeout_s / 4,  # any other close: also short
            server_header=SERVER_NAME,
            # No permessage-deflate: our frames are small JSON (an offer is ~1 KiB), where
            # compressing costs more CPU than the loopback/LAN saves, and each compressing
            # connection holds ~70 KiB of zlib state: 700 MiB at 10,000 agents.
            compression=None,
        ) as server:
            bound_port = int(next(iter(server.sockets)).getsockname()[1])
            scheme = "wss" if ssl is not None else "ws"
            shown_host = f"[{host}]" if ":" in host else host
            url = f"{scheme}://{shown_host}:{bound_port}"
            notifications = _customer_notifications(config, clock, data_dir, ssl, host, bound_port)
            hub.customer_notifications = notifications
            try:
                webhook = await start_webhook(notifications, hub.service_route)
            except BaseException:  # e.g. its secret is missing: nothing else started yet
                notifications.close()
                raise
            hub.start()
            notifications.worker.start()
            if freezer is not None:
                freezer.after_start()
            print(f"{READY_LINE} {url}", flush=True)
            try:
                yield RunningServer(
                    url=url,
                    port=bound_port,
                    engine=engine,
                    clock=clock,
                    hub=hub,
                    notifications=notifications,
                    webhook_port=None if webhook is None else webhook.port,
                )
            finally:
                heartbeat.stop()
                hub.stop()
                if webhook is not None:
                    await webhook.stop()
                await notifications.worker.stop()
                notifications.close()
    finally:
        store.close()


def _customer_notifications(
    config: ServerConfig,
    clock: Clock,
    data_dir: Path | None,
    tls: ssl_module.SSLContext | None,
    host: str,
    port: int,
) -> CustomerNotifications:
    """Its own tables in the same SQLite file (in memory without a data directory)."""
    shown_host = f"[{host}]" if ":" in host else host
    scheme = "https" if tls is not None else "http"
    return CustomerNotifications(
        config.customer_notifications,
        clock,
        db_path=None if data_dir is None else data_dir / STATE_FILE,
        portal_base_url=f"{scheme}://{shown_host}:{port}/portal",
        shared_checkpointer=data_dir is not None,  # open_store's SqliteStore checkpoints it
    )
