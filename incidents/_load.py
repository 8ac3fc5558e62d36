"""Read and validate incident files: the shipped seeds and users' own files.

Every problem is collected with file, record and field (as for zone files), so
``airmap incidents validate`` reports all of them at once. Derived positions and
hypothesis tracks are computed here, by code, from the published figures.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from airmap.geo import (
    GEOD,
    BoundaryDistance,
    Confidence,
    CoordinateError,
    Problem,
    Source,
    ValidationError,
    forward,
    geodesic_buffer,
    geodesic_circle,
    inverse,
    parse_position,
)
from airmap.layers._records import (
    ID_RE,
    File,
    Rec,
    known_isos,
    read_sources,
    read_text_document,
)

from ._model import (
    Actor,
    Check,
    CheckForm,
    Claim,
    ClaimRole,
    Event,
    EventKind,
    Incident,
    Landmark,
    Position,
    PositionTag,
    Response,
    TimePrecision,
    Window,
    format_metres,
)
from ._track import Track

if TYPE_CHECKING:
    from airmap.layers import ZoneCatalogue

__all__ = [
    "COMPASS",
    "OFFSET_TOLERANCE_M",
    "IncidentLoad",
    "OffsetLocus",
    "bearing_sector",
    "derive_position",
    "load_incident_files",
    "load_incident_seeds",
    "offset_locus",
    "straight_pass",
]

_SEEDS = "airmap.seeds"
#: Printed coordinates must agree with the decimals to this many degrees (~11 m:
#: the facts print landmarks to 4–5 decimals).
LANDMARK_PRINTED_TOLERANCE_DEG = 1e-4

#: Compass words and their azimuths. Eight-point words are read as ±22.5°,
#: sixteen-point words as ±11.25° (``facts/incidents.md`` §0.2).
COMPASS: dict[str, tuple[float, float]] = {}
for _i, _w in enumerate("N NNE NE ENE E ESE SE SSE S SSW SW WSW W WNW NW NNW".split()):
    COMPASS[_w] = (_i * 22.5, 22.5 if len(_w) <= 2 else 11.25)


def bearing_sector(word: str) -> tuple[float, float]:
    """Azimuth and half-width (degrees) of a compass word.

    >>> bearing_sector("NE")
    (45.0, 22.5)
    >>> bearing_sector("ssw")
    (202.5, 11.25)
    """
    key = word.strip().upper()
    if key not in COMPASS:
        raise ValueError(
            f"unknown bearing word {word!r}; expected one of: {', '.join(COMPASS)}"
            " (or bearing_deg, or 'any')"
        )
    return COMPASS[key]


def derive_position(
    lon: float,
    lat: float,
    distance_m: float,
    azimuth_deg: float,
    half_width_deg: float,
    distance_uncertainty_m: float = 0.0,
) -> tuple[float, float, float]:
    """The point ``distance_m`` along ``azimuth_deg`` and the radius covering the sector.

    The radius is the largest geodesic distance from the nominal point to any point
    of the annular sector ``[d − Δd, d + Δd] × [az − h, az + h]`` (its edges are
    sampled every 0.25° and every 1 % of the depth, so the radius is exact to well
    under a metre for the distances in the seeds). The origin's own uncertainty is
    not included: add it.

    >>> x, y, r = derive_position(131.86667, 37.24167, 12_000, 90, 22.5, 500)
    >>> round(x, 4), round(y, 4), round(r)
    (132.0019, 37.2416, 4805)
    """
    x, y = forward(lon, lat, azimuth_deg, distance_m)
    if half_width_deg <= 0 and distance_uncertainty_m <= 0:
        return float(x), float(y), 0.0
    lo = max(distance_m - distance_uncertainty_m, 0.0)
    hi = distance_m + distance_uncertainty_m
    n_az = max(math.ceil(2 * half_width_deg / 0.25), 1) + 1
    az = np.linspace(azimuth_deg - half_width_deg, azimuth_deg + half_width_deg, n_az)
    depth = np.linspace(lo, hi, 101)
    edge_az = np.concatenate(
        [az, az, np.full(depth.size, az[0]), np.full(depth.size, az[-1])]
    )
    edge_d = np.concatenate([np.full(az.size, lo), np.full(az.size, hi), depth, depth])
    ex, ey = forward(
        np.full(edge_az.size, lon), np.full(edge_az.size, lat), edge_az, edge_d
    )
    _, _, dist = inverse(np.full(ex.size, x), np.full(ex.size, y), ex, ey)
    return float(x), float(y), float(np.max(dist))


def straight_pass(
    lon: float,
    lat: float,
    course_deg: float,
    signed_distance: Any,
    *,
    search_m: float = 200_000.0,
) -> tuple[float, float]:
    """Where the geodesic through a point, on a course, leaves a zone on each side.

    ``signed_distance(lon, lat)`` is the zone edge's signed distance (negative
    inside); the point must be inside. Returns the along-track distances (metres,
    negative = behind the point) of the entry and exit, each to better than 1 mm.

    Raises
    ------
    ValueError
        If the point is outside the zone, or the line does not leave it within
        ``search_m``.
    """
    if signed_distance(np.array([lon]), np.array([lat]))[0] > 0:
        raise ValueError("the point the pass goes through is outside the zone")

    def at(s: Any) -> Any:
        s = np.asarray(s, dtype=np.float64)
        x, y = forward(np.full(s.size, lon), np.full(s.size, lat), course_deg, s)
        return signed_distance(x, y)

    out = []
    for sign in (-1.0, 1.0):
        s = sign * np.arange(0.0, search_m, 250.0)
        d = at(s)
        outside = np.nonzero(d > 0)[0]
        if outside.size == 0:
            raise ValueError(
                f"the line does not leave the zone within {search_m / 1000:g} km"
            )
        k = int(outside[0])
        a, b = float(s[k - 1]), float(s[k])
        for _ in range(60):
            mid = 0.5 * (a + b)
            if at([mid])[0] > 0:
                b = mid
            else:
                a = mid
            if abs(b - a) < 1e-4:
                break
        out.append(0.5 * (a + b))
    return out[0], out[1]


#: Every vertex of a computed offset line lies within this many metres of the
#: stated offset from the zone's edge (checked with the exact distance).
OFFSET_TOLERANCE_M = 1.0
#: Extra reach (m) of the edge kept round the reference point, beyond
#: ``within_m + offset_m``: covers the chords of the clipping circles.
_OFFSET_EDGE_MARGIN_M = 1_000.0


@dataclass(frozen=True, slots=True)
class OffsetLocus:
    """The points at one geodesic distance from a zone's edge, on one side, near a point."""

    #: LineString or MultiLineString, lon/lat degrees.
    geometry: BaseGeometry
    #: The line's vertex nearest the reference point.
    lon: float
    lat: float
    #: Its distance from the reference point, metres.
    near_m: float
    #: Smallest and largest unsigned distance of the vertices from the edge (exact).
    min_m: float
    max_m: float
    #: Geodesic length of the line(s), metres, and the number of separate pieces.
    length_m: float
    parts: int


