"""Smoke-start a built app: `python packaging/smoke.py --version|--demo FOLDER`.

`--version` runs `FOLDER/agent-desktop --version`. `--demo` starts the app's demo offscreen and
passes once the demo agent is signed in, as the demo supervisor sees it over the protocol: the
frozen app, its embedded server and its sign-in all work. It reads the demo server's address
from the app's log file, not from a console: a windowed Windows app has none.
Used by the CI workflow on each OS and by the tests here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from agent_desktop import __version__
from agent_desktop.ctl.client import open_session
from agent_desktop.protocol.messages import Agents, AgentUpdated, ListAgents

WAIT_S = 90.0
LISTENING = re.compile(r"demo: the reference server listens on (ws://\S+)")


def executable(folder: Path) -> Path:
    name = "agent-desktop.exe" if sys.platform == "win32" else "agent-desktop"
    return folder / name


def check_version(folder: Path) -> None:
    result = subprocess.run(
        [str(executable(folder)), "--version"], capture_output=True, text=True, timeout=WAIT_S
    )
    if result.returncode != 0:
        raise SystemExit(f"smoke: --version exited {result.returncode}: {result.stderr}")
    # A windowed Windows app has no stdout to print to; elsewhere the line must be right.
    if sys.platform != "win32" and result.stdout.strip() != f"agent-desktop {__version__}":
        raise SystemExit(f"smoke: --version said {result.stdout!r}")
    print(f"smoke: --version ok ({result.stdout.strip() or 'exit 0'})")


def _read(log_file: Path) -> str:
    try:
        return log_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


async def wait_for_demo_url(log_file: Path, app: subprocess.Popen[bytes]) -> str:
    async with asyncio.timeout(WAIT_S):
        while True:
            if app.poll() is not None:
                raise SystemExit(f"smoke: the app exited with {app.returncode} during start")
            text = await asyncio.to_thread(_read, log_file)
            found = LISTENING.search(text)
            if found:
                return found.group(1)
            # Another process's file: no event to wait on, so look again shortly.
            await asyncio.sleep(0.2)


async def wait_for_alice(url: str) -> None:
    client, _ = await open_session(url, "sam", "demo")
    try:
        async with asyncio.timeout(WAIT_S):
            agents = await client.request(lambda rid: ListAgents(id=rid), Agents)
            if any(a.agent == "alice" and a.connected for a in agents.agents):
                return
            while True:
                event = await client.next_event(WAIT_S)
                if (
                    isinstance(event, AgentUpdated)
                    and event.agent.agent == "alice"
                    and event.agent.connected
                ):
                    return
    finally:
        await client.close()


def check_demo(folder: Path) -> None:
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AGENT_DESKTOP_CONFIG_DIR": config}
        app = subprocess.Popen(
            [str(executable(folder)), "--demo"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            log_file = Path(config) / "logs" / "agent-desktop.log"
            url = asyncio.run(wait_for_demo_url(log_file, app))
            asyncio.run(wait_for_alice(url))
            print(f"smoke: the demo runs and its agent is signed in ({url})")
        finally:
            app.terminate()
            try:
                app.wait(15)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="store_true", help="check --version")
    parser.add_argument("--demo", action="store_true", help="start the demo, wait for sign-in")
    parser.add_argument("folder", type=Path, help="the one-folder build (dist/agent-desktop)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not (args.version or args.demo):
        parser.error("say --version, --demo or both")
    if args.version:
        check_version(args.folder)
    if args.demo:
        check_demo(args.folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
