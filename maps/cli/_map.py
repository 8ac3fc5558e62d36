"""``airmap map``: one self-contained, offline HTML map of zones and incidents."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import (
    ExitStatus,
    add_catalogue_options,
    add_incident_option,
    add_kind_option,
    atomic_output,
    load_incidents,
    parse_when,
)


def add_parser(sub: Any) -> None:
    """Register ``map``."""
    p = sub.add_parser(
        "map",
        help="write an interactive HTML map of zones and incidents",
        description=(
            "Write one self-contained Leaflet map (every script, style and font "
            "inlined; it opens with no network): zones grouped by kind, disputes "
            "shown as disputes, incident positions with their uncertainty, tracks, "
            "and popups citing sources with the computed verdict beside each claim."
        ),
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="HTML file to write"
    )
    add_incident_option(p)
    p.add_argument(
        "--when",
        metavar="TIME",
        help="show the zone versions in force then (default: the first incident's start)",
    )
    add_kind_option(p)
    p.add_argument(
        "--tiles",
        choices=("none", "osm"),
        default="none",
        help="none: no online tiles, the page needs no network (default); osm: add "
        "OpenStreetMap tiles, fetched when the page is viewed",
    )
    add_catalogue_options(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from airmap.maps._map import incident_map, render_html

    when = parse_when(args.when) if args.when else None
    cat = load_incidents(args)
    m = incident_map(
        cat,
        incident_ids=args.incident_ids or None,
        when=when,
        kinds=args.kinds or None,
        tiles=args.tiles,
    )
    html = render_html(m, allow_tiles=args.tiles == "osm")
    with atomic_output(args.output, newline="\n") as fh:
        fh.write(html)
    n = len(args.incident_ids) if args.incident_ids else len(cat)
    print(
        f"{args.output}: {n} incident{'s' if n != 1 else ''}, {len(html):,} bytes, "
        "self-contained" + ("" if args.tiles == "none" else " (tiles online)"),
        file=sys.stderr,
    )
    return ExitStatus.OK
