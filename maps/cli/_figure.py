"""``airmap figure``: a static PNG or SVG figure of zones and incidents.

matplotlib is imported only when the command runs, so ``airmap check`` never loads
it.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

from ._common import (
    CLIError,
    ExitStatus,
    add_catalogue_options,
    add_incident_option,
    add_kind_option,
    load_incidents,
    parse_bbox,
    parse_when,
)


def add_parser(sub: Any) -> None:
    """Register ``figure``."""
    p = sub.add_parser(
        "figure",
        help="write a static PNG or SVG figure of zones and incidents",
        description=(
            "Draw zones in force at an instant, incident positions with their "
            "uncertainty, distance-only accounts and tracks on our land and coast "
            "layer (no tiles, no network), with the HTML map's colours, a scale bar "
            "in km and NM, a north arrow, a legend and a caption citing the "
            "sources. SVG and PNG output is the same bytes for the same inputs."
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="figure to write: FILE.png or FILE.svg (required)",
    )
    p.add_argument(
        "--format",
        metavar="FORMAT",
        help="png or svg (default: from the suffix of FILE)",
    )
    add_incident_option(
        p,
        "this incident (repeatable; default: all, or those in --bbox)",
    )
    p.add_argument(
        "--bbox",
        metavar="MINLON,MINLAT,MAXLON,MAXLAT",
        help="area to show, degrees (default: round the incidents); write "
        "--bbox=-10,… when MINLON is negative; MAXLON above 180 crosses the "
        "antimeridian",
    )
    p.add_argument(
        "--when",
        metavar="TIME",
        help="draw the zone versions in force then (default: the first incident's start)",
    )
    add_kind_option(p)
    p.add_argument(
        "--size",
        metavar="WxH",
        default="11x8",
        help="width x height in inches (default: 11x8)",
    )
    p.add_argument(
        "--dpi", metavar="DPI", default="150", help="dots per inch (default: 150)"
    )
    p.add_argument("--title", metavar="TEXT", help="title (default: the incident's)")
    add_catalogue_options(p)
    p.set_defaults(func=_run)


def _usage(message: str) -> CLIError:
    return CLIError(message, ExitStatus.USAGE)


def parse_size(text: str) -> tuple[float, float]:
    """Parse ``WxH`` inches (``11x8``, ``6.5x4``)."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        if len(parts) != 2:
            raise ValueError
        w, h = float(parts[0]), float(parts[1])
    except ValueError:
        raise _usage(f"--size: {text!r} is not WxH in inches (e.g. 11x8)") from None
    return w, h


def parse_dpi(text: str) -> float:
    """Parse a positive number of dots per inch."""
    try:
        dpi = float(text)
    except ValueError:
        raise _usage(f"--dpi: {text!r} is not a number") from None
    if not (math.isfinite(dpi) and 10 <= dpi <= 2400):
        raise _usage(f"--dpi: {text} is outside 10..2400")
    return dpi


def _run(args: argparse.Namespace) -> int:
    if not args.output:
        raise _usage("figure: -o/--output FILE is required (FILE.png or FILE.svg)")
    when = parse_when(args.when) if args.when else None
    bbox = parse_bbox(args.bbox, antimeridian=True) if args.bbox else None
    size = parse_size(args.size)
    dpi = parse_dpi(args.dpi)

    from airmap.geo import OutputPathError, atomic_path
    from airmap.maps._figure import (
        FigureError,
        check_size,
        figure,
        figure_format,
        save_figure,
    )

    try:
        fmt = figure_format(args.output, args.format)
        check_size(size, dpi)
    except FigureError as exc:
        raise _usage(str(exc)) from None
    target = Path(args.output)
    cat = load_incidents(args)
    try:
        # the target's directory is checked before the (slow) drawing; the figure
        # is written beside it and renamed into place only when complete
        with atomic_path(target) as tmp:
            fig = figure(
                cat,
                incident_ids=args.incident_ids or None,
                when=when,
                bbox=bbox,
                kinds=args.kinds or None,
                title=args.title,
                size=size,
                dpi=dpi,
            )
            save_figure(fig, tmp, fmt)
    except OutputPathError as exc:
        raise CLIError(str(exc)) from None
    w, h = fig.get_size_inches() * fig.dpi
    n = len(fig.incident_ids)
    print(
        f"{target}: {fmt.upper()} {round(w)}×{round(h)} px, "
        f"{target.stat().st_size:,} bytes; {n} incident{'s' if n != 1 else ''}, "
        f"{len(fig.zone_keys)} zone version{'s' if len(fig.zone_keys) != 1 else ''}"
        + (f" in force at {fig.when:%Y-%m-%d %H:%M} UTC" if fig.when else ""),
        file=sys.stderr,
    )
    return ExitStatus.OK
