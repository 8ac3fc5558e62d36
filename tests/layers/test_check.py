"""Membership: the boundary rule, scalar/array agreement, time, antimeridian, errors."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

import shapely
from pyproj import Geod

from airmap.geo import UnknownZoneError
from airmap.layers import Status, ZoneCatalogue
from tests.common import ANTIMERIDIAN, HOLE, SQUARE, write_user_zones, zone_feature

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> ZoneCatalogue:
    path = tmp_path_factory.mktemp("zones") / "zones.geojson"
    write_user_zones(
        path,
        [
            zone_feature("holed", [SQUARE, HOLE]),
            zone_feature("across", [ANTIMERIDIAN], claimants=("USA",), holder="USA"),
            zone_feature(
                "timed",
                [SQUARE],
                version="a",
                valid_from="2013-12-15T05:00:00Z",
            ),
            zone_feature(
                "timed",
                [SQUARE],
                version="old",
                valid_to="2013-12-15T05:00:00Z",
            ),
        ],
    )
    return ZoneCatalogue.load(path, with_seeds=False)


def _status(
    cat: ZoneCatalogue, key: str, lon: float, lat: float, **kw: float
) -> Status:
    for m in cat.check(lon, lat, **kw):
        if m.zone_version.key == key:
            return m.status
    raise AssertionError(f"{key} not in the answer")


def _dist_to_edge(lon: float, lat: float, ring: list[list[float]]) -> float:
    """Brute force: geodesic distance to a straight-lon/lat ring densified to ~5 m."""
    best = np.inf
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        t = np.linspace(0.0, 1.0, 40_001)
        xs, ys = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
        _, _, d = GEOD.inv(np.full_like(xs, lon), np.full_like(ys, lat), xs, ys)
        best = min(best, float(d.min()))
    return best


# ------------------------------------------------------------ boundary rule
@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (130.0, 37.0, Status.BOUNDARY),  # on a vertex
        (130.5, 37.0, Status.BOUNDARY),  # on an edge (a parallel)
        (131.0, 37.25, Status.BOUNDARY),  # on an edge (a meridian)
        (130.3, 37.5, Status.BOUNDARY),  # on the hole's edge
        (130.5, 37.5, Status.OUTSIDE),  # in the hole
        (130.1, 37.1, Status.INSIDE),
        (129.9, 37.5, Status.OUTSIDE),
    ],
)
def test_boundary_rule_on_vertices_edges_and_holes(
    cat: ZoneCatalogue, lon: float, lat: float, expected: Status
) -> None:
    assert _status(cat, "holed@1", lon, lat) is expected


def test_tolerance_zero_is_exactly_the_covers_predicate(cat: ZoneCatalogue) -> None:
    # on the edge: covers → inside; in the hole: outside
    assert _status(cat, "holed@1", 130.5, 37.0, tolerance_m=0) is Status.INSIDE
    assert _status(cat, "holed@1", 130.0, 37.0, tolerance_m=0) is Status.INSIDE
    assert _status(cat, "holed@1", 130.5, 37.5, tolerance_m=0) is Status.OUTSIDE


def test_tolerance_band_within_and_beyond(cat: ZoneCatalogue) -> None:
    # 1 m of latitude is about 1/110,990 degree at 37°N: go 0.5 m and 3 m north of 37°N
    lat_half_m = GEOD.fwd(130.5, 37.0, 0.0, 0.5)[1]
    lat_3m = GEOD.fwd(130.5, 37.0, 180.0, 3.0)[1]
    assert _status(cat, "holed@1", 130.5, lat_half_m) is Status.BOUNDARY
    assert _status(cat, "holed@1", 130.5, lat_3m) is Status.OUTSIDE
    assert _status(cat, "holed@1", 130.5, lat_3m, tolerance_m=5) is Status.BOUNDARY


def test_possibly_inside_when_the_uncertainty_disc_straddles_the_edge(
    cat: ZoneCatalogue,
) -> None:
    lon, lat = GEOD.fwd(130.5, 37.0, 180.0, 800.0)[:2]  # 800 m south of the south edge
    res = {m.zone_version.key: m for m in cat.check(lon, lat, uncertainty_m=1000)}
    assert res["holed@1"].status is Status.POSSIBLY_INSIDE
    assert res["holed@1"].distance_to_edge_m == pytest.approx(800.0, abs=0.5)
    res = {m.zone_version.key: m for m in cat.check(lon, lat, uncertainty_m=500)}
    assert res["holed@1"].status is Status.OUTSIDE


def test_signed_distance_matches_brute_force(cat: ZoneCatalogue) -> None:
    for lon, lat in [(130.2, 37.9), (129.5, 37.2), (130.5, 37.45), (131.3, 38.4)]:
        (m,) = [m for m in cat.check(lon, lat) if m.zone_version.key == "holed@1"]
        d = min(_dist_to_edge(lon, lat, SQUARE), _dist_to_edge(lon, lat, HOLE))
        inside = shapely.intersects_xy(shapely.Polygon(SQUARE, [HOLE]), lon, lat)
        assert m.distance_to_edge_m == pytest.approx(-d if inside else d, abs=1.0)


# ------------------------------------------------------ scalar, list, array
@pytest.mark.parametrize("container", [list, np.asarray, tuple])
def test_arrays_agree_with_the_scalar_path(cat: ZoneCatalogue, container: type) -> None:
    lons = [130.0, 130.5, 130.1, 129.9, 130.5, 131.0]
    lats = [37.0, 37.5, 37.1, 37.5, 37.0, 37.25]
    res = cat.check(container(lons), container(lats))
    assert res.status.shape == (len(res.versions), len(lons))
    row = res.row("holed@1")
    for i, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        assert Status(res.status[row, i]) is _status(cat, "holed@1", lon, lat)
        (m,) = [m for m in cat.check(lon, lat) if m.zone_version.key == "holed@1"]
        assert res.distance_m[row, i] == pytest.approx(m.distance_to_edge_m, abs=1e-6)


def test_array_result_holds_no_python_object_per_point(cat: ZoneCatalogue) -> None:
    res = cat.check(np.linspace(129, 132, 1000), np.full(1000, 37.5))
    assert res.status.dtype == np.int8
    assert res.covers.dtype == np.bool_
    assert res.distance_m.dtype == np.float64


# ------------------------------------------------------------------- time
def test_versions_follow_time(cat: ZoneCatalogue) -> None:
    before = dt.datetime(2013, 12, 15, 4, 59, 59, tzinfo=dt.UTC)
    after = dt.datetime(2013, 12, 15, 5, 0, tzinfo=dt.UTC)
    keys_before = {m.zone_version.key for m in cat.check(130.5, 37.1, before)}
    keys_after = {m.zone_version.key for m in cat.check(130.5, 37.1, after)}
    assert "timed@old" in keys_before
    assert "timed@a" not in keys_before
    assert "timed@a" in keys_after
    assert "timed@old" not in keys_after
    res = cat.check([130.5, 130.5], [37.1, 37.1], [before, after])
    assert Status(res.status[res.row("timed@old"), 0]) is Status.INSIDE
    assert Status(res.status[res.row("timed@old"), 1]) is Status.NOT_IN_FORCE
    assert Status(res.status[res.row("timed@a"), 0]) is Status.NOT_IN_FORCE
    assert Status(res.status[res.row("timed@a"), 1]) is Status.INSIDE


def test_naive_time_is_refused(cat: ZoneCatalogue) -> None:
    naive = dt.datetime(2019, 7, 23, 0, 9)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        cat.check(130.5, 37.1, naive)
    with pytest.raises(ValueError, match="naive timestamps"):
        cat.check([130.5], [37.1], [naive])


def test_times_as_a_pandas_series_in_another_zone(cat: ZoneCatalogue) -> None:
    import pandas as pd

    kst = pd.Series(
        pd.to_datetime(["2013-12-15 13:59", "2013-12-15 14:00"])
    ).dt.tz_localize("Asia/Seoul")
    res = cat.check([130.5, 130.5], [37.1, 37.1], kst)
    assert Status(res.status[res.row("timed@a"), 0]) is Status.NOT_IN_FORCE
    assert Status(res.status[res.row("timed@a"), 1]) is Status.INSIDE


# ------------------------------------------------------------ antimeridian
def test_zone_across_the_antimeridian(cat: ZoneCatalogue) -> None:
    assert _status(cat, "across@1", -178.0, 52.0) is Status.INSIDE
    assert _status(cat, "across@1", 178.0, 52.0) is Status.INSIDE
    assert _status(cat, "across@1", -170.0, 52.0) is Status.OUTSIDE
    (m,) = [m for m in cat.check(-179.9, 54.1) if m.zone_version.key == "across@1"]
    # nearest edge: the 54°N parallel, straight in lon/lat
    _, _, d = GEOD.inv(-179.9, 54.1, -179.9, 54.0)
    assert m.distance_to_edge_m == pytest.approx(d, abs=1.0)


# ---------------------------------------------------------------- errors
def test_unknown_zone_suggests_close_ids(cat: ZoneCatalogue) -> None:
    with pytest.raises(UnknownZoneError, match="did you mean 'holed'") as err:
        cat.get("holde")
    assert isinstance(err.value, KeyError)


@pytest.mark.parametrize(
    ("lon", "lat", "match"),
    [
        (130.0, 91.0, "outside -90..90"),
        (181.0, 37.0, "outside -180..180"),
        (np.nan, 37.0, "outside"),
    ],
)
def test_out_of_range_positions_are_refused(
    cat: ZoneCatalogue, lon: float, lat: float, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        cat.check(lon, lat)
    with pytest.raises(ValueError, match=match):
        cat.check([130.0, lon], [37.0, lat])


def test_array_path_bit_for_bit_across_the_antimeridian_and_a_hole(
    cat: ZoneCatalogue,
) -> None:
    rng = np.random.default_rng(11)
    n = 200_000
    x = np.concatenate([rng.uniform(170, 180, n // 2), rng.uniform(-180, -170, n // 2)])
    y = rng.uniform(48.0, 56.0, n)
    # and the holed square, with points on its vertices and edges
    hx = np.concatenate(
        [rng.uniform(129.5, 131.5, n), [130.0, 130.5, 131.0, 130.3, 130.7]]
    )
    hy = np.concatenate([rng.uniform(36.5, 38.5, n), [37.0, 37.0, 37.25, 37.5, 37.7]])
    x, y = np.concatenate([x, hx]), np.concatenate([y, hy])
    res = cat.check(x, y, tolerance_m=0.0)
    across = shapely.Polygon(ANTIMERIDIAN)
    holed = shapely.Polygon(SQUARE, [HOLE])
    expected_across = shapely.intersects_xy(across, x, y) | shapely.intersects_xy(
        across, x + 360, y
    )
    np.testing.assert_array_equal(res.covers[res.row("across@1")], expected_across)
    np.testing.assert_array_equal(
        res.covers[res.row("holed@1")],
        shapely.intersects_xy(cat.get("holed").versions[0].geometry, x, y),
    )
    assert (
        shapely.intersects_xy(holed, x, y).sum() == res.covers[res.row("holed@1")].sum()
    )
    # with the 1 m band, arrays agree with the one-point path on a sample
    res1 = cat.check(x[::5000], y[::5000])
    for i, (lon, lat) in enumerate(zip(x[::5000], y[::5000], strict=True)):
        for m in cat.check(float(lon), float(lat)):
            assert Status(res1.status[res1.row(m.zone_version.key), i]) is m.status


def test_covering_is_the_fast_exact_answer_of_check() -> None:
    """``covering`` lists exactly the versions ``check`` reports as covering the point."""
    import datetime as dt

    import numpy as np

    cat = ZoneCatalogue.default()
    rng = np.random.default_rng(7)
    lon = rng.uniform(120.0, 140.0, 300)
    lat = rng.uniform(28.0, 42.0, 300)
    when = dt.datetime(2019, 7, 23, tzinfo=dt.UTC)
    res = cat.check(lon, lat, when=when, tolerance_m=0.0)
    keys = [v.key for v in cat.versions]
    for i in range(lon.size):
        expected = [k for k in keys if res.covers[keys.index(k), i]]
        got = [v.key for v in cat.covering(float(lon[i]), float(lat[i]), when)]
        assert got == expected
    with pytest.raises(ValueError, match="timezone-aware"):
        cat.covering(130.0, 37.0, dt.datetime(2019, 7, 23))  # noqa: DTZ001
