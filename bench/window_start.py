"""One start of a window (the app's or the bare baseline), as the probes report it; apart
from `app_footprint` so the probe that measures a start does not import the part that runs it."""

from __future__ import annotations

import msgspec


class WindowStart(msgspec.Struct, frozen=True):
    start_s: float
    """Spawn -> first paint."""
    idle_rss_mib: float
    idle_pss_mib: float
    phases: dict[str, float] = {}
    """Where the start went (app runs): interpreter + imports + window, sign-in, first paint."""
    cpu_s: float | None = None
    """CPU time (user + system) the process used until the first paint: steadier than the
    wall time on a shared machine, where a start also waits for a core."""
