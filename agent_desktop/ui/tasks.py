"""Owns the coroutines the window starts (intents), so none is lost or left running at close.

A refused intent becomes a sentence for the status bar, never an unhandled task exception.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Final

from agent_desktop.session.errors import LinkLostError, NotConnectedError, RequestError
from agent_desktop.ui.i18n import QT_TRANSLATE_NOOP, translate
from agent_desktop.ui.refusals import REFUSALS

log = logging.getLogger(__name__)


TASK_NAMES: Final = (
    # The names the window gives its tasks (`TaskOwner.run`), for the catalogue.
    QT_TRANSLATE_NOOP("Tasks", "Accept"),
    QT_TRANSLATE_NOOP("Tasks", "Reject"),
    QT_TRANSLATE_NOOP("Tasks", "Set presence"),
    QT_TRANSLATE_NOOP("Tasks", "Set me Available"),
    QT_TRANSLATE_NOOP("Tasks", "Dismiss alert"),
    QT_TRANSLATE_NOOP("Tasks", "Send message"),
    QT_TRANSLATE_NOOP("Tasks", "Transfer"),
    QT_TRANSLATE_NOOP("Tasks", "Escalate"),
    QT_TRANSLATE_NOOP("Tasks", "Close session"),
    QT_TRANSLATE_NOOP("Tasks", "Reset presence"),
    QT_TRANSLATE_NOOP("Tasks", "List agents"),
    QT_TRANSLATE_NOOP("Tasks", "Presence history"),
    QT_TRANSLATE_NOOP("Tasks", "Call"),
    QT_TRANSLATE_NOOP("Tasks", "Reconnect"),
    QT_TRANSLATE_NOOP("Tasks", "Notification self-test"),
    QT_TRANSLATE_NOOP("Tasks", "Sign out"),
    QT_TRANSLATE_NOOP("Tasks", "Sign in"),
    QT_TRANSLATE_NOOP("Tasks", "Stop signing in"),
    QT_TRANSLATE_NOOP("Tasks", "Retry message"),
    QT_TRANSLATE_NOOP("Tasks", "Discard message"),
    QT_TRANSLATE_NOOP("Tasks", "Dismiss toast"),
    QT_TRANSLATE_NOOP("Tasks", "Alert action"),
    QT_TRANSLATE_NOOP("Tasks", "Check clock"),
    QT_TRANSLATE_NOOP("Tasks", "Show notification"),
    QT_TRANSLATE_NOOP("Tasks", "Withdraw notification"),
    QT_TRANSLATE_NOOP("Tasks", "Extend wrap-up"),
    QT_TRANSLATE_NOOP("Tasks", "Finish wrap-up"),
    QT_TRANSLATE_NOOP("Tasks", "Set next status"),
    QT_TRANSLATE_NOOP("Tasks", "Cancel next status"),
    QT_TRANSLATE_NOOP("Tasks", "Clear penalty"),
    QT_TRANSLATE_NOOP("Tasks", "List queues"),
)


def task_name(what: str) -> str:
    """A task's name in the agent's language ("Call: hold" keeps its action)."""
    name, colon, rest = what.partition(": ")
    return f"{translate('Tasks', name)}{colon}{rest}"


def refusal_text(refused: RequestError) -> str:
    """Why the server or the core refused, in the agent's language when the code says it."""
    known = REFUSALS.get(refused.code)
    return translate("Tasks", known) if known else refused.message


class TaskOwner:
    def __init__(self, on_refused: Callable[[str], None]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_refused = on_refused

    def run(self, what: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start `coroutine`; `what` names it for the user ("Accept", "Send message")."""
        task = asyncio.get_running_loop().create_task(self._guard(what, coroutine), name=what)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # A task cancelled before its first step never started `coroutine`: closing it says so
        # (instead of a "never awaited" warning). Closing a finished coroutine does nothing.
        task.add_done_callback(lambda _task: coroutine.close())
        return task

    async def _guard(self, what: str, coroutine: Coroutine[Any, Any, Any]) -> Any:
        try:
            return await coroutine
        except RequestError as refused:
            self._on_refused(f"{task_name(what)}: {refusal_text(refused)}")
        except NotConnectedError:
            self._on_refused(
                translate("Tasks", "{task}: not connected to the server right now.").format(
                    task=task_name(what)
                )
            )
        except LinkLostError:
            self._on_refused(
                translate(
                    "Tasks", "{task}: the connection dropped before the server answered."
                ).format(task=task_name(what))
            )
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", what)
            self._on_refused(
                translate("Tasks", "{task} failed unexpectedly; see the log.").format(
                    task=task_name(what)
                )
            )
        return None

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
