"""covers_xy / normalize_lon, on vertices, edges, holes and across ±180°."""

from __future__ import annotations

import numpy as np
import pytest

import shapely
from pyproj import Geod

from airmap.geo import BoundaryDistance, covers_xy, densify, normalize_lon
from tests.common import resample_boundary

WGS84 = Geod(ellps="WGS84")

# Synthetic zone crossing the antimeridian, ring given with continuous longitudes.
AM_VERTICES = [(175.0, 50.0), (185.0, 50.0), (185.0, 55.0), (175.0, 55.0)]
AM_ZONE = shapely.Polygon(
    densify(AM_VERTICES, "great_circle_except_parallels", closed=True)
)
SQUARE = shapely.Polygon(
    [(0, 0), (2, 0), (2, 2), (0, 2)], [[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 1.5)]]
)


@pytest.mark.parametrize(
    ("lon", "expected"),
    [
        (0.0, 0.0),
        (180.0, -180.0),
        (-180.0, -180.0),
        (181.0, -179.0),
        (-181.0, 179.0),
        (359.5, -0.5),
        (720.0, 0.0),
        (-0.5, -0.5),
    ],
)
def test_normalize_lon(lon: float, expected: float) -> None:
    got = normalize_lon(lon)
    assert type(got) is float
    assert got == expected
    assert -180.0 <= got < 180.0


def test_normalize_lon_array() -> None:
    got = normalize_lon(np.array([[185.0, -190.0]]))
    np.testing.assert_array_equal(got, [[-175.0, 170.0]])


@pytest.mark.parametrize(
    ("lon", "lat", "expected", "where"),
    [
        (0.25, 0.25, True, "inside"),
        (1.0, 1.0, False, "in the hole"),
        (3.0, 1.0, False, "outside"),
        (0.0, 0.0, True, "outer vertex"),
        (1.0, 0.0, True, "outer edge"),
        (0.5, 0.5, True, "hole vertex"),
        (1.0, 0.5, True, "hole edge"),
        (360.25, 0.25, True, "inside, lon + 360"),
    ],
)
def test_covers_on_vertex_edge_hole(
    lon: float, lat: float, expected: bool, where: str
) -> None:
    assert covers_xy(SQUARE, lon, lat) is expected, where
    assert (
        bool(shapely.covers(SQUARE, shapely.Point(normalize_lon(lon), lat))) is expected
    )


def test_covers_kinds(as_kind, kind: str) -> None:
    got = covers_xy(SQUARE, as_kind(0.25), as_kind(0.25))
    if kind == "scalar":
        assert got is True
    else:
        assert got.dtype == np.bool_
        assert got.shape == (1,)
        assert got[0]


def test_covers_prepared_geometry() -> None:
    zone = shapely.Polygon(SQUARE)
    shapely.prepare(zone)
    np.testing.assert_array_equal(
        covers_xy(zone, [0.25, 1.0], [0.25, 1.0]), [True, False]
    )


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (-178.0, 52.0, True),
        (178.0, 52.0, True),
        (182.0, 52.0, True),
        (180.0, 52.0, True),
        (-180.0, 52.0, True),
        (-175.0, 52.0, True),  # on the eastern edge (185°)
        (-174.9, 52.0, False),
        (174.9, 52.0, False),
        (-178.0, 49.9, False),
        (-178.0, 56.0, False),
    ],
)
def test_antimeridian_zone_membership(lon: float, lat: float, expected: bool) -> None:
    assert covers_xy(AM_ZONE, lon, lat) is expected


def test_antimeridian_zone_given_in_negative_frame() -> None:
    shifted = shapely.affinity.translate(AM_ZONE, xoff=-360.0)  # -185 .. -175
    lon = np.array([-178.0, 178.0, 175.0, 170.0])
    np.testing.assert_array_equal(
        covers_xy(shifted, lon, 52.0), [True, True, True, False]
    )


def test_normal_zone_touching_180() -> None:
    zone = shapely.box(170.0, 0.0, 180.0, 10.0)
    assert covers_xy(zone, -180.0, 5.0) is True
    assert covers_xy(zone, 180.0, 5.0) is True
    assert covers_xy(zone, -179.9, 5.0) is False


def test_empty_geometry_covers_nothing() -> None:
    np.testing.assert_array_equal(
        covers_xy(shapely.Polygon(), [0.0, 1.0], 0.0), [False, False]
    )


def _brute_force(x: float, y: float) -> float:
    """Min of Geod.inv over the synthetic zone's boundary resampled every 10 m."""
    lons, lats = resample_boundary(AM_ZONE, 10.0)
    n = len(lons)
    return float(np.min(WGS84.inv(np.full(n, x), np.full(n, y), lons, lats)[2]))


@pytest.mark.parametrize(
    ("lon", "lat", "inside"),
    [
        (-179.9, 52.0, True),
        (-179.9, 50.02, True),
        (-174.95, 54.0, False),
        (179.9, 49.9, False),
    ],
)
def test_antimeridian_distance_against_brute_force(
    lon: float, lat: float, inside: bool
) -> None:
    bd = BoundaryDistance(AM_ZONE)
    d = bd.signed_distance_m(lon, lat)
    assert (d < 0) is inside
    assert abs(d) == pytest.approx(_brute_force(lon, lat), abs=0.5)
    # the same point written 360° further east gives the same answer
    assert bd.signed_distance_m(lon + 360.0, lat) == pytest.approx(d, abs=1e-6)
