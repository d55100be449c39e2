from typing import Any

from jeepney import Message

class DBusErrorResponse(Exception):
    name: str | None
    data: tuple[Any, ...]

def unwrap_msg(msg: Message) -> tuple[Any, ...]: ...
