"""The tarball installs without root: unpacked over a prefix (like ~/.local), its launcher runs
the app. (That the app then finds its installed icon is the .deb test's: same layout.)"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from agent_desktop import __version__
from agent_desktop.identity import APP_ID, EXECUTABLE

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(600)]


def test_the_tarball_unpacked_over_a_prefix_runs_from_its_launcher(
    frozen_folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    built = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "linux" / "package.py"),
            *("--folder", str(frozen_folder), "--out", str(out), "--level", "1"),
            *("--only", "tarball"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (tarball,) = out.glob("*.tar.gz")
    top = f"{EXECUTABLE}-{__version__}"
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
        assert {
            f"{top}/bin/{EXECUTABLE}",
            f"{top}/lib/{EXECUTABLE}/{EXECUTABLE}",
            f"{top}/share/applications/{APP_ID}.desktop",
            f"{top}/share/metainfo/{APP_ID}.metainfo.xml",
            f"{top}/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
            f"{top}/share/icons/hicolor/48x48/apps/{APP_ID}.png",
        } <= names
        prefix = tmp_path / "prefix"  # like ~/.local, with --strip-components=1
        archive.extractall(tmp_path / "unpacked", filter="tar")
    (tmp_path / "unpacked" / top).rename(prefix)

    launcher = prefix / "bin" / EXECUTABLE
    version = subprocess.run([str(launcher), "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == f"agent-desktop {__version__}"
