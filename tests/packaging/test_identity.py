"""Every installer says the same name, ids and version as the app, from one source.

The Windows and macOS installers cannot be built here; what can be checked is that their inputs
(the Inno Setup script, Info.plist) and the Linux ones are generated from
`agent_desktop.identity`, agree with the running app, and that the CI workflow that builds them
parses.
"""

from __future__ import annotations

import configparser
import importlib.metadata
import plistlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from agent_desktop import __version__, identity
from agent_desktop.ui.notify import chain

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / f"{identity.APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{identity.APP_ID}.metainfo.xml"
PLIST = PACKAGING / "macos" / "Info.plist"
INNO = PACKAGING / "windows" / "agent-desktop.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"


def generate(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(cwd / "packaging" / "generate.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_generated_files_are_what_identity_says() -> None:
    result = generate("--check")
    assert result.returncode == 0, result.stderr


def test_a_hand_edited_generated_file_is_reported(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(PACKAGING, copy / "packaging")
    edited = copy / "packaging" / "macos" / "Info.plist"
    edited.write_text(edited.read_text().replace(identity.VERSION, "9.9.9"))
    result = generate("--check", cwd=copy)
    assert result.returncode == 1
    assert "out of date: packaging/macos/Info.plist" in result.stderr


def test_the_package_version_is_the_app_version() -> None:
    assert importlib.metadata.version("agent-desktop") == __version__ == identity.VERSION


def test_desktop_entry_names_the_app_as_notifications_do() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    entry.read(DESKTOP, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Name"] == identity.APP_NAME == chain.APP_NAME
    assert section["Icon"] == identity.APP_ID
    assert section["Exec"].split()[0] == identity.EXECUTABLE


def test_metainfo_carries_the_ids_and_this_release() -> None:
    root = ElementTree.parse(METAINFO).getroot()
    assert root.findtext("id") == identity.APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("name") == identity.APP_NAME
    releases = [release.get("version") for release in root.iter("release")]
    assert releases[0] == __version__
    assert len(list(root.iter("screenshot"))) == 3


def test_info_plist_carries_the_bundle_id_and_version() -> None:
    plist = plistlib.loads(PLIST.read_bytes())
    assert plist["CFBundleIdentifier"] == identity.APP_ID
    assert plist["CFBundleShortVersionString"] == __version__
    assert plist["CFBundleExecutable"] == identity.EXECUTABLE
    assert plist["CFBundleName"] == identity.APP_NAME


def test_inno_script_installs_per_user_with_the_aumid_on_its_shortcut() -> None:
    script = INNO.read_text(encoding="utf-8")
    setup = dict(
        line.split("=", 1)
        for line in script.split("[Setup]")[1].split("[")[0].splitlines()
        if "=" in line
    )
    assert setup["AppVersion"] == __version__
    assert setup["AppName"] == identity.APP_NAME
    assert setup["PrivilegesRequired"] == "lowest", "per-user: no admin"
    assert setup["AppId"] == "{{" + identity.WINDOWS_INSTALLER_GUID + "}"
    shortcut = next(line for line in script.splitlines() if line.startswith("Name: "))
    assert f'AppUserModelID: "{identity.APP_ID}"' in shortcut


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="apt: desktop-file-utils")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert not result.stdout.strip(), "no hints or warnings either"


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="apt: appstream")
def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_the_ci_workflow_builds_and_smoke_starts_on_each_os() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["build"]
    systems = job["strategy"]["matrix"]["os"]
    assert {re.split(r"-", name)[0] for name in systems} == {"ubuntu", "windows", "macos"}
    commands = "\n".join(step.get("run", "") for step in job["steps"])
    for needed in (
        "packaging/build.py",
        "smoke.py --version",
        "smoke.py --demo",
        "packaging/generate.py --check",
        "packaging/linux/package.py",
        "iscc packaging/windows/agent-desktop.iss",
        "packaging/macos/bundle.sh",
    ):
        assert needed in commands, needed
    for step in job["steps"]:
        for path in re.findall(r"packaging/[\w/.-]+\.(?:py|sh|iss)", step.get("run", "")):
            assert (ROOT / path).exists(), f"the workflow runs {path}, which does not exist"