def offset_locus(
    zone: BaseGeometry,
    edge: BoundaryDistance,
    offset_m: float,
    side: str,
    near_lon: float,
    near_lat: float,
    within_m: float,
) -> OffsetLocus:
    """The points on one side of a zone at one geodesic distance from its edge.

    Every point on ``side`` of ``zone`` at geodesic ``offset_m`` from its edge,
    within ``within_m`` of a reference point.

    Method: the zone's edge is cut to the disc of radius ``within_m + offset_m``
    (+ 1 km) round the reference point (any point within ``within_m`` of it whose
    distance to the edge is ``offset_m`` has its nearest edge point in that disc, so
    the cut changes no distance that matters); the geodesic buffer of that piece
    of edge (:func:`airmap.geo.geodesic_buffer`, 0.5 m error bound) has as its
    boundary the points at ``offset_m`` from it; that boundary is cut to the
    ``within_m`` disc and to the zone (``inside``) or its complement
    (``outside``). Every vertex is then measured with the exact signed distance
    ``edge`` and must lie within :data:`OFFSET_TOLERANCE_M` of ``±offset_m``.

    Parameters
    ----------
    zone : Polygon or MultiPolygon
        The zone version's geometry, lon/lat degrees.
    edge : BoundaryDistance
        The exact distance index of the same geometry.
    offset_m, within_m : float
        Metres, > 0.
    side : {"inside", "outside"}

    Raises
    ------
    ValueError
        If an argument is out of range, or no such point lies within ``within_m``
        of the reference point (the message gives the reference point's own
        distance to the edge), or the computed line misses the offset by more
        than the tolerance.
    """
    if side not in ("inside", "outside"):
        raise ValueError(f"side must be 'inside' or 'outside', got {side!r}")
    if not (math.isfinite(offset_m) and offset_m > 0):
        raise ValueError(f"offset_m must be a distance > 0, got {offset_m!r}")
    if not (math.isfinite(within_m) and within_m > 0):
        raise ValueError(f"within_m must be a distance > 0, got {within_m!r}")
    reach = within_m + offset_m + _OFFSET_EDGE_MARGIN_M
    edge_piece = shapely.intersection(
        shapely.boundary(zone), geodesic_circle(near_lon, near_lat, reach)
    )

    def empty() -> ValueError:
        d = float(edge.signed_distance_m(near_lon, near_lat))
        where = f"{abs(d) / 1000:.2f} km {'inside' if d <= 0 else 'outside'}"
        return ValueError(
            f"no point {offset_m / 1000:g} km {side} the zone's edge lies within "
            f"{within_m / 1000:g} km of the reference point, which is {where} the "
            f"edge; widen within_m or check side and near"
        )

    if edge_piece.is_empty:
        raise empty()
    ring = shapely.boundary(geodesic_buffer(edge_piece, offset_m, max_error_m=0.5))
    cut = shapely.intersection(ring, geodesic_circle(near_lon, near_lat, within_m))
    cut = (
        shapely.intersection(cut, zone)
        if side == "inside"
        else shapely.difference(cut, zone)
    )
    lines = [
        g
        for g in shapely.get_parts(shapely.line_merge(_lines_only(cut)))
        if isinstance(g, LineString) and not g.is_empty and g.length > 0
    ]
    if not lines:
        raise empty()
    geometry: BaseGeometry = lines[0] if len(lines) == 1 else MultiLineString(lines)
    xy = shapely.get_coordinates(geometry)
    signed = np.asarray(edge.signed_distance_m(xy[:, 0], xy[:, 1]), dtype=np.float64)
    want = offset_m if side == "outside" else -offset_m
    err = float(np.max(np.abs(signed - want)))
    if err > OFFSET_TOLERANCE_M:
        raise ValueError(
            f"the computed line misses the offset by up to {err:.2f} m "
            f"(tolerance {OFFSET_TOLERANCE_M:g} m); this is a bug, please report it"
        )
    _, _, dn = inverse(
        np.full(len(xy), near_lon), np.full(len(xy), near_lat), xy[:, 0], xy[:, 1]
    )
    dn = np.asarray(dn, dtype=np.float64)
    k = int(np.argmin(dn))
    return OffsetLocus(
        geometry=geometry,
        lon=float(xy[k, 0]),
        lat=float(xy[k, 1]),
        near_m=float(dn[k]),
        min_m=float(np.min(np.abs(signed))),
        max_m=float(np.max(np.abs(signed))),
        length_m=float(GEOD.geometry_length(geometry)),
        parts=len(lines),
    )


def _lines_only(geometry: BaseGeometry) -> BaseGeometry:
    parts = [
        g
        for g in shapely.get_parts(geometry)
        if isinstance(g, LineString | MultiLineString)
    ]
    flat = [p for g in parts for p in shapely.get_parts(g) if not p.is_empty]
    return MultiLineString(flat) if flat else MultiLineString()


# --------------------------------------------------------------------------- files


def _seed_files() -> Iterator[tuple[str, Traversable]]:
    folder = resources.files(_SEEDS) / "incidents"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            yield f"seeds/incidents/{entry.name}", entry


def _open_seed(name: str, entry: Traversable) -> File:
    data, problem = read_text_document(name, entry.read_text(encoding="utf-8"), ".toml")
    if problem is not None:
        return File(name, {}, None, [problem])
    return File(name, data, None)


def _open_user(path: Path) -> File:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return File(name, {}, None, [Problem(name, "no such file")])
    except IsADirectoryError:
        return File(name, {}, None, [Problem(name, "is a directory, not a file")])
    except UnicodeDecodeError as exc:
        return File(name, {}, None, [Problem(name, f"not UTF-8 text ({exc.reason})")])
    except OSError as exc:
        return File(name, {}, None, [Problem(name, f"cannot read: {exc.strerror}")])
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        return File(
            name,
            {},
            None,
            [
                Problem(
                    name,
                    f"unknown file type {suffix or '(none)'!r}; use .toml or .json",
                )
            ],
        )
    if not text.strip():
        return File(name, {}, None, [Problem(name, "file is empty")])
    data, problem = read_text_document(name, text, suffix)
    if problem is not None:
        return File(name, {}, None, [problem])
    if not isinstance(data, dict):
        return File(name, {}, None, [Problem(name, "top level must be a table/object")])
    return File(name, data, None)


# ------------------------------------------------------------------------- records


