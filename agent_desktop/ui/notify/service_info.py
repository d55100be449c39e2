"""Names the OS notification service for the self-test sentence ("... via dunst 1.9.0")."""

from __future__ import annotations

import asyncio
import logging
import platform

log = logging.getLogger(__name__)

FREEDESKTOP_NAME = "org.freedesktop.Notifications"
FREEDESKTOP_PATH = "/org/freedesktop/Notifications"


async def describe_notification_service(timeout_s: float) -> str:
    system = platform.system()
    if system == "Linux":
        try:
            async with asyncio.timeout(timeout_s):
                return await _describe_freedesktop_server()
        except TimeoutError:
            return FREEDESKTOP_NAME
    if system == "Darwin":
        return "the macOS Notification Center"
    if system == "Windows":
        return "Windows toast notifications"
    return f"desktop-notifier on {system}"


async def _describe_freedesktop_server() -> str:
    # desktop-notifier keeps GetServerInformation to itself, so ask the service directly on
    # a short-lived connection of our own. Only for the sentence: failure is not an error.
    from dbus_fast import Message, MessageType
    from dbus_fast.aio import MessageBus

    try:
        bus = await MessageBus().connect()
    except Exception:
        log.debug("no session bus to describe the notification service", exc_info=True)
        return FREEDESKTOP_NAME
    try:
        reply = await bus.call(
            Message(
                destination=FREEDESKTOP_NAME,
                path=FREEDESKTOP_PATH,
                interface=FREEDESKTOP_NAME,
                member="GetServerInformation",
            )
        )
    except Exception:
        log.debug("GetServerInformation failed", exc_info=True)
        return FREEDESKTOP_NAME
    finally:
        bus.disconnect()
    if reply.message_type is not MessageType.METHOD_RETURN:
        return FREEDESKTOP_NAME
    name, _vendor, version, *_spec = reply.body
    return f"{FREEDESKTOP_NAME} ({name} {version})"
