"""The generated parts of docs/protocol.md are current and complete."""

from __future__ import annotations

import inspect
from pathlib import Path

import msgspec.inspect as mi
import pytest

from agent_desktop.protocol.error_codes import WHEN_SENT
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.reference import CONFIG_SECTIONS, field_docstrings, main, regenerate
from agent_desktop.server import config
from agent_desktop.server.config_meanings import MEANINGS

DOC = Path(__file__).parents[1] / "docs" / "protocol.md"


def test_the_generated_parts_of_the_protocol_doc_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    # Regenerate with: python -m agent_desktop.reference docs/protocol.md
    assert regenerate(text) == text


def test_every_error_code_says_when_it_is_sent() -> None:
    assert set(WHEN_SENT) == set(ErrorCode)
    assert all(text.strip() for text in WHEN_SENT.values())


def _fields() -> set[tuple[str, str]]:
    fields = set()
    for _, struct in CONFIG_SECTIONS:
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        fields |= {(struct.__name__, field.name) for field in info.fields}
    return fields


def test_every_config_key_has_a_meaning_from_one_place_only() -> None:
    docstrings = field_docstrings(inspect.getsource(config))
    fields = _fields()
    assert set(MEANINGS) <= fields, "a meaning for a key that does not exist"
    assert not set(MEANINGS) & set(docstrings), "documented in config.py: drop it from MEANINGS"
    undocumented = {f for f in fields if f not in docstrings and f not in MEANINGS}
    assert not undocumented


def test_check_mode_fails_on_a_stale_doc_and_names_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "protocol.md"
    stale.write_text(
        DOC.read_text(encoding="utf-8").replace("| `forbidden` |", "| `forbidden` | stale"),
        encoding="utf-8",
    )
    assert main(["--check", str(stale)]) == 1
    assert "python -m agent_desktop.reference docs/protocol.md" in capsys.readouterr().err
    assert main([str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")


def test_a_doc_without_the_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="error-codes"):
        regenerate("# a doc without generated parts\n")
