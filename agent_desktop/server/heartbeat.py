"""The server's heartbeat: one timer pings every connection and finds the dead ones.

websockets' own keepalive is a task per connection that sleeps, pings and waits for the pong:
at 10,000 agents that is 10,000 tasks waking 2,000 times a second, about 14 % of a core with
nobody doing anything (docs/BENCHMARKS.md). Here one timer does the same work in batches:
connections wait in two queues ordered by time (next ping due, pong deadline), and each wake
takes only what is due from the front of each. Since the interval and the timeout are the same
for every connection, appending keeps each queue in order.

Dead-link detection keeps websockets' bound: a connection whose ping is unanswered `timeout_s`
after it left is failed as websockets' keepalive fails it (close frame 1011, then the TCP
connection is cut after the connection's own `close_timeout` if the peer does not close it),
`interval + timeout + close timeout` after its last sign of life at most, plus one batch
period.

Times are the event loop's monotonic clock, as websockets' keepalive used: this is transport
timing, not domain time (the engine's Clock never sees it).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import struct
from collections import deque
from typing import Final, TypeAlias

from websockets.asyncio.server import ServerConnection
from websockets.frames import CloseCode
from websockets.protocol import State

BATCHES_PER_PERIOD: Final = 50
"""The sweep wakes at most this often per heartbeat period (the shorter of interval and
timeout): pings that fall due close together go out in one wake, and detection is late by
at most one such slice."""
MAX_PINGS_PER_WAKE: Final = 100
"""Pings sent in one turn of the loop; the rest of what is due goes in the next turns, so
routing is never held up behind all of them. A ping costs ~25 us of CPU (mostly the socket
write; measured with 1,000 connections): 100 are ~2.5 ms. At 10,000 connections and a 5 s
interval, 2,000 pings a second come due in 10 wakes of ~200."""


_Ping: TypeAlias = tuple[float, int, bytes]
"""(when, connection number, payload): when the ping falls due (`_due`) or when its pong is
overdue (`_waiting`), and the ping in flight (b"" in `_due` before the first ping).

A plain tuple of a float, an int and bytes, not a named tuple holding the connection: the
collector stops tracking such a tuple at its first collection. Two of them per connection live
for a whole interval, so at 10,000 agents a tuple that held the connection would be 4,000
survivors a second for the young collections to walk and promote."""


class Heartbeat:
    """Pings every watched connection every `interval_s`; fails those that do not answer."""

    def __init__(self, interval_s: float, timeout_s: float) -> None:
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self._batch_s = min(interval_s, timeout_s) / BATCHES_PER_PERIOD
        self._due: deque[_Ping] = deque()
        self._waiting: deque[_Ping] = deque()
        self._watched: dict[int, ServerConnection] = {}
        """The open connections by number; a closed one leaves at its next turn."""
        self._numbers = itertools.count()
        self._timer: asyncio.Handle | None = None
        self._next_wake = 0.0
        self._stopped = False

    def watch(self, ws: ServerConnection) -> None:
        """Ping `ws` from now on; it leaves the queues by itself once it is closed."""
        loop = asyncio.get_running_loop()
        number = next(self._numbers)
        self._watched[number] = ws
        self._due.append((loop.time() + self.interval_s, number, b""))
        self._arm(loop)

    def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._due.clear()
        self._waiting.clear()
        self._watched.clear()

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._stopped:
            return
        fronts = [self._due[0][0]] if self._due else []
        if self._waiting:
            fronts.append(self._waiting[0][0])
        if not fronts:
            return
        # Never sooner than a batch period after now: what falls due meanwhile waits for it.
        wake = max(min(fronts), loop.time() + self._batch_s)
        if self._timer is not None:
            if self._next_wake <= wake:
                return
            self._timer.cancel()
        self._next_wake = wake
        self._timer = loop.call_at(wake, self._sweep)

    def _sweep(self) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        waiting = self._waiting
        watched = self._watched
        while waiting and waiting[0][0] <= now:
            _, number, payload = waiting.popleft()
            overdue = watched.get(number)
            if overdue is not None and payload in overdue.pending_pings:
                self._fail(overdue, loop)
        due = self._due
        budget = MAX_PINGS_PER_WAKE
        while due and due[0][0] <= now and budget > 0:
            _, number, payload = due.popleft()
            ws = watched[number]
            if ws.protocol.state is not State.OPEN:
                del watched[number]
                continue  # closing or closed: its handler is ending, nothing to watch
            if payload in ws.pending_pings:
                # Still unanswered (a timeout longer than the interval): its deadline decides.
                due.append((now + self.interval_s, number, payload))
                continue
            payload = _ping(ws, loop)
            budget -= 1
            due.append((now + self.interval_s, number, payload))
            waiting.append((now + self.timeout_s, number, payload))
        if budget == 0 and due and due[0][0] <= now:
            self._next_wake = now
            self._timer = loop.call_soon(self._sweep)  # the rest in the next turn
            return
        self._arm(loop)

    def _fail(self, ws: ServerConnection, loop: asyncio.AbstractEventLoop) -> None:
        """What websockets' keepalive does on a missed pong: a 1011 close, then cut the TCP
        connection if the peer has not closed it within the connection's close timeout."""
        if ws.protocol.state is not State.OPEN:
            return
        ws.protocol.fail(CloseCode.INTERNAL_ERROR, "keepalive ping timeout")
        ws.send_data()
        loop.call_later(ws.close_timeout or 0.0, ws.transport.abort)


def _ping(ws: ServerConnection, loop: asyncio.AbstractEventLoop) -> bytes:
    """`ws.ping()` without its await: the same bookkeeping (a pong acknowledges this ping and
    every earlier one), written to the transport at once."""
    payload = struct.pack("!I", random.getrandbits(32))
    while payload in ws.pending_pings:
        payload = struct.pack("!I", random.getrandbits(32))
    ws.pending_pings[payload] = (loop.create_future(), loop.time())
    ws.protocol.send_ping(payload)
    ws.send_data()
    return payload
