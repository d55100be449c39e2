"""`agent-desktop-server`: run the reference routing server until SIGTERM or Ctrl-C.

Every problem a user can cause at start (broken config, port in use, missing certificate) ends
in one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import gc
import logging
import os
import signal
import ssl
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from agent_desktop import __version__
from agent_desktop.server.config import ServerConfig
from agent_desktop.server.config_loader import ConfigError, demo_config, load_config
from agent_desktop.server.customer_notifications.inbound import WebhookNotStarted
from agent_desktop.server.runner import STATE_FILE, running_server

PROG: Final = "agent-desktop-server"
DEFAULT_PORT: Final = 8765
DATA_ENV: Final = "AGENT_DESKTOP_DATA"
"""Overrides the per-user data directory of the whole app; the server keeps its own subfolder."""

EXIT_USAGE: Final = 2
EXIT_RUNTIME: Final = 1


class StartupError(Exception):
    """A problem the user can fix; printed as one line."""

    def __init__(self, message: str, exit_code: int = EXIT_RUNTIME) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def user_data_dir() -> Path:
    """Where the app keeps per-user data, by the conventions of each OS."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "agent-desktop"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "agent-desktop"
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else home / ".local" / "share") / "agent-desktop"


def default_server_data_dir() -> Path:
    return user_data_dir() / "server"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Reference routing server for Agent Desktop."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}; 0 = any free port)"
    )
    store = parser.add_mutually_exclusive_group()
    store.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help=f"state directory (holds {STATE_FILE}); default: {default_server_data_dir()}",
    )
    store.add_argument("--in-memory", action="store_true", help="keep no state across restarts")
    parser.add_argument(
        "--config", type=Path, metavar="FILE", help="TOML configuration (default: the demo)"
    )
    parser.add_argument("--tls-cert", type=Path, metavar="FILE", help="PEM certificate (wss)")
    parser.add_argument("--tls-key", type=Path, metavar="FILE", help="PEM private key (wss)")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise StartupError("--tls-cert and --tls-key go together", EXIT_USAGE)
    for what, path in (("certificate", cert), ("key", key)):
        if not path.is_file():
            raise StartupError(f"{path}: TLS {what} file not found", EXIT_USAGE)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise StartupError(
            f"{cert}: cannot load TLS certificate and key: {exc}", EXIT_USAGE
        ) from None
    return context


def read_config(path: Path | None) -> ServerConfig:
    try:
        return demo_config() if path is None else load_config(path)
    except ConfigError as exc:
        raise StartupError(str(exc), EXIT_USAGE) from None


async def serve_until_stopped(
    config: ServerConfig,
    *,
    host: str,
    port: int,
    data_dir: Path | None,
    tls: ssl.SSLContext | None,
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Windows has no add_signal_handler; Ctrl-C still raises KeyboardInterrupt there.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        async with running_server(
            config, data_dir=data_dir, host=host, port=port, ssl=tls, freeze_heap=True
        ):
            await stop.wait()
            logging.getLogger(PROG).info("stopping: closing connections")
    except WebhookNotStarted as exc:
        raise StartupError(str(exc)) from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise StartupError(
                f"{host}:{port} is already in use (another server running?)"
            ) from None
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
            raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # websockets logs every refused handshake (scanners, health probes) at INFO: too chatty.
    logging.getLogger("websockets").setLevel(logging.WARNING)
    # Thousands of connections make CPython's full collections walk a large heap and stall the
    # loop (offer latency max 479 ms at 5,000 agents); collecting less often cut it to 59 ms
    # (docs/BENCHMARKS.md, `python -m bench --only routing --server-gc 50000,20,20`).
    gc.set_threshold(50_000, 20, 20)
    try:
        if not 0 <= args.port <= 65535:
            raise StartupError(f"--port {args.port}: not a port number", EXIT_USAGE)
        config = read_config(args.config)
        tls = tls_context(args.tls_cert, args.tls_key)
        data_dir: Path | None = None if args.in_memory else (args.data or default_server_data_dir())
        if data_dir is not None:
            try:
                data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StartupError(
                    f"{data_dir}: cannot create data directory: {exc.strerror}"
                ) from None
        asyncio.run(
            serve_until_stopped(config, host=args.host, port=args.port, data_dir=data_dir, tls=tls)
        )
    except StartupError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr, flush=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0
