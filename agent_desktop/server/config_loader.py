"""Load the server configuration from one TOML file, refusing a broken one with a line number.

An administrator edits this file by hand, so every error names the file and the line where the
offending key (or its table) is written: `"<file>:<line>: <reason>"`.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Final

import msgspec

from agent_desktop.protocol.channel import traits
from agent_desktop.protocol.vocabulary import Channel, NotificationKind, Presence
from agent_desktop.server.config import (
    Name,
    QueueConfig,
    ServerConfig,
    TemplateConfig,
    TemplateField,
)

DEMO_RESOURCE: Final = "demo.toml"

PathSegment = str | int
"""One step of a location inside the document: a table key or an array index."""


class ConfigError(Exception):
    """A configuration file that cannot be used; str() is `"<file>:<line>: <reason>"`."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        # Line 0: the whole file is at fault (unreadable), so no line is named.
        super().__init__(f"{source}:{line}: {reason}" if line > 0 else f"{source}: {reason}")
        self.source = source
        self.line = line
        self.reason = reason


def load_config(path: Path) -> ServerConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), 0, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), 0, "not UTF-8 text") from None
    return parse_config(text, source=str(path))


def demo_config() -> ServerConfig:
    """The built-in demo: alice, bob, carol (agents), sam (supervisor), admin; password "demo"."""
    text = resources.files("agent_desktop.server").joinpath(DEMO_RESOURCE).read_text("utf-8")
    return parse_config(text, source=DEMO_RESOURCE)


def parse_config(text: str, *, source: str = "<config>") -> ServerConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(source, text, str(exc)) from None
    try:
        _check_templates_one_by_one(raw)
        config = msgspec.convert(raw, ServerConfig)
    except msgspec.ValidationError as exc:
        reason, segments = _split_validation_message(str(exc))
        raise ConfigError(source, _locate(text, segments), reason) from None
    problem = _cross_check(config)
    if problem is not None:
        segments, reason = problem
        raise ConfigError(source, _locate(text, segments), reason)
    return config


def _check_templates_one_by_one(raw: dict[str, Any]) -> None:
    """Validate each template under its own name first.

    msgspec reports an error inside a dict as `$.templates[...]`, without the key; checking
    entry by entry puts the template's name into the path, and so the line into the error.
    """
    templates = raw.get("templates")
    if not isinstance(templates, dict):
        return
    for name, body in templates.items():
        try:
            msgspec.convert({name: body}, dict[Name, TemplateConfig])
        except msgspec.ValidationError as exc:
            message = str(exc).replace("`$[...]", f"`$.templates.{name}", 1)
            message = message.replace(
                " - at `key` in `$`", f" as a template name - at `$.templates.{name}`", 1
            )
            raise msgspec.ValidationError(message) from None


# --- syntax errors -------------------------------------------------------------------------

_TOML_POSITION: Final = re.compile(r"\s*\(at line (\d+), column \d+\)$")
_TOML_END: Final = re.compile(r"\s*\(at end of document\)$")


def _syntax_error(source: str, text: str, message: str) -> ConfigError:
    match = _TOML_POSITION.search(message)
    if match is not None:
        return ConfigError(source, int(match.group(1)), f"TOML syntax: {message[: match.start()]}")
    end = _TOML_END.search(message)
    reason = message[: end.start()] if end is not None else message
    return ConfigError(source, max(1, len(text.splitlines())), f"TOML syntax: {reason}")


# --- validation errors: msgspec path -> line ----------------------------------------------

_MSGSPEC_AT: Final = re.compile(r" - at `\$(.*)`$")
_PATH_PART: Final = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_UNKNOWN_FIELD: Final = re.compile(r"unknown field `([^`]+)`")


def _split_validation_message(message: str) -> tuple[str, list[PathSegment]]:
    """`"Expected `str`, got `int` - at `$.queues[1].id`"` -> (reason naming the key, path)."""
    match = _MSGSPEC_AT.search(message)
    if match is None:
        return message, []
    segments: list[PathSegment] = [
        key if key else int(index) for key, index in _PATH_PART.findall(match.group(1))
    ]
    reason = message[: match.start()]
    unknown = _UNKNOWN_FIELD.search(reason)
    if unknown is not None:
        # Point at the unknown key itself, not at the table that holds it.
        segments.append(unknown.group(1))
    where = _dotted(segments)
    return (f"{where}: {reason}" if where else reason), segments


def _dotted(segments: list[PathSegment]) -> str:
    out = ""
    for seg in segments:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else seg)
    return out


_HEADER: Final = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


def _header_name(line: str) -> tuple[bool, str] | None:
    """(is_array_of_tables, normalised dotted name) for a table header line."""
    match = _HEADER.match(line)
    if match is None:
        return None
    name = ".".join(part.strip().strip("\"'") for part in match.group(2).split("."))
    return match.group(1) == "[[", name


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=")
    return next((i for i in range(start, end) if pattern.match(lines[i])), None)


