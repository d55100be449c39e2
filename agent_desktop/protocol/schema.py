"""Export the protocol as JSON Schema: `python -m agent_desktop.protocol.schema [FILE]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from agent_desktop.protocol.codec import PROTOCOL_VERSION
from agent_desktop.protocol.messages import ClientMessage, ServerMessage


def protocol_schema() -> dict[str, Any]:
    (client, server), components = msgspec.json.schema_components(
        [ClientMessage, ServerMessage], ref_template="#/$defs/{name}"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Agent Desktop protocol v{PROTOCOL_VERSION}",
        "description": "JSON text frames over WebSocket; see docs/protocol.md.",
        "oneOf": [
            {"title": "client message", **client},
            {"title": "server message", **server},
        ],
        "$defs": components,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = json.dumps(protocol_schema(), indent=2, sort_keys=True) + "\n"
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
