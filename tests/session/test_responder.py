"""`AutoResponder` against the real server: it answers each new offer the way it was told, and
an offer that cannot be rejected (a case) is opened instead."""

from __future__ import annotations

import pytest

from agent_desktop.protocol.vocabulary import AlertKind, Channel, Presence
from agent_desktop.server.runner import RunningServer
from agent_desktop.session.responder import Answer, AutoResponder
from tests.session.live import WAIT_S, create_work, make_core, started
from tests.wire import WireClient

pytestmark = pytest.mark.integration


async def test_reject_rejects_a_chat_and_opens_a_case(
    server: RunningServer, sam: WireClient
) -> None:
    core = make_core(server.url)
    async with started(core):
        responder = AutoResponder(core, Answer.REJECT)
        try:
            await create_work(sam, queue="case", channel=Channel.CASE, case_title="Router")
            await core.wait_for(lambda s: len(s.sessions) == 1, WAIT_S)
            await create_work(sam)
            state = await core.wait_for(
                lambda s: any(a.kind is AlertKind.REJECTED for a in s.alerts), WAIT_S
            )
            assert state.shown_presence is Presence.BUSY_DND
            assert [answer for _, answer in responder.answered] == [Answer.ACCEPT, Answer.REJECT]
            assert responder.failures == []
        finally:
            await responder.stop()


async def test_ignore_lets_the_offer_stand(server: RunningServer, sam: WireClient) -> None:
    core = make_core(server.url)
    async with started(core):
        responder = AutoResponder(core, Answer.IGNORE)
        try:
            await create_work(sam)
            state = await core.wait_for(lambda s: bool(s.offers), WAIT_S)
            # The round trip of a second request proves the first offer's announcement was
            # handled (announcements are synchronous): nothing was answered.
            await core.set_presence(Presence.AWAY)
            assert state.offers[0].answer is None
            assert core.state.offers[0].answer is None
            assert responder.answered == []
        finally:
            await responder.stop()
