# The part of jeepney the app uses (it ships no type information).
from typing import Any

class DBusAddress:
    def __init__(
        self, object_path: str, bus_name: str | None = ..., interface: str | None = ...
    ) -> None: ...

class Header:
    fields: dict[Any, Any]

class Message:
    header: Header
    body: tuple[Any, ...]

def new_method_call(
    remote_obj: DBusAddress, method: str, signature: str | None = ..., body: tuple[Any, ...] = ...
) -> Message: ...
