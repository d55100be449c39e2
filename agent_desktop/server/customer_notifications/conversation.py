"""A customer's SMS reply ("can you come after 3?") becomes an SMS conversation routed to agents.

This domain does not route: it asks the routing engine, through the engine's own requests
(`create_work` for a new conversation, `customer_message` for the next reply), made by the
network layer on behalf of the gateway that reported the SMS. The reply is linked to the contact
by the normalised number (an index lookup) and carries the booking in the work item's subject,
so the agent's customer panel shows it. One conversation per number while it is open; a reply
after it closed starts a new one.
"""

from __future__ import annotations

from collections.abc import Callable

from agent_desktop.protocol.bookings import Booking
from agent_desktop.protocol.codec import ProtocolError
from agent_desktop.protocol.messages import (
    ClientMessage,
    CreateWork,
    CustomerMessage,
    ServerReply,
    WorkCreated,
)
from agent_desktop.protocol.vocabulary import Channel, ErrorCode, QueueId, WorkId
from agent_desktop.server.customer_notifications.render import local_time
from agent_desktop.server.customer_notifications.store import NotificationStore

Route = Callable[[ClientMessage], ServerReply]
"""Hand one routing request to the engine (as the gateway's user); its reply."""

_ENDED = frozenset({ErrorCode.WORK_CLOSED, ErrorCode.UNKNOWN_WORK})


def _subject(booking: Booking | None) -> str:
    if booking is None:
        return "SMS reply"
    contact = booking.contacts[0]
    return (
        f"Booking {booking.booking_id}: {booking.work_order_type}, "
        f"{local_time(booking.start, contact)}, technician {booking.technician} "
        f"({booking.status})"
    )


def route_reply(
    store: NotificationStore, route: Route, re: str, queue: str, number: str, text: str
) -> WorkId:
    """Continue the number's open conversation, or start one; the work item's id."""
    thread = store.meta(f"sms_thread:{number}")
    if thread is not None:
        try:
            route(CustomerMessage(id=re, work_id=WorkId(thread), text=text))
            return WorkId(thread)
        except ProtocolError as exc:
            if exc.code not in _ENDED:
                raise
    booking = _latest_booking(store, number)
    name = next(
        (c.name for c in booking.contacts if c.mobile_phone == number), None
    ) if booking is not None else None  # fmt: skip
    created = route(
        CreateWork(
            id=re, channel=Channel.SMS, queue=QueueId(queue), customer_name=name, phone=number,
            subject=_subject(booking)[:500],
        )
    )  # fmt: skip
    assert isinstance(created, WorkCreated)
    work_id = created.work.work_id
    route(CustomerMessage(id=re, work_id=work_id, text=text))
    with store.transaction():
        store.set_meta(f"sms_thread:{number}", work_id)
    return work_id


def _latest_booking(store: NotificationStore, number: str) -> Booking | None:
    """The booking this number's contact has coming up (or had last)."""
    records = [store.booking(b) for b in store.bookings_of_phone(number)]
    bookings = [r.booking for r in records if r is not None]
    return max(bookings, key=lambda b: b.start, default=None)
