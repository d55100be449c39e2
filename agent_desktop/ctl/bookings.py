"""`agent-desktop-ctl booking|notifications|outbox|reminders|codes|sms`: customer notifications.

Dispatchers create and change bookings; supervisors and admins read the sent log and the
outbox; admins extend, expire and block portal codes. Times are ISO 8601 with an offset
("2027-05-05T09:00+02:00" or "...Z"): a time without one is refused, never guessed.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from agent_desktop.ctl.client import WireClient
from agent_desktop.protocol.bookings import (
    BlockBookingCodes,
    Booking,
    BookingCode,
    BookingCodes,
    BookingId,
    BookingInfo,
    BookingStatus,
    ChangeBooking,
    ChangeBookingCode,
    CodeAction,
    Contact,
    CreateBooking,
    DeliveryState,
    GetBooking,
    ListBookingCodes,
    ListNotifications,
    Location,
    NotificationChannel,
    NotificationEntry,
    Notifications,
    NotificationType,
    ReminderRun,
    RunReminders,
    SmsHandled,
    SmsReceived,
    TechnicianPosition,
)

Handler = Callable[[argparse.Namespace, WireClient], Awaitable[int]]


def instant(text: str) -> float:
    """argparse type: ISO 8601 with an offset -> epoch seconds."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no offset: add Z or e.g. +02:00")
    return moment.timestamp()


