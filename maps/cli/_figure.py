"""``airmap figure``: placeholder until the figure helper fills it in."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import CLIError


def add_parser(sub: Any) -> None:
    """Register ``figure``."""
    p = sub.add_parser("figure", help="(not yet implemented)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    raise CLIError("airmap figure is not implemented yet")
