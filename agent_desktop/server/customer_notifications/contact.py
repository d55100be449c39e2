"""Validating and normalising what a dispatcher types about a contact: number, address, zone.

Phone numbers become E.164 with `phonenumbers` (a local number uses the configured default
region), so a contact's number and an incoming SMS's sender compare equal however written.
"""

from __future__ import annotations

import re
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from agent_desktop.protocol.bookings import Contact

_EMAIL: Final = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


class InvalidContact(ValueError):
    """The message names the contact and the field."""


def e164(raw: str, default_region: str) -> str:
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidContact(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidContact(f"{name!r} is not a time zone (use an IANA name)") from None


def normalised(contact: Contact, default_region: str) -> Contact:
    """The contact as stored: number in E.164, address checked, zone known."""
    if contact.email is not None and not _EMAIL.match(contact.email):
        raise InvalidContact(f"{contact.name}: {contact.email!r} is not an email address")
    zone(contact.time_zone)
    mobile = contact.mobile_phone
    if mobile is not None:
        try:
            mobile = e164(mobile, default_region)
        except InvalidContact as exc:
            raise InvalidContact(f"{contact.name}: {exc}") from None
    return Contact(
        name=contact.name,
        email=contact.email,
        mobile_phone=mobile,
        time_zone=contact.time_zone,
        email_opt_out=contact.email_opt_out,
        sms_opt_out=contact.sms_opt_out,
    )
