"""`agent-desktop [--demo] [--server URL] [--user NAME]`: start the desktop app.

`--demo` starts the reference server with its demo configuration on a thread of its own, signs
in as the demo agent (alice) and keeps demo customers coming, so a new user sees work at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from agent_desktop import __version__
from agent_desktop.session.settings import SettingsError
from agent_desktop.ui.desktop import DesktopApp, StartOptions
from agent_desktop.ui.diagnostics import start_diagnostics
from agent_desktop.ui.i18n import chosen_language, install_language
from agent_desktop.ui.instance import SingleInstance
from agent_desktop.ui.os_identity import announce_identity
from agent_desktop.ui.qt_event_loop import new_event_loop
from agent_desktop.ui.settings_store import SettingsStore
from agent_desktop.ui.theme import ThemeFollower, app_icon

if TYPE_CHECKING:  # imported for --demo only: the reference server is no part of a normal start
    from agent_desktop.demo import EmbeddedServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-desktop", description="The Agent Desktop app for contact-center agents."
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the bundled server with demo data and sign in as the demo agent",
    )
    parser.add_argument("--server", help="server URL (ws:// or wss://), saved in the settings")
    parser.add_argument("--user", help="user name, saved in the settings")
    parser.add_argument("--version", action="version", version=f"agent-desktop {__version__}")
    return parser


def _options(args: argparse.Namespace, store: SettingsStore) -> StartOptions:
    loaded = store.load()
    settings = loaded.settings
    try:
        if args.server:
            settings = settings.with_changes(server_url=args.server)
        if args.user:
            settings = settings.with_changes(user=args.user)
    except SettingsError as exc:
        raise SystemExit(f"agent-desktop: {exc}") from None
    if args.server or args.user:
        store.save(settings)
    return StartOptions(settings, settings_problem=loaded.problem)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # websockets logs every connection at INFO and every frame (passwords too) at DEBUG.
    logging.getLogger("websockets").setLevel(logging.WARNING)
    start_diagnostics()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Agent Desktop")
    app.setOrganizationName("Agent Desktop")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    announce_identity(app)
    app.setQuitOnLastWindowClosed(False)  # the tray keeps it alive; Quit ends it
    ThemeFollower(app)

    store = SettingsStore()
    # Before any window or text: every string is looked up in the chosen language.
    install_language(chosen_language(store.load_preferences().language))
    # One instance per user and profile (config folder): a second start raises the first.
    instance = SingleInstance(f"{'demo' if args.demo else 'app'}:{store.folder}", app)
    if not instance.claim():
        sys.stderr.write("agent-desktop is already running; it was brought to the front.\n")
        return 0

    demo: EmbeddedServer | None = None
    if args.demo:
        from agent_desktop.demo import DEMO_AGENT, EmbeddedServer

        folder = Path(tempfile.mkdtemp(prefix="agent-desktop-demo-"))
        demo = EmbeddedServer(folder, mailbox=folder / "mail")
        url = demo.start()
        logging.getLogger(__name__).info("demo: the reference server listens on %s", url)
        # Said on the terminal whatever the log level: where the customers' emails arrive.
        print(f"demo: customer emails are kept in {folder / 'mail'}", flush=True)
        user, password = DEMO_AGENT
        # The demo keeps its own settings: it must not overwrite the agent's real server.
        store = SettingsStore(store.folder / "demo")
        options = StartOptions(
            store.load().settings.with_changes(server_url=url, user=user),
            password=password,
            keep_token=False,
        )
    else:
        options = _options(args, store)

    loop = new_event_loop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            desktop = DesktopApp(app, store, options)
            instance.raise_requested.connect(desktop.bring_to_front)
            return int(loop.run_until_complete(desktop.run()))
    finally:
        instance.release()
        if demo is not None:
            demo.stop()


if __name__ == "__main__":
    raise SystemExit(main())
