"""Take the README's screenshots from real windows on a virtual X display.

Run through `scripts/screenshots`, which provides the X server (Xvfb) and a D-Bus session; this
script starts the notification daemon (dunst) on it, the reference server on its own thread,
signs in as alice and as sam, plays the customer over the protocol, and captures the whole screen
with ImageMagick's `import`, so the desktop notification is in the picture as the agent sees it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import msgspec
import qasync
from PySide6.QtWidgets import QApplication

from agent_desktop.ctl.client import open_session
from agent_desktop.demo import EmbeddedServer
from agent_desktop.protocol.messages import (
    Ack,
    CreateWork,
    CustomerMessage,
    SetPresence,
    WorkCreated,
)
from agent_desktop.protocol.vocabulary import Channel, Presence, QueueId, SessionId, UserId
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import demo_config
from agent_desktop.session.settings import Settings
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.i18n import chosen_language, install_language
from agent_desktop.ui.leave_dialog import Leaving
from agent_desktop.ui.settings_store import SettingsStore
from agent_desktop.ui.theme import ThemeFollower, apply_theme
from scripts.screenshots_customer import take_customer_views

DOCS = Path(__file__).resolve().parents[1] / "docs"
WIDTH, HEIGHT = 1280, 800


async def settle(seconds: float = 0.8) -> None:
    await asyncio.sleep(seconds)


async def run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(*command)
    await process.wait()


PASS = os.environ.get("SCREENSHOT_PASS", "")
"""Which pass of `scripts/screenshots` this is: "" all screenshots; "text200" the session with
the text at 200 % (a desktop's text-size setting); "de" the offer and the session in German."""
_KEPT: dict[str, dict[str, str]] = {
    "text200": {"screenshot-session.png": "screenshot-200-percent.png"},
    "de": {
        "screenshot-offer.png": "screenshot-german-offer.png",
        "screenshot-session.png": "screenshot-german.png",
    },
}
GERMAN = PASS == "de"


def said(english: str, german: str) -> str:
    """What a customer or the agent writes, in the pass's language."""
    return german if GERMAN else english


async def capture(name: str) -> None:
    if PASS:
        kept = _KEPT[PASS].get(name)
        if kept is None:
            return
        name = kept
    target = DOCS / name
    await run("import", "-window", "root", str(target))
    print(f"wrote {target}")


def shots_config() -> ServerConfig:
    """The demo, with wrap-up time and disposition codes on the web chat queue."""
    config = demo_config()
    queues = [
        msgspec.structs.replace(
            q,
            wrap_up_s=120.0,
            dispositions=["Resolved", "Refund issued", "Call back", "Escalated"],
            disposition_required=True,
        )
        if q.id == "chat"
        else q
        for q in config.queues
    ]
    return msgspec.structs.replace(config, queues=queues)


async def take(app: QApplication, folder: Path) -> None:
    server = EmbeddedServer(folder / "server", demo_traffic=False, config=shots_config())
    url = server.start()
    try:
        sam_wire, _ = await open_session(url, "sam", "demo")
        bob_wire, _ = await open_session(url, "bob", "demo")

        async def work(
            channel: Channel, queue: str, name: str | None, subject: str, **more: str
        ) -> str:
            created = await sam_wire.request(
                lambda rid: CreateWork(
                    id=rid,
                    channel=channel,
                    queue=QueueId(queue),
                    customer_name=name,
                    subject=subject,
                    agent=UserId("alice"),
                    **more,  # type: ignore[arg-type]
                ),
                WorkCreated,
            )
            return created.work.work_id

        async def customer(work_id: str, text: str) -> None:
            await sam_wire.request(
                lambda rid: CustomerMessage(id=rid, work_id=work_id, text=text),  # type: ignore[arg-type]
                Ack,
            )

        alice = DesktopApp(
            app,
            SettingsStore(folder / "alice"),
            StartOptions(
                Settings(server_url=url, user="alice", sound=False),
                password="demo",
                keep_token=False,
            ),
        )
        alice_run = asyncio.create_task(alice.run())
        await alice.core.wait_for(lambda s: s.online and s.presence is not None)
        alice.window.setGeometry(0, 0, WIDTH, HEIGHT)
        alice.window.active_changed.emit(False)  # the agent is in another window

        vip = await work(
            Channel.CHAT, "chat_vip", "Chen Wei", said("Password reset", "Passwort zurücksetzen")
        )
        await customer(
            vip,
            said(
                "I can't log in to my account since yesterday.",
                "Ich komme seit gestern nicht mehr in mein Konto.",
            ),
        )
        await alice.core.wait_for(lambda s: len(s.sessions) == 1)
        chat = await work(
            Channel.CHAT, "chat", "Ana Lima", said("Order 5521 is late", "Bestellung 5521 fehlt")
        )
        await customer(
            chat,
            said(
                "Hi! My order 5521 was due on Monday and still hasn't arrived.",
                "Hallo! Meine Bestellung 5521 sollte am Montag kommen und ist immer noch nicht da.",
            ),
        )
        await alice.core.wait_for(lambda s: len(s.offers) == 1)
        await settle(2.0)
        await capture("screenshot-offer.png")

        offer = alice.core.state.offers[0]
        alice.window.active_changed.emit(True)  # the agent came back to answer in the app
        alice.window.accept_offer(offer.offer_id)  # its session comes to the front
        state = await alice.core.wait_for(lambda s: len(s.sessions) == 2)
        session = next(s for s in state.sessions if s.work.work_id == chat)
        await settle()
        await alice.core.send_message(
            session.session_id,
            said(
                "Sorry about that, Ana! Let me look up order 5521.",
                "Das tut mir leid, Ana! Ich sehe mir Bestellung 5521 an.",
            ),
        )
        await customer(
            chat,
            said(
                "Thank you. It's a birthday present, so it's a bit urgent.",
                "Danke. Es ist ein Geburtstagsgeschenk, es ist also etwas eilig.",
            ),
        )
        await alice.core.send_message(
            session.session_id,
            said(
                "It left our warehouse yesterday and is due tomorrow before noon. "
                "I've added priority delivery at no charge.",
                "Sie hat gestern unser Lager verlassen und kommt morgen vor zwölf Uhr. "
                "Ich habe kostenlos Express-Zustellung hinzugefügt.",
            ),
        )
        await customer(chat, said("That's great, thanks so much!", "Super, vielen Dank!"))
        await work(Channel.SMS, "sms", None, said("Appointment", "Termin"), phone="+1 555-010-0199")
        await settle(2.0)
        await capture("screenshot-session.png")

        # High contrast, as the OS preference (or AGENT_DESKTOP_THEME) chooses it.
        os.environ["AGENT_DESKTOP_THEME"] = "high_contrast"
        apply_theme(app)
        await settle()
        await capture("screenshot-high-contrast.png")
        del os.environ["AGENT_DESKTOP_THEME"]
        apply_theme(app)

        alice.window.show_shortcuts()
        await settle()
        await capture("screenshot-shortcuts.png")
        assert alice.window.shortcuts_sheet is not None
        alice.window.shortcuts_sheet.reject()

        alice.leaving.ask(Leaving.QUIT)  # Ctrl+Q with two sessions and an offer waiting
        await settle()
        await capture("screenshot-quit.png")
        assert alice.leaving.dialog is not None
        alice.leaving.dialog.reject()
        await settle(0.3)

        # Custom presences: the admin's "Lunch", "Training", ... in the presence list.
        alice.window.presence.combo.showPopup()
        await settle()
        await capture("screenshot-custom-presences.png")
        alice.window.presence.combo.hidePopup()

        # Next status, then wrap-up: the agent closes the chat and wraps it up.
        await alice.core.set_next_presence(Presence.AWAY, "Lunch")
        await alice.core.wait_for(lambda s: s.next_presence is not None)
        await settle()
        await capture("screenshot-next-status.png")
        await alice.core.close_session(SessionId(session.session_id))
        await alice.core.wait_for(lambda s: bool(s.wrap_ups))
        await settle(0.3)
        card = alice.window.depth_controls.wrap_ups.card(chat)  # type: ignore[arg-type]
        assert card is not None
        card.disposition.setCurrentIndex(1)
        card.note.setText("Priority delivery added, due tomorrow before noon")
        card.note.setCursorPosition(0)
        await settle(1.5)
        await capture("screenshot-wrap-up.png")

        await bob_wire.request(lambda rid: SetPresence(id=rid, presence=Presence.AVAILABLE), Ack)
        sam = DesktopApp(
            app,
            SettingsStore(folder / "sam"),
            StartOptions(
                Settings(server_url=url, user="sam", sound=False), password="demo", keep_token=False
            ),
        )
        sam_run = asyncio.create_task(sam.run())
        await sam.core.wait_for(lambda s: s.agents is not None and len(s.agents) >= 3)
        alice.window.hide()
        await run("dunstctl", "close-all")  # alice's notifications are not sam's
        sam.window.setGeometry(0, 0, WIDTH, HEIGHT)
        sam.window.pages.setCurrentWidget(sam.window.team)
        await settle(0.3)  # the table is painted a frame after the state arrives
        sam.window.team.select_agent(UserId("alice"))
        await settle(2.0)
        await capture("screenshot-supervisor.png")

        sam.window.hide()
        await take_customer_views(app, folder, capture, (WIDTH, HEIGHT))

        sam.quit()
        alice.quit()
        await asyncio.gather(sam_run, alice_run)
        await sam_wire.close()
        await bob_wire.close()
    finally:
        server.stop()


def main() -> int:
    if not os.environ.get("DISPLAY") or not shutil.which("import"):
        sys.stderr.write("run me through scripts/screenshots (needs Xvfb, D-Bus and ImageMagick)\n")
        return 2
    dunst = subprocess.Popen(["dunst"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Agent Desktop")
        install_language(chosen_language())  # AGENT_DESKTOP_LANGUAGE=de in the German pass
        if PASS == "text200":
            # 200 % text as a desktop's text-size setting makes it: the font, not the pixels.
            font = app.font()
            font.setPointSizeF(font.pointSizeF() * 2)
            app.setFont(font)
        ThemeFollower(app)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop, tempfile.TemporaryDirectory() as folder:
            os.environ["AGENT_DESKTOP_CONFIG_DIR"] = folder
            if "--customer-notifications" in sys.argv[1:]:  # only this two pictures
                shots = take_customer_views(app, Path(folder), capture, (WIDTH, HEIGHT))
            else:
                shots = take(app, Path(folder))
            loop.run_until_complete(shots)
    finally:
        dunst.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
