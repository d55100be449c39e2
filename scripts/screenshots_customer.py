"""The customer-notification screenshots (issue 14): the sent log as a supervisor sees it and the
booking codes as an admin sees them, from real windows against the embedded demo server.

The demo's bookings are made as `scripts/demo` makes them; emails go to the demo mailbox and
SMS to a small provider on 127.0.0.1 that refuses one number for good, so the log shows a
failure as a supervisor would meet it. Quiet hours are off so the picture does not depend on the
hour it is taken.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import msgspec
from PySide6.QtWidgets import QApplication

from agent_desktop.demo import EmbeddedServer, with_mailbox
from agent_desktop.demo_bookings import book_demo
from agent_desktop.protocol.bookings import CodeAction
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.server.customer_notifications.config import QuietHours, SmsChannelConfig
from agent_desktop.session.settings import Settings
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.settings_store import SettingsStore

REFUSED_NUMBER = "+12125550199"
"""Ben Okafor's mobile: the SMS provider answers 400 (a permanent failure) for it."""


@contextmanager
def sms_provider() -> Iterator[str]:
    numbers = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            refused = body.get("to") == REFUSED_NUMBER
            answer = b'{"error": "unreachable"}' if refused else b'{"id": "sms-%d"}' % next(numbers)
            self.send_response(400 if refused else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/messages"
    finally:
        server.shutdown()


def customer_config(sms_url: str, smtp_port: int) -> ServerConfig:
    config = with_mailbox(demo_config(), smtp_port)
    notifications = msgspec.structs.replace(
        config.customer_notifications,
        sms=SmsChannelConfig(url=sms_url, sender="FieldSvc"),
        quiet_hours=QuietHours(applies_to=[]),
    )
    return msgspec.structs.replace(config, customer_notifications=notifications)


async def take_customer_views(
    app: QApplication,
    folder: Path,
    capture: Callable[[str], Awaitable[None]],
    size: tuple[int, int],
) -> None:
    from agent_desktop.demo_mail import DemoMailbox

    mailbox = DemoMailbox(folder / "mail")
    smtp_port = await mailbox.start()
    with sms_provider() as sms_url:
        server = EmbeddedServer(
            folder / "cn-server", demo_traffic=False, config=customer_config(sms_url, smtp_port)
        )
        url = server.start()
        try:
            await book_demo(url, "sam", "demo", time.time())
            for user in ("sam", "admin"):
                await _shoot(app, folder, url, user, capture, size)
        finally:
            server.stop()
            await mailbox.stop()


async def _shoot(
    app: QApplication,
    folder: Path,
    url: str,
    user: str,
    capture: Callable[[str], Awaitable[None]],
    size: tuple[int, int],
) -> None:
    desktop = DesktopApp(
        app,
        SettingsStore(folder / f"cn-{user}"),
        StartOptions(
            Settings(server_url=url, user=user, sound=False), password="demo", keep_token=False
        ),
    )
    running = asyncio.create_task(desktop.run())
    await desktop.core.wait_for(lambda s: s.online and s.presence is not None)
    desktop.window.setGeometry(0, 0, *size)
    pages = desktop.window.customer_pages
    if user == "sam":
        desktop.window.pages.setCurrentWidget(pages.log)
        await desktop.core.wait_for(
            lambda s: (
                s.notifications is not None
                and sum(e.state.value != "queued" for e in s.notifications) >= 6
            ),
            30.0,
        )
        await asyncio.sleep(1.0)
        await capture("screenshot-customer-notifications.png")
    else:
        desktop.window.pages.setCurrentWidget(pages.codes)
        state = await desktop.core.wait_for(lambda s: bool(s.booking_codes))
        codes = sorted(state.booking_codes or (), key=lambda c: c.booking_id)
        await desktop.core.change_booking_code(codes[-1].code, CodeAction.BLOCK)
        await desktop.core.change_booking_code(codes[-2].code, CodeAction.EXPIRE)
        await desktop.core.list_booking_codes()
        await asyncio.sleep(0.3)
        pages.codes.select_code(codes[0].code)
        await asyncio.sleep(1.0)
        await capture("screenshot-booking-codes.png")
    desktop.quit()
    await running
    desktop.window.hide()
