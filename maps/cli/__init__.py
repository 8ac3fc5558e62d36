"""The ``airmap`` command: ``check``, ``zones``, ``incidents``, ``map``, ``export``, ``figure``.

``main(argv)`` returns an exit code (:class:`ExitStatus`); ``run()`` is the console
script. Errors print one line on stderr, ``airmap: error: <file>:<line>: <field>:
<problem>``; ``--traceback`` re-raises instead. Heavy imports happen inside the
subcommands, so ``airmap check`` never loads folium.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._common import CLIError, ExitStatus, write_error

__all__ = ["ExitStatus", "main", "run"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from . import _check, _export, _figure, _incidents, _map, _zones

    parser = argparse.ArgumentParser(
        prog="airmap",
        description=(
            "Where was an airspace incident, relative to whose airspace, as of that "
            "date? Zone checks against ADIZs, FIRs and territorial airspace, with "
            "claimants, sources and uncertainty."
        ),
    )
    parser.add_argument(
        "--traceback", action="store_true", help="show the full traceback on errors"
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _check.add_parser(sub)
    _zones.add_parser(sub)
    _incidents.add_parser(sub)
    _map.add_parser(sub)
    _export.add_parser(sub)
    _figure.add_parser(sub)
    return parser


def _version() -> str:
    from airmap import __version__

    return f"airmap {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``airmap`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    from airmap.geo import AirmapError, ValidationError

    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else ExitStatus.USAGE
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        if args.traceback:
            raise
        print(file=sys.stderr)
        return ExitStatus.INTERRUPTED
    except CLIError as exc:
        if args.traceback:
            raise
        write_error(sys.stderr, str(exc))
        return exc.status
    except ValidationError as exc:
        if args.traceback:
            raise
        msg = str(exc.problems[0])
        if len(exc.problems) > 1:
            msg += (
                f" (and {len(exc.problems) - 1} more; "
                "`airmap zones validate FILE` lists them all)"
            )
        write_error(sys.stderr, msg)
        return ExitStatus.DATA_ERROR
    except AirmapError as exc:
        if args.traceback:
            raise
        write_error(sys.stderr, str(exc))
        return ExitStatus.DATA_ERROR
    except BrokenPipeError:
        return ExitStatus.OK


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
