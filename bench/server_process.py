"""The reference server in its own process, as it runs in production, with its costs read
from /proc while a benchmark drives it."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from agent_desktop.server.runner import READY_LINE
from bench import procstat

_START_TIMEOUT_S: Final = 60.0


@dataclass
class ServerProcess:
    url: str
    pid: int
    process: asyncio.subprocess.Process
    stderr_path: Path

    def cpu_seconds(self) -> float:
        return procstat.cpu_seconds(self.pid)

    def peak_rss_bytes(self) -> int:
        return procstat.peak_rss_bytes(self.pid)

    def rss_bytes(self) -> int:
        return procstat.rss_bytes(self.pid)

    def errors_logged(self) -> list[str]:
        """WARNING/ERROR lines the server wrote: a benchmark that provoked them says so."""
        text = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        return [line for line in text.splitlines() if " WARNING " in line or " ERROR " in line]


@contextlib.asynccontextmanager
async def server_process(
    config: Path, workdir: Path, *, data_dir: Path | None = None, gc_spec: str | None = None
) -> AsyncIterator[ServerProcess]:
    """`python -m agent_desktop.server --port 0` with `config`; in memory unless `data_dir`.

    `gc_spec` runs it through `bench.gc_server` with its garbage collector changed."""
    store = ["--data", str(data_dir)] if data_dir is not None else ["--in-memory"]
    entry = ["bench.gc_server", gc_spec] if gc_spec is not None else ["agent_desktop.server"]
    stderr_path = workdir / "server.stderr.log"
    with stderr_path.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            *entry,
            "--port",
            "0",
            "--config",
            str(config),
            *store,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        try:
            url = await asyncio.wait_for(_ready_url(process), _START_TIMEOUT_S)
            yield ServerProcess(url=url, pid=process.pid, process=process, stderr_path=stderr_path)
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def _ready_url(process: asyncio.subprocess.Process) -> str:
    assert process.stdout is not None
    while True:
        line = (await process.stdout.readline()).decode()
        if not line:
            raise RuntimeError(f"the server exited before listening (code {await process.wait()})")
        if line.startswith(READY_LINE):
            return line[len(READY_LINE) :].strip()
