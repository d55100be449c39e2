"""The frozen app beside the venv app: size on disk and cold start, measured from outside.

    python -m bench.frozen_app --folder dist/agent-desktop [--runs 5] [--packages]

Both are started the same way, as a process in a prepared desktop session (private D-Bus,
unlocked gnome-keyring holding alice's token, settings pointing at a reference server process),
so the frozen app cannot be instrumented from inside the way `bench/app_probe.py` does the venv
app. The start is measured from just before the spawn to the moment the server tells a
supervisor that alice is connected: bootloader or interpreter, imports, window, keyring,
sign-in. It stops before the first paint, so it is a little shorter than item 3's figure.
`--version` (spawn to exit) shows the bare start-up cost of each. Runs alternate between the
two, so a busy machine weighs on both alike.

Size: the one-folder build, and (`--packages`) the .deb and tarball at their release
compression, against the venv app's runtime: the files of the distributions `agent-desktop`
depends on (the Python it runs on is not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import agent_desktop.server
from agent_desktop.ctl.client import WireClient, open_session
from agent_desktop.protocol.messages import Agents, AgentUpdated, ListAgents
from agent_desktop.session.settings import Settings
from bench.desktop_env import desktop_session, store_token, write_settings
from bench.server_process import server_process

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
WAIT_S = 60.0
DEMO_CONFIG = Path(agent_desktop.server.__file__).parent / "demo.toml"


def folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir())


def runtime_bytes() -> int:
    """The installed files of agent-desktop's runtime dependency closure (no dev tools)."""
    seen: set[str] = set()
    pending = ["agent-desktop"]
    total = 0
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            pending.append(re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0])
    return total


def version_seconds(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run([*command, "--version"], check=True, capture_output=True, timeout=WAIT_S)
    return time.perf_counter() - started


async def until_alice(supervisor: WireClient, connected: bool) -> None:
    async with asyncio.timeout(WAIT_S):
        while True:
            event = await supervisor.next_event(WAIT_S)
            if (
                isinstance(event, AgentUpdated)
                and event.agent.agent == "alice"
                and event.agent.connected is connected
            ):
                return


async def start_seconds(
    command: Sequence[str], env: dict[str, str], supervisor: WireClient
) -> float:
    started = time.perf_counter()
    app = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        await until_alice(supervisor, connected=True)
        elapsed = time.perf_counter() - started
    finally:
        app.terminate()
        await asyncio.wait_for(app.wait(), WAIT_S)
    await until_alice(supervisor, connected=False)
    return elapsed


async def measure_starts(
    commands: dict[str, list[str]], runs: int, workdir: Path
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    with desktop_session(workdir / "home") as env:
        async with server_process(DEMO_CONFIG, workdir) as server:
            client, logged_in = await open_session(server.url, "alice", "demo")
            await client.close()
            store_token(env, server.url, "alice", logged_in.token)
            write_settings(env, Settings(server_url=server.url, user="alice", sound=False))
            supervisor, _ = await open_session(server.url, "sam", "demo")
            try:
                await supervisor.request(lambda rid: ListAgents(id=rid), Agents)
                for _ in range(runs):
                    for name, command in commands.items():
                        times[name].append(await start_seconds(command, env, supervisor))
            finally:
                await supervisor.close()
    return times


def package_sizes(folder: Path, workdir: Path) -> dict[str, int]:
    out = workdir / "packages"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "linux" / "package.py"),
            *("--folder", str(folder), "--out", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    sizes: dict[str, int] = {}
    for path in out.iterdir():
        sizes["tarball" if path.name.endswith(".tar.gz") else path.suffix] = path.stat().st_size
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "dist" / "agent-desktop")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--packages", action="store_true", help="also build and size the .deb")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    frozen = [str(args.folder / "agent-desktop")]
    venv = [str(Path(sys.executable).parent / "agent-desktop")]
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        print(f"one-folder build: {folder_bytes(args.folder) / MIB:.0f} MiB")
        print(f"venv app runtime (dependency closure): {runtime_bytes() / MIB:.0f} MiB")
        if args.packages:
            for kind, size in package_sizes(args.folder, workdir).items():
                print(f"{kind}: {size / MIB:.0f} MiB")
        commands = {"venv": venv, "frozen": frozen}
        for name, command in commands.items():
            runs = [version_seconds(command) for _ in range(args.runs)]
            print(f"{name} --version: median {statistics.median(runs):.2f} s {_list(runs)}")
        starts = asyncio.run(measure_starts(commands, args.runs, workdir))
        for name, runs in starts.items():
            print(
                f"{name} start to signed in: median {statistics.median(runs):.2f} s {_list(runs)}"
            )
    return 0


def _list(runs: list[float]) -> str:
    return "(" + ", ".join(f"{r:.2f}" for r in runs) + ")"


if __name__ == "__main__":
    raise SystemExit(main())