class _IRec(Rec):
    """Record access with the incident file's extras: local times, ids, ISO codes."""

    def __init__(self, f: File, data: Any, record: str, ctx: _Ctx) -> None:
        super().__init__(f, data, record)
        self.ctx = ctx

    def ident(self, key: str = "id") -> str:
        value = self.text(key)
        if value and not ID_RE.match(value):
            self.add(key, f"{value!r} must be lower-case letters, digits and '-'")
            return ""
        return value

    def iso(self, key: str, *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and value not in known_isos():
            self.add(
                key, f"{value!r} is not an ISO 3166-1 alpha-3 code (e.g. KOR, JPN)"
            )
        return value

    def cited(self, key: str = "sources", *, required: bool = True) -> tuple[str, ...]:
        ids = self.strings(key, required=required)
        for sid in ids:
            if sid not in self.ctx.sources:
                close = _close(sid, self.ctx.sources)
                self.add(key, f"unknown source id {sid!r}{close}")
        if (
            required
            and key in self.data
            and not ids
            and isinstance(self.data[key], list)
        ):
            self.add(key, "cite at least one source")
        return ids

    def when(
        self, base: str, tz: ZoneInfo | None, *, required: bool
    ) -> dt.datetime | None:
        """``base`` (with offset) or ``base_local`` (in ``tz``) as aware UTC."""
        keys = ("at", "at_local") if base == "at" else (base, f"{base}_local")
        has = [k for k in keys if self.data.get(k) is not None]
        if len(has) == 2:
            self.add(keys[1], f"give {keys[0]} or {keys[1]}, not both")
            return None
        if not has:
            if required:
                self.add(
                    keys[0], f"missing (give {keys[0]} with an offset, or {keys[1]})"
                )
            return None
        if has[0] == keys[0]:
            value = self.data[keys[0]]
            if (isinstance(value, dt.datetime) and value.tzinfo is None) or (
                isinstance(value, str) and _looks_naive(value)
            ):
                self.add(
                    keys[0],
                    f"{_show(value)} has no offset: add Z or an offset, or use "
                    f"{keys[1]} for a local time in the incident's time_zone",
                )
                return None
            return self.instant(keys[0])
        return self.local(keys[1], tz)

    def local(self, key: str, tz: ZoneInfo | None) -> dt.datetime | None:
        value = self.data.get(key)
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value.strip())
            except ValueError:
                self.add(key, f"{value!r} is not a local date-time (YYYY-MM-DDTHH:MM)")
                return None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        if not isinstance(value, dt.datetime):
            self.add(key, f"must be a local date-time, got {value!r}")
            return None
        if value.tzinfo is not None:
            self.add(
                key, f"{value.isoformat()} carries an offset; local times must not"
            )
            return None
        if tz is None:
            self.add(key, "a local time needs the incident's time_zone")
            return None
        return _localize(self, key, value, tz)


def _localize(r: Rec, key: str, value: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    a = value.replace(tzinfo=tz, fold=0)
    b = value.replace(tzinfo=tz, fold=1)
    if a.utcoffset() != b.utcoffset():
        # Either repeated (ambiguous) or skipped (nonexistent): both are errors.
        back = a.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
        what = "is repeated (clocks went back)" if back == value else "does not exist"
        r.add(
            key,
            f"{value.isoformat()} {what} in {tz.key}; give the instant with an offset in 'at'",
        )
        return None
    return a.astimezone(dt.UTC)


def _looks_naive(text: str) -> bool:
    t = text.strip()
    if t.endswith(("Z", "z")):
        return False
    time_part = t[10:] if len(t) > 10 else ""
    return not re.search(r"[+-]\d\d:?\d\d$", time_part)


def _show(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else repr(value)


def _close(name: str, known: Iterable[str]) -> str:
    import difflib

    hits = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(hits)}?)" if hits else ""


# ------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    sources: Mapping[str, Source]
    landmarks: dict[str, Landmark]
    catalogue: ZoneCatalogue | None
    zone_ids: frozenset[str]


@dataclass
class IncidentLoad:
    """Everything read from a set of incident files, and every problem found."""

    incidents: list[Incident] = field(default_factory=list)
    landmarks: dict[str, Landmark] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def raise_for_problems(self) -> None:
        """Raise :class:`~airmap.geo.ValidationError` listing every problem, if any."""
        if self.problems:
            raise ValidationError(self.problems)


_LANDMARK_KEYS = (
    "name",
    "lat",
    "lon",
    "printed",
    "tag",
    "uncertainty_m",
    "sources",
    "confidence",
    "note",
)


def _read_landmarks(f: File, ctx: _Ctx, taken: dict[str, str]) -> None:
    table = f.data.get("landmark", {})
    if not isinstance(table, dict):
        f.add("must be a table of landmarks keyed by id", field="landmark")
        return
    for lid, body in table.items():
        r = _IRec(f, body, f"landmark {lid}", ctx)
        if not r.ok:
            continue
        if not ID_RE.match(lid):
            r.add(None, "landmark id must be lower-case letters, digits and '-'")
        if lid in taken:
            r.add(None, f"landmark id defined twice (also in {taken[lid]})")
            continue
        r.check_keys(_LANDMARK_KEYS)
        name = r.text("name")
        lat, lon = _coords(r)
        tag = r.choice("tag", PositionTag.parse, PositionTag.NAMED_PLACE)
        if tag is PositionTag.DERIVED:
            r.add(
                "tag", "a landmark is published, named_place or estimate, not derived"
            )
        unc = r.number("uncertainty_m", minimum=0)
        cites = r.cited()
        conf = r.confidence()
        printed = r.text("printed", required=False)
        if printed and not math.isnan(lat):
            _check_printed(r, printed, lon, lat)
        if math.isnan(lat) or math.isnan(lon) or math.isnan(unc) or not name:
            continue
        taken[lid] = f.name
        ctx.landmarks[lid] = Landmark(
            id=lid,
            name=name,
            lon=lon,
            lat=lat,
            tag=tag,
            uncertainty_m=unc,
            sources=cites,
            confidence=conf,
            printed=printed,
            note=r.text("note", required=False),
            origin=f.name,
        )


def _coords(r: Rec) -> tuple[float, float]:
    lat = r.number("lat")
    lon = r.number("lon")
    if not math.isnan(lat) and not -90 <= lat <= 90:
        r.add("lat", f"{lat:g} is not in [-90, 90]")
        lat = math.nan
    if not math.isnan(lon) and not -180 <= lon <= 180:
        r.add("lon", f"{lon:g} is not in [-180, 180]")
        lon = math.nan
    return lat, lon


def _check_printed(r: Rec, printed: str, lon: float, lat: float) -> None:
    try:
        pos = parse_position(printed)
    except CoordinateError as exc:
        r.add("printed", exc.reason if hasattr(exc, "reason") else str(exc))
        return
    if (
        abs(pos.lat - lat) > LANDMARK_PRINTED_TOLERANCE_DEG
        or abs(pos.lon - lon) > LANDMARK_PRINTED_TOLERANCE_DEG
    ):
        r.add(
            "printed",
            f"{printed!r} is {pos.lat:.5f}, {pos.lon:.5f}, which does not agree "
            f"with lat/lon {lat:.5f}, {lon:.5f}",
        )


# -------------------------------------------------------------------------- incident

_INCIDENT_KEYS = (
    "id",
    "title",
    "summary",
    "time_zone",
    "start",
    "start_local",
    "end",
    "end_local",
    "time_precision",
    "region",
    "sources",
    "confidence",
    "note",
    "actor",
    "event",
    "position",
    "track",
    "claim",
    "response",
)


