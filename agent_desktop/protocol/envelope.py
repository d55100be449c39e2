"""The envelope every message shares: tagged by `type`; requests carry an `id`, replies `re`."""

from __future__ import annotations

from typing import Annotated

import msgspec

ReqId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class _Message(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type", kw_only=True
):
    pass


class Request(_Message, frozen=True, kw_only=True):
    id: ReqId


class Reply(_Message, frozen=True, kw_only=True):
    re: str


Message = _Message
"""The base of every message (server events derive from it directly)."""
