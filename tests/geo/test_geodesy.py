"""airmap.geo._geodesy against pyproj.Geod itself."""

from __future__ import annotations

import numpy as np
import pytest

import shapely
from pyproj import Geod

from airmap.geo import FT, GEOD, NM, distance_m, forward, geodesic_area_m2, inverse


def test_constants() -> None:
    assert NM == 1852.0
    assert FT == 0.3048
    assert GEOD.a == 6378137.0
    assert GEOD.f == pytest.approx(1 / 298.257223563, rel=1e-12)


def test_inverse_scalar_gives_floats(geod: Geod) -> None:
    az12, az21, dist = inverse(126.9780, 37.5665, 131.8696, 37.2408)
    assert all(type(v) is float for v in (az12, az21, dist))
    ref = geod.inv(126.9780, 37.5665, 131.8696, 37.2408)
    assert (az12, az21, dist) == pytest.approx(ref, rel=1e-13)


def test_inverse_broadcasts_to_array_shape(geod: Geod) -> None:
    lon2 = np.array([[127.0, 128.0, 129.0], [130.0, 131.0, 132.0]])
    az12, az21, dist = inverse(126.0, 37.0, lon2, 38.0)
    assert az12.shape == az21.shape == dist.shape == (2, 3)
    ref = geod.inv(np.full(6, 126.0), np.full(6, 37.0), lon2.ravel(), np.full(6, 38.0))
    np.testing.assert_allclose(dist.ravel(), ref[2], rtol=1e-13)
    np.testing.assert_allclose(az12.ravel(), ref[0], rtol=1e-13)


def test_list_input_gives_array() -> None:
    d = distance_m([0.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 0.0])
    assert isinstance(d, np.ndarray)
    assert d.shape == (2,)


def test_inputs_not_modified() -> None:
    lon = np.array([1.0, 2.0])
    lat = np.array([3.0, 4.0])
    inverse(lon, lat, 5.0, 6.0)
    forward(lon, lat, 90.0, 1000.0)
    np.testing.assert_array_equal(lon, [1.0, 2.0])
    np.testing.assert_array_equal(lat, [3.0, 4.0])


def test_distance_kinds(as_kind, kind: str, geod: Geod) -> None:
    d = distance_m(as_kind(129.0), 35.0, 130.0, as_kind(36.0))
    ref = geod.inv(129.0, 35.0, 130.0, 36.0)[2]
    if kind == "scalar":
        assert type(d) is float
    else:
        assert isinstance(d, np.ndarray)
        assert d.shape == (1,)
    assert np.asarray(d) == pytest.approx(ref, rel=1e-13)


def test_forward_inverse_round_trip(geod: Geod) -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(-180, 180, 200)
    lat = rng.uniform(-80, 80, 200)
    az = rng.uniform(-180, 180, 200)
    s = rng.uniform(0, 2_000_000, 200)
    lon2, lat2 = forward(lon, lat, az, s)
    ref_lon, ref_lat, _ = geod.fwd(lon, lat, az, s)
    np.testing.assert_allclose(lon2, ref_lon, atol=1e-12)
    np.testing.assert_allclose(lat2, ref_lat, atol=1e-12)
    np.testing.assert_allclose(distance_m(lon, lat, lon2, lat2), s, atol=1e-6)


def test_twelve_nautical_miles_east(geod: Geod) -> None:
    lon, lat = forward(131.8696, 37.2408, 90.0, 12 * NM)
    assert geod.inv(131.8696, 37.2408, lon, lat)[2] == pytest.approx(22_224.0, abs=1e-6)


def _ring_area(geod: Geod, ring: list[tuple[float, float]]) -> float:
    lons, lats = zip(*ring, strict=True)
    return abs(geod.polygon_area_perimeter(lons, lats)[0])


def test_area_holes_subtract_and_orientation_free(geod: Geod) -> None:
    outer = [(127.0, 36.0), (130.0, 36.0), (130.0, 38.0), (127.0, 38.0)]
    hole = [(128.0, 36.5), (128.0, 37.5), (129.0, 37.5), (129.0, 36.5)]
    expected = _ring_area(geod, outer) - _ring_area(geod, hole)
    poly = shapely.Polygon(outer, [hole])
    assert geodesic_area_m2(poly) == pytest.approx(expected, rel=1e-12)
    flipped = shapely.Polygon(outer[::-1], [hole[::-1]])
    assert geodesic_area_m2(flipped) == pytest.approx(expected, rel=1e-12)
    multi = shapely.MultiPolygon([poly, shapely.box(140, 30, 141, 31)])
    extra = _ring_area(geod, [(140, 30), (141, 30), (141, 31), (140, 31)])
    assert geodesic_area_m2(multi) == pytest.approx(expected + extra, rel=1e-12)


def test_area_across_antimeridian(geod: Geod) -> None:
    continuous = shapely.box(175.0, 50.0, 185.0, 55.0)
    ref = _ring_area(geod, [(175, 50), (-175, 50), (-175, 55), (175, 55)])
    assert geodesic_area_m2(continuous) == pytest.approx(ref, rel=1e-12)


def test_area_of_non_areal_geometry_is_zero() -> None:
    assert geodesic_area_m2(shapely.LineString([(0, 0), (1, 1)])) == 0.0
    assert geodesic_area_m2(shapely.Polygon()) == 0.0
