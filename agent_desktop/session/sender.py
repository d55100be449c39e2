"""Performs the reducer's commands: puts requests on the link and settles the intents waiting.

Nothing here decides what to send or when; `SendAccept`/`SendChat` come from the reducer's
outbox rules. The outcome of each request goes back to the reducer as an event (answered,
refused, or unsent because the link dropped), and to the `accept()` call waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from agent_desktop.protocol.messages import AcceptOffer, Ack, DismissAlert, SendMessage
from agent_desktop.protocol.vocabulary import AlertId, ErrorCode, OfferId
from agent_desktop.session.connector import Connector
from agent_desktop.session.effects import (
    AcceptConfirmed,
    AcceptDropped,
    CancelTimer,
    Command,
    Connect,
    SendAccept,
    SendChat,
    SendDismiss,
    StartTimer,
)
from agent_desktop.session.errors import LinkLostError, NotConnectedError, RequestError
from agent_desktop.session.events import (
    AcceptAnswered,
    AcceptUnsent,
    MessageAcked,
    MessageRefused,
    MessageUnsent,
)
from agent_desktop.session.state import OutgoingMessage
from agent_desktop.session.store import StateStore

log = logging.getLogger(__name__)


class Sender:
    def __init__(self, store: StateStore, connector: Connector) -> None:
        self._store = store
        self._connector = connector
        self._accepts: dict[OfferId, list[asyncio.Future[None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def accept_outcome(self, offer_id: OfferId) -> asyncio.Future[None]:
        """A future settled when the accept of `offer_id` is acknowledged, refused or dropped."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._accepts.setdefault(offer_id, []).append(future)
        return future

    def perform(self, command: Command) -> None:
        match command:
            case SendAccept(offer_id=offer_id):
                self._spawn(self._send_accept(offer_id))
            case SendChat(message=message):
                self._spawn(self._send_chat(message))
            case SendDismiss(alert_id=alert_id):
                self._spawn(self._send_dismiss(alert_id))
            case AcceptDropped(offer_id=offer_id, reason=reason):
                self._settle(offer_id, RequestError(ErrorCode.OFFER_EXPIRED, reason, local=True))
            case AcceptConfirmed(offer_id=offer_id):
                self._settle(offer_id, None)
            case StartTimer() | CancelTimer() | Connect():
                pass  # the store's and the connector's

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _send_accept(self, offer_id: OfferId) -> None:
        connector = self._connector
        try:
            await connector.call(AcceptOffer(id=connector.next_id(), offer_id=offer_id), Ack)
        except RequestError as exc:
            self._store.dispatch(AcceptAnswered(offer_id, exc.code, exc.message))
            self._settle(offer_id, exc)
        except (LinkLostError, NotConnectedError):
            # Its outcome is unknown: the resume sends it again (applied once by the server).
            self._store.dispatch(AcceptUnsent(offer_id))
        else:
            self._store.dispatch(AcceptAnswered(offer_id))
            self._settle(offer_id, None)

    async def _send_chat(self, message: OutgoingMessage) -> None:
        connector = self._connector
        request = SendMessage(
            id=connector.next_id(),
            session_id=message.session_id,
            text=message.text,
            client_msg_id=message.client_msg_id,
        )
        try:
            await connector.call(request, Ack)
        except RequestError as exc:
            self._store.dispatch(MessageRefused(message.client_msg_id, exc.code, exc.message))
        except (LinkLostError, NotConnectedError):
            self._store.dispatch(MessageUnsent(message.client_msg_id))
        else:
            self._store.dispatch(MessageAcked(message.client_msg_id))

    async def _send_dismiss(self, alert_id: str) -> None:
        connector = self._connector
        request = DismissAlert(id=connector.next_id(), alert_id=AlertId(alert_id))
        try:
            await connector.call(request, Ack)
        except (RequestError, LinkLostError, NotConnectedError) as exc:
            log.info("the server kept the untrue alert %s: %s", alert_id, exc)

    def _settle(self, offer_id: OfferId, error: RequestError | None) -> None:
        for future in self._accepts.pop(offer_id, []):
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
