"""A headless agent that answers its own offers: for the ctl's simulated agents and benchmarks."""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

from agent_desktop.session.core import AgentCore, Announcement
from agent_desktop.session.effects import OfferArrived
from agent_desktop.session.errors import CoreError
from agent_desktop.session.state import PendingOffer

log = logging.getLogger(__name__)


class Answer(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    """Reject where allowed; an offer that cannot be rejected (a case) is opened."""
    IGNORE = "ignore"
    """Let every offer time out (to exercise the missed path)."""


class AutoResponder:
    """Answers each new offer of `core` the same way. Owns its tasks; `stop()` cancels them."""

    def __init__(self, core: AgentCore, answer: Answer) -> None:
        self.core = core
        self.answer = answer
        self.answered: list[tuple[PendingOffer, Answer]] = []
        self.failures: list[tuple[PendingOffer, CoreError]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe = core.on_announcement(self._on_announcement)

    def _on_announcement(self, announcement: Announcement) -> None:
        if not isinstance(announcement.effect, OfferArrived) or self.answer is Answer.IGNORE:
            return
        task = asyncio.create_task(self._answer(announcement.effect.offer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, offer: PendingOffer) -> None:
        answer = self.answer
        if answer is Answer.REJECT and not offer.rejectable:
            answer = Answer.ACCEPT
        try:
            if answer is Answer.REJECT:
                await self.core.reject(offer.offer_id)
            else:
                await self.core.accept(offer.offer_id)
        except CoreError as exc:
            log.info("could not %s %s: %s", answer, offer.offer_id, exc)
            self.failures.append((offer, exc))
        else:
            self.answered.append((offer, answer))

    async def stop(self) -> None:
        self._unsubscribe()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