def _coordinate(limit: float, name: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} {text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{name} {text!r} is not a finite number")
        if not -limit <= value <= limit:
            raise argparse.ArgumentTypeError(
                f"{name} {text!r} is outside -{limit:g}..{limit:g} (decimal degrees)"
            )
        return value

    return parse


latitude = _coordinate(90.0, "latitude")
longitude = _coordinate(180.0, "longitude")


def _add_place(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--lat", type=latitude, help=f"{what}: latitude, decimal degrees")
    parser.add_argument("--lon", type=longitude, help=f"{what}: longitude, decimal degrees")


def _place(args: argparse.Namespace, lat: str = "lat", lon: str = "lon") -> Location | None:
    latitude_, longitude_ = getattr(args, lat), getattr(args, lon)
    if (latitude_ is None) != (longitude_ is None):
        raise SystemExit(f"give both --{lat.replace('_', '-')} and --{lon.replace('_', '-')}")
    if latitude_ is None:
        return None
    return Location(latitude=latitude_, longitude=longitude_)


def add_commands(commands: Any) -> None:
    """Register the subcommands on the ctl's subparsers."""
    booking = commands.add_parser("booking", help="create, change and show field-service bookings")
    sub = booking.add_subparsers(dest="booking_command", required=True)
    new = sub.add_parser("new", help="a new booking (status scheduled)")
    new.set_defaults(handler=_booking_new)
    for flag in ("--account", "--type", "--technician"):
        new.add_argument(flag, required=True)
    new.add_argument("--start", type=instant, required=True, help="ISO 8601 with offset")
    new.add_argument("--end", type=instant, required=True, help="ISO 8601 with offset")
    new.add_argument("--contact", help="the contact's name (one contact; or --contacts-json)")
    new.add_argument("--email")
    new.add_argument("--mobile", help="any format; a local number uses the server's region")
    new.add_argument("--tz", default="UTC", help="the contact's IANA time zone (UTC)")
    new.add_argument("--email-opt-out", action="store_true")
    new.add_argument("--sms-opt-out", action="store_true")
    new.add_argument("--contacts-json", help='[{"name": ..., "email": ..., ...}, ...]')
    _add_place(new, "the service site")
    change = sub.add_parser("change", help="move, reassign or advance a booking")
    change.set_defaults(handler=_booking_change)
    change.add_argument("booking_id")
    change.add_argument("--start", type=instant)
    change.add_argument("--end", type=instant)
    change.add_argument("--technician")
    change.add_argument("--status", choices=[s.value for s in BookingStatus])
    change.add_argument("--distance-km", type=float, help="with --status traveling: for the ETA")
    _add_place(change, "a new service site")
    change.add_argument(
        "--tech-lat",
        type=latitude,
        help="where the technician is (with --status traveling: for the ETA)",
    )
    change.add_argument("--tech-lon", type=longitude, help="where the technician is")
    position = sub.add_parser(
        "position", help="where the technician is now (while traveling: a new ETA)"
    )
    position.set_defaults(handler=_booking_position)
    position.add_argument("booking_id")
    position.add_argument("--lat", type=latitude, required=True)
    position.add_argument("--lon", type=longitude, required=True)
    show = sub.add_parser("show", help="one booking")
    show.set_defaults(handler=_booking_show)
    show.add_argument("booking_id")

    log = commands.add_parser("notifications", help="the sent-notification log (newest first)")
    log.set_defaults(handler=_notifications)
    log.add_argument("--booking")
    log.add_argument("--state", choices=[s.value for s in DeliveryState])
    log.add_argument("--type", choices=[t.value for t in NotificationType])
    log.add_argument("--channel", choices=[c.value for c in NotificationChannel])
    log.add_argument("--since", type=instant)
    log.add_argument("--limit", type=int, default=100, choices=range(1, 1001), metavar="1-1000")
    outbox = commands.add_parser("outbox", help="messages waiting to go, and failed ones")
    outbox.set_defaults(handler=_outbox)

    reminders = commands.add_parser("reminders", help="the daily reminder run")
    reminders_sub = reminders.add_subparsers(dest="reminders_command", required=True)
    reminders_sub.add_parser("run", help="run it now").set_defaults(handler=_reminders_run)

    codes = commands.add_parser("codes", help="portal codes: list, extend, expire, block")
    codes_sub = codes.add_subparsers(dest="codes_command", required=True)
    listing = codes_sub.add_parser("list")
    listing.set_defaults(handler=_codes_list)
    listing.add_argument("--booking")
    for action in CodeAction:
        act = codes_sub.add_parser(action.value)
        act.set_defaults(handler=_code_action, action=action)
        act.add_argument("code")
        if action is CodeAction.EXTEND:
            act.add_argument("--days", type=float, help="how many days (7)")
    block_all = codes_sub.add_parser("block-all", help="block every code of one booking")
    block_all.set_defaults(handler=_codes_block_all)
    block_all.add_argument("booking")

    sms = commands.add_parser("sms", help="play the SMS provider: a customer's reply")
    sms_sub = sms.add_subparsers(dest="sms_command", required=True)
    receive = sms_sub.add_parser("receive", help="STOP / START or any text")
    receive.set_defaults(handler=_sms_receive)
    receive.add_argument("--from", dest="from_number", required=True)
    receive.add_argument("text")


def _print(args: argparse.Namespace, data: Any, human: str) -> None:
    if args.json:
        sys.stdout.write(json.dumps(msgspec.to_builtins(data), indent=2) + "\n")
    else:
        sys.stdout.write(human + "\n")


def _when(at: float | None) -> str:
    return (
        "-" if at is None else datetime.fromtimestamp(at).astimezone().isoformat(timespec="minutes")
    )


def render_booking(booking: Booking) -> str:
    contacts = ", ".join(
        f"{c.name} <{c.email or '-'}> {c.mobile_phone or '-'} ({c.time_zone})"
        for c in booking.contacts
    )
    lines = [
        f"{booking.booking_id} {booking.status}: {booking.work_order_type} for {booking.account}",
        f"  {_when(booking.start)} .. {_when(booking.end)}, technician {booking.technician}",
        f"  contacts: {contacts}",
    ]
    if booking.location is not None:
        lines.append(f"  site: {_where(booking.location)}")
    if booking.technician_position is not None:
        at = _when(booking.technician_position_at)
        lines.append(f"  technician at: {_where(booking.technician_position)} ({at})")
    if booking.eta is not None:
        lines.append(f"  eta: {_when(booking.eta)} ({booking.eta_source or 'distance'})")
    return "\n".join(lines)


def _where(place: Location) -> str:
    return f"{place.latitude:.5f}, {place.longitude:.5f}"


def render_log(entries: list[NotificationEntry]) -> str:
    header = "ID    BOOKING  TYPE         CHANNEL STATE     ATTEMPTS REASON/ERROR"
    rows = [
        f"{e.message_id:<5} {e.booking_id:<8} {e.type:<12} {e.channel:<7} {e.state:<9} "
        f"{e.attempts:<8} {e.reason or e.last_error or ''}"
        for e in entries
    ]
    return "\n".join([header, *rows]) if rows else "(none)"


def _contacts(args: argparse.Namespace) -> list[Contact]:
    if args.contacts_json:
        try:
            return msgspec.json.decode(args.contacts_json, type=list[Contact])
        except msgspec.DecodeError as exc:
            raise SystemExit(f"--contacts-json: {exc}") from None
    if not args.contact:
        raise SystemExit("give --contact NAME (with --email/--mobile) or --contacts-json")
    return [
        Contact(
            name=args.contact,
            email=args.email,
            mobile_phone=args.mobile,
            time_zone=args.tz,
            email_opt_out=args.email_opt_out,
            sms_opt_out=args.sms_opt_out,
        )
    ]


async def _booking_new(args: argparse.Namespace, client: WireClient) -> int:
    contacts = _contacts(args)
    site = _place(args)
    reply = await client.request(
        lambda rid: CreateBooking(
            id=rid, account=args.account, work_order_type=args.type,
            technician=args.technician, start=args.start, end=args.end, contacts=contacts,
            location=site,
        ),
        BookingInfo,
    )  # fmt: skip
    _print(args, reply.booking, render_booking(reply.booking))
    return 0


async def _booking_change(args: argparse.Namespace, client: WireClient) -> int:
    status = None if args.status is None else BookingStatus(args.status)
    site, technician_at = _place(args), _place(args, "tech_lat", "tech_lon")
    reply = await client.request(
        lambda rid: ChangeBooking(
            id=rid, booking_id=BookingId(args.booking_id), start=args.start, end=args.end,
            technician=args.technician, status=status, distance_km=args.distance_km,
            location=site, technician_position=technician_at,
        ),
        BookingInfo,
    )  # fmt: skip
    _print(args, reply.booking, render_booking(reply.booking))
    return 0


async def _booking_position(args: argparse.Namespace, client: WireClient) -> int:
    position = Location(latitude=args.lat, longitude=args.lon)
    booking_id = BookingId(args.booking_id)
    reply = await client.request(
        lambda rid: TechnicianPosition(id=rid, booking_id=booking_id, position=position),
        BookingInfo,
    )
    _print(args, reply.booking, render_booking(reply.booking))
    return 0


async def _booking_show(args: argparse.Namespace, client: WireClient) -> int:
    booking_id = BookingId(args.booking_id)
    reply = await client.request(lambda rid: GetBooking(id=rid, booking_id=booking_id), BookingInfo)
    _print(args, reply.booking, render_booking(reply.booking))
    return 0


async def _log(client: WireClient, **filters: Any) -> list[NotificationEntry]:
    reply = await client.request(lambda rid: ListNotifications(id=rid, **filters), Notifications)
    return reply.entries


async def _notifications(args: argparse.Namespace, client: WireClient) -> int:
    entries = await _log(
        client,
        booking_id=None if args.booking is None else BookingId(args.booking),
        state=None if args.state is None else DeliveryState(args.state),
        notification_type=None if args.type is None else NotificationType(args.type),
        channel=None if args.channel is None else NotificationChannel(args.channel),
        since=args.since,
        limit=args.limit,
    )
    _print(args, entries, render_log(entries))
    return 0


async def _outbox(args: argparse.Namespace, client: WireClient) -> int:
    waiting = await _log(client, state=DeliveryState.QUEUED, limit=1000)
    failed = await _log(client, state=DeliveryState.FAILED, limit=1000)
    entries = sorted(waiting + failed, key=lambda e: e.message_id)
    _print(args, entries, render_log(entries))
    return 0


async def _reminders_run(args: argparse.Namespace, client: WireClient) -> int:
    reply = await client.request(lambda rid: RunReminders(id=rid), ReminderRun)
    _print(args, reply, f"reminder run at {_when(reply.run_at)}: {reply.queued} message(s) queued")
    return 0


async def _codes_list(args: argparse.Namespace, client: WireClient) -> int:
    booking_id = None if args.booking is None else BookingId(args.booking)
    reply = await client.request(
        lambda rid: ListBookingCodes(id=rid, booking_id=booking_id), BookingCodes
    )
    _print(args, reply.codes, "\n".join(_code_line(c) for c in reply.codes) or "(none)")
    return 0


def _code_line(code: BookingCode) -> str:
    """One code and the message it was sent in (each message carries its own)."""
    sent_in = (
        "earlier messages"
        if code.message_id is None
        else f"message {code.message_id} ({code.notification_type} {code.channel} to "
        f"{code.contact})"
    )
    return f"{code.code} {code.booking_id} {code.state} until {_when(code.expires_at)}, {sent_in}"


async def _codes_block_all(args: argparse.Namespace, client: WireClient) -> int:
    booking_id = BookingId(args.booking)
    reply = await client.request(
        lambda rid: BlockBookingCodes(id=rid, booking_id=booking_id), BookingCodes
    )
    _print(args, reply.codes, "\n".join(_code_line(c) for c in reply.codes) or "(none)")
    return 0


async def _code_action(args: argparse.Namespace, client: WireClient) -> int:
    action: CodeAction = args.action
    days = getattr(args, "days", None)
    reply = await client.request(
        lambda rid: ChangeBookingCode(id=rid, code=args.code, action=action, days=days),
        BookingCodes,
    )
    (code,) = reply.codes
    _print(args, code, f"{code.code}: {code.state} until {_when(code.expires_at)}")
    return 0


async def _sms_receive(args: argparse.Namespace, client: WireClient) -> int:
    reply = await client.request(
        lambda rid: SmsReceived(id=rid, from_number=args.from_number, text=args.text), SmsHandled
    )
    _print(args, reply, f"{reply.number}: {reply.action}")
    return 0
