"""agent-desktop-ctl for bookings, the sent log, the outbox and portal codes: real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

import pytest

from tests.ctl.test_ctl import LISTENING
from tests.support.providers import SmsEndpoint, sms_endpoint

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sms() -> Iterator[SmsEndpoint]:
    with sms_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory, sms: SmsEndpoint) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("ctl-bookings")
    config = folder / "server.toml"
    demo = files("agent_desktop.server").joinpath("demo.toml").read_text(encoding="utf-8")
    config.write_text(
        demo
        + '\n[customer_notifications]\ndefault_region = "DE"\n'
        + "[customer_notifications.quiet_hours]\napplies_to = []\n"
        + f'[customer_notifications.sms]\nurl = "{sms.url}"\nsender = "FieldSvc"\n',
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "agent_desktop.server", "--port", "0", "--config", str(config),
         "--data", str(folder / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    url = None
    for line in process.stdout:
        found = LISTENING.search(line)
        if found:
            url = found.group(1)
            break
    assert url is not None, "the server never said it was listening"
    yield url
    process.terminate()
    process.wait(10)


def ctl(url: str, *args: str, user: str = "sam") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_desktop.ctl.cli", "--url", url, "--user", user,
         "--password", "demo", *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def ctl_json(url: str, *args: str, user: str = "sam") -> Any:
    result = ctl(url, "--json", *args, user=user)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def iso(hours_from_now: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours_from_now)).isoformat(timespec="seconds")


def new_booking(url: str, *extra: str) -> dict[str, Any]:
    booking: dict[str, Any] = ctl_json(
        url, "booking", "new", "--account", "ACME", "--type", "boiler repair",
        "--technician", "Tess", "--start", iso(3), "--end", iso(5), "--contact", "Ada",
        "--mobile", "0151 23456789", "--tz", "Europe/Berlin", *extra,
    )  # fmt: skip
    return booking


def test_a_booking_is_created_advanced_and_its_sms_shows_in_the_log(server_url: str) -> None:
    booking = new_booking(server_url)
    assert booking["status"] == "scheduled"
    assert booking["contacts"][0]["mobile_phone"] == "+4915123456789"
    moved = ctl_json(
        server_url, "booking", "change", booking["booking_id"], "--status", "traveling",
        "--distance-km", "10",
    )  # fmt: skip
    assert moved["eta"] is not None
    for _ in range(100):
        log = ctl_json(server_url, "notifications", "--booking", booking["booking_id"])
        if {entry["state"] for entry in log} == {"sent", "excluded"}:
            break
    by_channel = {entry["channel"]: entry for entry in log}
    assert by_channel["sms"]["state"] == "sent"
    assert (by_channel["email"]["state"], by_channel["email"]["reason"]) == (
        "excluded",
        "no_address",
    )
    table = ctl(server_url, "notifications", "--channel", "sms").stdout
    assert table.splitlines()[0].split()[:3] == ["ID", "BOOKING", "TYPE"]
    assert booking["booking_id"] in table
    assert ctl_json(server_url, "outbox") == []
    shown = ctl(server_url, "booking", "show", booking["booking_id"]).stdout
    assert "traveling" in shown
    assert "eta:" in shown


def test_a_site_and_the_technicians_position_give_the_crow_flies_eta(server_url: str) -> None:
    booking = new_booking(server_url, "--lat", "52.520008", "--lon", "13.404954")
    assert booking["location"] == {"latitude": 52.520008, "longitude": 13.404954}
    placed = ctl_json(
        server_url, "booking", "position", booking["booking_id"], "--lat", "52.3906",
        "--lon", "13.0645",
    )  # fmt: skip
    assert placed["technician_position"] == {"latitude": 52.3906, "longitude": 13.0645}
    assert placed["eta"] is None  # not on the way yet
    traveling = ctl_json(
        server_url, "booking", "change", booking["booking_id"], "--status", "traveling"
    )
    # 27.0 km as the crow flies at 40 km/h x 1.3: 52.7 minutes after the change.
    trip_s = traveling["eta"] - traveling["technician_position_at"]
    assert 52 * 60 < trip_s < 54 * 60 + 5, trip_s
    assert traveling["eta_source"] == "distance"
    shown = ctl(server_url, "booking", "show", booking["booking_id"]).stdout
    assert "site: 52.52001, 13.40495" in shown
    assert "(distance)" in shown


def test_the_reminder_run_can_be_started_by_hand_and_never_repeats(server_url: str) -> None:
    new_booking(server_url)
    first = ctl_json(server_url, "reminders", "run")
    assert first["queued"] >= 2
    assert ctl_json(server_url, "reminders", "run")["queued"] == 0


def test_an_admin_extends_expires_and_blocks_codes(server_url: str) -> None:
    booking = new_booking(server_url)
    booking_id = booking["booking_id"]
    assert ctl_json(server_url, "codes", "list", "--booking", booking_id, user="admin") == []
    ctl_json(server_url, "booking", "change", booking_id, "--status", "traveling")
    (code,) = ctl_json(server_url, "codes", "list", "--booking", booking_id, user="admin")
    assert code["state"] == "active"
    assert (code["notification_type"], code["channel"], code["contact"]) == (
        "traveling", "sms", "Ada",
    )  # fmt: skip
    shown = ctl(server_url, "codes", "list", "--booking", booking_id, user="admin").stdout
    assert f"message {code['message_id']} (traveling sms to Ada)" in shown
    expired = ctl_json(server_url, "codes", "expire", code["code"], user="admin")
    assert expired["state"] == "expired"
    extended = ctl_json(server_url, "codes", "extend", code["code"], "--days", "2", user="admin")
    assert extended["state"] == "active"
    assert ctl_json(server_url, "codes", "block", code["code"], user="admin")["state"] == "blocked"
    # One character off (a code may itself end in "_": then "-" makes the forgery).
    last = "-" if code["code"].endswith("_") else "_"
    forged = ctl(server_url, "codes", "block", code["code"][:-1] + last, user="admin")
    assert forged.returncode == 1
    assert "unknown_code" in forged.stderr
    refused = ctl(server_url, "codes", "list")
    assert refused.returncode == 1
    assert "forbidden" in refused.stderr


def test_an_admin_blocks_every_link_of_a_booking_at_once(server_url: str) -> None:
    booking_id = new_booking(server_url)["booking_id"]
    ctl_json(server_url, "booking", "change", booking_id, "--status", "traveling")
    ctl_json(server_url, "booking", "change", booking_id, "--status", "in_progress")
    ctl_json(server_url, "booking", "change", booking_id, "--status", "completed")
    codes = ctl_json(server_url, "codes", "block-all", booking_id, user="admin")
    assert [(c["notification_type"], c["state"]) for c in codes] == [
        ("traveling", "blocked"), ("completed", "blocked"),
    ]  # fmt: skip
    unknown = ctl(server_url, "codes", "block-all", "BK9999", user="admin")
    assert unknown.returncode == 1
    assert "unknown_booking" in unknown.stderr


@pytest.mark.parametrize(
    ("args", "exit_code", "says"),
    [
        (("booking", "change", "BK9999", "--technician", "x"), 1, "unknown_booking"),
        (("booking", "new", "--account", "A", "--type", "t", "--technician", "x",
          "--start", "2027-05-05T09:00", "--end", "2027-05-05T10:00", "--contact", "Ada"),
         2, "has no offset"),
        (("booking", "new", "--account", "A", "--type", "t", "--technician", "x",
          "--start", "2027-05-05T09:00Z", "--end", "2027-05-05T08:00Z", "--contact", "Ada"),
         1, "must end after it starts"),
        (("booking", "new", "--account", "A", "--type", "t", "--technician", "x",
          "--start", "2027-05-05T09:00Z", "--end", "2027-05-05T10:00Z", "--contact", "Ada",
          "--email", "ada(at)example.com"), 1, "not an email address"),
        (("booking", "new", "--account", "A", "--type", "t", "--technician", "x",
          "--start", "2027-05-05T09:00Z", "--end", "2027-05-05T10:00Z", "--contact", "Ada",
          "--mobile", "555"), 1, "not a valid phone number"),
        (("sms", "receive", "--from", "hello", "STOP"), 1, "not a phone number"),
        (("booking", "position", "BK1001", "--lat", "91", "--lon", "0"), 2,
         "latitude '91' is outside -90..90"),
        (("booking", "position", "BK1001", "--lat", "nan", "--lon", "0"), 2,
         "latitude 'nan' is not a finite number"),
        (("booking", "change", "BK1001", "--tech-lat", "1"), 1, "give both --tech-lat and"),
        (("booking", "position", "BK9999", "--lat", "1", "--lon", "1"), 1, "unknown_booking"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_error_and_changes_nothing(
    server_url: str, args: tuple[str, ...], exit_code: int, says: str
) -> None:
    before = ctl_json(server_url, "notifications", "--limit", "1000")
    result = ctl(server_url, *args)
    assert result.returncode == exit_code, result.stderr
    assert says in result.stderr
    assert ctl_json(server_url, "notifications", "--limit", "1000") == before
