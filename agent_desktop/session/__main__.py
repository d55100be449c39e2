"""A headless agent: `python -m agent_desktop.session --url ws://... --user alice --accept`.

Logs in (password from --password, or $AGENT_DESKTOP_PASSWORD so it stays out of `ps`), answers
every offer as told and prints what the agent would see, one line per change, until Ctrl-C or
--duration seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys

from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.effects import AlertArrived, OfferArrived, OfferLeft, ToastArrived
from agent_desktop.session.responder import Answer, AutoResponder
from agent_desktop.session.settings import Settings, SettingsError
from agent_desktop.session.state import AgentState


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m agent_desktop.session", description="Run a headless, auto-answering agent."
    )
    parser.add_argument("--url", required=True, help="server URL, ws:// or wss://")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", help="default: $AGENT_DESKTOP_PASSWORD")
    parser.add_argument("--ca", help="extra CA certificate (PEM) to trust for wss://")
    answer = parser.add_mutually_exclusive_group()
    answer.add_argument("--accept", dest="answer", action="store_const", const=Answer.ACCEPT)
    answer.add_argument("--reject", dest="answer", action="store_const", const=Answer.REJECT)
    answer.add_argument("--ignore", dest="answer", action="store_const", const=Answer.IGNORE)
    parser.set_defaults(answer=Answer.ACCEPT)
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def describe(state: AgentState) -> str:
    presence = state.shown_presence.value if state.shown_presence else "-"
    return (
        f"link={state.connection.status.value} presence={presence} offers={len(state.offers)} "
        f"sessions={len(state.sessions)} alerts={len(state.alerts)} unsent={len(state.outbox)}"
    )


def announce(announcement: Announcement) -> None:
    match announcement.effect:
        case OfferArrived(offer=offer):
            work = offer.offer.work
            print(f"offer {offer.offer_id}: {work.channel.value} {work.customer.name}", flush=True)
        case OfferLeft(offer_id=offer_id, outcome=outcome):
            print(f"offer {offer_id} gone ({outcome.value if outcome else 'expired'})", flush=True)
        case ToastArrived(toast=shown):
            print(f"toast: {shown.toast.title}", flush=True)
        case AlertArrived(alert=alert):
            print(f"alert: {alert.message}", flush=True)


async def run(args: argparse.Namespace) -> int:
    password = args.password or os.environ.get("AGENT_DESKTOP_PASSWORD")
    try:
        settings = Settings(server_url=args.url, user=args.user, ca_path=args.ca)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not password:
        print("error: give --password or set AGENT_DESKTOP_PASSWORD", file=sys.stderr)
        return 2
    core = AgentCore(settings, password=password, client_name="agent-desktop-session")
    last = [""]

    def show(state: AgentState) -> None:
        line = describe(state)
        if line != last[0]:
            last[0] = line
            print(line, flush=True)

    core.subscribe(show)
    core.on_announcement(announce)
    responder = AutoResponder(core, args.answer)
    await core.start()
    try:
        async with asyncio.timeout(args.duration):
            await core.wait_for(lambda s: s.connection.status.value == "auth_failed", None)
        print(f"error: login failed: {core.state.connection.detail}", file=sys.stderr)
        return 1
    except TimeoutError:
        return 0
    finally:
        await responder.stop()
        await core.logout()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(args))
    return 130


if __name__ == "__main__":
    raise SystemExit(main())
