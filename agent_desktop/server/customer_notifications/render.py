"""What a customer reads: subject, plain text and HTML email, SMS text, the iCalendar invite.

Jinja2 templates in `templates/`, autoescaped for HTML; every time is shown in the contact's own
time zone. A message is rendered when it is sent (not when queued), so a reminder waiting out the
quiet hours carries the booking's time as it is then.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

import icalendar
import jinja2
import msgspec

from agent_desktop.protocol.bookings import Booking, Contact, NotificationType
from agent_desktop.server.customer_notifications.contact import zone

N = NotificationType

HEADLINES: Final[dict[NotificationType, str]] = {
    N.REMINDER: "Your upcoming appointment",
    N.TRAVELING: "Your technician is on the way",
    N.COMPLETED: "Your appointment is complete",
    N.RESCHEDULED: "Your appointment has moved",
    N.CANCELED: "Your appointment is canceled",
    N.RUNNING_LATE: "Your technician is running late",
}

SMS_SEGMENT: Final = 160


class Rendered(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    text: str
    html: str
    sms: str
    ics: bytes | None
    """The calendar invite (reminders only)."""


def local_time(at: float, contact: Contact) -> str:
    """e.g. "Tue 3 Mar 2026, 09:30 CET": the contact's wall clock and zone abbreviation."""
    moment = datetime.fromtimestamp(at, zone(contact.time_zone))
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M %Z}"


class Renderer:
    def __init__(self, brand: str) -> None:
        self._brand = brand
        self._env = jinja2.Environment(
            loader=jinja2.PackageLoader("agent_desktop.server.customer_notifications"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            keep_trailing_newline=False,
        )

    def render(
        self, kind: NotificationType, booking: Booking, contact: Contact, portal_url: str
    ) -> Rendered:
        context = {
            "brand": self._brand,
            "kind": kind.value,
            "headline": HEADLINES[kind],
            "name": contact.name,
            "booking": booking,
            "start": local_time(booking.start, contact),
            "end": local_time(booking.end, contact),
            "eta": None if booking.eta is None else local_time(booking.eta, contact),
            "completed": (
                None if booking.completed_at is None else local_time(booking.completed_at, contact)
            ),
            "portal_url": portal_url,
        }
        return Rendered(
            subject=self._env.get_template("subject.txt").render(context).strip(),
            text=self._env.get_template("email.txt").render(context),
            html=self._env.get_template("email.html").render(context),
            sms=" ".join(self._env.get_template("sms.txt").render(context).split()),
            ics=self._invite(booking, portal_url) if kind is N.REMINDER else None,
        )

    def _invite(self, booking: Booking, portal_url: str) -> bytes:
        calendar = icalendar.Calendar()
        calendar.add("prodid", f"-//{self._brand}//customer notifications//EN")
        calendar.add("version", "2.0")
        calendar.add("method", "PUBLISH")
        event = icalendar.Event()
        # One UID per booking: a later invite for the same booking updates the calendar entry.
        event.add("uid", f"{booking.booking_id}@agent-desktop")
        event.add("dtstamp", datetime.fromtimestamp(booking.start, UTC))
        event.add("dtstart", datetime.fromtimestamp(booking.start, UTC))
        event.add("dtend", datetime.fromtimestamp(booking.end, UTC))
        event.add("summary", f"{self._brand}: {booking.work_order_type}")
        event.add("description", f"Technician: {booking.technician}\n{portal_url}")
        event.add("url", portal_url)
        calendar.add_component(event)
        return bytes(calendar.to_ical())
