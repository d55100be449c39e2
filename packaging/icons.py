"""Render the app icon for every installer: `python packaging/icons.py OUT_DIR`.

From the one SVG (agent_desktop/resources/icons/app.svg) it writes
  OUT_DIR/hicolor/<N>x<N>/apps/<APP_ID>.png and hicolor/scalable/apps/<APP_ID>.svg (Linux),
  OUT_DIR/<executable>.ico (Windows) and OUT_DIR/<executable>.icns (macOS),
with Qt's own SVG renderer and image writers, so every OS builds its icons the same way and
no image tool has to be installed.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
"""The sizes desktops look up in the hicolor theme (menus, docks, notifications, stores)."""
ICO_SIZES = (16, 24, 32, 48, 64, 256)


def render(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from agent_desktop.identity import APP_ID, EXECUTABLE
    from agent_desktop.resources import icon_path

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    source = icon_path("app")
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"icons: {source} is not an SVG Qt can render")

    def image(size: int) -> QImage:
        picture = QImage(QSize(size, size), QImage.Format.Format_ARGB32)
        picture.fill(0)
        painter = QPainter(picture)
        renderer.render(painter)
        painter.end()
        return picture

    written: list[Path] = []
    for size in HICOLOR_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = QImageWriter(str(target), b"png")
        if not writer.write(image(size)):
            raise SystemExit(f"icons: could not write {target}: {writer.errorString()}")
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, scalable)
    written.append(scalable)
    # Qt's ico and icns writers store one image per file: the largest, which Windows and macOS
    # scale down. (A multi-size .ico needs a dedicated tool; not worth one more dependency.)
    for suffix, size in (("ico", max(ICO_SIZES)), ("icns", 512)):
        target = out / f"{EXECUTABLE}.{suffix}"
        writer = QImageWriter(str(target), suffix.encode())
        if not writer.write(image(size)):
            raise SystemExit(f"icons: could not write {target}: {writer.errorString()}")
        written.append(target)
    return written


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    for path in render(Path(sys.argv[1])):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
