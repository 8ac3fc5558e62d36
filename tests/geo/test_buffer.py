"""Geodesic buffers and circles, checked against pyproj.Geod by brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import shapely
from pyproj import Geod
from shapely.geometry import (
    LineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)

from airmap.geo import geodesic_buffer, geodesic_circle

GEOD = Geod(ellps="WGS84")
NM = 1852.0
TOLERANCE_M = 2.0


def _densified_source(geometry, step_m: float = 25.0) -> np.ndarray:
    """Every source vertex plus geodesic points every ``step_m`` along edges."""
    pts: list[np.ndarray] = []
    parts = getattr(geometry, "geoms", [geometry])
    for part in parts:
        if part.geom_type == "Point":
            pts.append(np.array([[part.x, part.y]]))
            continue
        if part.geom_type == "Polygon":
            rings = [part.exterior, *part.interiors]
        else:
            rings = [part]
        for ring in rings:
            xy = np.asarray(ring.coords)[:, :2]
            for a, b in itertools.pairwise(xy):
                dist = GEOD.inv(a[0], a[1], b[0], b[1])[2]
                n = int(dist // step_m)
                pts.append(a[None, :])
                if n > 0:
                    pts.append(np.array(GEOD.npts(a[0], a[1], b[0], b[1], n)))
            pts.append(xy[-1:])
    return np.vstack(pts)


def _distance_to_source_m(vertices: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Geodesic distance (m) from each vertex to the nearest source point.

    A cheap local planar estimate picks every candidate within 2 km of the
    planar minimum (planar error at these ranges is far below 2 km); the exact
    distance is then the minimum of ``Geod.inv`` over the candidates.
    """
    out = np.empty(len(vertices))
    for i, (x, y) in enumerate(vertices):
        dx = ((source[:, 0] - x + 180.0) % 360.0 - 180.0) * 111_320.0
        dx *= math.cos(math.radians(y))
        dy = (source[:, 1] - y) * 110_950.0
        planar = np.hypot(dx, dy)
        cand = source[planar <= planar.min() + 2_000.0]
        n = len(cand)
        _, _, dist = GEOD.inv(np.full(n, x), np.full(n, y), cand[:, 0], cand[:, 1])
        out[i] = np.min(dist)
    return out


GALLERY = {
    "point": Point(129.5, 37.0),
    "multipoint": MultiPoint([(129.5, 37.0), (129.8, 37.1)]),
    "line": LineString([(129.0, 37.0), (130.5, 37.3), (130.6, 36.5)]),
    "polygon": Polygon(
        [(129.0, 37.0), (130.5, 37.0), (130.5, 38.0), (129.0, 38.0)],
        holes=[[(129.5, 37.4), (130.0, 37.4), (130.0, 37.6), (129.5, 37.6)]],
    ),
    "multi-island": MultiPolygon(
        [
            Polygon([(130.80, 37.45), (130.92, 37.46), (130.90, 37.55)]),
            Polygon([(131.865, 37.241), (131.87, 37.240), (131.869, 37.243)]),
            Polygon(
                [(130.96, 37.52), (130.97, 37.52), (130.97, 37.53), (130.96, 37.53)]
            ),
        ]
    ),
}


@pytest.mark.parametrize("name", sorted(GALLERY))
@pytest.mark.parametrize("distance_m", [12 * NM, 3 * NM])
def test_every_vertex_lies_at_the_buffer_distance(name: str, distance_m: float) -> None:
    source = GALLERY[name]
    buffered = geodesic_buffer(source, distance_m)
    assert buffered.is_valid
    assert buffered.geom_type in {"Polygon", "MultiPolygon"}
    assert buffered.covers(source)
    vertices = shapely.get_coordinates(buffered.boundary)
    dist = _distance_to_source_m(vertices, _densified_source(source))
    dev = dist - distance_m
    assert np.abs(dev).max() <= TOLERANCE_M, (dev.min(), dev.max())


def test_hole_larger_than_twice_the_distance_survives() -> None:
    # The 3 NM buffer of a polygon with a ~44 km x 22 km hole keeps a hole.
    buffered = geodesic_buffer(GALLERY["polygon"], 3 * NM)
    assert len(buffered.interiors) == 1
    # A 12 NM buffer fills it (the hole is only ~22 km across).
    assert len(geodesic_buffer(GALLERY["polygon"], 12 * NM).interiors) == 0


