"""`agent-desktop-ctl`: create work, play the customer, watch and reset agents, simulate agents.

Every command logs in (a supervisor by default: the demo's `sam`), does one thing and prints a
human summary, or JSON with `--json` for scripts. Exit codes: 0 done, 1 refused by the server
(the error code is printed), 2 bad usage or unreachable server.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import ssl
import sys
from collections.abc import Awaitable, Callable, Sequence

import msgspec

from agent_desktop.ctl import bookings
from agent_desktop.ctl.client import RequestFailed, WireClient, open_session
from agent_desktop.ctl.depth import add_depth_commands
from agent_desktop.ctl.output import print_result
from agent_desktop.ctl.render import render_agents, render_work
from agent_desktop.ctl.simulate import SimulationPlan, run_simulation
from agent_desktop.protocol.client import ConnectionLost, ssl_context_for
from agent_desktop.protocol.messages import (
    Ack,
    CreateWork,
    CustomerEnd,
    CustomerMessage,
    Escalate,
    GetTranscript,
    GetWork,
    ResetPresence,
    TranscriptPage,
    Transfer,
    WorkCreated,
    WorkInfo,
)
from agent_desktop.protocol.vocabulary import (
    Channel,
    Presence,
    QueueId,
    SessionId,
    UserId,
    WorkId,
)

DEFAULT_URL = "ws://127.0.0.1:8765"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-desktop-ctl",
        description="Drive the Agent Desktop reference server: create work, play the customer, "
        "watch and reset agents, simulate agents.",
    )
    parser.add_argument(
        "--url", default=os.environ.get("AGENT_DESKTOP_URL", DEFAULT_URL), help="server URL"
    )
    parser.add_argument(
        "--user", default=os.environ.get("AGENT_DESKTOP_USER", "sam"), help="log in as (sam)"
    )
    parser.add_argument(
        "--password",
        default=os.environ.get("AGENT_DESKTOP_PASSWORD"),
        help="password (env AGENT_DESKTOP_PASSWORD; asked when missing, 'demo' for the demo)",
    )
    parser.add_argument("--ca", help="CA certificate file for a wss:// server")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    commands = parser.add_subparsers(dest="command", required=True)

    work = commands.add_parser("work", help="create, show, transfer and escalate work items")
    work_commands = work.add_subparsers(dest="work_command", required=True)
    new = work_commands.add_parser("new", help="a customer arrives")
    new.set_defaults(handler=_work_new)
    new.add_argument("--channel", required=True, choices=[c.value for c in Channel])
    new.add_argument("--queue", required=True)
    new.add_argument("--customer", help="customer name")
    new.add_argument("--phone", help="customer phone; an SMS links to the contact with it")
    new.add_argument("--email")
    new.add_argument("--subject", default="")
    new.add_argument("--priority", type=int, default=0, choices=range(11), metavar="0-10")
    new.add_argument("--bot-summary", help="handed over by a bot (origin bot_escalation)")
    new.add_argument("--case-title", help="title of the case record (case channel)")
    new.add_argument("--agent", help="offer to this agent directly instead of routing")
    show = work_commands.add_parser("show", help="a work item's state, transcript and history")
    show.set_defaults(handler=_work_show)
    show.add_argument("work_id")
    for verb in ("transfer", "escalate"):
        move = work_commands.add_parser(verb, help=f"{verb} an assigned work item")
        move.set_defaults(handler=_work_move)
        move.add_argument("work_id")
        target = move.add_mutually_exclusive_group(required=True)
        target.add_argument("--to-queue")
        target.add_argument("--to-agent")

    customer = commands.add_parser("customer", help="play the customer of a work item")
    customer_commands = customer.add_subparsers(dest="customer_command", required=True)
    customer.set_defaults(handler=_customer)
    say = customer_commands.add_parser("say", help="send a chat/SMS message as the customer")
    say.add_argument("work_id")
    say.add_argument("text")
    end = customer_commands.add_parser("end", help="the customer leaves")
    end.add_argument("work_id")

    agents = commands.add_parser(
        "agents", help="every agent: presence, sessions, offers, connection"
    )
    agents.set_defaults(handler=_agents)

    presence = commands.add_parser("presence", help="supervisor presence actions")
    presence_commands = presence.add_subparsers(dest="presence_command", required=True)
    reset = presence_commands.add_parser("reset", help="reset an agent's presence")
    reset.set_defaults(handler=_presence_reset)
    reset.add_argument("agent")
    reset.add_argument(
        "--to", default=Presence.AVAILABLE.value, choices=[p.value for p in Presence]
    )
    reset.add_argument("--custom", help="a custom presence's name (--to must be its base)")
    add_depth_commands(commands, presence_commands)

    simulate = commands.add_parser("simulate-agents", help="headless agents for load tests")
    simulate.add_argument("--count", type=int, default=3, help="how many agents (3)")
    simulate.add_argument(
        "--users",
        help="comma-separated user names; default: the demo agents, or PREFIX0001.. with --prefix",
    )
    simulate.add_argument("--prefix", help="log in as PREFIX0001 ... PREFIXnnnn")
    simulate.add_argument(
        "--agent-password", default="demo", help="password of the simulated agents (demo)"
    )
    behaviour = simulate.add_mutually_exclusive_group(required=True)
    behaviour.add_argument("--accept", action="store_const", dest="behaviour", const="accept")
    behaviour.add_argument("--reject", action="store_const", dest="behaviour", const="reject")
    behaviour.add_argument("--ignore", action="store_const", dest="behaviour", const="ignore")
    simulate.add_argument(
        "--close-after", type=float, default=None, help="close each accepted session after S s"
    )
    simulate.add_argument(
        "--duration", type=float, default=None, help="stop after S seconds (default: Ctrl-C)"
    )

    bookings.add_commands(commands)

    hash_cmd = commands.add_parser(
        "hash-password", help="print a password hash for the server's config file"
    )
    hash_cmd.add_argument("--stdin", action="store_true", help="read the password from stdin")
    return parser


_print = print_result


def _ssl_context(args: argparse.Namespace) -> ssl.SSLContext | None:
    try:
        return ssl_context_for(str(args.url), args.ca or None)
    except ValueError as exc:  # an unusable --ca: exit 2 like any other unreachable server
        raise OSError(str(exc)) from exc


async def _with_client(
    args: argparse.Namespace, action: Callable[[WireClient], Awaitable[int]]
) -> int:
    password = args.password
    if password is None:
        password = (
            "demo" if not sys.stdin.isatty() else getpass.getpass(f"{args.user}'s password: ")
        )
    client, _ = await open_session(args.url, args.user, password, ssl_context=_ssl_context(args))
    try:
        return await action(client)
    finally:
        await client.close()


async def _work_new(args: argparse.Namespace, client: WireClient) -> int:
    reply = await client.request(
        lambda rid: CreateWork(
            id=rid,
            channel=Channel(args.channel),
            queue=QueueId(args.queue),
            customer_name=args.customer,
            phone=args.phone,
            email=args.email,
            subject=args.subject,
            priority=args.priority,
            bot_summary=args.bot_summary,
            case_title=args.case_title,
            agent=UserId(args.agent) if args.agent else None,
        ),
        WorkCreated,
    )
    work = reply.work
    _print(args, work, f"{work.work_id} {work.channel} in {work.queue}: {work.customer.name}")
    return 0


async def _work_info(client: WireClient, work_id: str) -> WorkInfo:
    return await client.request(lambda rid: GetWork(id=rid, work_id=WorkId(work_id)), WorkInfo)


async def _work_show(args: argparse.Namespace, client: WireClient) -> int:
    info = await _work_info(client, args.work_id)
    transcript = list(info.transcript)
    earlier = info.earlier_messages
    while earlier and transcript:  # a long chat: the views carry the newest messages only
        first = transcript[0].msg_id
        page = await client.request(
            lambda rid, first=first: GetTranscript(  # type: ignore[misc]
                id=rid, work_id=info.work.work_id, before=first
            ),
            TranscriptPage,
        )
        transcript[:0] = page.messages
        earlier = page.earlier_messages
    whole = msgspec.structs.replace(info, transcript=transcript, earlier_messages=earlier)
    _print(args, whole, render_work(whole))
    return 0


async def _work_move(args: argparse.Namespace, client: WireClient) -> int:
    info = await _work_info(client, args.work_id)
    if info.session_id is None:
        sys.stderr.write(f"{args.work_id} is not assigned to anyone; only sessions move\n")
        return 1
    session_id = SessionId(info.session_id)
    to_queue = QueueId(args.to_queue) if args.to_queue else None
    to_agent = UserId(args.to_agent) if args.to_agent else None
    if args.work_command == "transfer":
        await client.request(
            lambda rid: Transfer(
                id=rid, session_id=session_id, to_queue=to_queue, to_agent=to_agent
            ),
            Ack,
        )
    else:
        await client.request(
            lambda rid: Escalate(
                id=rid, session_id=session_id, to_queue=to_queue, to_agent=to_agent
            ),
            Ack,
        )
    target = args.to_queue or args.to_agent
    _print(
        args, {"work_id": args.work_id, args.work_command: target}, f"{args.work_id} -> {target}"
    )
    return 0


async def _customer(args: argparse.Namespace, client: WireClient) -> int:
    work_id = WorkId(args.work_id)
    if args.customer_command == "say":
        text = args.text
        await client.request(lambda rid: CustomerMessage(id=rid, work_id=work_id, text=text), Ack)
        _print(args, {"work_id": work_id, "sent": text}, f"{work_id} customer: {text}")
    else:
        await client.request(lambda rid: CustomerEnd(id=rid, work_id=work_id), Ack)
        _print(args, {"work_id": work_id, "ended": True}, f"{work_id}: the customer left")
    return 0


async def _agents(args: argparse.Namespace, client: WireClient) -> int:
    reply = await client.list_agents()
    _print(args, reply.agents, render_agents(reply.agents))
    return 0


async def _presence_reset(args: argparse.Namespace, client: WireClient) -> int:
    agent, presence, custom = UserId(args.agent), Presence(args.to), args.custom
    await client.request(
        lambda rid: ResetPresence(id=rid, agent=agent, presence=presence, custom=custom), Ack
    )
    shown = f"{custom} ({presence})" if custom else presence
    _print(
        args, {"agent": agent, "presence": presence, "custom": custom}, f"{agent} is now {shown}"
    )
    return 0


def _simulation_users(args: argparse.Namespace) -> list[str]:
    if args.users:
        return [u.strip() for u in str(args.users).split(",") if u.strip()]
    if args.prefix:
        return [f"{args.prefix}{n:04d}" for n in range(1, args.count + 1)]
    return ["alice", "bob", "carol"][: args.count]


async def _simulate(args: argparse.Namespace) -> int:
    plan = SimulationPlan(
        url=args.url,
        users=_simulation_users(args),
        password=args.agent_password,
        behaviour=args.behaviour,
        close_after_s=args.close_after,
        duration_s=args.duration,
        ssl_context=_ssl_context(args),
    )
    report = await run_simulation(plan, log=None if args.json else sys.stdout.write)
    _print(args, report, report.summary())
    return 0 if report.login_failures == 0 else 1


def _hash_password(args: argparse.Namespace) -> int:
    # Imported here so the other commands never load the server package.
    from agent_desktop.server.auth import hash_password

    password = sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("Password: ")
    if not password:
        sys.stderr.write("an empty password is not allowed\n")
        return 2
    sys.stdout.write(hash_password(password) + "\n")
    return 0


async def _run(args: argparse.Namespace) -> int:
    if args.command == "simulate-agents":
        return await _simulate(args)
    # Each subcommand names its handler in the parser (`set_defaults(handler=...)`).
    handler: Callable[[argparse.Namespace, WireClient], Awaitable[int]] = args.handler
    return await _with_client(args, lambda client: handler(args, client))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "hash-password":
        return _hash_password(args)
    try:
        return asyncio.run(_run(args))
    except RequestFailed as exc:
        sys.stderr.write(f"refused: {exc.message} ({exc.code})\n")
        return 1
    except ConnectionLost as exc:
        sys.stderr.write(f"lost the connection to {args.url}: {exc.reason}\n")
        return 2
    except (OSError, ConnectionError, TimeoutError) as exc:
        sys.stderr.write(f"cannot reach {args.url}: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
