"""docs/protocol.md stays true: every JSON example on it decodes with the real codec."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

from agent_desktop.protocol.codec import decode_client, decode_server
from agent_desktop.protocol.messages import ClientMessage

DOC = Path(__file__).parents[2] / "docs" / "protocol.md"
CLIENT_TYPES = {t.__struct_config__.tag for t in get_args(ClientMessage)}


def _examples() -> list[str]:
    return re.findall(r"```json\n(.*?)\n```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_doc_has_a_whole_exchange() -> None:
    types = [json.loads(example)["type"] for example in _examples()]
    for expected in (
        "hello",
        "login",
        "snapshot",
        "offer_added",
        "accept_offer",
        "session_opened",
        "send_message",
        "message_added",
        "close_session",
        "session_closed",
    ):
        assert expected in types


def test_every_example_decodes() -> None:
    for example in _examples():
        if json.loads(example)["type"] in CLIENT_TYPES:
            decode_client(example)
        else:
            decode_server(example)
