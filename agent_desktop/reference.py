"""The generated parts of `docs/protocol.md`: the error codes and the server's configuration keys.

They come from the code's own tables, so they cannot drift: `protocol.error_codes.WHEN_SENT`
for the codes, and the msgspec structs of `server.config` (fields, limits, defaults, and the
docstring under a field, else `server.config_meanings`) for the configuration.

    python -m agent_desktop.reference docs/protocol.md          # rewrite the generated parts
    python -m agent_desktop.reference --check docs/protocol.md  # exit 1 when out of date

Each part sits between a BEGIN and an END marker comment that name it; the rest of the file is
left as it is.
"""

from __future__ import annotations

import argparse
import ast
import enum
import inspect
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import msgspec
import msgspec.inspect as mi

from agent_desktop.protocol.error_codes import WHEN_SENT
from agent_desktop.protocol.vocabulary import ErrorCode
from agent_desktop.server import config
from agent_desktop.server.config_meanings import MEANINGS

COMMAND: Final = "python -m agent_desktop.reference docs/protocol.md"
CONFIG_SECTIONS: Final[Sequence[tuple[str, type[msgspec.Struct]]]] = (
    ("[timings]", config.Timings),
    ("[templates.NAME]", config.TemplateConfig),
    ("[[queues]]", config.QueueConfig),
    ("[[users]]", config.UserConfig),
    ("[[contacts]]", config.ContactConfig),
    ("[[presences]]", config.CustomPresenceConfig),
    ("[repeat_misses]", config.RepeatMisses),
)


def error_codes() -> str:
    lines = ["| code | when the server sends it |", "|---|---|"]
    lines += [f"| `{code.value}` | {WHEN_SENT[code]} |" for code in ErrorCode]
    return "\n".join(lines)


def server_config() -> str:
    notes = field_docstrings(inspect.getsource(config))
    parts: list[str] = []
    for section, struct in CONFIG_SECTIONS:
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        lines = [f"`{section}`", "", "| key | type | default | meaning |", "|---|---|---|---|"]
        for field in info.fields:
            key = (struct.__name__, field.name)
            meaning = notes.get(key) or MEANINGS.get(key, "")
            lines.append(
                f"| `{field.name}` | {_type(field.type)} | {_default(field)} | {meaning} |"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


SECTIONS: Final[dict[str, Callable[[], str]]] = {
    "error-codes": error_codes,
    "server-config": server_config,
}


def regenerate(text: str) -> str:
    """`text` with every generated part rendered anew; a missing marker is an error."""
    for name, render in SECTIONS.items():
        begin = f"<!-- BEGIN GENERATED {name} by `{COMMAND}` -->"
        end = f"<!-- END GENERATED {name} -->"
        pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), flags=re.S)
        found = pattern.search(text)
        if found is None:
            raise ValueError(f"no generated part {name!r}: add the lines {begin} and {end}")
        start, stop = found.span()
        text = f"{text[:start]}{begin}\n{render()}\n{end}{text[stop:]}"
    return text


def field_docstrings(source: str) -> dict[tuple[str, str], str]:
    """(class, field) -> the docstring under the field, on one line."""
    notes: dict[tuple[str, str], str] = {}
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef):
            continue
        for field, after in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(field, ast.AnnAssign)
                and isinstance(field.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                notes[(node.name, field.target.id)] = " ".join(after.value.value.split())
    return notes


def _type(info: mi.Type) -> str:
    match info:
        case mi.BoolType():
            return "bool"
        case mi.IntType() | mi.FloatType():
            kind = "integer" if isinstance(info, mi.IntType) else "number"
            return kind + _bounds(info)
        case mi.StrType():
            length = (
                f" ({info.min_length or 0} to {info.max_length} chars)" if info.max_length else ""
            )
            return f"string{length}"
        case mi.EnumType():
            return " / ".join(f"`{member.value}`" for member in info.cls)
        case mi.ListType():
            most = f", at most {info.max_length}" if info.max_length is not None else ""
            return f"list of {_type(info.item_type)}{most}"
        case mi.DictType():
            return f"table of {_type(info.value_type)}"
        case mi.UnionType() if any(isinstance(t, mi.NoneType) for t in info.types):
            rest = [t for t in info.types if not isinstance(t, mi.NoneType)]
            return " or ".join(_type(t) for t in rest) + ", optional"
        case mi.StructType():
            return info.cls.__name__
    return type(info).__name__


def _bounds(info: mi.IntType | mi.FloatType) -> str:
    low = f"> {_number(info.gt)}" if info.gt is not None else None
    low = f"≥ {_number(info.ge)}" if info.ge is not None else low
    high = f"< {_number(info.lt)}" if info.lt is not None else None
    high = f"≤ {_number(info.le)}" if info.le is not None else high
    words = [w for w in (low, high) if w is not None]
    return f" {', '.join(words)}" if words else ""


def _default(field: mi.Field) -> str:
    if field.default is not msgspec.NODEFAULT:
        value: Any = field.default
    elif field.default_factory is not msgspec.NODEFAULT:
        value = field.default_factory()
    else:
        return "required"
    return f"`{_toml(value)}`" if value is not None else "unset"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return f'"{value.value}"'
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, msgspec.Struct):
        return "(see its section)"
    return repr(value)


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent_desktop.reference")
    parser.add_argument("doc", type=Path, help="the protocol document (docs/protocol.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 when it is out of date")
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    fresh = regenerate(text)
    if args.check:
        if fresh != text:
            sys.stderr.write(f"{args.doc} is out of date; run: {COMMAND}\n")
            return 1
        return 0
    if fresh != text:
        args.doc.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
