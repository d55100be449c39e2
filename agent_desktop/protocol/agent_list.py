"""The whole agent list from its pages, kept true by the `agent_updated` events around them.

`list_agents` answers one page at a time (a list of 10,000 agents in one frame would pass the
1 MiB frame limit). While the pages are fetched, the server already pushes `agent_updated` for
rows that change, some of them on pages not fetched yet. Applying pages and events in the order
the frames arrived gives the list as it stands at the last page: a row from a page is as new as
that page, an event newer than every frame before it.
"""

from __future__ import annotations

from agent_desktop.protocol.messages import Agents
from agent_desktop.protocol.model import AgentView
from agent_desktop.protocol.vocabulary import UserId


class AgentListing:
    """Pages and `agent_updated` rows of one listing, merged in frame order."""

    def __init__(self, first_request_id: str) -> None:
        self.first_request_id = first_request_id
        self._rows: dict[UserId, AgentView] = {}
        self.done = False

    def add_page(self, page: Agents) -> Agents | None:
        """Take a page; for the last one, return the whole list as one `agents` reply."""
        for row in page.agents:
            self._rows[row.agent] = row
        if page.next is not None:
            return None
        self.done = True
        return Agents(re=self.first_request_id, agents=self.agents())

    def update(self, row: AgentView) -> None:
        self._rows[row.agent] = row

    def agents(self) -> list[AgentView]:
        return sorted(self._rows.values(), key=lambda row: row.agent)
