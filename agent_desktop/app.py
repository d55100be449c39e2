"""`agent-desktop`: the desktop app's entry point.

The Qt app (`agent_desktop.ui`) is loaded lazily so `--help` and errors stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from agent_desktop.ui.main import main as ui_main
    except ModuleNotFoundError as missing:
        if not missing.name or not missing.name.startswith("agent_desktop.ui"):
            raise
        sys.stderr.write(
            "agent-desktop: the desktop app is not built yet; run the server with "
            "`agent-desktop-server` and drive it with `agent-desktop-ctl`.\n"
        )
        return 1
    return ui_main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
