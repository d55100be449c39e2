"""Build a one-folder app with PyInstaller: `python packaging/build.py [--dist DIR]`.

The result (`DIST/agent-desktop/agent-desktop`) runs without Python installed. Builds for the
OS it runs on: Windows, macOS and Linux each build their own. desktop-notifier loads resources
at import, so its data files are collected explicitly (without them the frozen app fails at
import with `desktop_notifier.resources`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def os_options(work: Path) -> list[str]:
    """The icon and bundle id each OS shows (Linux takes its icons from the package instead)."""
    from agent_desktop.identity import APP_ID, EXECUTABLE

    icons = work / "icons"
    if sys.platform == "win32":
        render_icons(icons)
        return [f"--icon={icons / f'{EXECUTABLE}.ico'}"]
    if sys.platform == "darwin":
        render_icons(icons)
        return [f"--icon={icons / f'{EXECUTABLE}.icns'}", f"--osx-bundle-identifier={APP_ID}"]
    return []


def render_icons(folder: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "packaging" / "icons.py"), str(folder)], check=True)


def build(dist: Path, work: Path) -> Path:
    import PyInstaller.__main__

    PyInstaller.__main__.run(
        [
            *os_options(work),
            str(ROOT / "packaging" / "entry.py"),
            "--name=agent-desktop",
            f"--paths={ROOT}",  # an editable install is invisible to the analysis
            "--noconfirm",
            "--clean",
            "--windowed",
            f"--distpath={dist}",
            f"--workpath={work}",
            f"--specpath={work}",
            "--collect-data=desktop_notifier",
            "--collect-data=agent_desktop",
            # The demo starts the bundled server, which PyInstaller cannot see being imported
            # (it is loaded lazily so the app starts fast without it).
            "--collect-submodules=agent_desktop",
            "--exclude-module=tkinter",
        ]
    )
    return dist / "agent-desktop"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    folder = build(args.dist, args.work)
    print(f"built {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
