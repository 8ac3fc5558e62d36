"""Read and validate zone files: the shipped seeds and users' own files.

Every problem is collected with the file, the record and the field it concerns, so
that ``airmap zones validate`` can report all of them at once; loading raises
:class:`~airmap.geo.ValidationError` carrying the full list.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from airmap.geo import (
    AltitudeBand,
    CoordinateError,
    EdgeRule,
    Problem,
    Source,
    ValidationError,
    densify,
    distance_m,
    parse_position,
)

from ._model import AltPrinted, ReferenceLine, Vertex, Zone, ZoneKind, ZoneVersion
from ._records import ID_RE as _ID_RE
from ._records import File as _File
from ._records import Rec as _Rec
from ._records import known_isos as _known_isos
from ._records import read_sources as _read_sources
from ._records import read_text_document as _read_text_document

__all__ = [
    "DENSIFY_MAX_SEGMENT_M",
    "PRINTED_TOLERANCE_DEG",
    "LoadResult",
    "load_files",
    "load_seeds",
    "validate_file",
]

#: Largest difference allowed between a printed coordinate and its stored decimal,
#: degrees (about 1 m). Decimals are stored to 6 places, so a larger difference is a
#: transcription error.
PRINTED_TOLERANCE_DEG = 1e-5
#: Published edges are densified so consecutive vertices are at most this far apart.
DENSIFY_MAX_SEGMENT_M = 5_000.0

_ISO_RE = re.compile(r"^[A-Z]{3}$")
_SEEDS_PACKAGE = "airmap.seeds"


# --------------------------------------------------------------------------- input


def _open_user_file(path: Path) -> _File:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _File(name, {}, None, [Problem(name, "no such file")])
    except IsADirectoryError:
        return _File(name, {}, None, [Problem(name, "is a directory, not a file")])
    except UnicodeDecodeError as exc:
        return _File(name, {}, None, [Problem(name, f"not UTF-8 text ({exc.reason})")])
    except OSError as exc:
        return _File(name, {}, None, [Problem(name, f"cannot read: {exc.strerror}")])
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json", ".geojson"):
        return _File(
            name,
            {},
            None,
            [
                Problem(
                    name,
                    f"unknown file type {suffix or '(none)'!r}; use .toml, .json or .geojson",
                )
            ],
        )
    data, problem = _read_text_document(
        name, text, ".toml" if suffix == ".toml" else ".json"
    )
    if problem is not None:
        return _File(name, {}, None, [problem])
    if not text.strip():
        return _File(name, {}, None, [Problem(name, "file is empty")])
    f = _File(name, {}, path.parent)
    if not isinstance(data, dict):
        f.add("top level must be a table/object")
        return f
    if data.get("type") == "FeatureCollection":
        f.data = _geojson_to_seed(f, data)
    else:
        f.data = data
    return f


def _seed_files() -> Iterator[tuple[str, Traversable]]:
    root = resources.files(_SEEDS_PACKAGE)
    for sub in ("sources", "zones"):
        folder = root / sub
        entries = sorted(
            (e for e in folder.iterdir() if e.name.endswith(".toml")),
            key=lambda e: e.name,
        )
        for entry in entries:
            yield f"seeds/{sub}/{entry.name}", entry


def _open_seed_file(name: str, entry: Traversable) -> _File:
    data, problem = _read_text_document(
        name, entry.read_text(encoding="utf-8"), ".toml"
    )
    base = resources.files(_SEEDS_PACKAGE)
    if problem is not None:
        return _File(name, {}, base, [problem])
    return _File(name, data, base)


# ----------------------------------------------------------------- GeoJSON variant

_ZONE_KEYS = (
    "id",
    "name",
    "kind",
    "declared_by",
    "holder",
    "claimants",
    "confidence",
    "note",
)


def _geojson_to_seed(f: _File, fc: dict[str, Any]) -> dict[str, Any]:
    """Turn a FeatureCollection of zone versions into the seed structure."""
    out: dict[str, Any] = {"source": {}, "zone": []}
    top_sources = fc.get("sources", {})
    if isinstance(top_sources, dict):
        out["source"].update(top_sources)
    elif top_sources:
        f.add("must be an object of sources keyed by id", field="sources")
    feats = fc.get("features")
    if not isinstance(feats, list) or not feats:
        f.add("a FeatureCollection needs a non-empty 'features' list", field="features")
        return out
    zones: dict[str, dict[str, Any]] = {}
    for i, feat in enumerate(feats, start=1):
        rec = f"feature {i}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            f.add("is not a GeoJSON Feature", record=rec)
            continue
        props = feat.get("properties")
        if not isinstance(props, dict):
            f.add(
                "a zone feature needs a properties object",
                record=rec,
                field="properties",
            )
            continue
        zid = props.get("id")
        if not isinstance(zid, str) or not zid:
            f.add("missing zone id", record=rec, field="id")
            continue
        srcs = props.get("sources", [])
        ids: list[Any] = []
        if isinstance(srcs, list):
            for s in srcs:
                if isinstance(s, dict) and isinstance(s.get("id"), str):
                    out["source"][s["id"]] = {k: v for k, v in s.items() if k != "id"}
                    ids.append(s["id"])
                else:
                    ids.append(s)
        else:
            ids = srcs
        version = {k: v for k, v in props.items() if k not in _ZONE_KEYS}
        version["sources"] = ids
        if "confidence" in props:
            version["confidence"] = props["confidence"]
        version["geometry"] = feat.get("geometry")
        version.setdefault("version", "1")
        zone = zones.get(zid)
        if zone is None:
            zone = {k: props[k] for k in _ZONE_KEYS if k in props}
            zone.setdefault("sources", ids)
            zone["version"] = []
            zone["_record"] = rec
            zones[zid] = zone
            out["zone"].append(zone)
        else:
            for k in _ZONE_KEYS:
                if k in props and k in zone and props[k] != zone[k]:
                    f.add(
                        f"differs from {zone['_record']} of the same zone "
                        f"({props[k]!r} vs {zone[k]!r})",
                        record=f"{rec} (zone {zid})",
                        field=k,
                    )
        zone["version"].append(version)
    for zone in zones.values():
        zone.pop("_record", None)
    return out


# ----------------------------------------------------------------- field readers


# --------------------------------------------------------------------- vertices


def _parse_printed(text: str) -> tuple[float, float]:
    pos = parse_position(text)
    return float(pos.lon), float(pos.lat)


def _read_vertex(f: _File, body: Any, record: str) -> Vertex | None:
    r = _Rec(f, body, record)
    if not r.ok:
        return None
    r.check_keys(
        ("printed", "lat", "lon", "sources", "confidence", "name", "note", "alt")
    )
    printed = r.text("printed")
    lat = r.number("lat")
    lon = r.number("lon")
    sources = r.strings("sources")
    if "sources" in r.data and not sources and isinstance(r.data["sources"], list):
        r.add("sources", "cites no source; every vertex needs at least one")
    conf = r.confidence()
    if not math.isnan(lat) and not -90.0 <= lat <= 90.0:
        r.add("lat", f"{lat:g} is outside -90..90")
        lat = math.nan
    if not math.isnan(lon) and not -180.0 <= lon <= 360.0:
        r.add("lon", f"{lon:g} is outside -180..360")
        lon = math.nan
    if printed and not (math.isnan(lat) or math.isnan(lon)):
        try:
            plon, plat = _parse_printed(printed)
        except CoordinateError as exc:
            r.add("printed", exc.reason if hasattr(exc, "reason") else str(exc))
        else:
            # longitudes may be stored past 180 for zones that cross the antimeridian
            dlon = (lon - plon + 180.0) % 360.0 - 180.0
            if abs(lat - plat) > PRINTED_TOLERANCE_DEG:
                off = distance_m(plon, plat, plon, lat)
                r.add(
                    "lat",
                    f"stored {lat:.6f} but printed {printed!r} gives {plat:.6f} "
                    f"({off / 1000:.2f} km apart): a transcription error?",
                )
            if abs(dlon) > PRINTED_TOLERANCE_DEG:
                off = distance_m(plon, plat, plon + dlon, plat)
                r.add(
                    "lon",
                    f"stored {lon:.6f} but printed {printed!r} gives {plon:.6f} "
                    f"({off / 1000:.2f} km apart): a transcription error?",
                )
    alts: list[AltPrinted] = []
    raw_alts = r.data.get("alt", [])
    if not isinstance(raw_alts, list):
        r.add("alt", "must be a list of tables")
        raw_alts = []
    for j, alt_body in enumerate(raw_alts, start=1):
        a = _Rec(f, alt_body, f"{record}, alt {j}")
        if not a.ok:
            continue
        a.check_keys(("printed", "sources", "agrees", "note"))
        aprinted = a.text("printed")
        asources = a.strings("sources")
        agrees = a.data.get("agrees")
        if not isinstance(agrees, bool):
            a.add("agrees", "must be true or false")
            agrees = True
        if aprinted and not (math.isnan(lat) or math.isnan(lon)):
            try:
                alon, alat = _parse_printed(aprinted)
            except CoordinateError as exc:
                a.add("printed", exc.reason)
            else:
                same = (
                    abs(alat - lat) <= PRINTED_TOLERANCE_DEG
                    and abs((alon - lon + 180.0) % 360.0 - 180.0)
                    <= PRINTED_TOLERANCE_DEG
                )
                if same != agrees:
                    a.add(
                        "agrees",
                        f"says {str(agrees).lower()} but {aprinted!r} parses to "
                        f"{alat:.6f}, {alon:.6f} against the vertex's {lat:.6f}, {lon:.6f}",
                    )
        alts.append(
            AltPrinted(aprinted, asources, bool(agrees), a.text("note", required=False))
        )
    if not printed or math.isnan(lat) or math.isnan(lon):
        return None
    return Vertex(
        printed=printed,
        lon=lon,
        lat=lat,
        sources=sources,
        confidence=conf,
        name=r.text("name", required=False),
        note=r.text("note", required=False),
        alts=tuple(alts),
    )


def _read_vertices(f: _File, r: _Rec, key: str) -> tuple[Vertex, ...] | None:
    raw = r.data.get(key)
    if raw is None:
        return None
    if not isinstance(raw, list):
        r.add(key, "must be a list of tables")
        return ()
    out = []
    bad = False
    for i, body in enumerate(raw, start=1):
        v = _read_vertex(f, body, f"{r.record}, {key} {i}")
        if v is None:
            bad = True
        else:
            out.append(v)
    return None if bad else tuple(out)


# ------------------------------------------------------------------- geometry


def _ring_problems(coords: list[Any], where: str) -> list[str]:
    out = []
    if len(coords) < 4:
        out.append(
            f"{where} has {len(coords)} positions; a closed ring needs at least 4"
        )
        return out
    if list(coords[0]) != list(coords[-1]):
        out.append(
            f"{where} is not closed: first position {list(coords[0])} "
            f"differs from last {list(coords[-1])}"
        )
    return out


def _check_geojson_rings(geom: Mapping[str, Any]) -> list[str]:
    """Problems with the raw rings of a GeoJSON (Multi)Polygon (before shapely)."""
    gtype = geom.get("type")
    coords = geom.get("coordinates")
    if gtype not in ("Polygon", "MultiPolygon"):
        return [f"must be a Polygon or MultiPolygon, got {gtype!r}"]
    if not isinstance(coords, list) or not coords:
        return ["has no coordinates"]
    polys = [coords] if gtype == "Polygon" else coords
    out: list[str] = []
    for pi, poly in enumerate(polys):
        if not isinstance(poly, list) or not poly:
            out.append(f"polygon {pi + 1} has no rings")
            continue
        for ri, ring in enumerate(poly):
            name = "outer ring" if ri == 0 else f"hole {ri}"
            where = f"polygon {pi + 1} {name}" if gtype == "MultiPolygon" else name
            if not isinstance(ring, list) or not all(
                isinstance(p, list)
                and len(p) >= 2
                and all(
                    isinstance(c, (int, float)) and not isinstance(c, bool)
                    for c in p[:2]
                )
                for p in ring
            ):
                out.append(f"{where} has positions that are not [lon, lat] numbers")
                continue
            out.extend(_ring_problems(ring, where))
            for p in ring:
                if not (-90.0 <= p[1] <= 90.0):
                    out.append(f"{where} has latitude {p[1]} outside -90..90")
                    break
    return out


def _validity_reason(geom: BaseGeometry) -> str | None:
    if geom.is_empty:
        return "geometry is empty"
    if not shapely.is_valid(geom):
        return f"geometry is not valid: {shapely.is_valid_reason(geom)}"
    return None


def _load_geometry_ref(f: _File, r: _Rec, key: str) -> BaseGeometry | None:
    """A geometry given by path (seed-relative or file-relative) or inline object."""
    value = r.data.get(key)
    where = key
    if isinstance(value, str):
        if f.base is None:
            r.add(key, "cannot resolve a geometry path here")
            return None
        target = f.base.joinpath(*value.split("/"))
        try:
            text = target.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            r.add(key, f"geometry file {value!r} not found")
            return None
        except OSError as exc:
            r.add(key, f"cannot read geometry file {value!r}: {exc}")
            return None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            r.add(
                key,
                f"geometry file {value!r} is not JSON (line {exc.lineno}: {exc.msg})",
            )
            return None
        where = f"{key} ({value})"
        if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
            feats = doc.get("features") or []
            if len(feats) != 1 or not isinstance(feats[0], dict):
                r.add(key, f"geometry file {value!r} must hold exactly one feature")
                return None
            doc = feats[0].get("geometry")
        elif isinstance(doc, dict) and doc.get("type") == "Feature":
            doc = doc.get("geometry")
        value = doc
    if not isinstance(value, dict):
        r.add(key, "must be a path to a GeoJSON file or a GeoJSON geometry object")
        return None
    problems = _check_geojson_rings(value)
    for p in problems:
        r.add(where, p)
    if problems:
        return None
    geom = shape(value)
    reason = _validity_reason(geom)
    if reason:
        r.add(where, reason)
        return None
    return geom


def _densify_polygonal(geom: BaseGeometry, rule: EdgeRule) -> BaseGeometry:
    """Densify every ring of a (Multi)Polygon by the edge rule (edges ≤ 5 km).

    Afterwards the straight lon/lat segments that the predicate sees and the
    geodesic segments that distances use agree to well under a metre.
    """

    def ring(coords: Any) -> np.ndarray:
        pts = np.asarray(coords)[:-1, :2]
        return np.asarray(
            densify(pts, rule, closed=True, max_segment_m=DENSIFY_MAX_SEGMENT_M)
        )

    polys = []
    for part in shapely.get_parts(geom):
        polys.append(
            Polygon(
                ring(part.exterior.coords), [ring(h.coords) for h in part.interiors]
            )
        )
    out: BaseGeometry = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    return out


def _vertex_ring(
    r: _Rec, vertices: tuple[Vertex, ...], rule: EdgeRule, *, closed: bool
) -> np.ndarray | None:
    coords = [(v.lon, v.lat) for v in vertices]
    if closed and len(coords) >= 2 and coords[0] == coords[-1]:
        r.add(
            "vertex",
            "the last vertex repeats the first; leave the closing edge implicit",
        )
        return None
    for i in range(1, len(coords)):
        if coords[i] == coords[i - 1]:
            r.add("vertex", f"vertex {i + 1} repeats vertex {i}")
            return None
    need = 3 if closed else 2
    if len(coords) < need:
        r.add("vertex", f"has {len(coords)} vertices; needs at least {need}")
        return None
    return np.asarray(
        densify(coords, rule, closed=closed, max_segment_m=DENSIFY_MAX_SEGMENT_M)
    )


def _close_polyline(
    r: _Rec, line: np.ndarray, region: BaseGeometry, side: str
) -> BaseGeometry | None:
    """Area between an open polyline and a closing region on one side."""
    if side != "west":
        r.add("closure_side", f"unsupported closure side {side!r}; expected: west")
        return None
    minx, _, _, _ = region.bounds
    x_close = minx + 0.05
    first, last = line[0], line[-1]
    ring = [*map(tuple, line), (x_close, float(last[1])), (x_close, float(first[1]))]
    poly: BaseGeometry = Polygon(ring)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    area = shapely.difference(poly, region)
    parts = [p for p in getattr(area, "geoms", [area]) if p.geom_type == "Polygon"]
    if not parts:
        r.add("closed_by", "the closing region leaves no area east of the polyline")
        return None
    parts.sort(key=lambda p: p.area, reverse=True)
    stray = [p for p in parts[1:] if p.area > 1e-6 * parts[0].area]
    if stray:
        r.add(
            "closed_by",
            f"closing leaves {len(stray)} detached piece(s) (largest near "
            f"{stray[0].representative_point().x:.3f}, {stray[0].representative_point().y:.3f}): "
            "the closing region does not span the whole polyline",
        )
        return None
    closed: BaseGeometry = parts[0]
    return closed


# --------------------------------------------------------------------- zones

_ZONE_FIELDS = (*_ZONE_KEYS, "sources", "version")
_VERSION_FIELDS = (
    "version",
    "valid_from",
    "valid_to",
    "vertical",
    "edge_rule",
    "derivation",
    "uncertainty_m",
    "confidence",
    "sources",
    "partial",
    "vertex",
    "basepoint",
    "geometry",
    "shape",
    "closed_by",
    "closure_side",
    "note",
)


def _read_vertical(r: _Rec) -> AltitudeBand | None:
    raw = r.data.get("vertical")
    if raw is None:
        return None
    v = _Rec(r.f, raw, r.record)
    if not v.ok:
        return None
    v.check_keys(("lower_ft", "upper_ft", "printed"))

    def limit(key: str, words: dict[str, float]) -> float:
        value = v.data.get(key)
        if isinstance(value, str) and value.strip().lower() in words:
            return words[value.strip().lower()]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            v.add(
                f"vertical.{key}",
                f"must be a number of feet or one of {sorted(words)}, got {value!r}",
            )
            return math.nan
        return float(value)

    lower = limit("lower_ft", {"gnd": 0.0, "sfc": 0.0, "msl": 0.0})
    upper = limit("upper_ft", {"unl": math.inf})
    if math.isnan(lower) or math.isnan(upper):
        return None
    try:
        return AltitudeBand(lower, upper, printed=str(v.data.get("printed", "")))
    except ValueError as exc:
        v.add("vertical", str(exc))
        return None


def _read_version(f: _File, zone_id: str, body: Any, index: int) -> ZoneVersion | None:
    label_guess = body.get("version") if isinstance(body, dict) else None
    record = f"zone {zone_id}, version {label_guess or index}"
    r = _Rec(f, body, record)
    if not r.ok:
        return None
    r.check_keys(_VERSION_FIELDS)
    label = r.text("version")
    validity = r.validity()
    vertical = _read_vertical(r)
    rule = r.choice("edge_rule", EdgeRule.parse, EdgeRule.GREAT_CIRCLE)
    derivation = r.text("derivation")
    unc = r.number("uncertainty_m", minimum=0.0)
    conf = r.confidence()
    sources = r.strings("sources")
    if "sources" in r.data and not sources and isinstance(r.data.get("sources"), list):
        r.add("sources", "cites no source; every version needs at least one")
    partial = r.data.get("partial", False)
    if not isinstance(partial, bool):
        r.add("partial", "must be true or false")
        partial = False
    vertices = _read_vertices(f, r, "vertex")
    basepoints = _read_vertices(f, r, "basepoint")
    shape_kind = r.text("shape", required=False, default="polygon")
    has_geom_ref = "geometry" in r.data
    geom: BaseGeometry | None = None
    if vertices is not None and has_geom_ref:
        r.add("geometry", "give either vertices or a geometry, not both")
    elif "vertex" in r.data:
        if vertices is None:
            return None  # vertex problems already reported
        if shape_kind == "polygon":
            if "closed_by" in r.data:
                r.add("closed_by", "only an open_polyline is closed by a region")
            ring = _vertex_ring(r, vertices, rule, closed=True)
            if ring is not None:
                geom = Polygon(ring)
                reason = _validity_reason(geom)
                if reason:
                    r.add("vertex", f"the ring {reason.removeprefix('geometry ')}")
                    geom = None
        elif shape_kind == "open_polyline":
            line = _vertex_ring(r, vertices, rule, closed=False)
            if line is not None:
                if "closed_by" in r.data:
                    region = _load_geometry_ref(f, r, "closed_by")
                    side = r.text("closure_side")
                    if region is not None and side:
                        geom = _close_polyline(r, line, region, side)
                else:
                    geom = LineString(line)
                    if not partial:
                        r.add(
                            "partial",
                            "an open polyline without closed_by is a partial zone; set partial = true",
                        )
        else:
            r.add(
                "shape",
                f"unknown shape {shape_kind!r}; expected polygon or open_polyline",
            )
    elif has_geom_ref:
        geom = _load_geometry_ref(f, r, "geometry")
        if geom is not None:
            geom = _densify_polygonal(geom, rule)
    else:
        r.add("vertex", "a version needs vertices or a geometry")
    if geom is None or not label or math.isnan(unc) or not derivation:
        return None
    if isinstance(geom, Polygon | MultiPolygon):
        shapely.prepare(geom)
    return ZoneVersion(
        zone_id=zone_id,
        version=label,
        validity=validity,
        vertical=vertical,
        edge_rule=rule,
        geometry=geom,
        derivation=derivation,
        uncertainty_m=unc,
        confidence=conf,
        sources=sources,
        partial=partial,
        vertices=vertices or (),
        basepoints=basepoints or (),
        note=r.text("note", required=False),
        origin=f.name,
    )


def _read_zone(f: _File, body: Any, index: int, isos: frozenset[str]) -> Zone | None:
    zid_guess = body.get("id") if isinstance(body, dict) else None
    r = _Rec(f, body, f"zone {zid_guess or index}")
    if not r.ok:
        return None
    r.check_keys(_ZONE_FIELDS)
    zid = r.text("id")
    if zid and not _ID_RE.match(zid):
        r.add("id", f"{zid!r} must be lower-case letters, digits and '-'")
    name = r.text("name")
    kind = r.choice("kind", ZoneKind.parse, ZoneKind.ADIZ)
    declared = r.text("declared_by")
    holder = r.data.get("holder")
    claimants = r.strings("claimants")
    for fld, codes in (
        ("declared_by", [declared]),
        ("holder", [holder] if holder is not None else []),
        ("claimants", list(claimants)),
    ):
        for code in codes:
            if not isinstance(code, str) or not _ISO_RE.match(code):
                r.add(
                    fld,
                    f"{code!r} is not an ISO 3166-1 alpha-3 code (three capital letters)",
                )
            elif isos and code not in isos:
                r.add(fld, f"{code!r} is not a known ISO 3166-1 alpha-3 code")
    if (
        "claimants" in r.data
        and not claimants
        and isinstance(r.data.get("claimants"), list)
    ):
        r.add("claimants", "is empty; list every state that claims the zone")
    sources = r.strings("sources")
    conf = r.confidence()
    raw_versions = r.data.get("version")
    if not isinstance(raw_versions, list) or not raw_versions:
        r.add("version", "a zone needs at least one version")
        return None
    versions = []
    for i, vbody in enumerate(raw_versions, start=1):
        v = _read_version(f, zid or "?", vbody, i)
        if v is not None:
            versions.append(v)
    labels = [v.version for v in versions]
    for label in {x for x in labels if labels.count(x) > 1}:
        r.add("version", f"version label {label!r} is used twice")
    versions.sort(
        key=lambda v: v.validity.start or dt.datetime.min.replace(tzinfo=dt.UTC)
    )
    for a_i, a in enumerate(versions):
        for b in versions[a_i + 1 :]:
            if a.validity.overlaps(b.validity):
                f.add(
                    f"[{b.validity}] overlaps version {a.version} [{a.validity}]",
                    record=f"zone {zid}, version {b.version}",
                    field="valid_from",
                )
    if len(versions) != len(raw_versions) or not (zid and name and declared):
        return None
    zone = Zone(
        id=zid,
        name=name,
        kind=kind,
        declared_by=declared,
        holder=holder if isinstance(holder, str) else None,
        claimants=claimants,
        versions=tuple(versions),
        sources=sources,
        confidence=conf,
        note=r.text("note", required=False),
        origin=f.name,
    )
    for v in versions:
        object.__setattr__(v, "zone", zone)
    return zone


def _read_reference_line(f: _File, body: Any, index: int) -> ReferenceLine | None:
    rid_guess = body.get("id") if isinstance(body, dict) else None
    r = _Rec(f, body, f"reference_line {rid_guess or index}")
    if not r.ok:
        return None
    r.check_keys(
        (
            "id",
            "name",
            "declared_by",
            "edge_rule",
            "sources",
            "confidence",
            "derivation",
            "uncertainty_m",
            "valid_from",
            "valid_to",
            "vertex",
            "note",
        )
    )
    rid = r.text("id")
    name = r.text("name")
    declared = r.text("declared_by")
    rule = r.choice("edge_rule", EdgeRule.parse, EdgeRule.GREAT_CIRCLE, required=False)
    sources = r.strings("sources")
    conf = r.confidence()
    unc = r.number("uncertainty_m", required=False, minimum=0.0)
    validity = r.validity()
    vertices = _read_vertices(f, r, "vertex")
    if vertices is None:
        if "vertex" not in r.data:
            r.add("vertex", "a reference line needs vertices")
        return None
    line = _vertex_ring(r, vertices, rule, closed=False)
    if line is None or not (rid and name):
        return None
    return ReferenceLine(
        id=rid,
        name=name,
        declared_by=declared,
        edge_rule=rule,
        geometry=LineString(line),
        vertices=vertices,
        sources=sources,
        confidence=conf,
        derivation=r.text("derivation", required=False),
        uncertainty_m=0.0 if math.isnan(unc) else unc,
        validity=validity,
        note=r.text("note", required=False),
        origin=f.name,
    )


# ------------------------------------------------------------------ assembling


@dataclass
class LoadResult:
    """Everything read from a set of files, and every problem found."""

    zones: list[Zone] = field(default_factory=list)
    reference_lines: list[ReferenceLine] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def raise_for_problems(self) -> None:
        """Raise :class:`ValidationError` listing every problem, if any."""
        if self.problems:
            raise ValidationError(self.problems)


def _cited(zone: Zone) -> Iterator[tuple[str, str, str]]:
    """Every (record, field, source id) a zone cites."""
    for sid in zone.sources:
        yield f"zone {zone.id}", "sources", sid
    for v in zone.versions:
        rec = f"zone {zone.id}, version {v.version}"
        for sid in v.sources:
            yield rec, "sources", sid
        for kind, pts in (("vertex", v.vertices), ("basepoint", v.basepoints)):
            for i, p in enumerate(pts, start=1):
                for sid in p.sources:
                    yield f"{rec}, {kind} {i}", "sources", sid
                for j, alt in enumerate(p.alts, start=1):
                    for sid in alt.sources:
                        yield f"{rec}, {kind} {i}, alt {j}", "sources", sid


def _assemble(
    files: list[_File],
    isos: frozenset[str],
    base_sources: Mapping[str, Source] | None = None,
) -> LoadResult:
    res = LoadResult()
    source_origin: dict[str, str] = {}
    if base_sources:
        res.sources.update(base_sources)
        source_origin.update(dict.fromkeys(base_sources, "the shipped seeds"))
    per_file_zones: list[tuple[_File, list[Zone], list[ReferenceLine]]] = []
    for f in files:
        if f.problems and not f.data:
            continue
        f.data = f.data or {}
        unknown_top = set(f.data) - {"source", "zone", "reference_line"}
        for key in sorted(unknown_top):
            f.add(
                "unknown top-level key; expected source, zone or reference_line",
                field=key,
            )
        for sid, src in _read_sources(f).items():
            if sid in res.sources:
                f.add(
                    f"source id defined twice (also in {source_origin[sid]})",
                    record=f"source {sid}",
                )
                continue
            res.sources[sid] = src
            source_origin[sid] = f.name
        zones: list[Zone] = []
        lines: list[ReferenceLine] = []
        raw_zones = f.data.get("zone", [])
        if not isinstance(raw_zones, list):
            f.add("must be a list of zones ([[zone]] in TOML)", field="zone")
            raw_zones = []
        for i, body in enumerate(raw_zones, start=1):
            z = _read_zone(f, body, i, isos)
            if z is not None:
                zones.append(z)
        raw_lines = f.data.get("reference_line", [])
        if not isinstance(raw_lines, list):
            f.add("must be a list ([[reference_line]] in TOML)", field="reference_line")
            raw_lines = []
        for i, body in enumerate(raw_lines, start=1):
            ln = _read_reference_line(f, body, i)
            if ln is not None:
                lines.append(ln)
        per_file_zones.append((f, zones, lines))
    seen: dict[str, str] = {}
    for f, zones, lines in per_file_zones:
        for z in zones:
            for rec, fld, sid in _cited(z):
                if sid not in res.sources:
                    f.add(f"unknown source id {sid!r}", record=rec, field=fld)
        for ln in lines:
            for sid in ln.sources:
                if sid not in res.sources:
                    f.add(
                        f"unknown source id {sid!r}",
                        record=f"reference_line {ln.id}",
                        field="sources",
                    )
            for i, p in enumerate(ln.vertices, start=1):
                for sid in p.sources:
                    if sid not in res.sources:
                        f.add(
                            f"unknown source id {sid!r}",
                            record=f"reference_line {ln.id}, vertex {i}",
                            field="sources",
                        )
        for item_id, kind in [(z.id, "zone") for z in zones] + [
            (ln.id, "reference_line") for ln in lines
        ]:
            if item_id in seen:
                f.add(
                    f"id {item_id!r} is already used in {seen[item_id]}",
                    record=f"{kind} {item_id}",
                    field="id",
                )
            else:
                seen[item_id] = f.name
        res.zones.extend(zones)
        res.reference_lines.extend(lines)
    for f in files:
        res.problems.extend(f.problems)
    return res


def load_seeds() -> LoadResult:
    """Read and validate the shipped seed files (problems collected, not raised)."""
    files = [_open_seed_file(name, entry) for name, entry in _seed_files()]
    return _assemble(files, _known_isos())


def load_files(paths: Iterable[str | Path], *, with_seeds: bool = True) -> LoadResult:
    """Read users' zone files (TOML, JSON or GeoJSON), optionally with the seeds.

    User files may cite the seeds' sources; their own ids must not collide with them.
    """
    seeds = load_seeds() if with_seeds else LoadResult()
    files = [_open_user_file(Path(p)) for p in paths]
    user = _assemble(files, _known_isos(), base_sources=seeds.sources)
    taken = {z.id: z.origin for z in seeds.zones} | {
        ln.id: ln.origin for ln in seeds.reference_lines
    }
    for z in user.zones:
        if z.id in taken:
            user.problems.append(
                Problem(
                    z.origin,
                    f"id {z.id!r} is already used by {taken[z.id]}",
                    record=f"zone {z.id}",
                    field="id",
                )
            )
    return LoadResult(
        zones=seeds.zones + [z for z in user.zones if z.id not in taken],
        reference_lines=seeds.reference_lines + user.reference_lines,
        sources=user.sources,
        problems=seeds.problems + user.problems,
    )


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem in one user zone file (empty list: the file is valid)."""
    res = load_files([path])
    return [p for p in res.problems if p.path == str(path)] or list(res.problems)
