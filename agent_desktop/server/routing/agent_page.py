"""One page of the supervisor's agent list: `list_agents` with `after` / `limit`.

The whole list of 10,000 agents is ~3 MiB, past the 1 MiB frame limit; a page is a slice of the
list sorted by agent id, and its cursor is the last id on it. A cursor is an id, not a position,
so an agent added or removed between two pages shifts nothing: no row is skipped or repeated.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from agent_desktop.protocol.vocabulary import UserId


def agent_page(
    users: Sequence[UserId], after: UserId | None, limit: int
) -> tuple[Sequence[UserId], UserId | None]:
    """The ids on the page after `after` in `users` (sorted), and the next page's cursor.

    The cursor is None on the last page.
    """
    start = 0 if after is None else bisect_right(users, after)
    page = users[start : start + limit]
    more = start + limit < len(users)
    return page, (page[-1] if more and page else None)
