"""Encoding and validated decoding of frames, for both sides.

Decoding is the edge: a frame either becomes one typed message or raises `ProtocolError`, and
nothing downstream ever sees unvalidated data. *Whatever* goes wrong while decoding (bad JSON,
a wrong field, nesting deep enough to exhaust the parser's recursion, anything else the parser
raises) is `invalid_message`: a bad frame is never a server failure.
"""

from __future__ import annotations

from typing import Any, Final, cast

import msgspec

from agent_desktop.protocol.messages import ClientMessage, ServerMessage
from agent_desktop.protocol.vocabulary import ErrorCode

PROTOCOL_VERSION: Final = 1
SUPPORTED_VERSIONS: Final = frozenset({1})
MAX_MESSAGE_BYTES: Final = 64 * 1024
"""A frame larger than this gets a `message_too_large` error and is not read."""
MAX_FRAME_BYTES: Final = 1024 * 1024
"""Hard websocket limit: a frame larger than this closes the connection (code 1009)."""
SUBPROTOCOL: Final = "agent-desktop.v1"
CLOSE_TOKEN_EXPIRED: Final = 4001
"""WebSocket close code: the login's token expired; resume is refused, log in with a password."""
CLOSE_SIGNED_OUT: Final = 4002
"""WebSocket close code: the account signed out everywhere from another connection."""


class ProtocolError(Exception):
    """A request refused with a stable code; the request changed nothing."""

    def __init__(self, code: ErrorCode, message: str, re: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.re = re


_client_decoder: Final = msgspec.json.Decoder(ClientMessage)
_server_decoder: Final = msgspec.json.Decoder(ServerMessage)
_any_decoder: Final = msgspec.json.Decoder(Any)
_encoder: Final = msgspec.json.Encoder()


def encode(message: ClientMessage | ServerMessage) -> bytes:
    return _encoder.encode(message)


def encode_text(message: ClientMessage | ServerMessage) -> str:
    """Encode as a str, so websockets sends a text frame (JSON belongs in text frames)."""
    return _encoder.encode(message).decode()


def _request_id_of(frame: bytes) -> str | None:
    """Best effort: the `id` of a frame that failed validation, so the error can name it."""
    try:
        raw = _any_decoder.decode(frame)
    except Exception:  # the frame is bad in some other way too; the error just has no id
        return None
    if isinstance(raw, dict):
        value = raw.get("id")
        if isinstance(value, str) and 0 < len(value) <= 64:
            return value
    return None


def _as_bytes(frame: str | bytes) -> bytes:
    return frame.encode() if isinstance(frame, str) else frame


def decode_client(frame: str | bytes) -> ClientMessage:
    data = _as_bytes(frame)
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            ErrorCode.MESSAGE_TOO_LARGE,
            f"message is {len(data)} bytes; the limit is {MAX_MESSAGE_BYTES}",
        )
    try:
        return cast(ClientMessage, _client_decoder.decode(data))
    except msgspec.ValidationError as exc:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, str(exc), _request_id_of(data)) from None
    except msgspec.DecodeError as exc:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, f"not JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, "JSON nested too deeply") from None
    except Exception as exc:
        # The parser failing in a way nobody foresaw is still a bad frame, not a bad server.
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, f"undecodable frame ({type(exc).__name__})"
        ) from None


def decode_server(frame: str | bytes) -> ServerMessage:
    try:
        return cast(ServerMessage, _server_decoder.decode(_as_bytes(frame)))
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, f"bad server frame: {exc}") from None
    except Exception as exc:  # RecursionError and the like: still just a bad frame
        raise ProtocolError(
            ErrorCode.INVALID_MESSAGE, f"undecodable server frame ({type(exc).__name__})"
        ) from None


def negotiate(offered: list[int]) -> int | None:
    """The highest version both sides speak, or None."""
    common = SUPPORTED_VERSIONS.intersection(offered)
    return max(common) if common else None
