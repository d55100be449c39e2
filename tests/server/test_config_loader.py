"""Loading the server's TOML configuration: valid files, the demo, and broken files with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_desktop.protocol.vocabulary import Channel, NotificationKind, Role
from agent_desktop.server.auth import verify_password
from agent_desktop.server.config_loader import ConfigError, demo_config, load_config

VALID = """\
[timings]
heartbeat_interval_s = 0.2

[templates.chat]
title = "Incoming chat"

[templates.note]
title = "Assigned"
kind = "toast"

[[queues]]
id = "chat"
name = "Chat"
channel = "chat"
template = "chat"
toast_template = "note"

[[queues]]
id = "cases"
name = "Cases"
channel = "case"
template = "chat"
allow_reject = false

[[users]]
id = "ann"
name = "Ann"
password_hash = "scrypt$x"
queues = ["chat", "cases"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def broken(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}:{caught.value.line}: ")
    return caught.value


def test_valid_file_loads_with_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID))
    assert [q.id for q in config.queues] == ["chat", "cases"]
    assert config.queues[1].channel is Channel.CASE
    assert config.timings.heartbeat_interval_s == 0.2
    assert config.timings.offer_reroute_grace_s == 480.0
    assert config.templates["note"].kind is NotificationKind.TOAST
    assert config.users[0].role is Role.AGENT


def test_demo_config_has_the_promised_people_and_queues() -> None:
    config = demo_config()
    roles = {u.id: u.role for u in config.users}
    assert roles == {
        "alice": Role.AGENT,
        "bob": Role.AGENT,
        "carol": Role.AGENT,
        "sam": Role.SUPERVISOR,
        "admin": Role.ADMIN,
    }
    assert {q.id for q in config.queues} == {"chat", "sms", "voice", "case", "chat_vip"}
    case = next(q for q in config.queues if q.id == "case")
    assert not case.allow_reject
    assert config.templates[case.template].accept_label == "Open item"
    assert next(q for q in config.queues if q.id == "chat_vip").auto_accept
    voice = next(q for q in config.queues if q.id == "voice")
    assert "bot_summary" in config.templates[voice.template].fields
    assert config.templates["assignment"].kind is NotificationKind.TOAST
    assert all(c.mobile_phone for c in config.contacts)


def test_demo_passwords_are_scrypt_hashes_of_demo() -> None:
    alice = demo_config().users[0]
    assert alice.password_hash.startswith("scrypt$16384$8$1$")
    assert verify_password("demo", alice.password_hash)
    assert not verify_password("Demo", alice.password_hash)


def test_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('name = "Cases"', 'name = "Cases'))
    assert error.line == 20
    assert "TOML syntax" in error.reason


def test_wrong_type_points_at_the_key_in_the_second_queue(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('channel = "case"', "channel = 7"))
    assert error.line == 21
    assert "queues[1].channel" in error.reason
    assert "Expected `str`" in error.reason


def test_invalid_enum_value_points_at_the_key(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('channel = "case"', 'channel = "fax"'))
    assert error.line == 21
    assert "fax" in error.reason or "Invalid enum value" in error.reason


def test_unknown_field_points_at_that_field(tmp_path: Path) -> None:
    text = VALID.replace('title = "Assigned"', 'title = "Assigned"\ncolour = "red"')
    error = broken(tmp_path, text)
    assert error.line == 9
    assert "colour" in error.reason


def test_out_of_range_timing_points_into_the_timings_table(tmp_path: Path) -> None:
    error = broken(
        tmp_path, VALID.replace("heartbeat_interval_s = 0.2", "heartbeat_interval_s = 0")
    )
    assert error.line == 2
    assert "timings.heartbeat_interval_s" in error.reason


def test_missing_field_points_at_its_table(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('name = "Ann"\n', ""))
    assert error.line == 25
    assert "name" in error.reason


def test_unknown_template_reference(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('template = "chat"\ntoast', 'template = "chta"\ntoast'))
    assert error.line == 15
    assert "unknown template 'chta'" in error.reason


def test_toast_template_must_be_a_toast(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('toast_template = "note"', 'toast_template = "chat"'))
    assert error.line == 16
    assert "toast" in error.reason


def test_duplicate_queue_id_points_at_the_second_one(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('id = "cases"', 'id = "chat"'))
    assert error.line == 19
    assert "duplicate queue id 'chat'" in error.reason


def test_user_in_unknown_queue(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('queues = ["chat", "cases"]', 'queues = ["voice"]'))
    assert error.line == 29
    assert "unknown queue 'voice'" in error.reason


def test_case_queue_must_not_allow_reject(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace("allow_reject = false\n", ""))
    assert error.line == 21
    assert "cannot be rejected" in error.reason


def test_wrong_type_inside_a_named_template(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace('title = "Incoming chat"', "title = 3"))
    assert error.line == 5
    assert "templates.chat.title" in error.reason


def test_bad_template_name(tmp_path: Path) -> None:
    error = broken(tmp_path, VALID.replace("[templates.note]", '[templates."no te"]'))
    assert error.line == 7
    assert "template name" in error.reason


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml")
