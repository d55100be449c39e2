"""The demo: the reference server on its own thread, and a customer who keeps work coming.

The server runs on its own asyncio loop in a daemon thread, never on the app's Qt loop, so it
behaves as it would on its own machine. The demo customer talks to it over the real protocol as
the demo supervisor, exactly as `agent-desktop-ctl` would.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from agent_desktop.ctl.client import RequestFailed, WireClient, open_session
from agent_desktop.demo_bookings import book_demo
from agent_desktop.demo_mail import DemoMailbox, print_mail
from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.messages import Ack, CreateWork, CustomerMessage, WorkCreated
from agent_desktop.protocol.vocabulary import Channel, QueueId

if TYPE_CHECKING:  # the app imports this module; the server is loaded only for the demo
    from agent_desktop.server.config import ServerConfig

log = logging.getLogger(__name__)

DEMO_AGENT = ("alice", "demo")
DEMO_SUPERVISOR = ("sam", "demo")


@dataclass(frozen=True)
class DemoCustomer:
    channel: Channel
    queue: str
    name: str | None
    phone: str | None
    subject: str
    opening: str | None
    bot_summary: str | None = None


DEMO_CUSTOMERS: Sequence[DemoCustomer] = (
    DemoCustomer(
        Channel.CHAT,
        "chat",
        "Ana Lima",
        None,
        "Order 5521 is late",
        "Hi! My order 5521 was due on Monday and still hasn't arrived.",
    ),
    DemoCustomer(
        Channel.SMS,
        "sms",
        None,
        "+1 555-010-0199",
        "Appointment",
        "Can I move my appointment to Thursday?",
    ),
    DemoCustomer(
        Channel.VOICE,
        "voice",
        "Ben Okafor",
        "+1 555 010 4455",
        "Billing question",
        None,
        bot_summary="Caller disputes a double charge of $49.90 on the March invoice; "
        "identity verified by the bot.",
    ),
    DemoCustomer(Channel.CASE, "case", "Lima Design", None, "Replace damaged parcel", None),
    DemoCustomer(
        Channel.CHAT,
        "chat",
        "Chen Wei",
        None,
        "Password reset",
        "I can't log in to my account since yesterday.",
    ),
)


async def run_demo_customer(url: str, *, every_s: float = 45.0, first_after_s: float = 2.0) -> None:
    """Create demo work now and then, until cancelled."""
    await asyncio.sleep(first_after_s)
    client: WireClient | None = None
    try:
        client, _ = await open_session(url, *DEMO_SUPERVISOR)
        for customer in itertools.cycle(DEMO_CUSTOMERS):
            try:
                await _arrive(client, customer)
            except RequestFailed as refused:
                log.warning("demo customer refused: %s", refused)
            await asyncio.sleep(every_s)
    finally:
        if client is not None:
            await client.close()


async def _arrive(client: WireClient, customer: DemoCustomer) -> None:
    created = await client.request(
        lambda rid: CreateWork(
            id=rid,
            channel=customer.channel,
            queue=QueueId(customer.queue),
            customer_name=customer.name,
            phone=customer.phone,
            subject=customer.subject,
            bot_summary=customer.bot_summary,
            case_title=customer.subject if traits(customer.channel).has_case_record else None,
        ),
        WorkCreated,
    )
    if customer.opening is not None:
        work_id, text = created.work.work_id, customer.opening
        await client.request(lambda rid: CustomerMessage(id=rid, work_id=work_id, text=text), Ack)


class EmbeddedServer:
    """The reference server with the demo configuration, on a thread of its own."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        demo_traffic: bool = True,
        config: ServerConfig | None = None,
        mailbox: Path | None = None,
    ) -> None:
        """`config` None: the built-in demo configuration. `mailbox`: a folder where a local
        SMTP sink keeps every customer email (the server's email channel is pointed at it)."""
        self._data_dir = data_dir
        self._mailbox = mailbox
        self._config = config
        self._demo_traffic = demo_traffic
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="embedded-server", daemon=True)
        self.url = ""

    def start(self, timeout_s: float = 15.0) -> str:
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise TimeoutError("the embedded server did not start")
        if self._error is not None:
            raise RuntimeError(f"the embedded server failed: {self._error}") from self._error
        return self.url

    def stop(self, timeout_s: float = 5.0) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        # Imported here: the app imports this module, and the server is only loaded for the demo.
        from agent_desktop.server.config_loader import demo_config
        from agent_desktop.server.runner import running_server

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        config = self._config
        mailbox = DemoMailbox(self._mailbox, on_mail=print_mail()) if self._mailbox else None
        if mailbox is not None:
            config = with_mailbox(config or demo_config(), await mailbox.start())
        async with running_server(config, data_dir=self._data_dir) as server:
            self.url = server.url
            self._ready.set()
            traffic = asyncio.create_task(self._traffic(server.url)) if self._demo_traffic else None
            try:
                await self._stop.wait()
            finally:
                if traffic is not None:
                    traffic.cancel()
                    await asyncio.gather(traffic, return_exceptions=True)
                if mailbox is not None:
                    await mailbox.stop()

    async def _traffic(self, url: str) -> None:
        try:
            await book_demo(url, *DEMO_SUPERVISOR, time.time())
        except (RequestFailed, OSError) as failed:  # the demo goes on without its bookings
            log.warning("demo bookings not made: %s", failed)
        await run_demo_customer(url)


def with_mailbox(config: ServerConfig, port: int) -> ServerConfig:
    """The demo's configuration with its email channel sending to the demo mailbox."""
    import msgspec

    from agent_desktop.server.customer_notifications.config import EmailChannelConfig

    email = EmailChannelConfig(
        host="127.0.0.1", port=port, starttls=False, sender="service@fieldservice.example"
    )
    notifications = msgspec.structs.replace(config.customer_notifications, email=email)
    return msgspec.structs.replace(config, customer_notifications=notifications)
