"""The demo's mailbox: a tiny SMTP server on 127.0.0.1 that keeps every email as a file.

So a new user sees the customer emails the demo sends arrive (one `.eml` file each, which any
mail reader opens, and a line on the terminal) without installing a mail server. Standard
library only (asyncio streams): the demo must not need a development dependency at run time.
It speaks just enough SMTP for a well-behaved client on the same machine (HELO/EHLO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT) and accepts every message: it is a sink, not a mail server.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import itertools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

MAX_MESSAGE_BYTES = 10 * 1024 * 1024
"""A demo email is a few kB; a bigger one is refused rather than held in memory."""


def _file_name(number: int, subject: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-")[:60] or "no-subject"
    return f"{number:04d}-{words}.eml"


class DemoMailbox:
    """Saves each message into `folder`; `on_mail(path, subject, to)` hears of each one."""

    def __init__(
        self,
        folder: Path,
        *,
        on_mail: Callable[[Path, str, str], None] | None = None,
    ) -> None:
        self.folder = folder
        self.on_mail = on_mail
        self.port = 0
        self._numbers = itertools.count(1)
        self._server: asyncio.Server | None = None

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.start_server(self._session, host, port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def say(line: str) -> None:
            writer.write(f"{line}\r\n".encode())

        say("220 agent-desktop demo mailbox")
        recipients: list[str] = []
        try:
            while line := await reader.readline():
                command = line.decode("ascii", "replace").strip()
                verb = command[:4].upper()
                if verb in ("HELO", "EHLO"):
                    say(
                        f"250-demo mailbox\r\n250 SIZE {MAX_MESSAGE_BYTES}"
                        if verb == "EHLO"
                        else "250 demo mailbox"
                    )
                elif verb == "MAIL":
                    recipients = []
                    say("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.partition(":")[2].strip().strip("<>"))
                    say("250 OK")
                elif verb == "DATA":
                    say("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    say(await self._data(reader, recipients))
                elif verb in ("RSET", "NOOP"):
                    recipients = [] if verb == "RSET" else recipients
                    say("250 OK")
                elif verb == "QUIT":
                    say("221 Bye")
                    break
                else:
                    say("502 Command not implemented")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass  # the client went away (or sent an endless line): nothing to keep
        finally:
            writer.close()

    async def _data(self, reader: asyncio.StreamReader, recipients: list[str]) -> str:
        lines: list[bytes] = []
        size = 0
        while True:
            line = await reader.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            size += len(line)
            # RFC 5321 dot-stuffing: a line starting with "." was sent with one more.
            lines.append(line[1:] if line.startswith(b"..") else line)
        if size > MAX_MESSAGE_BYTES:
            return "552 Message too big for the demo mailbox"
        raw = b"".join(lines)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(message.get("Subject", ""))
        path = self.folder / _file_name(next(self._numbers), subject)
        path.write_bytes(raw)
        if self.on_mail is not None:
            self.on_mail(path, subject, ", ".join(recipients))
        return "250 OK: kept"


def print_mail(out: TextIO = sys.stdout) -> Callable[[Path, str, str], None]:
    """A terminal line per email, so the user sees it arrive."""

    def tell(path: Path, subject: str, to: str) -> None:
        print(f"demo email to {to}: {subject!r} -> {path}", file=out, flush=True)

    return tell


async def _serve(folder: Path, port: int) -> None:
    mailbox = DemoMailbox(folder, on_mail=print_mail())
    await mailbox.start(port=port)
    print(f"demo mailbox on 127.0.0.1:{mailbox.port}, keeping emails in {folder}", flush=True)
    await asyncio.Event().wait()  # until Ctrl+C


def main(argv: list[str] | None = None) -> int:
    """`python -m agent_desktop.demo_mail [--port 8025] [FOLDER]`: the sink on its own, for a
    reference server run by hand (see the email table in demo.toml)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m agent_desktop.demo_mail")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("folder", nargs="?", type=Path, default=Path("demo-mail"))
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.folder, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
