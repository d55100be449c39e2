"""How a ctl command prints its result: JSON for scripts (`--json`), else a human line."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import msgspec


def print_result(args: argparse.Namespace, data: Any, human: str) -> None:
    if args.json:
        sys.stdout.write(json.dumps(msgspec.to_builtins(data), indent=2) + "\n")
    else:
        sys.stdout.write(human + "\n")
