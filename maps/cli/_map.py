"""``airmap map``: one self-contained, offline HTML map of zones and incidents."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._common import ExitStatus, add_zones_option, atomic_output, parse_when
from ._incidents import add_incidents_option


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
    p.add_argument(
        "--incident",
        action="append",
        default=[],
        metavar="ID",
        dest="incident_ids",
        help="only this incident (repeatable; default: all)",
    )
    p.add_argument(
        "--when",
        metavar="TIME",
        help="show the zone versions in force then (default: the first incident's start)",
    )
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="KIND",
        dest="kinds",
        help="only zones of this kind (adiz, territorial_airspace, fir, …; repeatable)",
    )
    p.add_argument(
        "--tiles",
        choices=("none", "osm"),
        default="none",
        help="none: no online tiles, the page needs no network (default); osm: add "
        "OpenStreetMap tiles, fetched when the page is viewed",
    )
    add_incidents_option(p)
    add_zones_option(p)
    p.add_argument(
        "--no-seeds",
        action="store_true",
        help="only the --incidents files (the seeded zones stay loaded)",
    )
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from airmap.incidents import IncidentCatalogue
    from airmap.layers import ZoneCatalogue
    from airmap.maps._map import incident_map, render_html

    when = parse_when(args.when) if args.when else None
    if args.incidents or args.zones or args.no_seeds:
        zones = (
            ZoneCatalogue.load(*args.zones) if args.zones else ZoneCatalogue.default()
        )
        cat = IncidentCatalogue.load(
            *args.incidents, zones=zones, with_seeds=not args.no_seeds
        )
    else:
        cat = IncidentCatalogue.default()
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
