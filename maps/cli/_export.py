"""``airmap export``: zones and incidents as GeoJSON, GeoPackage or KML, with provenance."""

from __future__ import annotations

import argparse
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

FORMATS = ("geojson", "gpkg", "kml")


def add_parser(sub: Any) -> None:
    """Register ``export``."""
    p = sub.add_parser(
        "export",
        help="export zones and incidents as GeoJSON, GeoPackage or KML",
        description=(
            "Write zones (every version, with validity in UTC, holder, claimants, "
            "edge rule, derivation, uncertainty, confidence and sources), reference "
            "lines, and incident positions, uncertainty discs, tracks and records "
            "to one file: GeoJSON (RFC 7946: split at the antimeridian, "
            "right-hand rings), GeoPackage (one layer per family, real datetime "
            "columns) or KML (styled placemarks with time spans and escaped "
            "descriptions). Written to a temporary file and renamed into place."
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file to write (.geojson/.json, .gpkg or .kml; required)",
    )
    p.add_argument(
        "--format",
        metavar="FORMAT",
        help="geojson, gpkg or kml (default: from the suffix of -o)",
    )
    p.add_argument(
        "--when",
        metavar="TIME",
        help="only the zone versions and reference lines in force at this instant "
        "(ISO 8601 with a zone, e.g. 2019-07-23T00:09Z); incidents are chosen "
        "with --incident",
    )
    add_kind_option(
        p,
        "only zones of this kind (adiz, territorial_airspace, fir, "
        "claimed_airspace; reference_line for reference lines; repeatable)",
    )
    add_incident_option(p)
    p.add_argument(
        "--bbox",
        metavar="MINLON,MINLAT,MAXLON,MAXLAT",
        help="only features intersecting this box, degrees (write --bbox=-10,… "
        "when MINLON is negative)",
    )
    p.add_argument(
        "--verdicts",
        action="store_true",
        help="add the computed verdict of each claim that checks a position "
        "(takes seconds)",
    )
    add_catalogue_options(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from airmap.geo import OutputPathError
    from airmap.layers import ZoneKind
    from airmap.maps._export import (
        REFERENCE_KIND,
        ExportError,
        check_target,
        export_features,
        export_format,
        write_export,
    )

    # every argument is checked before anything is loaded or written
    if not args.output:
        raise CLIError("-o/--output FILE is required", ExitStatus.USAGE)
    if args.format is not None and args.format not in FORMATS:
        raise CLIError(
            f"--format: unknown format {args.format!r}; expected one of: "
            + ", ".join(FORMATS),
            ExitStatus.USAGE,
        )
    try:
        fmt = export_format(args.output, args.format)
    except ExportError:
        suffix = Path(args.output).suffix
        raise CLIError(
            f"{args.output}: "
            + (f"unknown suffix {suffix!r}" if suffix else "no suffix")
            + "; use .geojson, .json, .gpkg or .kml, or give --format "
            + "|".join(FORMATS),
            ExitStatus.USAGE,
        ) from None
    known = [k.value for k in ZoneKind] + [REFERENCE_KIND]
    for kind in args.kinds:
        if kind not in known:
            raise CLIError(
                f"--kind: unknown zone kind {kind!r}; expected one of: "
                + ", ".join(known),
                ExitStatus.USAGE,
            )
    when = parse_when(args.when) if args.when else None
    bbox = parse_bbox(args.bbox) if args.bbox is not None else None
    try:
        target = check_target(args.output)
    except OutputPathError as exc:
        raise CLIError(str(exc)) from None

    cat = load_incidents(args)
    features = export_features(
        zones=cat.zones,
        incidents=cat,
        incident_ids=args.incident_ids or None,
        when=when,
        kinds=args.kinds or None,
        bbox=bbox,
        verdicts=args.verdicts,
    )
    try:
        write_export(target, features, format=fmt)
    except OutputPathError as exc:
        raise CLIError(str(exc)) from None
    counts = ", ".join(f"{len(frame)} {family}" for family, frame in features.items())
    size = Path(target).stat().st_size
    print(f"{target}: {counts}; {size:,} bytes ({fmt})", file=sys.stderr)
    return ExitStatus.OK
