"""The base types every wire message derives from, shared by the message modules of each domain.

Kept apart from `messages.py` so that a domain's own module (e.g. `bookings.py`) can derive its
requests and replies from the same bases while `messages.py` gathers all of them into the unions.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

ReqId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class Message(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", kw_only=True
):
    pass


class Request(Message, frozen=True, kw_only=True):
    id: ReqId


class Reply(Message, frozen=True, kw_only=True):
    re: str
