"""Geodesic distance to a boundary, against a brute force built on Geod alone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shapely
from pyproj import Geod

from airmap.geo import BoundaryDistance, densify, signed_distance_m
from tests.common import resample_boundary

WGS84 = Geod(ellps="WGS84")

# ~300 km square-ish zone at 37°N, edges densified as geodesics (5 km).
OUTER = [(127.0, 35.6), (130.4, 35.6), (130.4, 38.3), (127.0, 38.3)]
HOLE = [(128.0, 36.5), (129.2, 36.5), (129.2, 37.4), (128.0, 37.4)]


def _ring(vertices: list[tuple[float, float]]) -> np.ndarray:
    return densify(vertices, "great_circle", closed=True)


ZONE = shapely.Polygon(_ring(OUTER))
HOLED = shapely.Polygon(_ring(OUTER), [_ring(HOLE)])


class BruteForce:
    """Min of Geod.inv over the boundary resampled every 10 m (Geod only).

    To keep it affordable the fine vertices are grouped in blocks of 100
    (< 1 km of boundary); a block is searched only if its first vertex is within
    1 km of the best first vertex, which cannot exclude the true nearest vertex.
    """

    def __init__(self, geometry: shapely.Polygon) -> None:
        self.lon, self.lat = resample_boundary(geometry, 10.0)
        self.block = 100

    def __call__(self, x: float, y: float) -> float:
        starts = np.arange(0, self.lon.size, self.block)
        d0 = np.asarray(
            WGS84.inv(
                np.full(starts.size, x),
                np.full(starts.size, y),
                self.lon[starts],
                self.lat[starts],
            )[2]
        )
        near = starts[d0 <= d0.min() + 1_000.0]
        idx = (near[:, None] + np.arange(self.block)[None, :]).ravel()
        idx = idx[idx < self.lon.size]
        d = WGS84.inv(
            np.full(idx.size, x), np.full(idx.size, y), self.lon[idx], self.lat[idx]
        )[2]
        return float(np.min(d))


BF_ZONE = BruteForce(ZONE)
BF_HOLED = BruteForce(HOLED)


def _points_near_and_far(
    seed: int, n_near: int, n_far: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    # near: random boundary vertex, moved up to 20 km in a random direction
    ring = np.asarray(ZONE.exterior.coords)
    k = rng.integers(0, len(ring) - 1, n_near)
    lon_n, lat_n, _ = WGS84.fwd(
        ring[k, 0],
        ring[k, 1],
        rng.uniform(-180, 180, n_near),
        rng.uniform(0, 20_000, n_near),
    )
    # far: 100 to 1500 km from the zone centre
    lon_f, lat_f, _ = WGS84.fwd(
        np.full(n_far, 128.7),
        np.full(n_far, 36.95),
        rng.uniform(-180, 180, n_far),
        rng.uniform(300_000, 1_500_000, n_far),
    )
    return np.r_[lon_n, lon_f], np.r_[lat_n, lat_f]


@pytest.mark.parametrize(("geometry", "brute"), [(ZONE, BF_ZONE), (HOLED, BF_HOLED)])
def test_distance_matches_brute_force(
    geometry: shapely.Polygon, brute: BruteForce
) -> None:
    lon, lat = _points_near_and_far(1, 120, 40)
    rng = np.random.default_rng(2)
    lon = np.r_[lon, rng.uniform(127.9, 129.3, 40)]  # in and around the hole
    lat = np.r_[lat, rng.uniform(36.4, 37.5, 40)]
    got = BoundaryDistance(geometry).distance_m(lon, lat)
    ref = np.array([brute(x, y) for x, y in zip(lon, lat, strict=True)])
    # the brute force samples the boundary, so it can only overestimate
    assert (got <= ref + 1e-6).all()
    far_enough = ref > 50.0  # where 10 m sampling is itself within 0.25 m
    assert np.abs(got - ref)[far_enough].max() <= 0.5
    assert np.abs(got - ref).max() <= 5.0


def test_signs_inside_outside_and_in_hole() -> None:
    bd = BoundaryDistance(HOLED)
    inside = (127.5, 36.0)  # in the outer ring, not in the hole
    in_hole = (128.6, 36.95)
    outside = (126.0, 36.0)
    d = bd.signed_distance_m(*np.array([inside, in_hole, outside]).T)
    assert d[0] < 0
    assert d[1] > 0
    assert d[2] > 0
    for (x, y), v in zip([inside, in_hole, outside], d, strict=True):
        assert abs(v) == pytest.approx(BF_HOLED(x, y), abs=0.5)
    # the hole's centre is ~ half the hole's height from its north/south edges
    half = WGS84.inv(128.6, 36.5, 128.6, 37.4)[2] / 2
    assert d[1] == pytest.approx(half, rel=0.02)


def test_on_vertex_and_on_edge_is_zero() -> None:
    bd = BoundaryDistance(ZONE)
    ring = np.asarray(ZONE.exterior.coords)
    v = ring[7]
    assert abs(bd.distance_m(v[0], v[1])) <= 1e-6
    assert bd.signed_distance_m(v[0], v[1]) <= 0.0
    # a point on the geodesic edge between two vertices
    a, b = ring[10], ring[11]
    az, _, dist = WGS84.inv(a[0], a[1], b[0], b[1])
    x, y, _ = WGS84.fwd(a[0], a[1], az, 0.37 * dist)
    assert bd.distance_m(x, y) <= 0.01


def test_scalar_list_array(as_kind, kind: str) -> None:
    bd = BoundaryDistance(ZONE)
    x, y = 131.0, 37.0
    d = bd.distance_m(as_kind(x), as_kind(y))
    s = bd.signed_distance_m(as_kind(x), as_kind(y))
    c = bd.candidates_within(as_kind(x), as_kind(y), 100_000.0)
    if kind == "scalar":
        assert type(d) is float
        assert type(s) is float
        assert type(c) is bool
    else:
        assert d.shape == s.shape == c.shape == (1,)
    assert np.asarray(d) == pytest.approx(BF_ZONE(x, y), abs=0.5)
    assert np.asarray(s) == pytest.approx(np.asarray(d))


def test_broadcast_shape_and_nan() -> None:
    bd = BoundaryDistance(ZONE)
    lon = np.array([[126.0, 127.5], [np.nan, 131.0]])
    d = bd.distance_m(lon, 36.0)
    assert d.shape == (2, 2)
    assert np.isnan(d[1, 0])
    assert np.isfinite(d[[0, 0, 1], [0, 1, 1]]).all()


def test_signed_distance_function_matches_class() -> None:
    lon, lat = _points_near_and_far(3, 30, 10)
    np.testing.assert_array_equal(
        signed_distance_m(HOLED, lon, lat),
        BoundaryDistance(HOLED).signed_distance_m(lon, lat),
    )


def test_multipolygon_nearest_part() -> None:
    other = shapely.Polygon(_ring([(133.0, 35.0), (134.0, 35.0), (134.0, 36.0)]))
    multi = shapely.MultiPolygon([ZONE, other])
    bd = BoundaryDistance(multi)
    x, y = 133.5, 35.2  # inside the triangle
    d = bd.signed_distance_m(x, y)
    assert d < 0
    assert -d == pytest.approx(BruteForce(other)(x, y), abs=0.5)


def test_candidates_within_is_conservative_random() -> None:
    bd = BoundaryDistance(HOLED)
    lon, lat = _points_near_and_far(4, 150, 30)
    ref = np.array([BF_HOLED(x, y) for x, y in zip(lon, lat, strict=True)])
    rng = np.random.default_rng(5)
    for factor in (1.0, 1.001, 1.1, 2.0):
        d = ref * factor + rng.uniform(0, 1, ref.size)
        assert bd.candidates_within(lon, lat, d).all()
    # and it does prune: points clearly farther than d are mostly rejected
    assert not bd.candidates_within(lon, lat, ref * 0.5 - 20_000).any()


@settings(max_examples=60, deadline=None)
@given(
    lon=st.floats(126.0, 131.5),
    lat=st.floats(34.8, 39.2),
    slack=st.floats(0.0, 50.0),
)
def test_candidates_within_is_conservative_hypothesis(
    lon: float, lat: float, slack: float
) -> None:
    d = BF_ZONE(lon, lat)
    assert BoundaryDistance(ZONE).candidates_within(lon, lat, d + slack)


def test_rejects_non_polygons() -> None:
    with pytest.raises(
        TypeError, match="needs a Polygon or MultiPolygon, got LineString"
    ):
        BoundaryDistance(shapely.LineString([(0, 0), (1, 1)]))
    with pytest.raises(ValueError, match="needs a non-empty polygon"):
        BoundaryDistance(shapely.Polygon())


def test_many_points_agree_with_exact_on_sample() -> None:
    """Vectorised path on 20,000 points equals the same points asked one by one."""
    bd = BoundaryDistance(HOLED)
    rng = np.random.default_rng(9)
    lon = rng.uniform(125.0, 132.0, 20_000)
    lat = rng.uniform(34.0, 40.0, 20_000)
    d = bd.signed_distance_m(lon, lat)
    pick = rng.integers(0, lon.size, 25)
    for i in pick:
        assert d[i] == pytest.approx(
            bd.signed_distance_m(float(lon[i]), float(lat[i])), abs=1e-9
        )
        assert abs(d[i]) == pytest.approx(BF_HOLED(lon[i], lat[i]), abs=0.5)
