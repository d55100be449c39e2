"""A client websocket connection that hands text frames over without a turn of the loop."""

from __future__ import annotations

from collections.abc import Callable

from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import Event


class DirectConnection(ClientConnection):
    """A websocket connection that hands each complete text frame to `on_text` as soon as it is
    parsed, in the transport's own callback.

    websockets queues every frame for a reader task, which resumes on a later turn of the event
    loop: on the app's qasync loop a turn is a Qt zero-timer through Qt's event dispatch, on the
    path of every offer from the socket to the core (docs/BENCHMARKS.md, item 1). Order
    is kept: while anything is queued (a fragmented message, frames from before `on_text` was
    set) frames keep taking the queue, and the reader task drains it as before. Invalid UTF-8
    also goes through the queue, so websockets closes with 1007 as it always did.
    """

    on_text: Callable[[str], None] | None = None

    def process_event(self, event: Event) -> None:
        on_text = self.on_text
        if (
            on_text is not None
            and isinstance(event, Frame)
            and event.opcode is Opcode.TEXT
            and event.fin
            and not len(self.recv_messages.frames)
        ):
            try:
                text = str(event.data, "utf-8")
            except UnicodeDecodeError:
                pass
            else:
                on_text(text)
                return
        super().process_event(event)
