"""``airmap check``: one position, a file of positions, or a file of tracks, against every zone."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

from ._common import CLIError, ExitStatus, add_zones_option, atomic_output, parse_when
from ._incidents import add_incidents_option

_LATLON_RE = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?)\s*,\s*([-+]?\d+(?:\.\d*)?)\s*$")
_TZ_RE = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"
CHUNK_ROWS = 500_000
#: Default ``--max-gap`` for tracks, seconds.
DEFAULT_MAX_GAP_S = 60.0
#: Outside zones are listed when their edge is this near (metres), at most NEARBY_MAX.
NEARBY_M = 500_000.0
NEARBY_MAX = 5


def add_parser(sub: Any) -> None:
    """Register ``check``."""
    p = sub.add_parser(
        "check",
        help="which zones is a position (or every row of a CSV) in?",
        description=(
            "Check one position (LAT,LON such as 37.2416,132.0019, or a printed form "
            'such as "37°14′26.8″N 131°52′10.4″E") or a CSV of positions (columns lon, '
            "lat; optional time, id, uncertainty_m) against every zone version. With "
            "--tracks, FILE holds tracks (CSV, Parquet or MF-JSON; OpenSky and traffic "
            "columns are recognised) and the output lists each entry into and exit "
            "from a zone, with interpolated instants, time inside and penetration depth."
        ),
    )
    p.add_argument("target", metavar="POSITION|FILE", nargs="?")
    p.add_argument(
        "--when",
        metavar="TIME",
        help="UTC instant, e.g. 2019-07-23T00:09Z (default: every version)",
    )
    p.add_argument(
        "--uncertainty",
        type=float,
        default=0.0,
        metavar="M",
        help="position uncertainty radius, metres",
    )
    p.add_argument(
        "--tolerance",
        type=float,
        default=None,
        metavar="M",
        help="boundary band half-width, metres (default 1)",
    )
    add_zones_option(p)
    p.add_argument(
        "--format",
        choices=("text", "json"),
        default=None,
        help="output for one position (default text)",
    )
    p.add_argument(
        "--distances",
        action="store_true",
        help=(
            "for a file: add the signed geodesic distance to every zone edge "
            "(exact, slower: about 25 µs per position and zone version)"
        ),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="CSV output for a file of positions or tracks (default: stdout)",
    )
    tracks = p.add_argument_group("tracks")
    tracks.add_argument(
        "--tracks",
        action="store_true",
        help=(
            "FILE is a file of tracks (.csv, .parquet, .json/.mfjson); write one CSV "
            "row per stay inside a zone"
        ),
    )
    tracks.add_argument(
        "--max-gap",
        type=float,
        default=None,
        metavar="SECONDS",
        help=(
            "samples farther apart than this make the instants between them "
            f"uncertain (default {DEFAULT_MAX_GAP_S:g})"
        ),
    )
    tracks.add_argument(
        "--zone",
        action="append",
        default=[],
        metavar="ID",
        dest="zone_ids",
        help="analyse only this zone (id or id@version; repeatable)",
    )
    tracks.add_argument(
        "--skip-missing-positions",
        action="store_true",
        help="leave out rows without a latitude/longitude (OpenSky has many)",
    )
    inc = p.add_argument_group("incidents")
    inc.add_argument(
        "--incident",
        action="append",
        default=[],
        metavar="ID",
        dest="incident_ids",
        help="check every position and track of this incident (repeatable)",
    )
    add_incidents_option(inc)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.incident_ids or args.incidents:
        if args.target is not None:
            raise CLIError(
                "give a position or file, or --incident/--incidents, not both",
                ExitStatus.USAGE,
            )
        return _check_incidents(args)
    if args.target is None:
        raise CLIError(
            "give a position (LAT,LON), a file, or --incident ID", ExitStatus.USAGE
        )
    if args.tracks:
        return _check_tracks(args)
    for option, given in (
        ("--max-gap", args.max_gap is not None),
        ("--zone", bool(args.zone_ids)),
        ("--skip-missing-positions", args.skip_missing_positions),
    ):
        if given:
            raise CLIError(f"{option} applies to --tracks only", ExitStatus.USAGE)
    args.format = args.format or "text"
    args.tolerance = 1.0 if args.tolerance is None else args.tolerance
    if args.uncertainty < 0 or not math.isfinite(args.uncertainty):
        raise CLIError(
            f"--uncertainty: {args.uncertainty} must be a finite number ≥ 0",
            ExitStatus.USAGE,
        )
    if args.tolerance < 0 or not math.isfinite(args.tolerance):
        raise CLIError(
            f"--tolerance: {args.tolerance} must be a finite number ≥ 0",
            ExitStatus.USAGE,
        )
    when = parse_when(args.when) if args.when else None
    target = args.target
    m = _LATLON_RE.match(target)
    if m is None and not Path(target).exists():
        from airmap.geo import CoordinateError, parse_position

        if re.search(r"\.(csv|txt|parquet)$", target, re.IGNORECASE) or "/" in target:
            raise CLIError(f"{target}: no such file")
        try:
            pos = parse_position(target)
        except CoordinateError as exc:
            raise CLIError(
                f"{target!r} is neither a file nor a position: {exc.reason} "
                "(give LAT,LON such as 37.2416,132.0019)",
                ExitStatus.USAGE,
            ) from None
        return _check_point(args, float(pos.lon), float(pos.lat), when)
    if m is not None:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not -90 <= lat <= 90:
            hint = (
                f"; did you mean {lon:g},{lat:g}? (the order is LAT,LON)"
                if -90 <= lon <= 90 and -180 <= lat <= 180
                else " (give LAT,LON)"
            )
            raise CLIError(
                f"position: latitude {lat:g} is outside -90..90{hint}", ExitStatus.USAGE
            )
        if not -180 <= lon <= 180:
            raise CLIError(
                f"position: longitude {lon:g} is outside -180..180 (give LAT,LON)",
                ExitStatus.USAGE,
            )
        return _check_point(args, lon, lat, when)
    return _check_file(args, Path(target), when)


# ------------------------------------------------------------------ incidents


def _check_incidents(args: argparse.Namespace) -> int:
    """Zones of every position and track of the chosen incidents, as of their time."""
    from airmap.incidents import IncidentCatalogue, UnknownIncidentError
    from airmap.layers import ZoneCatalogue

    zones = ZoneCatalogue.load(*args.zones) if args.zones else ZoneCatalogue.default()
    if args.incidents or args.zones:
        cat = IncidentCatalogue.load(*args.incidents, zones=zones)
    else:
        cat = IncidentCatalogue.default()
    if args.incident_ids:
        try:
            chosen = [cat.get(i) for i in args.incident_ids]
        except UnknownIncidentError as exc:
            raise CLIError(str(exc)) from None
    else:
        files = {str(Path(f)) for f in args.incidents}
        chosen = [i for i in cat if i.origin in files]
    rows: list[dict[str, Any]] = []
    for inc in chosen:
        a = cat.assess(inc.id)
        for pz in a.positions:
            p = pz.position
            rows.append(
                {
                    "incident": inc.id,
                    "subject": p.id,
                    "kind": f"position ({p.tag.value})",
                    "when": pz.when.isoformat(),
                    "lat": round(p.lat, 6),
                    "lon": round(p.lon, 6),
                    "uncertainty_m": round(p.uncertainty_m, 1),
                    "zones": [
                        {
                            "zone": m.zone_version.key,
                            "status": m.status.label,
                            "distance_to_edge_m": round(m.distance_to_edge_m, 1),
                            "holder": m.holder,
                            "claimants": list(m.claimants),
                        }
                        for m in pz.memberships
                    ],
                }
            )
        for ta in a.tracks:
            rows.append(
                {
                    "incident": inc.id,
                    "subject": ta.track.id,
                    "kind": "hypothesis track" if ta.track.hypothesis else "track",
                    "when": ta.track.start.isoformat(),
                    "zones": [
                        {
                            "zone": z.key,
                            "status": "entered" if z.intervals else "not entered",
                            "inside_s": round(z.total_inside_s, 1),
                            "closest_approach_m": None
                            if z.closest_approach_m is None
                            else round(z.closest_approach_m, 1),
                            "holder": z.holder,
                            "claimants": list(z.claimants),
                        }
                        for z in ta.zones
                    ],
                }
            )
    out = sys.stdout
    if (args.format or "text") == "json":
        json.dump({"subjects": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return ExitStatus.OK
    if not rows:
        print("no positions or tracks in the chosen incidents", file=out)
    for row in rows:
        when = row["when"][:16].replace("T", " ")
        head = f"{row['incident']} / {row['subject']} ({row['kind']}; zones as of {when} UTC)"
        if "lat" in row:
            head += (
                f": {row['lat']:.4f}, {row['lon']:.4f} ± {_km(row['uncertainty_m'])}"
            )
        print(head, file=out)
        if not row["zones"]:
            print("    in none of the catalogue's zones", file=out)
        for z in row["zones"]:
            claim = ",".join(z["claimants"])
            if "distance_to_edge_m" in z:
                d = z["distance_to_edge_m"]
                where = f"{_km(d)} {'inside' if d <= 0 else 'outside'} the edge"
            elif z["inside_s"] > 0 or z["closest_approach_m"] is None:
                where = f"{z['inside_s'] / 60:.1f} min inside"
            else:
                where = f"closest approach {_km(z['closest_approach_m'])}"
            print(
                f"    {z['zone']:<28} {z['status']:<16} {where}; claimed by {claim}",
                file=out,
            )
    return ExitStatus.OK


# ------------------------------------------------------------------ one point


def _km(d: float) -> str:
    a = abs(d)
    return f"{a / 1000:,.1f} km" if a >= 1000 else f"{a:,.0f} m"


def _check_point(args: argparse.Namespace, lon: float, lat: float, when: Any) -> int:
    from airmap.layers import Status, ZoneCatalogue

    cat = ZoneCatalogue.load(*args.zones)
    res = cat.check(
        lon, lat, when, uncertainty_m=args.uncertainty, tolerance_m=args.tolerance
    )
    in_force = {mb.zone_version.key for mb in res}
    skipped = [v for v in cat.versions if v.key not in in_force]
    partial = [v for z in cat for v in z.versions if not v.is_area]
    if args.format == "json":
        doc = {
            "position": {"lon": lon, "lat": lat, "uncertainty_m": args.uncertainty},
            "when": when.isoformat().replace("+00:00", "Z") if when else None,
            "tolerance_m": args.tolerance,
            "memberships": [
                mb.zone_version.properties()
                | {
                    "status": mb.status.label,
                    "distance_to_edge_m": round(mb.distance_to_edge_m, 1),
                    "key": mb.zone_version.key,
                }
                for mb in res
            ],
            "not_in_force": [v.key for v in skipped],
            "not_computable": [
                {"key": v.key, "reason": "partial zone known only as a line"}
                for v in partial
            ],
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return ExitStatus.OK
    out = sys.stdout
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    at = f" at {when.strftime('%Y-%m-%d %H:%M:%S UTC')}" if when else ""
    unc = f" ±{args.uncertainty:,.0f} m" if args.uncertainty else ""
    print(f"Position {abs(lat):.4f}°{ns} {abs(lon):.4f}°{ew}{unc}{at}", file=out)
    if when is None:
        print("(no --when: every version of every zone, whatever its dates)", file=out)
    inside = [mb for mb in res if mb.status != Status.OUTSIDE]
    inside.sort(key=lambda mb: (not mb.kind.sovereign, mb.kind.value, mb.zone_id))
    outside = sorted(
        (mb for mb in res if mb.status == Status.OUTSIDE),
        key=lambda mb: mb.distance_to_edge_m,
    )
    near = [mb for mb in outside if mb.distance_to_edge_m <= NEARBY_M][:NEARBY_MAX]
    width = max((len(mb.zone_version.key) for mb in inside + near), default=10)
    print("", file=out)
    sovereign = [mb for mb in inside if mb.kind.sovereign]
    if not sovereign:
        print("Sovereign airspace: none of the loaded territorial zones", file=out)
    for mb in sovereign:
        z = mb.zone_version.zone
        others = [c for c in z.claimants if c != z.holder]
        dispute = f"; also claimed by {', '.join(others)} (disputed)" if others else ""
        hedge = "possibly " if mb.status == Status.POSSIBLY_INSIDE else ""
        print(
            f"Sovereign airspace: {hedge}{z.holder or '?'} — {z.name}{dispute}",
            file=out,
        )
    print("", file=out)
    print("Inside:" if inside else "Inside: no zone", file=out)
    for mb in inside:
        _print_membership(out, mb, width)
    if near:
        print(f"Outside, within {NEARBY_M / 1000:,.0f} km:", file=out)
        for mb in near:
            _print_membership(out, mb, width)
    rest = len(outside) - len(near)
    if rest:
        print(
            f"Outside, farther: {rest} more zone version{'s' if rest > 1 else ''}",
            file=out,
        )
    if skipped:
        listed = ", ".join(f"{v.key} ({v.validity})" for v in skipped)
        print(f"Not in force on that date: {listed}", file=out)
    if partial:
        listed = ", ".join(v.key for v in partial)
        print(
            f"Not computable (partial zone, known only as a line): {listed}", file=out
        )
    return ExitStatus.OK


def _print_membership(out: Any, mb: Any, width: int) -> None:
    v = mb.zone_version
    z = v.zone
    d = mb.distance_to_edge_m
    side = "inside" if d <= 0 else "outside"
    held = f"held by {z.holder}; " if z.holder else ""
    print(
        f"  {v.key:<{width}}  {mb.status.label:<15} {_km(d)} {side} the edge", file=out
    )
    print(f"  {'':<{width}}  {z.name}", file=out)
    print(
        f"  {'':<{width}}  {z.kind.value.replace('_', ' ')}; {held}claimed by "
        f"{', '.join(z.claimants)}; {v.validity}; edge ±{_km(v.uncertainty_m)} "
        f"({v.confidence.value} confidence)",
        file=out,
    )


# ------------------------------------------------------------------- a file


def _check_file(args: argparse.Namespace, path: Path, when: Any) -> int:
    import numpy as np
    import pandas as pd

    from airmap.layers import Status, ZoneCatalogue

    if path.is_dir():
        raise CLIError(f"{path}: is a directory, not a file of positions")
    parquet = path.suffix.lower() in (".parquet", ".pq")
    cat = ZoneCatalogue.load(*args.zones)
    versions = cat.versions
    keys = [v.key for v in versions]
    sovereign_rows = [i for i, v in enumerate(versions) if v.zone.kind.sovereign]
    holders = [versions[i].zone.holder or "" for i in sovereign_rows]
    claims = [";".join(versions[i].zone.claimants) for i in sovereign_rows]
    labels = [s.label for s in sorted(Status)]  # index: code + 1
    rows_written = 0
    progress = sys.stderr.isatty()

    def table_for(chunk: Any, first_line: int) -> Any:
        """Validate one chunk and build its output rows."""
        table = _validate_chunk(
            path, chunk, first_line, when, unit="row" if parquet else "line"
        )
        res = cat.check(
            table["lon"],
            table["lat"],
            table["when"],
            uncertainty_m=table["uncertainty_m"],
            tolerance_m=args.tolerance,
        )
        out = pd.DataFrame(table["passthrough"])
        inside = res.inside
        out["zones"] = _join(keys, inside)
        out["possibly_inside"] = _join(keys, res.status == Status.POSSIBLY_INSIDE)
        sov = inside[sovereign_rows]
        out["sovereign_holder"] = _join(holders, sov)
        out["sovereign_claimants"] = _join(claims, sov)
        for r, key in enumerate(keys):
            out[f"status:{key}"] = pd.Categorical.from_codes(
                res.status[r].astype(np.int64) + 1, categories=pd.Index(labels)
            )
        if args.distances:
            dist = res.distance_m
            for r, key in enumerate(keys):
                out[f"distance_m:{key}"] = np.round(dist[r], 1)
        return out

    def emit(fh: Any) -> None:
        nonlocal rows_written
        source = _read_parquet_chunks(path) if parquet else _read_chunks(path)
        with contextlib.closing(source) as chunks:
            for chunk, first_line in chunks:
                out = table_for(chunk, first_line)
                out.to_csv(
                    fh, header=rows_written == 0, index=False, lineterminator="\n"
                )
                rows_written += len(out)
                if progress:
                    print(
                        f"\r{rows_written:,} positions checked", end="", file=sys.stderr
                    )
        if progress:
            print(file=sys.stderr)

    if args.output:
        with atomic_output(args.output) as fh:
            emit(fh)
        print(
            f"{rows_written} positions checked against {len(keys)} zone versions → {args.output}",
            file=sys.stderr,
        )
    else:
        emit(sys.stdout)
    return ExitStatus.OK


def _join(labels: list[str], mask: Any) -> Any:
    """Per column of ``mask`` (rows × points), the labels of its true rows, ';'-joined.

    A label may itself list several names (``"KOR;JPN"``); each name appears once
    per point, in order of first appearance.
    """
    import numpy as np

    names: dict[str, Any] = {}
    for r, label in enumerate(labels):
        for name in filter(None, label.split(";")):
            names[name] = names[name] | mask[r] if name in names else mask[r].copy()
    out = np.full(mask.shape[1], "", dtype=object)
    for name, hit in names.items():
        if hit.any():
            cur = out[hit]
            out[hit] = np.where(cur == "", name, cur + ";" + name)
    return out


def _read_chunks(path: Path) -> Any:
    import pandas as pd

    try:
        if path.stat().st_size == 0:
            raise CLIError(
                f"{path}: file is empty (expected a header line with lon,lat)"
            )
    except FileNotFoundError:
        raise CLIError(f"{path}: no such file") from None
    except PermissionError:
        raise CLIError(f"{path}: cannot read: permission denied") from None
    _check_first_rows(path)
    try:
        with pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            chunksize=CHUNK_ROWS,
            skipinitialspace=True,
            index_col=False,
        ) as reader:
            first_line = 2
            got_any = False
            for chunk in reader:
                if not got_any:
                    _check_columns(path, list(chunk.columns))
                if chunk.empty:
                    continue
                got_any = True
                yield chunk, first_line
                first_line += len(chunk)
    except pd.errors.EmptyDataError:
        raise CLIError(
            f"{path}: file is empty (expected a header line with lon,lat)"
        ) from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise CLIError(
                f"{path}:{m.group(2)}: row has {m.group(3)} fields but the header has {m.group(1)}"
            ) from None
        raise CLIError(f"{path}: not a readable CSV file: {exc}") from None
    except UnicodeDecodeError:
        raise CLIError(f"{path}: not UTF-8 text") from None
    if not got_any:
        # header only
        with open(path, encoding="utf-8", errors="replace") as fh:
            header = fh.readline().strip()
        _check_columns(path, [c.strip() for c in header.split(",")])
        raise CLIError(f"{path}: no data rows after the header")


def _check_first_rows(path: Path) -> None:
    """Refuse a first data row longer than the header.

    pandas would otherwise take its extra leading field as a row index (or, with
    ``index_col=False``, drop the extra field): both silently lose data.
    Later rows of the wrong length are reported by the parser itself.
    """
    import csv

    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh, skipinitialspace=True)
            header = next(rows, None)
            first = next(rows, None)
    except UnicodeDecodeError:
        raise CLIError(f"{path}: not UTF-8 text") from None
    if header is not None and first is not None and len(first) > len(header):
        raise CLIError(
            f"{path}:2: row has {len(first)} fields but the header has {len(header)}"
        )


def _check_columns(path: Path, columns: list[str], *, parquet: bool = False) -> None:
    cols = [c.strip() for c in columns]
    where, has = (
        (f"{path}", "the file has") if parquet else (f"{path}:1", "the header has")
    )
    for need in ("lon", "lat"):
        if need not in cols:
            raise CLIError(
                f"{where}: {need}: missing column ({has}: {', '.join(cols) or 'nothing'})"
            )
    dupes = sorted({c for c in cols if cols.count(c) > 1})
    if dupes:
        raise CLIError(f"{where}: {dupes[0]}: column appears twice")


def _read_parquet_chunks(path: Path) -> Any:
    """Parquet positions in chunks, as text, so that CSV validation applies unchanged.

    Only the columns the check uses are read. Numbers become their shortest
    exact text, zone-aware timestamps ISO 8601 text with their offset (naive
    ones without, which validation then refuses); nulls become empty. Errors
    name the 1-based row.
    """
    import pandas as pd

    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a declared extra
        raise CLIError(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow)"
        ) from None
    try:
        pf = pq.ParquetFile(path)
    except FileNotFoundError:
        raise CLIError(f"{path}: no such file") from None
    except PermissionError:
        raise CLIError(f"{path}: cannot read: permission denied") from None
    except Exception as exc:  # pyarrow raises ArrowInvalid and others
        raise CLIError(f"{path}: not a readable Parquet file: {exc}") from None
    names = list(pf.schema_arrow.names)
    _check_columns(path, names, parquet=True)
    wanted = [c for c in ("id", "time", "lon", "lat", "uncertainty_m") if c in names]
    first_row = 1
    for batch in pf.iter_batches(batch_size=CHUNK_ROWS, columns=wanted):
        if not batch.num_rows:
            continue
        chunk = pd.DataFrame(
            {
                name: pc.fill_null(pc.cast(arr, pa.string()), "").to_pandas()
                for name, arr in zip(wanted, batch.columns, strict=True)
            }
        )
        yield chunk, first_row
        first_row += batch.num_rows
    if first_row == 1:
        raise CLIError(f"{path}: no data rows")


def _validate_chunk(
    path: Path, chunk: Any, first_line: int, when: Any, *, unit: str = "line"
) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    chunk.columns = [c.strip() for c in chunk.columns]
    errors: list[tuple[int, int, str]] = []  # (row index, column order, message)

    def numeric(
        col: str, order: int, lo: float | None, hi: float | None, what: str
    ) -> Any:
        raw = chunk[col].str.strip()
        vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(vals))
        if bad.size:
            i = int(bad[0])
            text = raw.iloc[i]
            msg = "is empty" if text == "" else f"{text!r} is not a number"
            errors.append((i, order, f"{col}: {msg}"))
        out_of = np.zeros(len(vals), bool)
        if lo is not None:
            out_of |= vals < lo
        if hi is not None:
            out_of |= vals > hi
        bad = np.flatnonzero(out_of)
        if bad.size:
            i = int(bad[0])
            errors.append((i, order, f"{col}: {raw.iloc[i]} is outside {what}"))
        return vals

    lon = numeric("lon", 0, -180.0, 180.0, "-180..180")
    lat = numeric("lat", 1, -90.0, 90.0, "-90..90")
    if "uncertainty_m" in chunk.columns:
        unc = numeric("uncertainty_m", 2, 0.0, None, "0 m and up (it is a radius)")
    else:
        unc = np.zeros(len(chunk))
    times = None
    if "time" in chunk.columns:
        times = _parse_times(chunk["time"], errors)
    elif when is not None:
        times = np.full(len(chunk), np.datetime64(when.replace(tzinfo=None), "ns"))
    if errors:
        i, _, msg = min(errors)
        if unit == "row":
            raise CLIError(f"{path}: row {first_line + i}: {msg}")
        raise CLIError(f"{path}:{first_line + i}: {msg}")
    keep = [
        c for c in ("id", "time", "lon", "lat", "uncertainty_m") if c in chunk.columns
    ]
    return {
        "lon": lon,
        "lat": lat,
        "uncertainty_m": unc,
        "when": times,
        "passthrough": {c: chunk[c].to_numpy() for c in keep},
    }


def _parse_times(series: Any, errors: list[tuple[int, int, str]]) -> Any:
    import numpy as np
    import pandas as pd

    raw = series.str.strip()
    numeric = pd.to_numeric(raw, errors="coerce")
    is_epoch = numeric.notna().to_numpy()
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")
    if is_epoch.any():
        secs = numeric.to_numpy()[is_epoch]
        out[is_epoch] = (secs * 1e9).astype("int64").astype("datetime64[ns]")
    text_idx = np.flatnonzero(~is_epoch)
    if text_idx.size:
        texts = raw.iloc[text_idx]
        has_tz = texts.str.contains(_TZ_RE, regex=True).to_numpy()
        empty = (texts == "").to_numpy()
        naive = np.flatnonzero(~has_tz)
        if naive.size:
            j = int(naive[0])
            msg = (
                "is empty"
                if empty[j]
                else f"{texts.iloc[j]!r} has no time zone; add Z for UTC or an offset like +09:00"
            )
            errors.append((int(text_idx[j]), 3, f"time: {msg}"))
        ok = np.flatnonzero(has_tz)
        if ok.size:
            parsed = pd.to_datetime(
                texts.iloc[ok], utc=True, errors="coerce", format="ISO8601"
            )
            bad = np.flatnonzero(parsed.isna().to_numpy())
            if bad.size:
                j = int(ok[bad[0]])
                errors.append(
                    (
                        int(text_idx[j]),
                        3,
                        f"time: {texts.iloc[j]!r} is not an ISO 8601 date-time",
                    )
                )
            vals = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            out[text_idx[ok]] = vals
    return out


# ------------------------------------------------------------------- tracks


def _check_tracks(args: argparse.Namespace) -> int:
    """``check FILE --tracks``: entries into and exits from zones, as CSV."""
    path = _tracks_path(args.target)
    for option, given in (
        ("--distances", args.distances),
        ("--uncertainty", args.uncertainty != 0.0),
        ("--tolerance", args.tolerance is not None),
        ("--format", args.format is not None),
    ):
        if given:
            raise CLIError(f"{option} does not apply to --tracks", ExitStatus.USAGE)
    max_gap = DEFAULT_MAX_GAP_S if args.max_gap is None else args.max_gap
    if not (math.isfinite(max_gap) and max_gap > 0):
        raise CLIError(
            f"--max-gap: {args.max_gap:g} must be a number of seconds > 0",
            ExitStatus.USAGE,
        )
    when = parse_when(args.when) if args.when else None

    from airmap.geo import UnknownZoneError
    from airmap.incidents._io import read_tracks
    from airmap.layers import ZoneCatalogue

    try:
        tracks = read_tracks(path, skip_missing_positions=args.skip_missing_positions)
    except FileNotFoundError:
        raise CLIError(f"{path}: no such file") from None
    except PermissionError:
        raise CLIError(f"{path}: cannot read: permission denied") from None
    if not tracks:
        why = (
            f"every one of its {tracks.skipped_rows} rows lacks a position"
            if tracks.skipped_rows
            else "no data rows"
        )
        raise CLIError(f"{path}: no tracks ({why})")
    cat = ZoneCatalogue.load(*args.zones)
    keys = {v.key for v in cat.versions}
    for zone in args.zone_ids:
        if zone in keys:
            continue
        try:
            cat.get(zone)
        except UnknownZoneError as exc:
            raise CLIError(f"--zone: {exc}", ExitStatus.USAGE) from None

    from airmap.incidents._analysis import analyse_tracks, crossings_frame

    analyses = analyse_tracks(
        tracks, cat, when=when, max_gap_s=max_gap, zones=args.zone_ids or None
    )
    frame = crossings_frame(analyses)
    if args.output:
        with atomic_output(args.output) as fh:
            _write_crossings(frame, fh)
    else:
        _write_crossings(frame, sys.stdout)
    gaps = _count_gaps(analyses)
    summary = (
        f"{_plural(len(tracks), 'track')}, {_plural(tracks.samples, 'sample')}: "
        f"{_plural(len(frame), 'interval')} inside zones, {_plural(gaps, 'gap')} "
        f"longer than {max_gap:g} s"
    )
    if tracks.skipped_rows:
        summary += f"; {_plural(tracks.skipped_rows, 'row')} without a position skipped"
    if args.output:
        summary += f" → {args.output}"
    print(summary, file=sys.stderr)
    return ExitStatus.OK


def _tracks_path(target: str) -> Path:
    """The file named by ``target``; a position there is a usage error."""
    path = Path(target)
    if path.is_dir():
        raise CLIError(f"{path}: is a directory, not a file of tracks")
    if path.exists():
        return path
    looks_like_position = _LATLON_RE.match(target) is not None
    if not looks_like_position:
        from airmap.geo import CoordinateError, parse_position

        with contextlib.suppress(CoordinateError):
            parse_position(target)
            looks_like_position = True
    if looks_like_position:
        raise CLIError(
            f"--tracks needs a file of tracks, not a position ({target!r})",
            ExitStatus.USAGE,
        )
    raise CLIError(f"{path}: no such file")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _write_crossings(frame: Any, fh: Any) -> None:
    """Crossings as CSV, instants in ISO 8601 UTC with ``Z``."""
    import pandas as pd

    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            utc = col.dt.tz_convert("UTC")
            text = utc.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
            out[name] = text.where(col.notna(), "")
    out.to_csv(fh, index=False, lineterminator="\n")


def _count_gaps(analyses: Any) -> int:
    return sum(len(a.gaps) for a in analyses)