def _read_incident(f: File, body: Any, index: int, ctx: _Ctx) -> Incident | None:
    label = body.get("id") if isinstance(body, dict) else None
    rec = (
        f"incident {label}"
        if isinstance(label, str) and label
        else f"incident #{index}"
    )
    r = _IRec(f, body, rec, ctx)
    if not r.ok:
        return None
    r.check_keys(_INCIDENT_KEYS)
    n_before = len(f.problems)
    iid = r.ident()
    title = r.text("title")
    summary = r.text("summary", required=False)
    tz_name = r.text("time_zone")
    tz: ZoneInfo | None = None
    if tz_name:
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            r.add(
                "time_zone", f"{tz_name!r} is not an IANA time zone (e.g. Asia/Seoul)"
            )
    start = r.when("start", tz, required=True)
    end = r.when("end", tz, required=True)
    if start is not None and end is not None and end < start:
        r.add(
            "end",
            f"the window ends ({end:%Y-%m-%d %H:%M:%S} UTC) before it starts "
            f"({start:%Y-%m-%d %H:%M:%S} UTC)",
        )
    precision = r.choice(
        "time_precision", TimePrecision.parse, TimePrecision.MINUTE, required=False
    )
    cites = r.cited()
    conf = r.confidence()
    # References are checked against every declared id, valid or not, so that one
    # bad position is reported once and not again by each claim that names it.
    actor_ids = _declared(r, "actor")
    pos_ids = _declared(r, "position")
    track_ids = _declared(r, "track")
    actors = _read_actors(f, r, rec, ctx)
    positions = _read_positions(f, r, rec, ctx, tz, actor_ids, start)
    events = _read_events(f, r, rec, ctx, tz, actor_ids, pos_ids, precision, conf)
    tracks = _read_tracks(f, r, rec, ctx, tz, actor_ids, positions)
    claims = _read_claims(f, r, rec, ctx, actor_ids, pos_ids, track_ids)
    responses = _read_responses(f, r, rec, ctx, tz)
    _check_unique(r, "position", [p.id for p in positions] + [t.id for t in tracks])
    if len(f.problems) > n_before or start is None or end is None or tz is None:
        return None
    return Incident(
        id=iid,
        title=title,
        window=Window(start, end, tz_name, precision),
        summary=summary,
        sources=cites,
        confidence=conf,
        actors=tuple(actors),
        events=tuple(sorted(events, key=lambda e: e.at)),
        positions=tuple(positions),
        tracks=tuple(tracks),
        claims=tuple(claims),
        responses=tuple(responses),
        region=r.text("region", required=False),
        note=r.text("note", required=False),
        origin=f.name,
    )


def _declared(r: Rec, key: str) -> set[str]:
    items = r.data.get(key, [])
    if not isinstance(items, list):
        return set()
    return {
        b["id"] for b in items if isinstance(b, dict) and isinstance(b.get("id"), str)
    }


