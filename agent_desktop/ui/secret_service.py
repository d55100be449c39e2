"""The stored token read straight from the Secret Service on D-Bus (Linux), for the start.

keyring's Secret Service backend (through SecretStorage) costs ~50 ms of CPU to import at
every start: keyring itself, and `cryptography`, loaded to encrypt the secret's transfer over
the session bus. This reads the one item keyring wrote, with jeepney (which SecretStorage uses
underneath) and a "plain" transfer session, which the Secret Service specification defines for
this: the session bus is private to the user, and any process that can read it as this user
can ask the service for the secret anyway. Writing the fresh token of each sign-in goes the
same way, as keyring's own item; deleting it stays with keyring.

Anything this path cannot answer plainly (no bus or service, no default collection, a locked
item that would need a prompt) raises `NotAnsweredError`, and the caller asks keyring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg

BUS_NAME: Final = "org.freedesktop.secrets"
SERVICE: Final = DBusAddress(
    "/org/freedesktop/secrets", bus_name=BUS_NAME, interface="org.freedesktop.Secret.Service"
)
DEFAULT_COLLECTION: Final = DBusAddress(
    "/org/freedesktop/secrets/aliases/default",
    bus_name=BUS_NAME,
    interface="org.freedesktop.Secret.Collection",
)
"""Where keyring's Secret Service backend keeps its items (its preferred collection)."""
TIMEOUT_S: Final = 5.0


APPLICATION: Final = "Python keyring library"
"""keyring's `appid`, one of the attributes of each item it writes."""


class NotAnsweredError(Exception):
    """This path has no plain answer: let keyring decide (and maybe prompt)."""


T = TypeVar("T")


def _on_session_bus(action: Callable[[DBusConnection], T]) -> T:
    try:
        with open_dbus_connection(bus="SESSION") as bus:
            return action(bus)
    except NotAnsweredError:
        raise
    except Exception as exc:  # no bus, no service, no such collection: keyring decides
        raise NotAnsweredError(f"{type(exc).__name__}: {exc}") from exc


def read_token(service: str, user: str) -> str | None:
    """The secret keyring stored for (`service`, `user`), or None when there is none.

    Blocking (D-Bus round trips): call it from a worker thread.
    """
    return _on_session_bus(lambda bus: _read(bus, service, user))


def write_token(service: str, user: str, token: str) -> None:
    """Store `token` as keyring's `set_password(service, user, token)` would: the same item
    (label, attributes, content type), replacing the earlier one. Blocking, like `read_token`.

    The server gives a fresh token at every sign-in, so this runs at every start.
    """
    _on_session_bus(lambda bus: _write(bus, service, user, token))


def _call(
    bus: DBusConnection, address: DBusAddress, method: str, signature: str, *body: object
) -> tuple[object, ...]:
    reply = bus.send_and_get_reply(
        new_method_call(address, method, signature, body), timeout=TIMEOUT_S
    )
    return unwrap_msg(reply)


def _read(bus: DBusConnection, service: str, user: str) -> str | None:
    # keyring's own attributes: it searches its collection by these two (and writes a third,
    # "application", which the search does not need).
    (items,) = _call(
        bus, DEFAULT_COLLECTION, "SearchItems", "a{ss}", {"username": user, "service": service}
    )
    assert isinstance(items, list)
    if not items:
        return None
    first = str(items[0])  # keyring takes the first match too
    session = _open_plain_session(bus)
    try:
        (secrets,) = _call(bus, SERVICE, "GetSecrets", "aoo", [first], session)
    finally:
        _close(bus, session)
    assert isinstance(secrets, dict)
    if first not in secrets:  # locked: only keyring may unlock it (with a prompt)
        raise NotAnsweredError("the keyring item is locked")
    _session, _parameters, value, _content_type = secrets[first]
    return bytes(value).decode("utf-8")


def _write(bus: DBusConnection, service: str, user: str, token: str) -> None:
    properties = {
        "org.freedesktop.Secret.Item.Label": ("s", f"Password for '{user}' on '{service}'"),
        "org.freedesktop.Secret.Item.Attributes": (
            "a{ss}",
            {"username": user, "service": service, "application": APPLICATION},
        ),
    }
    session = _open_plain_session(bus)
    try:
        secret = (session, b"", token.encode("utf-8"), "text/plain")
        item, _prompt = _call(
            bus, DEFAULT_COLLECTION, "CreateItem", "a{sv}(oayays)b", properties, secret, True
        )
    finally:
        _close(bus, session)
    if str(item) == "/":  # a prompt is needed (a locked collection): keyring's business
        raise NotAnsweredError("the keyring asks to be unlocked")


def _open_plain_session(bus: DBusConnection) -> str:
    _, session = _call(bus, SERVICE, "OpenSession", "sv", "plain", ("s", ""))
    return str(session)


def _close(bus: DBusConnection, session: str) -> None:
    address = DBusAddress(session, bus_name=BUS_NAME, interface="org.freedesktop.Secret.Session")
    _call(bus, address, "Close", "")
