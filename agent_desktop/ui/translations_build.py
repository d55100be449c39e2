"""`python -m agent_desktop.ui.translations_build [--update]`: compile the catalogues.

The `.ts` sources are in git; the `.qm` files the app loads are built from them with the
`pyside6-lrelease` that ships in PySide6-Essentials (a runtime dependency, so it is there wherever
the app is installed): `scripts/bootstrap`, the PyInstaller build and the test suite run this.
`--update` first refreshes the `.ts` files from the code with `pyside6-lupdate` (new strings are
added as unfinished; a test fails until they are translated).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from agent_desktop.ui.i18n import TRANSLATIONS_DIR

_PACKAGE = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: it ships with PySide6-Essentials")
    return found


def sources() -> list[Path]:
    """The Python files whose strings the catalogues hold: the shell (the core has none)."""
    return sorted(p for p in (_PACKAGE / "ui").rglob("*.py") if p.name != "translations_build.py")


def catalogues() -> list[Path]:
    return sorted(TRANSLATIONS_DIR.glob("*.ts"))


def update() -> None:
    files = [str(p.relative_to(_PACKAGE.parent)) for p in sources()]
    for ts in catalogues():
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                *files,
                "-no-obsolete",
                "-locations",
                "none",
                "-ts",
                str(ts),
            ],
            check=True,
            cwd=_PACKAGE.parent,
        )


def build() -> list[Path]:
    built = []
    for ts in catalogues():
        qm = ts.with_suffix(".qm")
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent_desktop.ui.translations_build")
    parser.add_argument("--update", action="store_true", help="refresh the .ts from the code")
    args = parser.parse_args(argv)
    if args.update:
        update()
    for qm in build():
        print(f"built {qm.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