def _check_unique(r: Rec, what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i and i in seen:
            r.add(
                what,
                f"id {i!r} is used twice in this incident (positions and tracks share ids)",
            )
        seen.add(i)


def _items(f: File, r: Rec, key: str) -> list[Any]:
    value = r.data.get(key, [])
    if not isinstance(value, list):
        r.add(key, f"must be a list ([[incident.{key}]] in TOML)")
        return []
    return value


def _records(
    f: File,
    parent: _IRec,
    key: str,
    rec: str,
    allowed: Iterable[str],
    *,
    named: bool = True,
) -> Iterator[tuple[_IRec, int]]:
    """Each table of ``parent[key]`` as a record, with unknown keys reported.

    Also yields the file's problem count before the record's fields are read, so
    the caller can tell whether the record was clean.
    """
    for i, body in enumerate(_items(f, parent, key), start=1):
        name = body.get("id") if named and isinstance(body, dict) else None
        label = f"{key} {name}" if isinstance(name, str) and name else f"{key} #{i}"
        r = _IRec(f, body, f"{rec}, {label}", parent.ctx)
        if not r.ok:
            continue
        r.check_keys(allowed)
        yield r, len(f.problems)


_ACTOR_KEYS = ("id", "state", "service", "aircraft", "count", "role", "sources", "note")
_ROLES = ("intruder", "responder", "other")


def _read_actors(f: File, parent: _IRec, rec: str, ctx: _Ctx) -> list[Actor]:
    out: list[Actor] = []
    for r, _ in _records(f, parent, "actor", rec, _ACTOR_KEYS):
        aid = r.ident()
        state = r.iso("state")
        aircraft = r.text("aircraft")
        role = r.text("role")
        if role and role not in _ROLES:
            r.add(
                "role", f"unknown role {role!r}; expected one of: {', '.join(_ROLES)}"
            )
        count_raw = r.data.get("count")
        count: int | None = None
        if count_raw is not None:
            if (
                isinstance(count_raw, bool)
                or not isinstance(count_raw, int)
                or count_raw < 1
            ):
                r.add("count", f"must be a whole number ≥ 1, got {count_raw!r}")
            else:
                count = count_raw
        cites = r.cited()
        if aid in {a.id for a in out}:
            r.add("id", f"actor id {aid!r} is used twice in this incident")
            continue
        if aid and state and aircraft:
            out.append(
                Actor(
                    id=aid,
                    state=state,
                    aircraft=aircraft,
                    role=role,
                    sources=cites,
                    count=count,
                    service=r.text("service", required=False),
                    note=r.text("note", required=False),
                )
            )
    return out


def _actor_refs(
    r: _IRec, key: str, known: set[str], *, required: bool
) -> tuple[str, ...]:
    ids = r.strings(key, required=required)
    for a in ids:
        if a not in known:
            r.add(key, f"unknown actor {a!r}{_close(a, known)}")
    return ids


def _zone_ref(r: _IRec, key: str, *, required: bool = True) -> str:
    zone = r.text(key, required=required)
    if zone and r.ctx.catalogue is not None and zone not in r.ctx.zone_ids:
        r.add(key, f"unknown zone {zone!r}{_close(zone, r.ctx.zone_ids)}")
    return zone


_EVENT_KEYS = (
    "at",
    "at_local",
    "actors",
    "kind",
    "zone",
    "place",
    "position",
    "says",
    "by",
    "sources",
    "confidence",
    "time_precision",
)


def _read_events(
    f: File,
    parent: _IRec,
    rec: str,
    ctx: _Ctx,
    tz: ZoneInfo | None,
    actors: set[str],
    positions: set[str],
    precision: TimePrecision,
    conf: Confidence,
) -> list[Event]:
    out: list[Event] = []
    for r, n0 in _records(f, parent, "event", rec, _EVENT_KEYS, named=False):
        at = r.when("at", tz, required=True)
        kind = r.choice("kind", EventKind.parse, EventKind.NOTE)
        who = _actor_refs(r, "actors", actors, required=kind.needs_zone)
        zone = _zone_ref(r, "zone", required=kind.needs_zone)
        pos = r.text("position", required=False)
        if pos and pos not in positions:
            r.add("position", f"unknown position {pos!r}{_close(pos, positions)}")
        says = r.text("says")
        by = r.iso("by")
        cites = r.cited()
        ev_conf = r.choice("confidence", Confidence.parse, conf, required=False)
        ev_prec = r.choice(
            "time_precision", TimePrecision.parse, precision, required=False
        )
        if len(f.problems) > n0 or at is None:
            continue
        out.append(
            Event(
                at=at,
                kind=kind,
                actors=who,
                says=says,
                by=by,
                sources=cites,
                confidence=ev_conf,
                precision=ev_prec,
                zone=zone or None,
                place=r.text("place", required=False),
                position=pos or None,
            )
        )
    return out


_POSITION_KEYS = (
    "id",
    "label",
    "tag",
    "lat",
    "lon",
    "printed",
    "landmark",
    "uncertainty_m",
    "from",
    "distance_m",
    "distance_uncertainty_m",
    "bearing",
    "bearing_deg",
    "bearing_uncertainty_deg",
    "offset_from_zone",
    "offset_m",
    "side",
    "near",
    "within_m",
    "reading",
    "derivation",
    "actors",
    "at",
    "at_local",
    "by",
    "sources",
    "confidence",
)


def _read_positions(
    f: File,
    parent: _IRec,
    rec: str,
    ctx: _Ctx,
    tz: ZoneInfo | None,
    actors: set[str],
    start: dt.datetime | None = None,
) -> list[Position]:
    out: list[Position] = []
    declared = _declared(parent, "position")
    for r, n0 in _records(f, parent, "position", rec, _POSITION_KEYS):
        pid = r.ident()
        label = r.text("label")
        if "tag" not in r.data:
            r.add(
                "tag",
                "missing: every position needs a tag "
                "(published, named_place, derived or estimate)",
            )
            continue
        tag = r.choice("tag", PositionTag.parse, PositionTag.ESTIMATE)
        who = _actor_refs(r, "actors", actors, required=False)
        at = r.when("at", tz, required=False)
        by = r.iso("by", required=False)
        cites = r.cited()
        conf = r.confidence()
        reading = r.text("reading", required=False)
        when = at if at is not None else start
        geom = _position_geometry(r, tag, ctx, when, out, declared)
        if len(f.problems) > n0 or geom is None:
            continue
        lon, lat, unc, derivation, extra = geom
        out.append(
            Position(
                id=pid,
                label=label,
                tag=tag,
                lon=lon,
                lat=lat,
                uncertainty_m=unc,
                derivation=derivation,
                sources=cites,
                confidence=conf,
                geometry=extra.get("geometry") or Point(lon, lat),
                by=by,
                actors=who,
                at=at,
                reading=reading,
                from_landmark=extra.get("from", ""),
                distance_m=extra.get("distance_m", math.nan),
                bearing=extra.get("bearing", ""),
                offset_zone=extra.get("offset_zone", ""),
                side=extra.get("side", ""),
                near=extra.get("near", ""),
                within_m=extra.get("within_m", math.nan),
            )
        )
    return out


def _forbid(r: Rec, keys: Iterable[str], why: str) -> None:
    for k in keys:
        if k in r.data:
            r.add(k, why)


def _position_geometry(
    r: _IRec,
    tag: PositionTag,
    ctx: _Ctx,
    when: dt.datetime | None = None,
    earlier: Iterable[Position] = (),
    declared: Iterable[str] = (),
) -> tuple[float, float, float, str, dict[str, Any]] | None:
    derived_keys = (
        "from",
        "distance_m",
        "distance_uncertainty_m",
        "bearing",
        "bearing_deg",
        "bearing_uncertainty_deg",
        *_OFFSET_KEYS,
    )
    if tag is PositionTag.DERIVED:
        _forbid(
            r,
            ("lat", "lon", "uncertainty_m", "printed", "landmark"),
            "a derived position is computed from 'from', 'distance_m' and 'bearing' "
            "(or from 'offset_from_zone' and 'offset_m'); do not type its coordinates "
            "or radius",
        )
        if "offset_from_zone" in r.data:
            _forbid(
                r,
                (
                    "from",
                    "distance_m",
                    "bearing",
                    "bearing_deg",
                    "bearing_uncertainty_deg",
                ),
                "an offset from a zone takes offset_m, side, near and within_m, "
                "not a landmark distance or bearing",
            )
            return _offset(r, ctx, when, earlier, declared)
        _forbid(
            r,
            _OFFSET_KEYS[1:],
            "only an offset from a zone (offset_from_zone) takes this field",
        )
        return _derived(r, ctx)
    _forbid(
        r, derived_keys, f"only derived positions take this field (tag is {tag.value})"
    )
    if tag is PositionTag.NAMED_PLACE and "landmark" in r.data:
        lid = r.text("landmark")
        _forbid(r, ("lat", "lon"), "given by the landmark")
        lm = ctx.landmarks.get(lid)
        if lm is None:
            r.add("landmark", f"unknown landmark {lid!r}{_close(lid, ctx.landmarks)}")
            return None
        text = f"the coordinates of {lm.name} (landmark {lm.id})"
        if "uncertainty_m" not in r.data:
            return lm.lon, lm.lat, lm.uncertainty_m, text, {}
        # The place named is an area round the landmark: a wider radius, justified.
        unc = r.number("uncertainty_m", minimum=0)
        why = r.text("derivation")
        if not math.isnan(unc) and unc < lm.uncertainty_m:
            r.add(
                "uncertainty_m",
                f"{unc:g} m is less than the landmark's own uncertainty "
                f"({lm.uncertainty_m:g} m); a named place can only widen it",
            )
        if math.isnan(unc) or unc < lm.uncertainty_m or not why:
            return None
        text = (
            f"{text}, ± {lm.uncertainty_m:g} m, widened to ± {unc:g} m for the "
            f"place named: {why}"
        )
        return lm.lon, lm.lat, unc, text, {}
    if "landmark" in r.data:
        r.add("landmark", "only named_place positions may reuse a landmark")
    lat, lon = _coords(r)
    if "uncertainty_m" not in r.data:
        r.add(
            "uncertainty_m",
            "missing: every position needs an uncertainty radius in metres",
        )
    unc = r.number("uncertainty_m", minimum=0, required=False)
    printed = r.text("printed", required=False)
    if printed and not math.isnan(lat) and not math.isnan(lon):
        _check_printed(r, printed, lon, lat)
    derivation = r.text("derivation", required=tag is PositionTag.ESTIMATE)
    if not derivation:
        derivation = f"as printed: {printed}" if printed else f"{tag.value} coordinates"
    if math.isnan(lat) or math.isnan(lon) or math.isnan(unc):
        return None
    return lon, lat, unc, derivation, {}


def _derived(
    r: _IRec, ctx: _Ctx
) -> tuple[float, float, float, str, dict[str, Any]] | None:
    lid = r.text("from")
    lm = ctx.landmarks.get(lid) if lid else None
    if lid and lm is None:
        r.add("from", f"unknown landmark {lid!r}{_close(lid, ctx.landmarks)}")
    dist = r.number("distance_m", minimum=0)
    d_unc = r.number("distance_uncertainty_m", minimum=0)
    word = r.data.get("bearing")
    if word is not None and "bearing_deg" in r.data:
        r.add("bearing_deg", "give bearing (a compass word) or bearing_deg, not both")
        return None
    azimuth = half = math.nan
    ring = False
    bearing_text = ""
    if word is not None:
        if not isinstance(word, str):
            r.add("bearing", f"must be a compass word or 'any', got {word!r}")
        elif word.strip().lower() == "any":
            ring = True
            bearing_text = "any bearing (distance only)"
        else:
            try:
                azimuth, half = bearing_sector(word)
                bearing_text = f"{word.strip().upper()} ({azimuth:g}° ± {half:g}°)"
            except ValueError as exc:
                r.add("bearing", str(exc))
    elif "bearing_deg" in r.data:
        azimuth = r.number("bearing_deg")
        half = r.number("bearing_uncertainty_deg", minimum=0)
        if not math.isnan(azimuth) and not 0 <= azimuth < 360:
            r.add("bearing_deg", f"{azimuth:g} is not in [0, 360)")
        bearing_text = f"{azimuth:g}° ± {half:g}°"
    else:
        r.add("bearing", "missing: a compass word (N, NE, …), 'any', or bearing_deg")
    if lm is None or math.isnan(dist) or math.isnan(d_unc):
        return None
    extra: dict[str, Any] = {"from": lm.id, "distance_m": dist, "bearing": bearing_text}
    if ring:
        if dist <= 0:
            r.add("distance_m", "a distance-only ring needs a distance > 0")
            return None
        circle = geodesic_circle(lm.lon, lm.lat, dist)
        extra["geometry"] = LineString(circle.exterior.coords)
        unc = d_unc + lm.uncertainty_m
        text = (
            f"every point {dist / 1000:g} km (± {d_unc:g} m) from {lm.name} "
            f"(landmark {lm.id}, ± {lm.uncertainty_m:g} m): a geodesic ring on WGS84; "
            f"the statement gives no bearing"
        )
        return lm.lon, lm.lat, unc, text, extra
    if math.isnan(azimuth) or math.isnan(half):
        return None
    lon, lat, radius = derive_position(lm.lon, lm.lat, dist, azimuth, half, d_unc)
    unc = radius + lm.uncertainty_m
    text = (
        f"{dist / 1000:g} km (± {d_unc:g} m) bearing {bearing_text} from {lm.name} "
        f"(landmark {lm.id}, ± {lm.uncertainty_m:g} m), geodesic forward on WGS84; "
        f"radius = farthest point of the bearing/distance sector ({radius:.0f} m) "
        f"+ landmark uncertainty"
    )
    return lon, lat, unc, text, extra


_OFFSET_KEYS = ("offset_from_zone", "offset_m", "side", "near", "within_m")
_SIDES = ("inside", "outside")


def _offset(
    r: _IRec,
    ctx: _Ctx,
    when: dt.datetime | None,
    earlier: Iterable[Position],
    declared: Iterable[str],
) -> tuple[float, float, float, str, dict[str, Any]] | None:
    """A position "D from the edge of a zone, on one side, near X": a line, computed."""
    zone = _zone_ref(r, "offset_from_zone")
    offset = r.number("offset_m", minimum=0)
    if offset == 0:
        r.add("offset_m", "an offset from a zone's edge needs a distance > 0")
    d_unc = r.number("distance_uncertainty_m", minimum=0)
    side = r.text("side")
    if side and side not in _SIDES:
        r.add("side", f"unknown side {side!r}; expected inside or outside")
    within = r.number("within_m", minimum=0)
    if within == 0:
        r.add("within_m", "must be a distance > 0")
    reading = r.text("reading")
    near_id = r.text("near")
    points = {p.id: p for p in earlier}
    near: tuple[float, float, str] | None = None
    if near_id in ctx.landmarks:
        lm = ctx.landmarks[near_id]
        near = (lm.lon, lm.lat, f"{lm.name} (landmark {lm.id})")
    elif near_id in points:
        pos = points[near_id]
        if pos.is_line:
            r.add("near", f"position {near_id!r} is a line, not a point")
        else:
            near = (pos.lon, pos.lat, f"position {pos.id} ({pos.label})")
    elif near_id and near_id in set(declared):
        r.add(
            "near",
            f"position {near_id!r} is declared after this one (or is invalid); near "
            "must name a landmark or an earlier position of this incident",
        )
    elif near_id:
        r.add(
            "near",
            f"unknown landmark or earlier position {near_id!r}"
            f"{_close(near_id, set(ctx.landmarks) | set(points))}",
        )
    if (
        not zone
        or near is None
        or side not in _SIDES
        or math.isnan(offset)
        or offset <= 0
        or math.isnan(d_unc)
        or math.isnan(within)
        or within <= 0
        or not reading
    ):
        return None
    if ctx.catalogue is None:
        r.add("offset_from_zone", "an offset from a zone needs the zone catalogue")
        return None
    if zone not in ctx.zone_ids:
        return None  # reported by _zone_ref
    if when is None:
        return None  # the incident's start is missing or bad: reported there
    versions = [v for v in ctx.catalogue.at(when) if v.zone_id == zone and v.is_area]
    if not versions:
        r.add(
            "offset_from_zone",
            f"zone {zone!r} has no area version in force at {when:%Y-%m-%d %H:%M} UTC",
        )
        return None
    version = versions[0]
    try:
        locus = offset_locus(
            version.geometry,
            ctx.catalogue.boundary(version),
            offset,
            side,
            near[0],
            near[1],
            within,
        )
    except ValueError as exc:
        r.add("within_m", f"{exc} ({version.key}, near {near_id})")
        return None
    unc = d_unc + version.uncertainty_m
    text = (
        f"every point {side} {version.key} at {format_metres(offset)} "
        f"(± {format_metres(d_unc)}) from its edge (edge ± "
        f"{format_metres(version.uncertainty_m)}), kept within "
        f"{format_metres(within)} of {near[2]}: the boundary of the geodesic buffer "
        f"of the zone's edge on WGS84, computed by code ({locus.parts} "
        f"piece{'s' if locus.parts > 1 else ''}, {locus.length_m / 1000:.1f} km "
        f"long; every vertex "
        f"{locus.min_m:.1f}-{locus.max_m:.1f} m from the edge by exact geodesic "
        f"distance); uncertainty = distance reading + the zone edge's own. "
        f"Reference point: the line's point nearest {near_id} "
        f"({format_metres(locus.near_m)} from it). Reading: {reading}"
    )
    extra: dict[str, Any] = {
        "geometry": locus.geometry,
        "distance_m": offset,
        "offset_zone": version.key,
        "side": side,
        "near": near_id,
        "within_m": within,
    }
    return locus.lon, locus.lat, unc, text, extra


_TRACK_KEYS = (
    "id",
    "actors",
    "hypothesis",
    "build",
    "samples",
    "sources",
    "by",
    "note",
)
_BUILD_KEYS = (
    "kind",
    "through",
    "course_deg",
    "zone",
    "enter",
    "enter_local",
    "exit",
    "exit_local",
    "extend_s",
    "step_s",
)
_SAMPLE_KEYS = ("at", "at_local", "lat", "lon", "altitude_m", "uncertainty_m")


def _read_tracks(
    f: File,
    parent: _IRec,
    rec: str,
    ctx: _Ctx,
    tz: ZoneInfo | None,
    actors: set[str],
    positions: list[Position],
) -> list[Track]:
    out: list[Track] = []
    by_id = {p.id: p for p in positions}
    for r, n0 in _records(f, parent, "track", rec, _TRACK_KEYS):
        trec = r.record
        tid = r.ident()
        _actor_refs(r, "actors", actors, required=False)
        cites = r.cited()
        r.iso("by", required=False)
        hypothesis = r.text("hypothesis", required=False)
        has_build, has_samples = "build" in r.data, "samples" in r.data
        if has_build == has_samples:
            r.add("build", "give either samples (observed) or build (a hypothesis)")
            continue
        if has_build and not hypothesis:
            r.add("hypothesis", "a built track is a hypothesis: state its assumptions")
        track: Track | None = None
        if has_samples:
            track = _observed(f, r, trec, ctx, tz, tid, hypothesis, cites)
        else:
            track = _built(f, r, trec, ctx, tz, tid, hypothesis, cites, by_id)
        if len(f.problems) > n0 or track is None:
            continue
        out.append(track)
    return out


def _observed(
    f: File,
    r: _IRec,
    trec: str,
    ctx: _Ctx,
    tz: ZoneInfo | None,
    tid: str,
    hypothesis: str,
    cites: tuple[str, ...],
) -> Track | None:
    samples = r.data.get("samples")
    if not isinstance(samples, list) or not samples:
        r.add("samples", "must be a non-empty list of {at, lat, lon} tables")
        return None
    times: list[dt.datetime] = []
    lon: list[float] = []
    lat: list[float] = []
    alt: list[float] = []
    for j, s in enumerate(samples, start=1):
        sr = _IRec(f, s, f"{trec}, sample {j}", ctx)
        if not sr.ok:
            return None
        sr.check_keys(_SAMPLE_KEYS)
        t = sr.when("at", tz, required=True)
        y, x = _coords(sr)
        a = sr.number("altitude_m", required=False)
        if t is None or math.isnan(x) or math.isnan(y):
            return None
        times.append(t)
        lon.append(x)
        lat.append(y)
        alt.append(a)
    from airmap.geo import InputError

    try:
        return Track.from_arrays(
            tid,
            times,
            lon,
            lat,
            None if all(math.isnan(a) for a in alt) else alt,
            hypothesis=hypothesis,
            sources=cites,
            origin=f.name,
        )
    except InputError as exc:
        r.add("samples", exc.reason)
        return None


def _built(
    f: File,
    r: _IRec,
    trec: str,
    ctx: _Ctx,
    tz: ZoneInfo | None,
    tid: str,
    hypothesis: str,
    cites: tuple[str, ...],
    positions: Mapping[str, Position],
) -> Track | None:
    b = _IRec(f, r.data.get("build"), f"{trec}, build", ctx)
    if not b.ok:
        return None
    b.check_keys(_BUILD_KEYS)
    kind = b.text("kind")
    if kind and kind != "straight_pass":
        b.add("kind", f"unknown build kind {kind!r}; expected one of: straight_pass")
        return None
    through = b.text("through")
    pos = positions.get(through)
    if through and pos is None:
        b.add("through", f"unknown position {through!r}{_close(through, positions)}")
    elif pos is not None and pos.is_line:
        b.add(
            "through", f"position {through!r} is a line (ring or offset), not a point"
        )
        pos = None
    course = b.number("course_deg")
    zone = _zone_ref(b, "zone")
    t_in = b.when("enter", tz, required=True)
    t_out = b.when("exit", tz, required=True)
    extend = b.number("extend_s", minimum=0, required=False)
    step = b.number("step_s", minimum=0.1, required=False)
    extend = 300.0 if math.isnan(extend) else extend
    step = 5.0 if math.isnan(step) else step
    if t_in is not None and t_out is not None and t_out <= t_in:
        b.add("exit", "the pass must leave the zone after it enters")
        return None
    if (
        pos is None
        or math.isnan(course)
        or t_in is None
        or t_out is None
        or ctx.catalogue is None
        or not zone
    ):
        return None
    versions = [v for v in ctx.catalogue.at(t_in) if v.zone_id == zone and v.is_area]
    if not versions:
        b.add(
            "zone",
            f"zone {zone!r} has no area version in force at {t_in:%Y-%m-%d %H:%M} UTC",
        )
        return None
    index = ctx.catalogue.boundary(versions[0])
    try:
        s_in, s_out = straight_pass(pos.lon, pos.lat, course, index.signed_distance_m)
    except ValueError as exc:
        b.add("through", f"{exc} ({versions[0].key})")
        return None
    chord = s_out - s_in
    span = (t_out - t_in).total_seconds()
    speed = chord / span
    t_first = -extend
    t_last = span + extend
    rel = np.arange(t_first, t_last + step / 2, step)
    if rel[-1] < t_last:
        rel = np.append(rel, t_last)
    s = s_in + speed * rel
    x, y = forward(np.full(s.size, pos.lon), np.full(s.size, pos.lat), course, s)
    t0 = np.datetime64(t_in.replace(tzinfo=None), "ns")
    times = t0 + np.round(rel * 1e9).astype("timedelta64[ns]")
    built = (
        f"[built by code: the geodesic through {pos.id} on course {course:g}° crosses "
        f"{versions[0].key} along a {chord / 1000:.2f} km chord; over "
        f"{span / 60:g} min that is {speed * 3.6:.0f} km/h ({speed * 3600 / 1852:.0f} kt) "
        f"ground speed; samples every {step:g} s, {extend:g} s beyond each end]"
    )
    return Track(
        tid,
        times,
        np.asarray(x, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        hypothesis=f"{hypothesis} {built}",
        sources=cites,
        origin=f.name,
    )


_CLAIM_KEYS = (
    "id",
    "role",
    "by",
    "speaker",
    "says",
    "sources",
    "confidence",
    "conflicts_with",
    "note",
    "check",
)
_CHECK_KEYS = (
    "subject",
    "inside",
    "outside",
    "actors",
    "zone",
    "minutes",
    "kind",
    "from",
    "to_zone",
    "about_m",
    "tolerance_m",
    "at_least_m",
    "at_most_m",
)


def _read_claims(
    f: File,
    parent: _IRec,
    rec: str,
    ctx: _Ctx,
    actors: set[str],
    positions: set[str],
    tracks: set[str],
) -> list[Claim]:
    out: list[Claim] = []
    raw = _items(f, parent, "claim")
    ids = {b.get("id") for b in raw if isinstance(b, dict)}
    for r, n0 in _records(f, parent, "claim", rec, _CLAIM_KEYS):
        crec = r.record
        cid = r.ident()
        role = r.choice("role", ClaimRole.parse, ClaimRole.CLAIM, required=False)
        by = r.iso("by")
        speaker = r.text("speaker", required=False)
        says = r.text("says")
        cites = r.cited()
        conf = r.confidence()
        conflicts = r.strings("conflicts_with", required=False)
        for other in conflicts:
            if other not in ids:
                r.add("conflicts_with", f"unknown claim {other!r} in this incident")
        checks: list[Check] = []
        raw_checks = r.data.get("check", [])
        if not isinstance(raw_checks, list):
            r.add("check", "must be a list ([[incident.claim.check]] in TOML)")
            raw_checks = []
        for j, cb in enumerate(raw_checks, start=1):
            c = _read_check(f, cb, f"{crec}, check {j}", ctx, actors, positions, tracks)
            if c is not None:
                checks.append(c)
        if any(c.id == cid for c in out):
            r.add("id", f"claim id {cid!r} is used twice in this incident")
        if len(f.problems) > n0:
            continue
        out.append(
            Claim(
                id=cid,
                role=role,
                by=by,
                speaker=speaker,
                says=says,
                sources=cites,
                confidence=conf,
                checks=tuple(checks),
                conflicts_with=conflicts,
                note=r.text("note", required=False),
            )
        )
    return out


def _read_check(
    f: File,
    body: Any,
    rec: str,
    ctx: _Ctx,
    actors: set[str],
    positions: set[str],
    tracks: set[str],
) -> Check | None:
    r = _IRec(f, body, rec, ctx)
    if not r.ok:
        return None
    r.check_keys(_CHECK_KEYS)
    n0 = len(f.problems)
    d = r.data
    points = positions | tracks

    def point_ref(key: str, allowed: set[str], landmarks: bool) -> str:
        v = r.text(key)
        ok = v in allowed or (landmarks and v in ctx.landmarks)
        if v and not ok:
            pool = set(allowed) | (set(ctx.landmarks) if landmarks else set())
            r.add(
                key,
                f"unknown {'landmark or position' if landmarks else 'position or track'} "
                f"{v!r}{_close(v, pool)}",
            )
        return v

    def bounds() -> dict[str, float]:
        given = [k for k in ("about_m", "at_least_m", "at_most_m") if k in d]
        if len(given) != 1:
            r.add(None, "give exactly one of about_m, at_least_m, at_most_m")
            return {}
        out: dict[str, float] = {given[0]: r.number(given[0], minimum=0)}
        if "tolerance_m" in d:
            if given[0] != "about_m":
                r.add("tolerance_m", "only about_m takes a tolerance")
            out["tolerance_m"] = r.number("tolerance_m", minimum=0)
        return out

    if "inside" in d or "outside" in d:
        if "inside" in d and "outside" in d:
            r.add("outside", "give inside or outside, not both")
            return None
        relation = "inside" if "inside" in d else "outside"
        zone = _zone_ref(r, relation)
        subject = point_ref("subject", points, landmarks=False)
        if len(f.problems) > n0:
            return None
        return Check(
            CheckForm.MEMBERSHIP, subject=subject, relation=relation, zone=zone
        )
    if "minutes" in d:
        who = _actor_refs(r, "actors", actors, required=True)
        zone = _zone_ref(r, "zone")
        minutes = r.number("minutes", minimum=0)
        kind = r.text("kind", required=False)
        if kind and kind not in ("violation", "presence"):
            r.add(
                "kind",
                f"unknown duration kind {kind!r}; expected violation or presence",
            )
        if len(f.problems) > n0:
            return None
        return Check(
            CheckForm.DURATION,
            actors=who,
            zone=zone,
            minutes=minutes,
            violation=kind == "violation",
        )
    if "to_zone" in d:
        origin = point_ref("from", positions, landmarks=True)
        zone = _zone_ref(r, "to_zone")
        b = bounds()
        if len(f.problems) > n0:
            return None
        return Check(
            CheckForm.DISTANCE_TO_ZONE, origin_point=origin, zone=zone, **_bkw(b)
        )
    if "from" in d:
        origin = point_ref("from", positions, landmarks=True)
        subject = point_ref("subject", positions, landmarks=False)
        b = bounds()
        if len(f.problems) > n0:
            return None
        return Check(
            CheckForm.DISTANCE, subject=subject, origin_point=origin, **_bkw(b)
        )
    r.add(
        None,
        "not a check form: give inside/outside (membership), minutes (duration), "
        "to_zone (distance to a zone) or from + subject (distance)",
    )
    return None


def _bkw(b: dict[str, float]) -> dict[str, Any]:
    keys = ("about_m", "tolerance_m", "at_least_m", "at_most_m")
    return {k: b.get(k, math.nan) for k in keys}


_RESPONSE_KEYS = ("by", "action", "at", "at_local", "sources", "conflicts_with")


def _read_responses(
    f: File, parent: _IRec, rec: str, ctx: _Ctx, tz: ZoneInfo | None
) -> list[Response]:
    out: list[Response] = []
    for r, n0 in _records(f, parent, "response", rec, _RESPONSE_KEYS, named=False):
        by = r.iso("by")
        action = r.text("action")
        at = r.when("at", tz, required=False)
        cites = r.cited()
        if len(f.problems) > n0:
            continue
        out.append(
            Response(
                by=by,
                action=action,
                sources=cites,
                at=at,
                conflicts_with=r.text("conflicts_with", required=False),
            )
        )
    return out


# --------------------------------------------------------------------------- loading


def _assemble(
    files: list[File],
    catalogue: ZoneCatalogue | None,
    base: IncidentLoad | None = None,
) -> IncidentLoad:
    res = IncidentLoad()
    sources: dict[str, Source] = (
        dict(catalogue.sources) if catalogue is not None else {}
    )
    if base is not None:
        sources.update(base.sources)
        res.landmarks.update(base.landmarks)
    source_origin = dict.fromkeys(sources, "the shipped seeds")
    for f in files:
        if f.problems and not f.data:
            continue
        for key in sorted(set(f.data) - {"source", "landmark", "incident"}):
            f.add(
                "unknown top-level key; expected source, landmark or incident",
                field=key,
            )
        for sid, src in read_sources(f).items():
            if sid in sources:
                f.add(
                    f"source id defined twice (also in {source_origin[sid]})",
                    record=f"source {sid}",
                )
                continue
            sources[sid] = src
            source_origin[sid] = f.name
    zone_ids = (
        frozenset(z.id for z in catalogue) if catalogue is not None else frozenset()
    )
    ctx = _Ctx(sources, res.landmarks, catalogue, zone_ids)
    taken = {lid: lm.origin for lid, lm in res.landmarks.items()}
    for f in files:
        _read_landmarks(f, ctx, taken)
    seen = {i.id: i.origin for i in base.incidents} if base is not None else {}
    for f in files:
        raw = f.data.get("incident", [])
        if not isinstance(raw, list):
            f.add(
                "must be a list of incidents ([[incident]] in TOML)", field="incident"
            )
            continue
        for i, body in enumerate(raw, start=1):
            inc = _read_incident(f, body, i, ctx)
            if inc is None:
                continue
            if inc.id in seen:
                f.add(
                    f"incident id {inc.id!r} is already used in {seen[inc.id]}",
                    record=f"incident {inc.id}",
                    field="id",
                )
                continue
            seen[inc.id] = f.name
            res.incidents.append(inc)
    res.sources = sources
    for f in files:
        res.problems.extend(f.problems)
    return res


def load_incident_seeds(catalogue: ZoneCatalogue) -> IncidentLoad:
    """Read and validate the shipped incident files (problems collected, not raised)."""
    files = [_open_seed(name, entry) for name, entry in _seed_files()]
    return _assemble(files, catalogue)


def load_incident_files(
    paths: Iterable[str | Path],
    catalogue: ZoneCatalogue,
    *,
    with_seeds: bool = True,
) -> IncidentLoad:
    """Read users' incident files (TOML or JSON), optionally after the seeds.

    User files may cite the seeds' sources and landmarks; their own ids must not
    collide with them.
    """
    base = load_incident_seeds(catalogue) if with_seeds else None
    files = [_open_user(Path(p)) for p in paths]
    user = _assemble(files, catalogue, base)
    if base is None:
        return user
    return IncidentLoad(
        incidents=base.incidents + user.incidents,
        landmarks=user.landmarks,
        sources=user.sources,
        problems=base.problems + user.problems,
    )
