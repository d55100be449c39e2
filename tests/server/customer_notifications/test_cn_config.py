"""`[customer_notifications]` in the server's TOML file: defaults, validation with a line."""

from __future__ import annotations

from importlib.resources import files

import pytest

from agent_desktop.protocol.bookings import NotificationType
from agent_desktop.server.config_loader import ConfigError, parse_config

DEMO = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")


def test_without_the_table_both_channels_are_off_and_the_defaults_hold() -> None:
    config = parse_config(DEMO).customer_notifications
    assert (config.email, config.sms) == (None, None)
    assert config.daily_run_utc == "10:00"
    assert config.reminder_horizon_days == 7
    assert config.reschedule_threshold_min == 10
    assert config.quiet_hours is not None
    assert NotificationType.TRAVELING not in config.quiet_hours.applies_to


def test_a_full_table_is_read() -> None:
    text = DEMO + (
        "\n[customer_notifications]\n"
        'daily_run_utc = "06:30"\n'
        'excluded_accounts = ["TEST-ACCOUNT"]\n'
        "[customer_notifications.email]\n"
        'host = "smtp.example.com"\n'
        'username = "notify"\n'
        'sender = "service@example.com"\n'
        "[customer_notifications.sms]\n"
        'url = "https://sms.example.com/send"\n'
        'sender = "FieldSvc"\n'
    )
    config = parse_config(text).customer_notifications
    assert config.daily_run_utc == "06:30"
    assert config.excluded_accounts == ["TEST-ACCOUNT"]
    assert config.email is not None
    assert (config.email.port, config.email.starttls) == (587, True)
    assert config.email.password_env == "AGENT_DESKTOP_SMTP_PASSWORD"
    assert config.sms is not None
    assert config.sms.token_env == "AGENT_DESKTOP_SMS_TOKEN"


@pytest.mark.parametrize(
    ("table", "line_offset", "says"),
    [
        ('daily_run_utc = "25:00"\n', 2, "daily_run_utc"),
        ("reschedule_threshold_min = -1\n", 2, "reschedule_threshold_min"),
        (
            '[customer_notifications.email]\nhost = "h"\nsender = "s@e.com"\npassword = "x"\n',
            5,
            "unknown field `password`",
        ),
        ('[customer_notifications.sms]\nurl = "ftp://x"\nsender = "S"\n', 3, "url"),
        ('default_region = "germany"\n', 2, "default_region"),
    ],
)
def test_a_broken_table_is_refused_with_its_line(table: str, line_offset: int, says: str) -> None:
    text = DEMO + "[customer_notifications]\n" + table
    with pytest.raises(ConfigError) as refused:
        parse_config(text, source="server.toml")
    assert says in refused.value.reason
    assert refused.value.line == len(DEMO.splitlines()) + line_offset
