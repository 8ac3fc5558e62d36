"""``airmap check``: one position, a file of positions, or a file of tracks, against every zone."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

from ._common import (
    CLIError,
    ExitStatus,
    add_incidents_option,
    add_zones_option,
    atomic_output,
    parse_when,
)

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
            'such as "37°14′26.8″N 131°52′10.4″E") or a CSV or Parquet file of '
            "positions (columns lon, lat; optional time, id, uncertainty_m; OpenSky "
            "and traffic state-vector columns are recognised), streamed in chunks, "
            "against every zone version. With "
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
        help=(
            "output for a file of positions or tracks: CSV, or Parquet when FILE "
            "ends in .parquet/.pq (default: CSV on stdout); written to a temporary "
            "file and moved into place at the end"
        ),
    )
    p.add_argument(
        "--output-format",
        choices=("csv", "parquet"),
        default=None,
        help="output format whatever the suffix of -o",
    )
    scale = p.add_argument_group("large files")
    scale.add_argument(
        "--chunk-rows",
        type=_positive_int,
        default=None,
        metavar="N",
        help=(
            f"rows read, checked and written at a time (default {CHUNK_ROWS:,}); "
            "memory grows with this, not with the file"
        ),
    )
    scale.add_argument(
        "--engine",
        choices=("process", "dask"),
        default="process",
        help=(
            "process: this process (default); dask: one task per Parquet "
            "partition on a dask.distributed cluster (pip install "
            "'airspace-incidents[dask]'), same output"
        ),
    )
    scale.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running scheduler (tcp://host:8786); default: a "
        "local cluster",
    )
    scale.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="with --engine dask and no --scheduler: local worker processes "
        "(default 2)",
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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be 1 or more")
    return value


def _check_engine_options(args: argparse.Namespace) -> None:
    if args.engine != "dask":
        for option, given in (
            ("--scheduler", args.scheduler is not None),
            ("--workers", args.workers is not None),
        ):
            if given:
                raise CLIError(
                    f"{option} applies to --engine dask only", ExitStatus.USAGE
                )
    elif args.scheduler is not None and args.workers is not None:
        raise CLIError(
            "--workers starts a local cluster; with --scheduler the cluster's own "
            "workers are used",
            ExitStatus.USAGE,
        )


def _run(args: argparse.Namespace) -> int:
    _check_engine_options(args)
    if args.engine == "dask":
        from airmap.maps import _dask

        try:
            _dask.require()
        except _dask.DaskUnavailable as exc:
            raise CLIError(str(exc), ExitStatus.USAGE) from None
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
    """``check FILE``: every row of a CSV or Parquet file, streamed in chunks."""
    from airmap.maps import _stream

    if path.is_dir():
        raise CLIError(f"{path}: is a directory, not a file of positions")
    fmt = _stream.output_format(args.output, args.output_format)
    if fmt == "parquet" and not args.output:
        raise CLIError(
            "Parquet output needs -o FILE (stdout gets CSV)", ExitStatus.USAGE
        )
    chunk_rows = args.chunk_rows or CHUNK_ROWS
    parquet = path.suffix.lower() in (".parquet", ".pq")
    if args.engine == "dask" and not parquet:
        raise CLIError(
            f"{path}: --engine dask reads Parquet (one partition per group of row "
            "groups); convert the CSV to Parquet, or drop --engine dask",
            ExitStatus.USAGE,
        )
    started = time.perf_counter()
    try:
        return _stream_file(args, path, when, fmt, chunk_rows, parquet, started)
    except _stream.StreamError as exc:
        raise CLIError(str(exc)) from None


def _stream_file(
    args: argparse.Namespace,
    path: Path,
    when: Any,
    fmt: str,
    chunk_rows: int,
    parquet: bool,
    started: float,
) -> int:
    from airmap.layers import ZoneCatalogue
    from airmap.maps import _stream

    if parquet:
        pf, layout = _stream.open_parquet(path)
    else:
        layout = _stream.csv_layout(path)
    cat = ZoneCatalogue.load(*args.zones)
    spec = _stream.CheckSpec(
        source=str(path),
        unit="row" if parquet else "line",
        layout=layout,
        zones=_stream.ZoneFiles.read(args.zones, cat),
        when=when,
        tolerance_m=args.tolerance,
        distances=args.distances,
    )
    tally = _stream.Tally(spec.zones.keys)
    progress = _Progress(tally) if sys.stderr.isatty() else None
    header = _stream.csv_header(_stream.check_chunk(_empty_input(spec), spec))

    def emit(sink: _stream.Sink) -> str:
        if args.engine == "dask":
            from airmap.maps import _dask

            pieces, engine = _dask.check_pieces(
                pf, str(path), spec, fmt, chunk_rows, args.scheduler, args.workers
            )
        else:
            chunks = (
                _stream.parquet_chunks(pf, layout, chunk_rows)
                if parquet
                else _stream.csv_chunks(path, layout, chunk_rows)
            )
            pieces = (_stream.render(_stream.check_chunk(c, spec), fmt) for c in chunks)
            engine = "in-process"
        try:
            with contextlib.closing(pieces):  # type: ignore[type-var]
                for piece in pieces:
                    sink.write(piece, header)
                    tally.add(piece)
                    tally.rows_written = sink.rows
                    if progress:
                        progress.update()
        except BaseException:
            sink.abort()
            raise
        sink.close()
        if progress:
            progress.done()
        return engine

    if args.output:
        with _stream.atomic_path(args.output) as fh:
            engine = emit(_stream.Sink(fh, fmt))
        target = args.output
    else:
        out = sys.stdout
        buffer = getattr(out, "buffer", None)
        if buffer is not None:
            out.flush()
            engine = emit(_stream.Sink(buffer, fmt))
            buffer.flush()
        else:  # a text-only stream (tests): decode what the sink writes
            engine = emit(_stream.Sink(_TextBytes(out), fmt))
        target = "stdout"
    for line in tally.lines(time.perf_counter() - started, target, engine):
        print(line, file=sys.stderr)
    return ExitStatus.OK


def _empty_input(spec: Any) -> Any:
    """A zero-row input chunk (text columns) to derive the CSV header from."""
    import pandas as pd

    return pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in spec.layout.kept},
        index=pd.RangeIndex(0, 0),
    )


class _TextBytes:
    """Bytes written to a text stream (UTF-8)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data.decode("utf-8"))
        return len(data)


