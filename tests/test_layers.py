"""The layers are checked, not hoped for: the core, protocol and server never load Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest

CLIENT_ONLY = ("PySide6", "qasync", "desktop_notifier")


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        (
            "agent_desktop.protocol",
            (*CLIENT_ONLY, "agent_desktop.server", "agent_desktop.session", "agent_desktop.ui"),
        ),
        # The messages and their codec are plain data: only the protocol's client speaks
        # websockets.
        ("agent_desktop.protocol.codec", ("websockets",)),
        ("agent_desktop.protocol.schema", ("websockets",)),
        ("agent_desktop.session", (*CLIENT_ONLY, "agent_desktop.server", "agent_desktop.ui")),
        ("agent_desktop.server", (*CLIENT_ONLY, "agent_desktop.session", "agent_desktop.ui")),
        ("agent_desktop.ctl.cli", (*CLIENT_ONLY, "agent_desktop.ui")),
    ],
)
def test_a_layer_does_not_import_what_sits_above_it(
    package: str, forbidden: tuple[str, ...]
) -> None:
    probe = (
        "import importlib, pkgutil, sys\n"
        f"root = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(getattr(root, '__path__', []), root.__name__ + '.'):\n"
        "    if not info.name.endswith('__main__'):\n"
        "        importlib.import_module(info.name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {forbidden!r}"
        f" or any(m.startswith(f + '.') or m == f for f in {forbidden!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]", f"{package} imported {result.stdout.strip()}"