def test_points_further_than_the_distance_are_outside() -> None:
    # Edges are geodesics: this one bows ~29 m north of the parallel.
    line = LineString([(129.0, 37.0), (129.5, 37.0)])
    buffered = geodesic_buffer(line, 12 * NM)
    mid_lon, mid_lat = GEOD.npts(129.0, 37.0, 129.5, 37.0, 1)[0]
    az_east, _, _ = GEOD.inv(mid_lon, mid_lat, 129.5, 37.0)
    # Perpendicular to the geodesic at its middle, 22,224 m -/+ 5 m.
    for side in (-90.0, 90.0):
        for dist, inside in [(12 * NM - 5.0, True), (12 * NM + 5.0, False)]:
            lon, lat, _ = GEOD.fwd(mid_lon, mid_lat, az_east + side, dist)
            assert buffered.covers(Point(lon, lat)) is inside


@pytest.mark.parametrize("radius_m", [50.0, 5_556.0, 22_224.0, 100_000.0])
def test_circle_area_and_vertices(radius_m: float) -> None:
    lon, lat = 131.869556, 37.240778
    disc = geodesic_circle(lon, lat, radius_m)
    area, _ = GEOD.geometry_area_perimeter(disc)
    assert area > 0  # counter-clockwise exterior
    # The ellipsoid's curvature changes the area by ~r^2/(12 R^2): 1e-4 at 100 km.
    assert area == pytest.approx(math.pi * radius_m**2, rel=1e-3)
    xy = np.asarray(disc.exterior.coords)
    n = len(xy)
    _, _, dist = GEOD.inv(np.full(n, lon), np.full(n, lat), xy[:, 0], xy[:, 1])
    np.testing.assert_allclose(dist, radius_m, atol=1e-6)


def test_circle_across_the_antimeridian_is_continuous() -> None:
    disc = geodesic_circle(179.9, 10.0, 50_000.0)
    minx, _, maxx, _ = disc.bounds
    assert minx < 180.0 < maxx
    assert disc.is_valid


def test_buffer_across_the_antimeridian_is_continuous() -> None:
    line = LineString([(179.5, 37.0), (-179.5, 37.3)])
    buffered = geodesic_buffer(line, 12 * NM)
    assert buffered.geom_type == "Polygon"
    minx, _, maxx, _ = buffered.bounds
    assert maxx - minx < 5.0
    assert minx < 180.0 < maxx
    vertices = shapely.get_coordinates(buffered.exterior)
    dist = _distance_to_source_m(vertices, _densified_source(line))
    assert np.abs(dist - 12 * NM).max() <= TOLERANCE_M


def test_long_geodesic_edges_are_followed() -> None:
    # A 180 km edge: the buffer follows the geodesic, not the lon/lat chord.
    line = LineString([(121.0, 33.0), (122.8, 32.2)])
    buffered = geodesic_buffer(line, 12 * NM)
    vertices = shapely.get_coordinates(buffered.exterior)
    dist = _distance_to_source_m(vertices, _densified_source(line))
    assert np.abs(dist - 12 * NM).max() <= TOLERANCE_M


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_distance_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="distance_m must be a finite number"):
        geodesic_buffer(Point(129.0, 37.0), bad)
    with pytest.raises(ValueError, match="radius_m must be a finite number"):
        geodesic_circle(129.0, 37.0, bad)


def test_bad_geometry_is_refused() -> None:
    with pytest.raises(ValueError, match="geometry is empty"):
        geodesic_buffer(Polygon(), 1000.0)
    with pytest.raises(TypeError, match="must be a shapely geometry"):
        geodesic_buffer([(129.0, 37.0)], 1000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="spans 180"):
        geodesic_buffer(LineString([(-170.0, 0.0), (0.0, 0.0), (170.0, 0.0)]), 1e3)
    with pytest.raises(ValueError, match="reaches a pole"):
        geodesic_circle(0.0, 89.9, 50_000.0)
