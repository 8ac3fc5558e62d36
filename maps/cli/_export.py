"""``airmap export``: placeholder until the export helper fills it in."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import CLIError


def add_parser(sub: Any) -> None:
    """Register ``export``."""
    p = sub.add_parser("export", help="(not yet implemented)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    raise CLIError("airmap export is not implemented yet")
