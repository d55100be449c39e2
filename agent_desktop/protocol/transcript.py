"""How much of a transcript travels in one frame.

A chat can grow past the 1 MiB frame limit (10,000 characters a message, no limit on the
count). A snapshot holding such a session would be refused by the client (close code 1009) on
every reconnect, and the agent could never get back in. So every view carries only the newest
messages within a byte budget and says how many earlier ones it left out; `get_transcript`
pages back through them. The budgets keep a whole snapshot (up to 10 sessions and the pending
offers) well below the frame limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from agent_desktop.protocol.envelope import Reply, Request
from agent_desktop.protocol.model import ChatMessage
from agent_desktop.protocol.vocabulary import WorkId

SESSION_TRANSCRIPT_BYTES: Final = 48 * 1024
"""A session's newest messages in a snapshot, `session_opened` or `get_work`."""
OFFER_TRANSCRIPT_BYTES: Final = 8 * 1024
"""An offer's preview of what the customer wrote while waiting."""
PAGE_BYTES: Final = 256 * 1024
"""One `get_transcript` page: always room for at least one message (≤ 40 KiB of text)."""
MESSAGE_OVERHEAD_BYTES: Final = 160
"""A message's JSON around its text: ids, sender, time, keys."""


def message_bytes(message: ChatMessage) -> int:
    return len(message.text.encode()) + MESSAGE_OVERHEAD_BYTES


def newest(
    messages: Sequence[ChatMessage], budget: int, *, end: int | None = None
) -> tuple[list[ChatMessage], int]:
    """The newest messages before `end` (default: all) whose sizes fit in `budget`, oldest
    first, and how many earlier messages were left out."""
    used = 0
    end = len(messages) if end is None else end
    start = end
    while start > 0:
        size = message_bytes(messages[start - 1])
        if used + size > budget:
            break
        used += size
        start -= 1
    return list(messages[start:end]), start


class GetTranscript(Request, frozen=True, tag="get_transcript", kw_only=True):
    """Earlier messages of a work item: those before `before` (a `msg_id`; None: the newest).
    Its agent (session or pending offer) or a supervisor may ask."""

    work_id: WorkId
    before: str | None = None


class TranscriptPage(Reply, frozen=True, tag="transcript_page", kw_only=True):
    """The newest messages before the asked one that fit in a page, oldest first, and how many
    earlier ones are still left out."""

    work_id: WorkId
    messages: list[ChatMessage]
    earlier_messages: int
