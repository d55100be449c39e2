# Type stub for the parts of qasync this project uses (qasync ships no types).
import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QSocketNotifier

_T = TypeVar("_T")

class QEventLoop(asyncio.SelectorEventLoop):
    def __init__(
        self,
        app: QCoreApplication | None = ...,
        set_running_loop: bool = ...,
        already_running: bool = ...,
    ) -> None: ...
    # qasync's tables of socket notifiers (the app's loop subclass watches sockets itself)
    _read_notifiers: dict[Any, QSocketNotifier]
    _write_notifiers: dict[Any, QSocketNotifier]
    def __enter__(self) -> QEventLoop: ...
    def __exit__(self, *args: object) -> None: ...

def asyncSlot(*args: Any) -> Callable[[Callable[..., Any]], Callable[..., None]]: ...
def asyncClose(fn: Callable[..., Any]) -> Callable[..., None]: ...
