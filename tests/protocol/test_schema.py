"""The published JSON Schema covers every message and matches the committed copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

from agent_desktop.protocol.messages import ClientMessage, ServerMessage
from agent_desktop.protocol.schema import protocol_schema

PUBLISHED = Path(__file__).parents[2] / "docs" / "protocol.schema.json"


def test_every_message_type_is_in_the_schema() -> None:
    schema = protocol_schema()
    for message_type in (*get_args(ClientMessage), *get_args(ServerMessage)):
        assert message_type.__name__ in schema["$defs"]


def test_the_published_schema_is_current() -> None:
    # Regenerate with: python -m agent_desktop.protocol.schema docs/protocol.schema.json
    assert json.loads(PUBLISHED.read_text(encoding="utf-8")) == protocol_schema()
