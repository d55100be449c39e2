"""The sent log's push: staff who listed the log hear of every row queued or changed.

A connection that sends `list_notifications` is watching from then on, until it closes (the
network layer calls `unwatch`). Rows change in bursts (a reminder run queues thousands, a
worker round sends a batch), so the ids are collected and sent once per loop turn as one
`notifications_updated` per watcher, read back from the store in slices.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from typing import Final

from agent_desktop.protocol.bookings import NotificationsUpdated
from agent_desktop.server.customer_notifications.store import NotificationStore

log = logging.getLogger(__name__)

Send = Callable[[NotificationsUpdated], None]
SLICE: Final = 500
"""Rows per read and per push: well inside SQLite's bound-parameter limit and a frame size."""


class LogWatch:
    def __init__(self, store: NotificationStore) -> None:
        self._store = store
        self._watchers: dict[Hashable, Send] = {}
        self._changed: set[int] = set()
        self._flush: asyncio.Handle | None = None
        store.on_message_changed = self.changed

    def watch(self, who: Hashable, send: Send) -> None:
        self._watchers[who] = send

    def unwatch(self, who: Hashable) -> None:
        self._watchers.pop(who, None)

    @property
    def watchers(self) -> int:
        return len(self._watchers)

    def changed(self, message_id: int) -> None:
        if not self._watchers:
            return  # nobody looks: nothing to collect (the daily run stays as fast as before)
        self._changed.add(message_id)
        if self._flush is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # a synchronous caller (a tool, a test): push at once
                self.flush()
                return
            self._flush = loop.call_soon(self.flush)

    def flush(self) -> None:
        self._flush = None
        ids, self._changed = sorted(self._changed), set()
        for start in range(0, len(ids), SLICE):
            rows = self._store.messages_by_id(ids[start : start + SLICE])
            update = NotificationsUpdated(entries=[row.entry() for row in rows])
            for who, send in list(self._watchers.items()):
                try:
                    send(update)
                except Exception:  # one broken link must not keep the others uninformed
                    log.exception("notifications_updated to %s failed", who)
