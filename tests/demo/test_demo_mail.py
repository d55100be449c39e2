"""The demo's mailbox and bookings: a new user sees customer emails arrive as files.

A real SMTP client (the server's own, aiosmtplib) talks to the sink over 127.0.0.1; the whole
demo (embedded server on its thread, demo bookings, the mailbox) runs as `scripts/demo` runs it.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from agent_desktop.ctl.client import open_session
from agent_desktop.demo import DEMO_SUPERVISOR, EmbeddedServer
from agent_desktop.demo_bookings import DEMO_BOOKINGS
from agent_desktop.demo_mail import DemoMailbox, print_mail
from agent_desktop.protocol.bookings import ListNotifications, Notifications

WAIT_S = 15.0


async def test_the_mailbox_keeps_each_email_whole_and_says_so(tmp_path: Path) -> None:
    said = io.StringIO()
    mailbox = DemoMailbox(tmp_path / "mail", on_mail=print_mail(said))
    port = await mailbox.start()
    try:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = "s@example.com", "ada@example.com", "Hi: 1/2"
        # A line that starts with a dot is dot-stuffed on the wire and must come back as is.
        mail.set_content("Your visit\n.tomorrow at 10:00\n")
        await aiosmtplib.send(mail, hostname="127.0.0.1", port=port, start_tls=False)
    finally:
        await mailbox.stop()
    (kept,) = list((tmp_path / "mail").iterdir())
    assert kept.name == "0001-Hi-1-2.eml"
    back = email.message_from_bytes(kept.read_bytes(), policy=email.policy.default)
    assert isinstance(back, EmailMessage)
    assert back["Subject"] == "Hi: 1/2"
    body = back.get_body()
    assert body is not None
    assert ".tomorrow at 10:00" in body.get_content()
    assert said.getvalue() == f"demo email to ada@example.com: 'Hi: 1/2' -> {kept}\n"


async def test_the_demo_books_visits_and_their_emails_arrive_in_the_mailbox(
    tmp_path: Path,
) -> None:
    demo = EmbeddedServer(tmp_path / "server", mailbox=tmp_path / "mail")
    url = await asyncio.to_thread(demo.start)
    try:
        async with asyncio.timeout(WAIT_S):
            # The technician already on the way: that email goes out at once, day or night.
            while not any(  # noqa: ASYNC110  # files have no event to await
                "ana.lima@example.com" in mail.read_text()
                for mail in (tmp_path / "mail").glob("*.eml")
            ):
                await asyncio.sleep(0.05)
        client, _ = await open_session(url, *DEMO_SUPERVISOR)
        try:
            log = await client.request(lambda rid: ListNotifications(id=rid), Notifications)
        finally:
            await client.close()
        # Every demo booking was made (a number the phone library refuses would drop one).
        assert {entry.contact for entry in log.entries} == {
            demo.contact.name for demo in DEMO_BOOKINGS
        }
    finally:
        await asyncio.to_thread(demo.stop)