def _section_end(lines: list[str], start: int) -> int:
    return next((i for i in range(start, len(lines)) if _header_name(lines[i])), len(lines))


def _locate(text: str, segments: list[PathSegment]) -> int:
    """Best-effort 1-based line of the key at `segments`; the innermost table found otherwise.

    Handles the way people write this file: `[timings]`, `[templates.chat]`, `[[queues]]` and
    plain `key = value` lines. Keys inside inline tables or arrays land on the line of the key
    that holds them.
    """
    lines = text.splitlines()
    found = 1
    start, end = 0, _section_end(lines, 0)
    prefix: list[str] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if isinstance(seg, int):
            i += 1
            continue
        prefix.append(seg)
        name = ".".join(prefix)
        nxt = segments[i + 1] if i + 1 < len(segments) else None
        if isinstance(nxt, int):
            headers = [n for n, line in enumerate(lines) if _header_name(line) == (True, name)]
            if nxt < len(headers):
                found = headers[nxt] + 1
                start, end = headers[nxt] + 1, _section_end(lines, headers[nxt] + 1)
                i += 2
                continue
        header = next(
            (n for n, line in enumerate(lines) if _header_name(line) == (False, name)), None
        )
        if header is not None:
            found = header + 1
            start, end = header + 1, _section_end(lines, header + 1)
        else:
            key = _key_line(lines, start, end, seg)
            if key is not None:
                return key + 1
        i += 1
    return found


# --- cross-checks msgspec cannot express ------------------------------------------------------


def _cross_check(config: ServerConfig) -> tuple[list[PathSegment], str] | None:
    id_lists: dict[str, list[str]] = {
        "queues": [q.id for q in config.queues],
        "users": [u.id for u in config.users],
        "contacts": [c.id for c in config.contacts],
    }
    for kind, ids in id_lists.items():
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                return [kind, index, "id"], f"duplicate {kind[:-1]} id {item_id!r}"
            seen.add(item_id)
    for index, queue in enumerate(config.queues):
        problem = _check_queue(config, queue.template, queue.toast_template, queue.channel)
        if problem is not None:
            key, reason = problem
            return ["queues", index, key], f"queue {queue.id!r}: {reason}"
        wrap_problem = _check_wrap_up(queue)
        if wrap_problem is not None:
            key, reason = wrap_problem
            return ["queues", index, key], f"queue {queue.id!r}: {reason}"
        if not traits(queue.channel).rejectable and queue.allow_reject:
            return (
                ["queues", index, "channel"],
                f"queue {queue.id!r}: a {queue.channel.value} assignment cannot be rejected; "
                "set allow_reject = false",
            )
    presence_problem = _check_presences(config)
    if presence_problem is not None:
        return presence_problem
    queue_ids = {q.id for q in config.queues}
    for index, user in enumerate(config.users):
        unknown = [q for q in user.queues if q not in queue_ids]
        if unknown:
            return ["users", index, "queues"], f"user {user.id!r}: unknown queue {unknown[0]!r}"
    return None


def _check_wrap_up(queue: QueueConfig) -> tuple[str, str] | None:
    if queue.disposition_required and not queue.dispositions:
        return "disposition_required", "a disposition is required but no dispositions are listed"
    if queue.wrap_up_s == 0:
        for key in ("dispositions", "disposition_required", "note_required"):
            if getattr(queue, key):
                return key, f"{key} is entered in wrap-up; set wrap_up_s > 0"
    return None


SYSTEM_ONLY_BASES: Final = {
    Presence.INACTIVE: "inactive is set by the system only (missed offers)",
    Presence.OFFLINE: "a connected agent is never offline",
}


def _check_presences(config: ServerConfig) -> tuple[list[PathSegment], str] | None:
    seen: set[str] = set()
    for index, custom in enumerate(config.presences):
        why = SYSTEM_ONLY_BASES.get(custom.base)
        if why is not None:
            return ["presences", index, "base"], f"custom presence {custom.name!r}: {why}"
        folded = custom.name.casefold()
        if folded in seen or folded in {p.value for p in Presence}:
            return ["presences", index, "name"], f"duplicate presence name {custom.name!r}"
        seen.add(folded)
    return None


def _check_queue(
    config: ServerConfig, template: str, toast_template: str | None, channel: Channel
) -> tuple[str, str] | None:
    if template not in config.templates:
        return "template", f"unknown template {template!r}"
    if toast_template is not None:
        toast = config.templates.get(toast_template)
        if toast is None:
            return "toast_template", f"unknown template {toast_template!r}"
        if toast.kind is not NotificationKind.TOAST:
            return "toast_template", f'template {toast_template!r} is not kind = "toast"'
    fields = config.templates[template].fields
    if not traits(channel).has_case_record and any(f in _CASE_ONLY for f in fields):
        return "template", f"template {template!r} shows case fields on a {channel} queue"
    return None


_CASE_ONLY: Final = frozenset({TemplateField.CASE_NUMBER, TemplateField.CASE_TITLE})
