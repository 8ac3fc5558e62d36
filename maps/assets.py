"""Self-contained HTML from a rendered folium page, and a check of the local assets.

``python -m airmap.maps.assets inline IN.html OUT.html``
    Inline every CDN script and stylesheet of ``IN.html`` (fonts and images as
    ``data:`` URIs) and write ``OUT.html`` (temporary file, then rename). Prints the
    number of inlined assets and the size on stdout; lists URLs with no local copy
    and URLs the page still loads from elsewhere on stderr. The output is written
    either way, so a page with online tiles can still be made, but the exit code is
    1 when either list is non-empty: the page is not self-contained.

``python -m airmap.maps.assets check``
    Print where the assets are taken from, or one line saying how to install them
    (exit 1).

The assets come from the npm packages of the repository's ``package.json``
(``npm ci``), or from the ``node_modules`` folder named by ``AIRMAP_ASSETS``.
Library use: :func:`make_self_contained` and :class:`AssetResolver`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._assets import (
    ASSETS_ENV,
    DEFAULT_SKIP,
    EXACT,
    PINNED_PACKAGES,
    PREFIXES,
    Asset,
    AssetResolver,
    AssetsMissingError,
    InlineResult,
    find_assets_root,
    make_self_contained,
    normalise_url,
)
from .cli._common import CLIError, ExitStatus, atomic_output, write_error

__all__ = [
    "ASSETS_ENV",
    "DEFAULT_SKIP",
    "EXACT",
    "PINNED_PACKAGES",
    "PREFIXES",
    "Asset",
    "AssetResolver",
    "AssetsMissingError",
    "InlineResult",
    "find_assets_root",
    "main",
    "make_self_contained",
    "normalise_url",
]


def _inline(args: argparse.Namespace) -> int:
    source = Path(args.input)
    try:
        page = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CLIError(f"{source}: no such file") from None
    except UnicodeDecodeError:
        raise CLIError(f"{source}: not UTF-8 text") from None
    except OSError as exc:
        raise CLIError(f"{source}: cannot read: {exc.strerror}") from None
    result = make_self_contained(page, skip=() if args.keep_all else DEFAULT_SKIP)
    with atomic_output(args.output, newline="") as fh:
        fh.write(result.html)
    size = len(result.html.encode("utf-8"))
    print(
        f"{args.output}: {len(result.inlined)} assets inlined, "
        f"{len(result.skipped)} left out, {size:,} bytes"
    )
    for url in result.missing:
        print(f"airmap: missing (no local copy): {url}", file=sys.stderr)
    for url in result.remote_refs:
        print(f"airmap: still remote: {url}", file=sys.stderr)
    return ExitStatus.OK if result.self_contained else ExitStatus.DATA_ERROR


def _check(args: argparse.Namespace) -> int:
    print(find_assets_root())
    return ExitStatus.OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m airmap.maps.assets``."""
    parser = argparse.ArgumentParser(
        prog="python -m airmap.maps.assets",
        description="Make folium pages self-contained from the pinned npm assets.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    inline = sub.add_parser(
        "inline",
        help="inline the CDN scripts, stylesheets, fonts and images of a page",
        description=(
            "Write OUT as IN with every CDN script and stylesheet inlined. Exit 1 "
            "if any URL has no local copy or the page still loads anything remote."
        ),
    )
    inline.add_argument("input", metavar="IN", help="rendered folium HTML")
    inline.add_argument("output", metavar="OUT", help="self-contained HTML to write")
    inline.add_argument(
        "--keep-all",
        action="store_true",
        help="also inline the assets left out by default (jQuery UI, highlight.js)",
    )
    inline.set_defaults(func=_inline)
    check = sub.add_parser("check", help="print where the assets are taken from")
    check.set_defaults(func=_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return int(exc.code) if isinstance(exc.code, int) else ExitStatus.USAGE
    try:
        return int(args.func(args))
    except CLIError as exc:
        write_error(sys.stderr, str(exc))
        return exc.status
    except AssetsMissingError as exc:
        write_error(sys.stderr, str(exc))
        return ExitStatus.DATA_ERROR
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return ExitStatus.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