class _Progress:
    """A running count of rows checked and rows/s on a terminal, twice a second."""

    def __init__(self, tally: Any) -> None:
        self.tally = tally
        self.start = self.last = time.perf_counter()

    def update(self) -> None:
        now = time.perf_counter()
        if now - self.last < 0.5:
            return
        self.last = now
        rate = self.tally.rows_read / max(now - self.start, 1e-9)
        print(
            f"\r{self.tally.rows_read:,} rows checked ({rate:,.0f} rows/s)",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def done(self) -> None:
        print("\r\033[K", end="", file=sys.stderr, flush=True)


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
    if args.chunk_rows is not None:
        raise CLIError("--chunk-rows does not apply to --tracks", ExitStatus.USAGE)
    from airmap.maps import _stream

    fmt = _stream.output_format(args.output, args.output_format)
    if fmt == "parquet" and not args.output:
        raise CLIError(
            "Parquet output needs -o FILE (stdout gets CSV)", ExitStatus.USAGE
        )
    started = time.perf_counter()
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

    if args.engine == "dask":
        from airmap.maps import _dask

        try:
            frame, gaps, engine = _dask.analyse_tracks(
                tracks,
                _stream.ZoneFiles.read(args.zones, cat),
                when=when,
                max_gap_s=max_gap,
                zones_only=tuple(args.zone_ids),
                scheduler=args.scheduler,
                workers=args.workers,
            )
        except _stream.StreamError as exc:
            raise CLIError(str(exc)) from None
    else:
        analyses = analyse_tracks(
            tracks, cat, when=when, max_gap_s=max_gap, zones=args.zone_ids or None
        )
        frame = crossings_frame(analyses)
        gaps = _count_gaps(analyses)
        engine = "in-process"
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        try:
            with _stream.atomic_path(args.output) as fh:
                pq.write_table(table.replace_schema_metadata(), fh)
        except _stream.StreamError as exc:
            raise CLIError(str(exc)) from None
    elif args.output:
        with atomic_output(args.output) as fh:
            _write_crossings(frame, fh)
    else:
        _write_crossings(frame, sys.stdout)
    summary = (
        f"{_plural(len(tracks), 'track')}, {_plural(tracks.samples, 'sample')}: "
        f"{_plural(len(frame), 'interval')} inside zones, {_plural(gaps, 'gap')} "
        f"longer than {max_gap:g} s"
    )
    if tracks.skipped_rows:
        summary += f"; {_plural(tracks.skipped_rows, 'row')} without a position skipped"
    summary += f"; {time.perf_counter() - started:.2f} s ({engine})"
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
