r"""Exports: zones, reference lines and incidents as GeoJSON, GeoPackage or KML.

Every feature carries its provenance (derivation, uncertainty, confidence, the
ids, titles and URLs of its sources), its validity in UTC and, for zones, the
holder and every claimant, so a file opened in QGIS or Google Earth still says
whose airspace it is, since when, and how sure we are.

**Families.** Features come in families, one GeoPackage layer and one KML folder
each (empty families are left out):

===================  ===================  ==========================================
family               geometry             what
===================  ===================  ==========================================
``zones``            (Multi)Polygon       zone versions that are areas
``zone_lines``       (Multi)LineString    zone versions known only as a line
``reference_lines``  (Multi)LineString    median lines, shelf boundaries, baselines
``positions``        Point                incident positions (``uncertainty_m``)
``position_lines``   (Multi)LineString    distance-only positions: a ring round
                                          a landmark, or an offset from an edge
``uncertainty``      (Multi)Polygon       geodesic disc of radius
                                          ``uncertainty_m`` round each point
                                          position (every vertex on the circle,
                                          chords within 1 m of it)
``tracks``           (Multi)LineString    tracks (``times``: each sample's instant)
``incidents``        none                 one record per incident
===================  ===================  ==========================================

**Fields** (:data:`FIELDS` lists each family's, in order). Every family has
``family``, ``id``, ``name``, ``kind``, ``valid_from``, ``valid_to``,
``declared_by``, ``holder``, ``claimants``, ``disputed``, ``edge_rule``,
``derivation``, ``uncertainty_m``, ``confidence``, ``sources``,
``source_titles``, ``source_urls`` and ``note``; a field that does not apply is
null (empty list for list fields).

* ``valid_from``/``valid_to`` say when a feature applies, in UTC, null when
  open-ended: a zone version's or reference line's validity (half-open), an
  incident's window (closed), a track's first and last sample, a position's own
  instant (both ends) or, for a position without one, its incident's window
  (``time`` stays null then).
* ``disputed``: a zone with more than one claimant; for incident features, an
  incident whose claims declare a conflict with another account.
* Positions add ``incident_id``, ``position_id``, ``tag`` (published /
  named_place / derived / estimate), ``by`` (whose account), ``side`` (claim or
  counter_claim, the map's colour rule) and ``time``; with ``verdicts=True`` also
  ``verdicts``, the computed verdict of each claim that checks the position.
* ``id`` is the zone version key (``kadiz@2013``), the reference line id, the
  incident id, or ``<incident id>/<position or track id>`` (an uncertainty
  disc: ``<incident id>/<position id>/uncertainty``), unique in an export.

**Encoding per format.**

* GeoJSON (RFC 7946): lon/lat WGS84 at full double precision; exterior rings
  counter-clockwise, holes clockwise; geometries that cross ±180° split into
  Multi* parts with longitudes in [-180, 180]; datetimes as ISO 8601 UTC text
  (``2013-12-15T05:00:00Z``), which GDAL reads back as datetimes; list fields as
  JSON arrays; one FeatureCollection, ``family`` tells the families apart.
* GeoPackage: one layer per family (``incidents`` is an attribute table);
  datetimes are GeoPackage DATETIME columns, numbers REAL/INTEGER, flags
  BOOLEAN; list fields are TEXT holding a JSON array (``["KOR","JPN"]``).
  Geometries are split as for GeoJSON and promoted to Multi* where a layer
  mixes single and multi parts.
* KML 2.2: a Document with one shared ``<Style>`` per zone kind (thicker outline
  when disputed), side of an account and track type, in the HTML map's colours;
  one ``<Folder>`` per family; each Placemark has the feature's ``id`` as its
  ``id`` attribute (GDAL's convention: it reads back as the field ``id``), its
  ``<name>``, a
  ``<TimeSpan>`` from ``valid_from``/``valid_to`` (left out when both are
  null), an HTML ``<description>`` built only from escaped text (see below),
  typed ``<ExtendedData>`` with every other field (one ``<Schema>`` per family;
  datetimes as ISO text, lists as JSON text, flags as 1/0) and its geometry,
  split at ±180°.

**Hostile text in KML.** Viewers render ``<description>`` as HTML and replace
``$[field]`` entities in it, so every piece of data in it goes through
:func:`airmap.maps._escape.display_text` (``< > & " '`` as entities, and ``$``,
backtick, backslash and braces as numeric references) and links are http(s)
only (:func:`~airmap.maps._escape.safe_url`); the XML writer then escapes the
result again, so after XML parsing the description is escaped HTML and, after
HTML parsing, exactly the text as typed. Every style sets the balloon to
``$[description]``, so viewers show that, never a table of raw field values.
``<name>``, ``<ExtendedData>`` and the ``id`` attribute hold the raw text
(XML-escaped); characters
XML 1.0 cannot carry (C0 controls other than tab and line feed, lone
surrogates, U+FFFE/U+FFFF) become U+FFFD there, and CR LF becomes LF.

**Choosing what to export.** ``when`` keeps the zone versions and reference lines
in force at that instant; incidents are chosen by ``incident_ids`` only (all by
default, none with ``[]``), as in ``airmap map``, so that an incident is never
dropped silently for lying outside the instant. ``kinds`` keeps zones of those
kinds (``"reference_line"`` keeps reference lines; without it they are left
out). ``bbox`` keeps the features whose (split) geometry intersects the box, and
the incident records with at least one such feature.

Files are written to a temporary file beside the target and renamed into place
(:func:`airmap.geo.atomic_path`): an error never leaves a partial file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airmap.geo import AirmapError, BBoxError, check_bbox

from ._escape import display_text, safe_url
from ._style import (
    REFERENCE_STYLE,
    SIDE_COLOUR,
    TAG_STYLE,
    TRACK_COLOUR,
    ZONE_FILL_OPACITY,
    kind_colour,
    position_roles,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from airmap.geo import Source
    from airmap.incidents import Assessment, Incident, IncidentCatalogue, Position
    from airmap.layers import ZoneCatalogue

__all__ = [
    "FAMILIES",
    "FIELDS",
    "FORMATS",
    "ExportError",
    "check_target",
    "export",
    "export_features",
    "export_format",
    "split_antimeridian",
    "write_export",
]

#: Output formats, and the file suffixes that imply them.
FORMATS = ("geojson", "gpkg", "kml")
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml"}
#: Feature families in output order (GeoPackage layers, KML folders).
FAMILIES = (
    "zones",
    "zone_lines",
    "reference_lines",
    "positions",
    "position_lines",
    "uncertainty",
    "tracks",
    "incidents",
)
#: Extra ``kinds`` value that selects reference lines.
REFERENCE_KIND = "reference_line"

_COMMON = (
    ("family", "str"),
    ("id", "str"),
    ("name", "str"),
    ("kind", "str"),
    ("valid_from", "datetime"),
    ("valid_to", "datetime"),
    ("declared_by", "str"),
    ("holder", "str"),
    ("claimants", "list"),
    ("disputed", "bool"),
    ("edge_rule", "str"),
    ("derivation", "str"),
    ("uncertainty_m", "float"),
    ("confidence", "str"),
    ("sources", "list"),
    ("source_titles", "list"),
    ("source_urls", "list"),
    ("note", "str"),
)
_ZONE = (
    ("zone_id", "str"),
    ("version", "str"),
    ("lower_ft", "float"),
    ("upper_ft", "float"),
    ("partial", "bool"),
)
_POSITION = (
    ("incident_id", "str"),
    ("position_id", "str"),
    ("tag", "str"),
    ("by", "str"),
    ("side", "str"),
    ("time", "datetime"),
)
_TRACK = (
    ("incident_id", "str"),
    ("track_id", "str"),
    ("hypothesis", "bool"),
    ("samples", "int"),
    ("times", "list"),
)
_INCIDENT = (
    ("incident_id", "str"),
    ("time_zone", "str"),
    ("time_precision", "str"),
    ("summary", "str"),
    ("region", "str"),
    ("positions", "int"),
    ("tracks", "int"),
    ("claims", "int"),
)
#: The fields of each family, in order, with their types (``str``, ``datetime``,
#: ``float``, ``int``, ``bool`` or ``list``). Position families gain
#: ``("verdicts", "list")`` with ``verdicts=True``.
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "zones": _COMMON + _ZONE,
    "zone_lines": _COMMON + _ZONE,
    "reference_lines": _COMMON,
    "positions": _COMMON + _POSITION,
    "position_lines": _COMMON + _POSITION,
    "uncertainty": _COMMON + _POSITION,
    "tracks": _COMMON + _TRACK,
    "incidents": _COMMON + _INCIDENT,
}
_POSITION_FAMILIES = ("positions", "position_lines", "uncertainty")
_VERDICTS = ("verdicts", "list")
#: Largest distance between a chord of an uncertainty disc and the circle, metres.
_DISC_SAGITTA_M = 1.0

_DESCRIPTIONS = {
    "zones": "Zone versions that are areas, with validity, holder and claimants",
    "zone_lines": "Zone versions known only as a line (partial zones)",
    "reference_lines": "Reference lines: median lines, shelf boundaries, baselines",
    "positions": "Incident positions (points); uncertainty_m is the radius",
    "position_lines": "Distance-only incident positions: lines of possible points",
    "uncertainty": "Geodesic uncertainty discs round the point positions",
    "tracks": "Incident tracks (observed or hypotheses)",
    "incidents": "Incidents: window, summary, sources",
}


class ExportError(AirmapError, ValueError):
    """An export cannot be made as asked (unknown format, incident, kind, bbox …)."""


# ----------------------------------------------------------------- arguments


def export_format(path: str | Path, format: str | None = None) -> str:
    """The output format: ``format`` if given, else implied by the file suffix.

    Parameters
    ----------
    path : str or Path
        The output file.
    format : {"geojson", "gpkg", "kml"}, optional
        The format; ``None`` takes it from the suffix (``.geojson``/``.json``,
        ``.gpkg``, ``.kml``, any case).

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    ExportError
        An unknown format, or no format and a suffix that implies none.

    Examples
    --------
    >>> export_format("dokdo.GPKG"), export_format("x.txt", "kml")
    ('gpkg', 'kml')
    """
    if format is not None:
        if format not in FORMATS:
            raise ExportError(
                f"unknown export format {format!r}; expected one of: "
                + ", ".join(FORMATS)
            )
        return format
    suffix = Path(path).suffix
    found = SUFFIXES.get(suffix.lower())
    if found is None:
        what = f"suffix {suffix!r}" if suffix else "no suffix"
        raise ExportError(
            f"{path}: {what} implies no export format; use "
            + ", ".join(SUFFIXES)
            + " or give the format ("
            + ", ".join(FORMATS)
            + ")"
        )
    return found


def check_target(path: str | Path) -> Path:
    """Fail early, as the atomic write would, if ``path`` cannot be written.

    Parameters
    ----------
    path : str or Path
        The output file.

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    airmap.geo.OutputPathError
        The directory does not exist or is not writable, or ``path`` is a
        directory (one line naming the target and the reason).
    """
    import os

    from airmap.geo import OutputPathError

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputPathError(f"{target}: cannot write: is a directory")
    if not directory.is_dir():
        what = "is not a directory" if directory.exists() else "does not exist"
        raise OutputPathError(f"{target}: cannot write: directory {directory} {what}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputPathError(
            f"{target}: cannot write: permission denied in {directory}"
        )
    return target


# --------------------------------------------------------------- antimeridian


def _unwrap(x: Any) -> Any:
    """Longitudes with every jump of more than 180° between neighbours removed.

    Shifts whole runs of vertices by multiples of 360°, so values that need no
    shift are returned bit for bit.
    """
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    if x.size < 2:
        return x
    turns = np.round(np.diff(x) / 360.0)
    if not turns.any():
        return x
    return x - 360.0 * np.concatenate([[0.0], np.cumsum(turns)])


def _unwrap_coords(coords: Any) -> Any:
    import numpy as np

    xy = np.array(coords, dtype=np.float64)
    xy[:, 0] = _unwrap(xy[:, 0])
    return xy


def _continuous(geometry: Any) -> Any:
    """The geometry with no edge spanning more than 180° of longitude.

    An edge that does is taken to cross the antimeridian (the short way); holes
    are moved by whole turns next to their exterior.
    """
    import numpy as np

    from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

    kind = geometry.geom_type
    if kind == "LineString":
        return LineString(_unwrap_coords(geometry.coords))
    if kind == "Polygon":
        shell = _unwrap_coords(geometry.exterior.coords)
        centre = (shell[:, 0].min() + shell[:, 0].max()) / 2.0
        holes = []
        for ring in geometry.interiors:
            hole = _unwrap_coords(ring.coords)
            hole[:, 0] -= 360.0 * np.round((hole[:, 0].mean() - centre) / 360.0)
            holes.append(hole)
        return Polygon(shell, holes)
    if kind == "MultiLineString":
        return MultiLineString([_continuous(g) for g in geometry.geoms])
    if kind == "MultiPolygon":
        return MultiPolygon([_continuous(g) for g in geometry.geoms])
    return geometry


def _has_jump(geometry: BaseGeometry) -> bool:
    import numpy as np

    import shapely

    for part in shapely.get_parts(geometry):
        rings = (
            [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        )
        for ring in rings:
            x = np.asarray(ring.coords)[:, 0]
            if x.size > 1 and np.any(np.abs(np.diff(x)) > 180.0):
                return True
    return False


class _Shift:
    """A coordinate transform moving longitudes by ``-dx`` degrees."""

    def __init__(self, dx: float) -> None:
        self.dx = dx

    def __call__(self, xy: Any) -> Any:
        out = xy.copy()
        out[:, 0] -= self.dx
        return out


def split_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    """Split a lon/lat geometry at ±180° into parts with longitudes in [-180, 180].

    Input longitudes may run on continuously past ±180° (175 → 185, how this
    project stores zones that cross it) or jump (179 → -179, how tracks come);
    an edge spanning more than 180° of longitude is taken to cross the
    antimeridian. The geometry is cut along the meridians ±180° (exact for edges
    that are straight in lon/lat; our geometries are densified) and each piece
    shifted by whole turns into [-180, 180], as RFC 7946 §3.1.9 asks.

    Parameters
    ----------
    geometry : shapely geometry
        Point, LineString, Polygon or their Multi* forms, in lon/lat degrees.
        Polygons must not contain a pole.

    Returns
    -------
    shapely geometry
        Points with their longitude wrapped into [-180, 180]; lines and polygons
        as the same type when nothing crosses, otherwise the Multi* type, the
        pieces meeting at ±180°. Polygon exteriors are counter-clockwise and holes
        clockwise either way (RFC 7946 §3.1.6).

    Examples
    --------
    >>> from shapely.geometry import LineString, Polygon
    >>> print(split_antimeridian(LineString([(179, 50), (-179, 52)])))
    MULTILINESTRING ((179 50, 180 51), (-180 51, -179 52))
    >>> cut = split_antimeridian(Polygon([(175, 50), (185, 50), (185, 54), (175, 54)]))
    >>> [tuple(round(b) for b in p.bounds) for p in cut.geoms]
    [(175, 50, 180, 54), (-180, 50, -175, 54)]
    """
    import math as _m

    import shapely
    from shapely.geometry import MultiLineString, MultiPolygon, Point, box
    from shapely.geometry.polygon import orient

    kind = geometry.geom_type
    if geometry.is_empty:
        return geometry
    if kind in ("Point", "MultiPoint"):

        def wrap(x: float, y: float) -> Point:
            return Point(x if -180.0 <= x <= 180.0 else (x + 180.0) % 360.0 - 180.0, y)

        points = [wrap(p.x, p.y) for p in shapely.get_parts(geometry)]
        return points[0] if kind == "Point" else shapely.MultiPoint(points)
    if kind not in ("LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        raise ExportError(f"cannot export a {kind}")
    polygonal = kind in ("Polygon", "MultiPolygon")
    g = _continuous(geometry) if _has_jump(geometry) else geometry
    minx, _, maxx, _ = g.bounds
    if -180.0 <= minx and maxx <= 180.0:
        pieces: list[Any] = list(shapely.get_parts(g))
    else:
        pieces = []
        for k in range(
            _m.floor((minx + 180.0) / 360.0), _m.floor((maxx + 180.0) / 360.0) + 1
        ):
            window = box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
            cut = shapely.intersection(g, window)
            if k:
                cut = shapely.transform(cut, _Shift(360.0 * k))
            pieces += [
                p
                for p in shapely.get_parts(cut)
                if p.geom_type == ("Polygon" if polygonal else "LineString")
                and not p.is_empty
            ]
    if polygonal:
        parts = [orient(p, 1.0) for p in pieces]
        if kind == "Polygon" and len(parts) == 1:
            return parts[0]
        return MultiPolygon(parts)
    if kind == "LineString" and len(pieces) == 1:
        single: BaseGeometry = pieces[0]
        return single
    return MultiLineString(pieces)


# ------------------------------------------------------------------ features


def _none_if_empty(text: str | None) -> str | None:
    return text if text else None


def _source_fields(ids: Iterable[str], sources: Mapping[str, Source]) -> dict[str, Any]:
    ids = list(ids)
    found = [sources.get(i) for i in ids]
    return {
        "sources": ids,
        "source_titles": [s.title if s is not None else "" for s in found],
        "source_urls": [s.url if s is not None else "" for s in found],
    }


def _common(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "declared_by": None,
        "holder": None,
        "claimants": [],
        "disputed": False,
        "edge_rule": None,
        "derivation": None,
        "uncertainty_m": None,
        "confidence": None,
        "note": None,
        "valid_from": None,
        "valid_to": None,
    }
    row.update(values)
    for key in ("derivation", "note", "declared_by", "holder", "edge_rule"):
        row[key] = _none_if_empty(row[key])
    return row


def _zone_rows(
    zones: ZoneCatalogue,
    when: dt.datetime | None,
    kinds: set[str] | None,
    sources: Mapping[str, Source],
) -> Iterable[dict[str, Any]]:
    for z in zones:
        if kinds is not None and z.kind.value not in kinds:
            continue
        for v in z.versions:
            if when is not None and not v.validity.contains(when):
                continue
            band = v.vertical
            yield _common(
                family="zones" if v.is_area else "zone_lines",
                id=v.key,
                name=z.name,
                kind=z.kind.value,
                valid_from=v.validity.start,
                valid_to=v.validity.end,
                declared_by=z.declared_by,
                holder=z.holder,
                claimants=list(z.claimants),
                disputed=z.disputed,
                edge_rule=v.edge_rule.value,
                derivation=v.derivation,
                uncertainty_m=v.uncertainty_m,
                confidence=v.confidence.value,
                note=v.note or z.note,
                zone_id=z.id,
                version=v.version,
                lower_ft=None if band is None else band.lower_ft,
                upper_ft=(
                    None if band is None or math.isinf(band.upper_ft) else band.upper_ft
                ),
                partial=v.partial,
                geometry=v.geometry,
                **_source_fields(v.sources or z.sources, sources),
            )


def _reference_rows(
    zones: ZoneCatalogue, when: dt.datetime | None, sources: Mapping[str, Source]
) -> Iterable[dict[str, Any]]:
    for ln in zones.reference_lines:
        if when is not None and not ln.validity.contains(when):
            continue
        yield _common(
            family="reference_lines",
            id=ln.id,
            name=ln.name,
            kind=REFERENCE_KIND,
            valid_from=ln.validity.start,
            valid_to=ln.validity.end,
            declared_by=ln.declared_by,
            edge_rule=ln.edge_rule.value,
            derivation=ln.derivation,
            uncertainty_m=ln.uncertainty_m,
            confidence=ln.confidence.value,
            note=ln.note,
            geometry=ln.geometry,
            **_source_fields(ln.sources, sources),
        )


def _verdict_texts(a: Assessment) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cv in a.claims:
        for r in cv.results:
            if r.check.subject:
                out.setdefault(r.check.subject, []).append(
                    f"{cv.claim.by} {cv.claim.role.value} {cv.claim.id}: "
                    f"{r.verdict.label} ({r.detail})"
                )
    return out


def _disc(p: Position) -> BaseGeometry:
    from airmap.geo import geodesic_circle

    radius = float(p.uncertainty_m)
    try:
        return geodesic_circle(
            p.lon,
            p.lat,
            radius,
            max_segment_m=math.sqrt(8.0 * radius * _DISC_SAGITTA_M),
        )
    except ValueError as exc:
        raise ExportError(f"position {p.id}: no uncertainty disc ({exc})") from None


def _incident_rows(
    incidents: IncidentCatalogue,
    chosen: Sequence[Incident],
    sources: Mapping[str, Source],
    verdicts: bool,
) -> Iterable[dict[str, Any]]:
    import numpy as np

    from shapely.geometry import LineString

    for inc in chosen:
        window = (inc.window.start, inc.window.end)
        in_conflict = any(c.conflicts_with for c in inc.claims)
        base = {
            "incident_id": inc.id,
            "disputed": in_conflict,
        }
        yield _common(
            family="incidents",
            id=inc.id,
            name=inc.title,
            kind="incident",
            valid_from=window[0],
            valid_to=window[1],
            confidence=inc.confidence.value,
            note=inc.note,
            time_zone=inc.window.time_zone,
            time_precision=inc.window.precision.value,
            summary=_none_if_empty(inc.summary),
            region=_none_if_empty(inc.region),
            positions=len(inc.positions),
            tracks=len(inc.tracks),
            claims=len(inc.claims),
            geometry=None,
            **base,
            **_source_fields(inc.sources, sources),
        )
        roles = position_roles(inc)
        texts = _verdict_texts(incidents.assess(inc.id)) if verdicts else {}
        for p in inc.positions:
            span = (p.at, p.at) if p.at is not None else window
            row = _common(
                id=f"{inc.id}/{p.id}",
                name=p.label,
                valid_from=span[0],
                valid_to=span[1],
                derivation=p.derivation,
                uncertainty_m=p.uncertainty_m,
                confidence=p.confidence.value,
                position_id=p.id,
                tag=p.tag.value,
                by=_none_if_empty(p.by),
                side=roles.get(p.id, "claim"),
                time=p.at,
                **base,
                **_source_fields(p.sources, sources),
            )
            if verdicts:
                row["verdicts"] = texts.get(p.id, [])
            if p.is_line:
                kind = "zone_offset" if p.is_offset else "distance_ring"
                yield row | {
                    "family": "position_lines",
                    "kind": kind,
                    "geometry": p.geometry,
                }
                continue
            yield row | {
                "family": "positions",
                "kind": "position",
                "geometry": p.geometry,
            }
            if p.uncertainty_m > 0:
                yield row | {
                    "family": "uncertainty",
                    "id": f"{inc.id}/{p.id}/uncertainty",
                    "kind": "uncertainty_disc",
                    "derivation": (
                        f"geodesic circle of radius {p.uncertainty_m:,.0f} m round "
                        f"the position; position: {p.derivation}"
                    ),
                    "geometry": _disc(p),
                }
        for t in inc.tracks:
            xy = np.column_stack([t.lon, t.lat])
            if len(xy) == 1:  # one sample: a zero-length line at it
                xy = np.vstack([xy, xy])
            unc = t.uncertainty_m
            yield _common(
                family="tracks",
                id=f"{inc.id}/{t.id}",
                name=t.id,
                kind="track_hypothesis" if t.hypothesis else "track",
                valid_from=t.start,
                valid_to=t.end,
                derivation=t.hypothesis or "observed samples",
                uncertainty_m=None if unc is None else float(np.max(unc)),
                track_id=t.id,
                hypothesis=bool(t.hypothesis),
                samples=len(t),
                times=[_iso(_utc64(x)) for x in t.time],
                geometry=LineString(xy),
                **base,
                **_source_fields(t.sources, sources),
            )


def _utc64(value: Any) -> dt.datetime:
    import numpy as np

    us = int(np.datetime64(value, "us").astype(np.int64))
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


def _iso(t: dt.datetime) -> str:
    """An aware instant as ISO 8601 UTC with ``Z`` (seconds, or microseconds)."""
    t = t.astimezone(dt.UTC)
    spec = "microseconds" if t.microsecond else "seconds"
    return t.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _collect(
    zones: ZoneCatalogue | None,
    incidents: IncidentCatalogue | None,
    incident_ids: Sequence[str] | None,
    when: dt.datetime | None,
    kinds: Sequence[str] | None,
    bbox: Sequence[float] | None,
    verdicts: bool,
) -> dict[str, list[dict[str, Any]]]:
    """Rows (plain values, geometry split at ±180°) per family, filtered."""
    from airmap.incidents import IncidentCatalogue, UnknownIncidentError
    from airmap.layers import ZoneCatalogue, ZoneKind

    if when is not None:
        if not isinstance(when, dt.datetime):
            raise ExportError(f"when must be a datetime, got {type(when).__name__}")
        if when.tzinfo is None or when.utcoffset() is None:
            raise ExportError(
                f"when {when.isoformat()} is naive: give a time zone or UTC offset"
            )
        when = when.astimezone(dt.UTC)
    wanted_kinds: set[str] | None = None
    if kinds is not None:
        known = [k.value for k in ZoneKind] + [REFERENCE_KIND]
        for k in kinds:
            if k not in known:
                raise ExportError(
                    f"unknown zone kind {k!r}; expected one of: {', '.join(known)}"
                )
        wanted_kinds = set(kinds)
    try:
        box = check_bbox(bbox) if bbox is not None else None
    except BBoxError as exc:
        raise ExportError(str(exc)) from None
    if isinstance(incident_ids, str):
        raise ExportError("incident_ids must be a sequence of ids, not one string")
    if incidents is None and incident_ids != []:
        incidents = IncidentCatalogue.default()
    if zones is None:
        zones = incidents.zones if incidents is not None else ZoneCatalogue.default()
    chosen: list[Incident] = []
    if incidents is not None:
        if incident_ids is None:
            chosen = list(incidents)
        else:
            try:
                chosen = [incidents.get(i) for i in dict.fromkeys(incident_ids)]
            except UnknownIncidentError as exc:
                raise ExportError(str(exc)) from None
    sources: dict[str, Source] = dict(zones.sources)
    if incidents is not None:
        sources.update(incidents.sources)

    rows: dict[str, list[dict[str, Any]]] = {f: [] for f in FAMILIES}
    for row in _zone_rows(zones, when, wanted_kinds, sources):
        rows[row["family"]].append(row)
    if wanted_kinds is None or REFERENCE_KIND in wanted_kinds:
        rows["reference_lines"] += _reference_rows(zones, when, sources)
    if incidents is not None:
        for row in _incident_rows(incidents, chosen, sources, verdicts):
            rows[row["family"]].append(row)
    for family, family_rows in rows.items():
        for row in family_rows:
            if row["geometry"] is not None:
                row["geometry"] = split_antimeridian(row["geometry"])
            if verdicts and family in _POSITION_FAMILIES:
                row.setdefault("verdicts", [])
    if box is not None:
        rows = _in_box(rows, box)
    return {f: r for f, r in rows.items() if r}


def _in_box(
    rows: dict[str, list[dict[str, Any]]], bbox: tuple[float, float, float, float]
) -> dict[str, list[dict[str, Any]]]:
    import shapely

    area = shapely.box(*bbox)
    out: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for family, family_rows in rows.items():
        if family == "incidents":
            continue
        out[family] = [
            r
            for r in family_rows
            if r["geometry"] is not None and shapely.intersects(r["geometry"], area)
        ]
        seen.update(r["incident_id"] for r in out[family] if r.get("incident_id"))
    out["incidents"] = [r for r in rows["incidents"] if r["id"] in seen]
    return {f: out[f] for f in FAMILIES}


def _fields(family: str, verdicts: bool) -> tuple[tuple[str, str], ...]:
    fields = FIELDS[family]
    if verdicts and family in _POSITION_FAMILIES:
        fields = (*fields, _VERDICTS)
    return fields


def _frame(family: str, rows: list[dict[str, Any]], verdicts: bool) -> gpd.GeoDataFrame:
    import numpy as np
    import pandas as pd

    import geopandas as gpd

    data: dict[str, Any] = {}
    for name, kind in _fields(family, verdicts):
        values: list[Any] = [r.get(name) for r in rows]
        if kind == "datetime":
            stamps: list[Any] = [
                pd.NaT if v is None else pd.Timestamp(v).tz_convert("UTC")
                for v in values
            ]
            data[name] = pd.Series(stamps, dtype="datetime64[ns, UTC]")
        elif kind == "float":
            data[name] = np.array(
                [np.nan if v is None else float(v) for v in values], dtype=np.float64
            )
        elif kind == "int":
            data[name] = np.array(values, dtype=np.int64)
        elif kind == "bool":
            data[name] = np.array(values, dtype=bool)
        elif kind == "list":
            column = np.empty(len(values), dtype=object)
            column[:] = [list(v) for v in values]
            data[name] = column
        else:
            data[name] = pd.Series(values, dtype=object)
    return gpd.GeoDataFrame(
        data, geometry=[r["geometry"] for r in rows], crs="EPSG:4326"
    )


def export_features(
    *,
    zones: ZoneCatalogue | None = None,
    incidents: IncidentCatalogue | None = None,
    incident_ids: Sequence[str] | None = None,
    when: dt.datetime | None = None,
    kinds: Sequence[str] | None = None,
    bbox: Sequence[float] | None = None,
    verdicts: bool = False,
) -> dict[str, gpd.GeoDataFrame]:
    """The features an export writes, one GeoDataFrame per family.

    Parameters
    ----------
    zones : ZoneCatalogue, optional
        The zones (default: ``incidents.zones``, or the shipped zones).
    incidents : IncidentCatalogue, optional
        The incidents (default: the shipped ones).
    incident_ids : sequence of str, optional
        Only these incidents (default: all; ``[]``: none).
    when : datetime, optional
        Only the zone versions and reference lines in force at this aware
        instant (incidents are not filtered by it).
    kinds : sequence of str, optional
        Only zones of these kinds (``adiz``, ``territorial_airspace``, ``fir``,
        ``claimed_airspace``); ``reference_line`` keeps the reference lines,
        which are otherwise left out when ``kinds`` is given.
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Only features intersecting this box, degrees; incident records are kept
        when one of their features is.
    verdicts : bool
        Add ``verdicts`` to the position families: the computed verdict of each
        claim that checks the position (runs the geometry checks of
        :meth:`IncidentCatalogue.assess`, which takes seconds for the seeds).

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        Families in :data:`FAMILIES` order, only those with features; columns as
        in :data:`FIELDS` (datetimes ``datetime64[ns, UTC]``, lists as Python
        lists), geometries in EPSG:4326 split at ±180° with RFC 7946 ring
        orientation (``None`` for ``incidents``).

    Raises
    ------
    ExportError
        An unknown incident id (suggesting close ones) or zone kind, a naive
        ``when``, or a bad ``bbox``.

    Examples
    --------
    >>> fams = export_features(incident_ids=["2019-07-23-dokdo"])
    >>> list(fams)
    ['zones', 'zone_lines', 'reference_lines', 'positions', 'position_lines',
     'uncertainty', 'tracks', 'incidents']
    >>> z = fams["zones"].set_index("id")
    >>> print(z.loc["kadiz@1951", "valid_to"], z.loc["kadiz@2013", "valid_to"])
    2013-12-15 05:00:00+00:00 NaT
    >>> z.loc["ta-dokdo@1978", "claimants"], z.loc["ta-dokdo@1978", "holder"]
    (['KOR', 'JPN'], 'KOR')
    """
    rows = _collect(zones, incidents, incident_ids, when, kinds, bbox, verdicts)
    return {f: _frame(f, r, verdicts) for f, r in rows.items()}


# -------------------------------------------------------------------- writers


def _records(
    frames: Mapping[str, gpd.GeoDataFrame],
) -> Iterable[tuple[str, dict[str, Any]]]:
    """(family, plain properties + geometry) for every feature, in order."""
    import pandas as pd

    for family, frame in frames.items():
        columns = [c for c in frame.columns if c != frame.geometry.name]
        for geometry, values in zip(
            frame.geometry,
            frame[columns].itertuples(index=False, name=None),
            strict=True,
        ):
            props: dict[str, Any] = {}
            for name, value in zip(columns, values, strict=True):
                props[name] = _plain(value, pd)
            props["geometry"] = geometry
            yield family, props


def _plain(value: Any, pd: Any) -> Any:
    """A cell as a plain JSON-able value; datetimes stay aware datetimes."""
    import numpy as np

    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v, pd) for v in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _write_geojson(path: Path, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    from shapely.geometry import mapping

    lines = []
    for _, props in _records(frames):
        geometry = props.pop("geometry")
        feature = {
            "type": "Feature",
            "geometry": None if geometry is None else mapping(geometry),
            "properties": {k: _json_value(v) for k, v in props.items()},
        }
        lines.append(json.dumps(feature, ensure_ascii=False, allow_nan=False))
    text = '{"type": "FeatureCollection", "features": [\n'
    text += ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def _write_gpkg(path: Path, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    import pyogrio  # type: ignore[import-untyped]

    path.unlink(missing_ok=True)  # GDAL creates the file itself
    for family, frame in frames.items():
        out = frame.copy()
        for name, kind in _fields(family, "verdicts" in frame.columns):
            if kind == "list":
                out[name] = [json.dumps(v, ensure_ascii=False) for v in frame[name]]
        if family == "incidents":
            out = out.drop(columns=out.geometry.name).pipe(_as_dataframe)
        pyogrio.write_dataframe(
            out,
            path,
            layer=family,
            driver="GPKG",
            layer_options={"DESCRIPTION": _DESCRIPTIONS[family]},
        )


def _as_dataframe(frame: Any) -> Any:
    import pandas as pd

    return pd.DataFrame(frame)


# ------------------------------------------------------------------------ KML

KML_NS = "http://www.opengis.net/kml/2.2"
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_KML_TYPES = {"float": "double", "int": "int", "bool": "bool"}


def _xml_text(text: str) -> str:
    """Text XML 1.0 can carry unchanged through a parser (see the module notes)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _XML_BAD.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        text = _XML_BAD.sub("\ufffd", text)
    return text


