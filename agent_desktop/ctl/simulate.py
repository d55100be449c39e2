"""Headless agents that answer every offer the same way, for scenario and load tests.

Each simulated agent is one protocol connection that logs in, goes Available and then accepts,
rejects or ignores whatever it is offered. It is deliberately simpler than the desktop app's core
(no reconnects) so thousands fit in one process.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import msgspec

from agent_desktop.ctl.client import RequestFailed, WireClient, open_session
from agent_desktop.protocol.messages import (
    AcceptOffer,
    Ack,
    CloseSession,
    OfferAdded,
    RejectOffer,
    SessionOpened,
    SetPresence,
)
from agent_desktop.protocol.vocabulary import Presence, SessionId

Behaviour = Literal["accept", "reject", "ignore"]


@dataclass(frozen=True)
class SimulationPlan:
    url: str
    users: list[str]
    password: str
    behaviour: Behaviour
    close_after_s: float | None = None
    duration_s: float | None = None
    ssl_context: ssl.SSLContext | None = None


class SimulationReport(msgspec.Struct):
    agents: int = 0
    login_failures: int = 0
    offers: int = 0
    accepted: int = 0
    rejected: int = 0
    ignored: int = 0
    sessions_opened: int = 0
    sessions_closed: int = 0
    refusals: int = 0

    def summary(self) -> str:
        return (
            f"{self.agents} agents ({self.login_failures} failed to log in): "
            f"{self.offers} offers, {self.accepted} accepted, {self.rejected} rejected, "
            f"{self.ignored} ignored; {self.sessions_opened} sessions opened, "
            f"{self.sessions_closed} closed; {self.refusals} refusals"
        )


class _SimulatedAgent:
    def __init__(
        self,
        client: WireClient,
        user: str,
        plan: SimulationPlan,
        report: SimulationReport,
        log: Callable[[str], object] | None,
    ) -> None:
        self.client, self.user, self.plan, self.report, self.log = client, user, plan, report, log
        self._closers: set[asyncio.Task[None]] = set()

    def _say(self, text: str) -> None:
        if self.log is not None:
            self.log(f"{self.user}: {text}\n")

    async def run(self) -> None:
        await self.client.request(lambda rid: SetPresence(id=rid, presence=Presence.AVAILABLE), Ack)
        try:
            while True:
                event = await self.client.events.get()
                if isinstance(event, OfferAdded):
                    await self._answer(event)
                elif isinstance(event, SessionOpened):
                    self.report.sessions_opened += 1
                    self._say(f"session {event.session.session_id} ({event.session.work.work_id})")
                    if self.plan.close_after_s is not None:
                        task = asyncio.create_task(self._close_later(event.session.session_id))
                        self._closers.add(task)
                        task.add_done_callback(self._closers.discard)
        finally:
            for task in self._closers:
                task.cancel()

    async def _answer(self, event: OfferAdded) -> None:
        offer = event.offer
        self.report.offers += 1
        self._say(f"offered {offer.work.work_id} ({offer.work.channel}) -> {self.plan.behaviour}")
        behaviour = self.plan.behaviour
        if behaviour == "reject" and not offer.rejectable:
            behaviour = "accept"  # a case assignment cannot be refused
        try:
            if behaviour == "accept":
                await self.client.request(
                    lambda rid: AcceptOffer(id=rid, offer_id=offer.offer_id), Ack
                )
                self.report.accepted += 1
            elif behaviour == "reject":
                await self.client.request(
                    lambda rid: RejectOffer(id=rid, offer_id=offer.offer_id), Ack
                )
                self.report.rejected += 1
            else:
                self.report.ignored += 1
        except RequestFailed as exc:
            self.report.refusals += 1
            self._say(f"refused: {exc.message} ({exc.code})")

    async def _close_later(self, session_id: SessionId) -> None:
        assert self.plan.close_after_s is not None
        await asyncio.sleep(self.plan.close_after_s)
        try:
            await self.client.request(lambda rid: CloseSession(id=rid, session_id=session_id), Ack)
            self.report.sessions_closed += 1
        except RequestFailed as exc:
            self.report.refusals += 1
            self._say(f"close refused: {exc.message} ({exc.code})")


async def run_simulation(
    plan: SimulationPlan, log: Callable[[str], object] | None = None
) -> SimulationReport:
    """Run until `plan.duration_s` passes (or forever when None, until cancelled)."""
    report = SimulationReport(agents=len(plan.users))
    clients: list[WireClient] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for user in plan.users:
            try:
                client, _ = await open_session(
                    plan.url, user, plan.password, ssl_context=plan.ssl_context
                )
            except RequestFailed as exc:
                report.login_failures += 1
                if log is not None:
                    log(f"{user}: cannot log in: {exc.message} ({exc.code})\n")
                continue
            clients.append(client)
            tasks.append(
                asyncio.create_task(_SimulatedAgent(client, user, plan, report, log).run())
            )
        if log is not None:
            log(f"{len(clients)} simulated agents online ({plan.behaviour})\n")
        if plan.duration_s is None:
            await asyncio.gather(*tasks)
        else:
            await asyncio.wait(tasks, timeout=plan.duration_s)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    return report
