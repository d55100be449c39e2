"""The routing-depth intents (issue 11): wrap-up, next status, the penalty and the queue table.

Beside `AgentIntents` (which `AgentCore` also inherits) so neither grows past a readable size.
"""

from __future__ import annotations

from typing import TypeVar

from agent_desktop.protocol.depth_messages import (
    ClearPenalty,
    ExtendWrapUp,
    FinishWrapUp,
    ListQueues,
    Queues,
    SetNextPresence,
)
from agent_desktop.protocol.messages import Ack, ClientMessage
from agent_desktop.protocol.vocabulary import (
    ErrorCode,
    Presence,
    UserId,
    WorkId,
)
from agent_desktop.session.errors import RequestError

R = TypeVar("R")


class DepthIntents:
    """Wrap-up, next status, penalty and queue statistics; needs `_call` and `_next_id`."""

    async def _call(self, request: ClientMessage, expect: type[R]) -> R:
        raise NotImplementedError  # pragma: no cover - AgentIntents provides it

    def _next_id(self) -> str:
        raise NotImplementedError  # pragma: no cover - AgentIntents provides it

    async def extend_wrap_up(self, work_id: WorkId, seconds: float = 60.0) -> None:
        """More time to wrap up: the deadline moves `seconds` later (up to 900 a time)."""
        if not 0 < seconds <= 900:
            raise RequestError(
                ErrorCode.INVALID_MESSAGE, "Extend by 1 s to 15 min at a time.", local=True
            )
        await self._call(ExtendWrapUp(id=self._next_id(), work_id=work_id, seconds=seconds), Ack)

    async def finish_wrap_up(
        self, work_id: WorkId, disposition: str | None = None, note: str | None = None
    ) -> None:
        """Done wrapping up; refused with `disposition_required` when the queue needs one."""
        await self._call(
            FinishWrapUp(
                id=self._next_id(), work_id=work_id, disposition=disposition, note=note or None
            ),
            Ack,
        )

    async def set_next_presence(self, presence: Presence | None, custom: str | None = None) -> None:
        """The presence to take when the last session and wrap-up end; None cancels it."""
        if presence is Presence.INACTIVE:
            raise RequestError(
                ErrorCode.INVALID_PRESENCE, "Inactive is set by the system only.", local=True
            )
        await self._call(SetNextPresence(id=self._next_id(), presence=presence, custom=custom), Ack)

    async def clear_penalty(self, agent: UserId) -> None:
        """Supervisor: end an agent's repeat-miss penalty now."""
        await self._call(ClearPenalty(id=self._next_id(), agent=agent), Ack)

    async def list_queues(self) -> None:
        """Supervisor: fill `state.queue_stats` and keep it live with `queue_updated` events."""
        # The reply is applied by the core's reply hook, in order with the queue_updated events.
        await self._call(ListQueues(id=self._next_id()), Queues)
