"""Package the one-folder build for Linux: a `.deb` and a tarball with the same tree.

    python packaging/build.py                    # dist/agent-desktop (PyInstaller)
    python packaging/linux/package.py            # dist/agent-desktop_<v>_<arch>.deb + .tar.gz

Both hold a `/usr`-style tree: the app in lib/agent-desktop/, a launcher bin/agent-desktop,
the desktop entry, AppStream metainfo and hicolor icons under share/. The tarball unpacks to
`agent-desktop-<v>/` with the same layout (copy it over ~/.local or /usr/local). The running
app finds its installed icon relative to its own folder, so both layouts announce the same one.

The .deb's dependencies are the system libraries the bundle really links against (`ldd` over
every ELF file, mapped to packages with `dpkg -S`), so it installs on a minimal Debian. No
maintainer scripts: Debian's triggers refresh the icon cache and the desktop database, and
removing the package removes every file it brought (the user's settings and logs stay).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
SYSTEM_LIBRARY_DIRS = ("/lib/", "/usr/lib/", "/lib64/", "/usr/lib64/")
# The glibc loader is resolved outside the package database in some images; libc6 is implied.
IMPLIED = {"libc6"}


def identity() -> dict[str, str]:
    from agent_desktop import identity as app

    return {
        "version": app.VERSION,
        "app_id": app.APP_ID,
        "executable": app.EXECUTABLE,
        "summary": app.SUMMARY,
        "homepage": app.HOMEPAGE,
        "publisher": app.PUBLISHER,
        "license": app.LICENSE,
    }


def stage(folder: Path, tree: Path, ids: dict[str, str]) -> None:
    """Lay out the installed tree (relative to a prefix such as /usr) under `tree`."""
    exe, app_id = ids["executable"], ids["app_id"]
    lib = tree / "lib" / exe
    shutil.copytree(folder, lib, symlinks=True)
    (tree / "bin").mkdir(parents=True)
    # A symlink, not a wrapper script: the bootloader resolves it to find its _internal folder.
    (tree / "bin" / exe).symlink_to(Path("..") / "lib" / exe / exe)
    share = tree / "share"
    for source, target in (
        (LINUX / f"{app_id}.desktop", share / "applications" / f"{app_id}.desktop"),
        (LINUX / f"{app_id}.metainfo.xml", share / "metainfo" / f"{app_id}.metainfo.xml"),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    with tempfile.TemporaryDirectory() as icons:
        rendered = subprocess.run(
            [sys.executable, str(ROOT / "packaging" / "icons.py"), icons],
            capture_output=True,
            text=True,
        )
        if rendered.returncode != 0:
            raise SystemExit(f"package: rendering the icons failed:\n{rendered.stderr}")
        shutil.copytree(Path(icons) / "hicolor", share / "icons" / "hicolor")
    doc = share / "doc" / exe
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {exe}\nSource: {ids['homepage']}\n\n"
        f"Files: *\nCopyright: {ids['publisher']}\nLicense: {ids['license']}\n"
    )
    for path in tree.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)


def elf_files(folder: Path) -> Iterable[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


def system_libraries(folder: Path) -> set[str]:
    """Libraries the bundle loads from the system: what it needs but does not carry.

    The bootloader puts the bundle's folder first on the library path, so a library the bundle
    carries (by soname) is loaded from there even where `ldd` finds a system copy.
    """
    files = [str(path) for path in elf_files(folder)]
    carried = {path.name for path in folder.rglob("*.so*")}
    found: set[str] = set()
    for start in range(0, len(files), 200):
        result = subprocess.run(
            ["ldd", *files[start : start + 200]], capture_output=True, text=True, check=False
        )
        for match in re.finditer(r"^\s*(\S+) => (/\S+) \(", result.stdout, re.MULTILINE):
            soname, library = match.groups()
            if soname not in carried and library.startswith(SYSTEM_LIBRARY_DIRS):
                found.add(library)
    return found


def packages_of(libraries: set[str]) -> list[str]:
    if not libraries:
        return []
    real = {os.path.realpath(lib) for lib in libraries} | libraries
    # dpkg knows the path it installed (/lib or /usr/lib): ask for both spellings.
    spellings = real | {p.removeprefix("/usr") for p in real} | {"/usr" + p for p in real}
    result = subprocess.run(
        ["dpkg", "-S", *sorted(spellings)], capture_output=True, text=True, check=False
    )
    packages = {
        line.split(":", 1)[0].split(",")[0].strip()
        for line in result.stdout.splitlines()
        if ": " in line
    }
    return sorted(packages - IMPLIED)


def control(ids: dict[str, str], tree: Path, depends: Sequence[str], arch: str) -> str:
    size_kib = sum(p.lstat().st_size for p in tree.rglob("*")) // 1024 + 1
    return (
        f"Package: {ids['executable']}\n"
        f"Version: {ids['version']}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {ids['publisher']} <maintainers@{ids['homepage'].split('//', 1)[1]}>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {', '.join(['libc6', *depends])}\n"
        # A session bus carries notifications; a Secret Service keeps the login token.
        "Recommends: dbus-user-session, gnome-keyring | kwalletmanager\n"
        "Section: net\nPriority: optional\n"
        f"Homepage: {ids['homepage']}\n"
        f"Description: {ids['summary']}\n"
        " Desktop client for contact-center agents and supervisors: work offered by the\n"
        " routing server arrives as a desktop notification with Accept and Reject.\n"
    )


def build_deb(folder: Path, out: Path, *, level: int, version: str | None = None) -> Path:
    ids = identity()
    ids["version"] = version or ids["version"]
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "root"
        stage(folder, root / "usr", ids)
        depends = packages_of(system_libraries(root / "usr" / "lib" / ids["executable"]))
        (root / "DEBIAN").mkdir(mode=0o755)
        (root / "DEBIAN" / "control").write_text(control(ids, root / "usr", depends, arch))
        deb = out / f"{ids['executable']}_{ids['version']}_{arch}.deb"
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zgzip", f"-z{level}", "--build", root, deb],
            check=True,
            capture_output=True,
        )
    return deb


def build_tarball(folder: Path, out: Path, *, level: int) -> Path:
    ids = identity()
    name = f"{ids['executable']}-{ids['version']}"
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / name
        stage(folder, tree, ids)
        machine = os.uname().machine
        tarball = out / f"{name}-linux-{machine}.tar.gz"
        out.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball, "w:gz", compresslevel=level) as archive:
            archive.add(tree, arcname=name)
    return tarball


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "dist" / "agent-desktop")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--level", type=int, default=9, choices=range(1, 10), help="gzip level (1 is fast)"
    )
    parser.add_argument("--only", choices=("deb", "tarball"), help="build just one of them")
    parser.add_argument(
        "--deb-version", help="the .deb's version instead of the app's (to test an upgrade)"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not (args.folder / "agent-desktop").is_file():
        parser.error(f"no one-folder build at {args.folder}: run packaging/build.py first")
    if args.only != "tarball":
        print(
            f"built {build_deb(args.folder, args.out, level=args.level, version=args.deb_version)}"
        )
    if args.only != "deb":
        print(f"built {build_tarball(args.folder, args.out, level=args.level)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
