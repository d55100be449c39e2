"""The ctl's commands for the routing-depth pieces (issue 11): custom presences and the next
status, wrap-up, repeat-miss penalties and queue statistics."""

from __future__ import annotations

import argparse
import sys

import msgspec

from agent_desktop.ctl.client import WireClient
from agent_desktop.ctl.output import print_result as _print
from agent_desktop.ctl.render import render_queues
from agent_desktop.protocol.messages import (
    Ack,
    ClearPenalty,
    ExtendWrapUp,
    FinishWrapUp,
    ListQueues,
    Queues,
    SetNextPresence,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Presence, UserId, WorkId


def add_depth_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    presence_commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """`queues`, `presence set`, `presence next`, `penalty clear`, `wrap-up extend|done`."""
    queues = commands.add_parser(
        "queues", help="every queue: waiting, longest and estimated wait, agents, offers"
    )
    queues.set_defaults(handler=_queues)

    choose = presence_commands.add_parser(
        "set", help="set your own presence (log in as the agent: --user alice)"
    )
    choose.set_defaults(handler=_presence_set)
    choose.add_argument("presence", choices=[p.value for p in Presence])
    choose.add_argument("--custom", help="a custom presence's name (its base as PRESENCE)")
    upcoming = presence_commands.add_parser(
        "next", help="your presence once your last session and wrap-up end (--user alice)"
    )
    upcoming.set_defaults(handler=_presence_next)
    upcoming.add_argument("presence", nargs="?", choices=[p.value for p in Presence])
    upcoming.add_argument("--custom", help="a custom presence's name (its base as PRESENCE)")
    upcoming.add_argument("--cancel", action="store_true", help="cancel your next status")
    penalty = commands.add_parser("penalty", help="repeat-miss penalties (supervisor)")
    penalty_commands = penalty.add_subparsers(dest="penalty_command", required=True)
    clear = penalty_commands.add_parser("clear", help="let an agent be routed again now")
    clear.set_defaults(handler=_penalty_clear)
    clear.add_argument("agent")
    wrap = commands.add_parser("wrap-up", help="an agent's wrap-up after a close (--user alice)")
    wrap_commands = wrap.add_subparsers(dest="wrap_command", required=True)
    wrap.set_defaults(handler=_wrap_up)
    extend = wrap_commands.add_parser("extend", help="more time to wrap up")
    extend.add_argument("work_id")
    extend.add_argument("--seconds", type=float, default=60.0, help="how much more (60)")
    done = wrap_commands.add_parser("done", help="finish: disposition and note to the history")
    done.add_argument("work_id")
    done.add_argument("--disposition", help="one of the queue's disposition codes")
    done.add_argument("--note", help="a note for the history")


async def _queues(args: argparse.Namespace, client: WireClient) -> int:
    reply = await client.request(lambda rid: ListQueues(id=rid), Queues)
    rows = [
        msgspec.to_builtins(q)
        | {
            "longest_wait_s": None
            if q.oldest_waiting_since is None
            else round(reply.server_time - q.oldest_waiting_since, 1)
        }
        for q in reply.queues
    ]
    _print(args, rows, render_queues(rows))
    return 0


async def _presence_set(args: argparse.Namespace, client: WireClient) -> int:
    presence, custom = Presence(args.presence), args.custom
    await client.request(lambda rid: SetPresence(id=rid, presence=presence, custom=custom), Ack)
    shown = f"{custom} ({presence})" if custom else presence
    _print(
        args,
        {"agent": args.user, "presence": presence, "custom": custom},
        f"{args.user} is now {shown}",
    )
    return 0


async def _penalty_clear(args: argparse.Namespace, client: WireClient) -> int:
    agent = UserId(args.agent)
    await client.request(lambda rid: ClearPenalty(id=rid, agent=agent), Ack)
    _print(args, {"agent": agent, "penalty_cleared": True}, f"{agent}: no penalty")
    return 0


async def _wrap_up(args: argparse.Namespace, client: WireClient) -> int:
    work_id = WorkId(args.work_id)
    if args.wrap_command == "extend":
        seconds = float(args.seconds)
        await client.request(
            lambda rid: ExtendWrapUp(id=rid, work_id=work_id, seconds=seconds), Ack
        )
        _print(args, {"work_id": work_id, "extended_s": seconds}, f"{work_id}: +{seconds:g} s")
        return 0
    disposition, note = args.disposition, args.note
    await client.request(
        lambda rid: FinishWrapUp(id=rid, work_id=work_id, disposition=disposition, note=note),
        Ack,
    )
    _print(
        args,
        {"work_id": work_id, "disposition": disposition, "note": note},
        f"{work_id}: wrap-up done" + (f" ({disposition})" if disposition else ""),
    )
    return 0


async def _presence_next(args: argparse.Namespace, client: WireClient) -> int:
    if args.cancel == (args.presence is not None):
        sys.stderr.write("name a PRESENCE, or --cancel\n")
        return 2
    presence = None if args.cancel else Presence(args.presence)
    custom = args.custom
    await client.request(lambda rid: SetNextPresence(id=rid, presence=presence, custom=custom), Ack)
    shown = "cancelled" if presence is None else (f"{custom} ({presence})" if custom else presence)
    _print(
        args,
        {"agent": args.user, "next_presence": presence, "custom": custom},
        f"{args.user} next: {shown}",
    )
    return 0