def _kml_colour(hex_colour: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` and an opacity as KML's ``aabbggrr``."""
    r, g, b = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"{round(opacity * 255):02x}{b}{g}{r}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    import xml.etree.ElementTree as ET

    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = _xml_text(text)
    return el


def _style_for(family: str, props: Mapping[str, Any]) -> str:
    if family in ("zones", "zone_lines"):
        return f"zone-{props['kind']}" + ("-disputed" if props["disputed"] else "")
    if family == "reference_lines":
        return "reference-line"
    if family == "positions":
        return f"position-{props['side']}"
    if family == "position_lines":
        return f"position-line-{props['side']}"
    if family == "uncertainty":
        return f"uncertainty-{props['side']}-{props['tag']}"
    if family == "tracks":
        return "track-hypothesis" if props["hypothesis"] else "track"
    return "incident"


def _style(doc: ET.Element, style_id: str) -> None:
    """Append the ``<Style>`` with this id (colours as in the HTML map)."""
    import xml.etree.ElementTree as ET

    style = ET.SubElement(doc, "Style", id=style_id)

    def line(colour: str, width: float) -> None:
        ls = _sub(style, "LineStyle")
        _sub(ls, "color", _kml_colour(colour))
        _sub(ls, "width", f"{width:g}")

    def fill(colour: str, opacity: float) -> None:
        ps = _sub(style, "PolyStyle")
        _sub(ps, "color", _kml_colour(colour, opacity))

    parts = style_id.split("-")
    if parts[0] == "zone":
        colour = kind_colour(parts[1])
        line(colour, 3 if style_id.endswith("-disputed") else 2)
        fill(colour, ZONE_FILL_OPACITY)
    elif style_id == "reference-line":
        line(str(REFERENCE_STYLE["color"]), float(REFERENCE_STYLE["weight"]))  # type: ignore[arg-type]
    elif parts[0] == "position" and parts[1] == "line":
        line(SIDE_COLOUR.get(parts[2], SIDE_COLOUR["claim"]), 3)
    elif parts[0] == "position":
        icon = _sub(style, "IconStyle")
        _sub(
            icon, "color", _kml_colour(SIDE_COLOUR.get(parts[1], SIDE_COLOUR["claim"]))
        )
    elif parts[0] == "uncertainty":
        colour = SIDE_COLOUR.get(parts[1], SIDE_COLOUR["claim"])
        line(colour, 2)
        fill(colour, TAG_STYLE.get(parts[2], ("", 0.2))[1])
    elif parts[0] == "track":
        line(TRACK_COLOUR, 2)
    balloon = _sub(style, "BalloonStyle")
    _sub(balloon, "text", "$[description]")


def _coords(xy: Any) -> str:
    return " ".join(f"{float(x)!r},{float(y)!r}" for x, y in xy)


def _kml_geometry(parent: ET.Element, geometry: BaseGeometry) -> None:
    import shapely

    kind = geometry.geom_type
    if kind.startswith("Multi"):
        multi = _sub(parent, "MultiGeometry")
        for part in shapely.get_parts(geometry):
            _kml_geometry(multi, part)
    elif kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords(geometry.coords))
    elif kind == "LineString":
        _sub(_sub(parent, "LineString"), "coordinates", _coords(geometry.coords))
    elif kind == "Polygon":
        poly = _sub(parent, "Polygon")
        outer = _sub(_sub(poly, "outerBoundaryIs"), "LinearRing")
        _sub(outer, "coordinates", _coords(geometry.exterior.coords))  # type: ignore[attr-defined]
        for ring in geometry.interiors:  # type: ignore[attr-defined]
            inner = _sub(_sub(poly, "innerBoundaryIs"), "LinearRing")
            _sub(inner, "coordinates", _coords(ring.coords))
    else:  # pragma: no cover - split_antimeridian refuses other types
        raise ExportError(f"cannot write a {kind} to KML")


def _row(label: str, value: str) -> str:
    return f"<b>{display_text(label)}</b> {display_text(value)}"


def _span_text(start: dt.datetime | None, end: dt.datetime | None) -> str:
    def fmt(t: dt.datetime | None) -> str:
        return (
            "open"
            if t is None
            else t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        )

    return (
        fmt(start)
        if start == end and start is not None
        else f"{fmt(start)} – {fmt(end)}"
    )


def _description(family: str, p: Mapping[str, Any]) -> str:
    """The placemark's balloon: HTML whose every data value is escaped."""
    rows = [f"<b>{display_text(p['name'] or '')}</b>", _row("id", p["id"])]
    zone = family in ("zones", "zone_lines")
    rows.append(
        _row("kind", p["kind"] + (" (DISPUTED)" if zone and p["disputed"] else ""))
    )
    if not zone and p["disputed"]:
        rows.append(_row("accounts", "in conflict (see the incident's claims)"))
    if family in ("zones", "zone_lines", "reference_lines"):
        rows.append(_row("in force", _span_text(p["valid_from"], p["valid_to"])))
    else:
        rows.append(_row("when", _span_text(p["valid_from"], p["valid_to"])))
    if p["declared_by"]:
        rows.append(_row("declared by", p["declared_by"]))
    if zone:
        rows.append(_row("held by", p["holder"] or "—"))
        rows.append(_row("claimed by", ", ".join(p["claimants"])))
        if p["partial"]:
            rows.append(_row("partial", "only part of this zone is known"))
    if family in _POSITION_FAMILIES:
        rows.append(_row("incident", p["incident_id"]))
        who = f", account of {p['by']} ({p['side']})" if p["by"] else ""
        rows.append(_row("position", f"{p['position_id']} [{p['tag']}]{who}"))
    if family == "tracks":
        rows.append(_row("incident", p["incident_id"]))
        rows.append(_row("samples", str(p["samples"])))
    if family == "incidents":
        rows.append(_row("time zone", p["time_zone"] or ""))
        if p["summary"]:
            rows.append(_row("summary", p["summary"]))
    if p["edge_rule"]:
        rows.append(_row("edge rule", p["edge_rule"]))
    if p["uncertainty_m"] is not None:
        rows.append(_row("uncertainty", f"± {p['uncertainty_m']:,.0f} m"))
    if p["confidence"]:
        rows.append(_row("confidence", p["confidence"]))
    if p["derivation"]:
        rows.append(_row("derivation", p["derivation"]))
    if p["note"]:
        rows.append(_row("note", p["note"]))
    for text in p.get("verdicts") or ():
        rows.append(_row("verdict", text))
    links = []
    for sid, title, url in zip(
        p["sources"], p["source_titles"], p["source_urls"], strict=True
    ):
        href = safe_url(url)
        label = display_text(title or sid)
        links.append(label if href is None else f'<a href="{href}">{label}</a>')
    if links:
        rows.append("<b>sources</b><br>" + "<br>".join(links))
    return "<br>".join(rows)


def _kml_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return _iso(value)
    if isinstance(value, list):
        return json.dumps(_json_value(value), ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_kml(path: Path, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    import xml.etree.ElementTree as ET

    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", "airmap export")
    _sub(
        doc,
        "description",
        display_text(
            "Airspace zones and incidents exported by airmap, with validity (UTC), "
            "holders, claimants, derivation, uncertainty and sources per feature."
        ),
    )
    styles: list[str] = []
    folders: dict[str, ET.Element] = {}
    for family, props in _records(frames):
        if family not in folders:
            folders[family] = folder = ET.Element("Folder")
            _sub(folder, "name", family)
            _sub(folder, "description", display_text(_DESCRIPTIONS[family]))
        pm = _sub(folders[family], "Placemark")
        pm.set("id", _xml_text(props["id"]))  # GDAL's convention: the field "id"
        _sub(pm, "name", props["name"] or props["id"])
        _sub(pm, "description", _description(family, props))
        begin, end = props["valid_from"], props["valid_to"]
        if begin is not None or end is not None:
            span = _sub(pm, "TimeSpan")
            if begin is not None:
                _sub(span, "begin", _iso(begin))
            if end is not None:
                _sub(span, "end", _iso(end))
        style_id = _style_for(family, props)
        if style_id not in styles:
            styles.append(style_id)
        _sub(pm, "styleUrl", f"#{style_id}")
        data = _sub(_sub(pm, "ExtendedData"), "SchemaData")
        data.set("schemaUrl", f"#schema-{family}")
        for name, _ in _fields(family, "verdicts" in frames[family].columns):
            if name in ("id", "name"):
                continue
            text = _kml_value(props[name])
            if text is not None:
                _sub(data, "SimpleData", text).set("name", name)
        if props["geometry"] is not None:
            _kml_geometry(pm, props["geometry"])
    for style_id in styles:
        _style(doc, style_id)
    for family, frame in frames.items():
        schema = ET.SubElement(doc, "Schema", name=family, id=f"schema-{family}")
        for name, kind in _fields(family, "verdicts" in frame.columns):
            if name not in ("id", "name"):
                ET.SubElement(
                    schema,
                    "SimpleField",
                    name=name,
                    type=_KML_TYPES.get(kind, "string"),
                )
    doc.extend(folders.values())
    ET.indent(root, space=" ")
    with path.open("wb") as fh:
        ET.ElementTree(root).write(fh, encoding="utf-8", xml_declaration=True)
        fh.write(b"\n")


_WRITERS = {"geojson": _write_geojson, "gpkg": _write_gpkg, "kml": _write_kml}


def write_export(
    path: str | Path,
    features: Mapping[str, gpd.GeoDataFrame],
    *,
    format: str | None = None,
) -> Path:
    """Write feature families (from :func:`export_features`) to one file, atomically.

    Parameters
    ----------
    path : str or Path
        The output file; written to a temporary file beside it and renamed into
        place, so an error leaves no file (and an existing one as it was).
    features : mapping of str to GeoDataFrame
        Families as :func:`export_features` returns them.
    format : {"geojson", "gpkg", "kml"}, optional
        Default: from the suffix (:func:`export_format`).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        Unknown format or family, or nothing to export.
    airmap.geo.OutputPathError
        The directory does not exist or cannot be written, or ``path`` is a
        directory.
    """
    from airmap.geo import atomic_path

    fmt = export_format(path, format)
    unknown = [f for f in features if f not in FAMILIES]
    if unknown:
        raise ExportError(
            f"unknown feature families {unknown}; expected some of: {', '.join(FAMILIES)}"
        )
    frames = {f: features[f] for f in FAMILIES if f in features and len(features[f])}
    if not frames:
        raise ExportError("nothing to export: no zone, line or incident is selected")
    target = Path(path)
    with atomic_path(target) as tmp:
        try:
            _WRITERS[fmt](tmp, frames)
        except OSError as exc:
            raise ExportError(f"{target}: cannot write {fmt}: {exc}") from None
    return target


def export(
    path: str | Path,
    *,
    format: str | None = None,
    zones: ZoneCatalogue | None = None,
    incidents: IncidentCatalogue | None = None,
    incident_ids: Sequence[str] | None = None,
    when: dt.datetime | None = None,
    kinds: Sequence[str] | None = None,
    bbox: Sequence[float] | None = None,
    verdicts: bool = False,
) -> Path:
    """Export zones, reference lines and incidents to GeoJSON, GeoPackage or KML.

    The selection arguments are those of :func:`export_features`; the file is
    written by :func:`write_export` (atomically). The module notes describe the
    families, fields and encodings.

    Parameters
    ----------
    path : str or Path
        The output file.
    format : {"geojson", "gpkg", "kml"}, optional
        Default: from the suffix (``.geojson``/``.json``, ``.gpkg``, ``.kml``).
    zones, incidents, incident_ids, when, kinds, bbox, verdicts
        See :func:`export_features`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ExportError
        A bad argument (checked before anything is written), or nothing to export.
    airmap.geo.OutputPathError
        The target cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib, pyogrio
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "dokdo.gpkg"
    >>> export(out, incident_ids=["2019-07-23-dokdo"], kinds=["territorial_airspace"])
    PosixPath('.../dokdo.gpkg')
    >>> pyogrio.list_layers(out)[:, 0].tolist()
    ['zones', 'positions', 'position_lines', 'uncertainty', 'tracks', 'incidents']
    """
    fmt = export_format(path, format)
    check_target(path)
    features = export_features(
        zones=zones,
        incidents=incidents,
        incident_ids=incident_ids,
        when=when,
        kinds=kinds,
        bbox=bbox,
        verdicts=verdicts,
    )
    return write_export(path, features, format=fmt)
