"""The wire protocol shared by the client and the reference server: one source of truth.

Import messages from `agent_desktop.protocol.messages`, values from `.model`, enums and ids from
`.vocabulary`, and `encode` / `decode_client` / `decode_server` from `.codec`.
"""

from agent_desktop.protocol.codec import (
    MAX_FRAME_BYTES,
    MAX_MESSAGE_BYTES,
    PROTOCOL_VERSION,
    SUBPROTOCOL,
    ProtocolError,
    decode_client,
    decode_server,
    encode,
    encode_text,
    negotiate,
)

__all__ = [
    "MAX_FRAME_BYTES",
    "MAX_MESSAGE_BYTES",
    "PROTOCOL_VERSION",
    "SUBPROTOCOL",
    "ProtocolError",
    "decode_client",
    "decode_server",
    "encode",
    "encode_text",
    "negotiate",
]
