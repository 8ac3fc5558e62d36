"""Derived base geography against independent reference geometry (tests only).

References (../shared/reference, never shipped): KOSTAT 2018 municipal polygons
(Dokdo's Dongdo and Seodo) and the OSM 2022 Turkey–Syria border line. Distances
are geodesic (pyproj.Geod, WGS84).
"""

from __future__ import annotations

import importlib.resources
import itertools
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, shape

pytestmark = pytest.mark.reference

GEOD = Geod(ellps="WGS84")
NM = 1852.0
SEEDS = importlib.resources.files("airmap.seeds")
HATAY_TEST_BOX = (35.85, 35.75, 36.25, 36.05)  # facts/base-data.md §3 (lon/lat)
YAYLADAGI = (36.060556, 35.9025)  # lon, lat: facts/zones.md §6.1


def _derived(name: str):
    text = SEEDS.joinpath("derived", name).read_text("utf-8")
    features = json.loads(text)["features"]
    assert len(features) == 1
    return shape(features[0]["geometry"])


def _zone_version(zone_id: str) -> dict:
    doc = tomllib.loads(SEEDS.joinpath("zones", "territorial.toml").read_text("utf-8"))
    (zone,) = [z for z in doc["zone"] if z["id"] == zone_id]
    (version,) = zone["version"]
    return version


def _densify(line_xy: np.ndarray, step_m: float) -> np.ndarray:
    out = [line_xy[:1]]
    for a, b in itertools.pairwise(line_xy):
        dist = GEOD.inv(a[0], a[1], b[0], b[1])[2]
        n = int(dist // step_m)
        if n > 0:
            out.append(np.array(GEOD.npts(a[0], a[1], b[0], b[1], n)))
        out.append(b[None, :])
    return np.vstack(out)


def _nearest_geodesic_m(points: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Geodesic distance from each point to the nearest of dense target points."""
    out = np.empty(len(points))
    for i, (x, y) in enumerate(points):
        dx = (target[:, 0] - x) * 111_320.0 * math.cos(math.radians(y))
        dy = (target[:, 1] - y) * 110_950.0
        planar = np.hypot(dx, dy)
        cand = target[planar <= planar.min() + 500.0]
        n = len(cand)
        out[i] = GEOD.inv(np.full(n, x), np.full(n, y), cand[:, 0], cand[:, 1])[2].min()
    return out


def _kostat_dokdo(reference_dir: Path) -> list[Polygon]:
    doc = json.loads(
        (reference_dir / "kr_east_kostat2018_municipalities.geojson").read_text("utf-8")
    )
    (ulleung,) = [
        f for f in doc["features"] if f["properties"].get("name_eng") == "Ulleung-gun"
    ]
    geom = shape(ulleung["geometry"])
    parts = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    return [p for p in parts if p.centroid.x > 131.8]


def test_dokdo_edge_is_12_nm_from_the_kostat_islets(reference_dir: Path) -> None:
    islets = _kostat_dokdo(reference_dir)
    assert len(islets) == 2, "expected Dongdo and Seodo in the KOSTAT file"
    outline = np.vstack(
        [_densify(np.asarray(p.exterior.coords)[:, :2], 5.0) for p in islets]
    )
    zone = _derived("ta-dokdo.geojson")
    vertices = shapely.get_coordinates(zone.exterior)
    dev = _nearest_geodesic_m(vertices, outline) - 12 * NM
    uncertainty_m = _zone_version("ta-dokdo")["uncertainty_m"]
    print(
        f"\nta-dokdo edge vs KOSTAT islets: mean {dev.mean():+.0f} m, "
        f"mean |dev| {np.abs(dev).mean():.0f} m, max |dev| {np.abs(dev).max():.0f} m "
        f"(stated uncertainty {uncertainty_m:.0f} m)"
    )
    assert uncertainty_m < 500.0
    assert np.abs(dev).max() <= uncertainty_m


def _clip_line(geom, box: tuple[float, float, float, float]) -> list[np.ndarray]:
    clipped = shapely.clip_by_rect(geom, *box)
    parts = getattr(clipped, "geoms", [clipped])
    return [np.asarray(p.coords)[:, :2] for p in parts if isinstance(p, LineString)]


def _southernmost(
    lines: list[np.ndarray], lon_min: float, lon_max: float
) -> np.ndarray:
    pts = np.vstack(lines)
    pts = pts[(pts[:, 0] >= lon_min) & (pts[:, 0] <= lon_max)]
    return pts[np.argmin(pts[:, 1])]


def test_turkey_syria_border_matches_osm_2022(reference_dir: Path) -> None:
    doc = json.loads(
        (reference_dir / "tr_sy_border_hatay_osm2022.geojson").read_text("utf-8")
    )
    reference = shape(doc["features"][0]["geometry"])
    border = _derived("border-tur-syr-hatay.geojson")
    minx, miny, maxx, maxy = HATAY_TEST_BOX
    cand = _clip_line(border, HATAY_TEST_BOX)
    ref = _clip_line(reference, (minx - 0.03, miny - 0.03, maxx + 0.03, maxy + 0.03))
    assert cand
    assert ref
    cand_pts = np.vstack([_densify(c, 25.0) for c in cand])
    ref_pts = np.vstack([_densify(r, 5.0) for r in ref])
    dist = _nearest_geodesic_m(cand_pts, ref_pts)
    length_km = sum(GEOD.line_length(c[:, 0], c[:, 1]) for c in cand) / 1000.0
    tip = _southernmost(cand, 36.10, 36.24)
    ref_tip = _southernmost(_clip_line(reference, HATAY_TEST_BOX), 36.10, 36.24)
    tip_m = GEOD.inv(tip[0], tip[1], ref_tip[0], ref_tip[1])[2]
    print(
        f"\nTR-SY border vs OSM 2022 ({length_km:.1f} km in the box): mean "
        f"{dist.mean():.1f} m, p95 {np.percentile(dist, 95):.1f} m, max "
        f"{dist.max():.1f} m; salient tip {tip[1]:.5f}N {tip[0]:.5f}E, "
        f"{tip_m:.1f} m from the reference tip"
    )
    assert length_km > 50.0  # the reference border is 60.4 km long in this box
    assert dist.mean() <= 100.0
    assert tip_m <= 100.0


def test_yayladagi_is_turkish_not_syrian() -> None:
    point = Point(*YAYLADAGI)
    assert _derived("ta-tur-hatay.geojson").covers(point)
    assert not _derived("ta-syr-latakia.geojson").covers(point)
