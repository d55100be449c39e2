"""Which machine a run measured: the figures mean little without it."""

from __future__ import annotations

import datetime
import os
import platform
from importlib import metadata
from pathlib import Path

import msgspec

_LIBRARIES = ("websockets", "msgspec", "PySide6-Essentials", "qasync", "desktop-notifier")


class Machine(msgspec.Struct, frozen=True):
    cpus: int
    cpu_model: str
    memory_gib: float
    os: str
    python: str
    libraries: dict[str, str]
    date_utc: str
    load_average: tuple[float, float, float]
    """At the start of the run: another busy process on a 2-core machine skews every figure."""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _os_name() -> str:
    try:
        release = platform.freedesktop_os_release()
        return f"{release.get('PRETTY_NAME', 'Linux')}, kernel {platform.release()}"
    except OSError:
        return f"{platform.system()} {platform.release()}"


def describe_machine() -> Machine:
    load = os.getloadavg()
    return Machine(
        cpus=os.cpu_count() or 0,
        cpu_model=_cpu_model(),
        memory_gib=_memory_gib(),
        os=_os_name(),
        python=platform.python_version(),
        libraries={name: _version(name) for name in _LIBRARIES},
        date_utc=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        load_average=(round(load[0], 2), round(load[1], 2), round(load[2], 2)),
    )
