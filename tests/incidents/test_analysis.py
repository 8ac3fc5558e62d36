"""Track-versus-zone analysis against independent numbers.

Truth comes from pyproj's ``Geod`` used directly in this file (never from
``airmap.geo`` or the code under test): entry and exit instants solve
``dist(centre, P(t)) = R`` on the same piecewise-geodesic path, depths come from
dense sampling plus a golden-section search, straight lon/lat edges are crossed
by bisection on longitude or latitude.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pyproj import Geod

from airmap.geo import InputError, UnknownZoneError
from airmap.incidents import (
    Track,
    TrackAnalysis,
    analyse_track,
    analyse_tracks,
    crossings_frame,
)
from airmap.layers import ZoneCatalogue
from tests.common import write_user_zones, zone_feature

G = Geod(ellps="WGS84")
T0 = np.datetime64("2019-07-23T00:00:00", "ns")
T0_DT = dt.datetime(2019, 7, 23, tzinfo=dt.UTC)

#: The synthetic disc: a geodesic circle of radius R round CENTRE.
CENTRE = (130.5, 35.0)
R = 20_000.0
#: Vertices of the disc polygon: 4096 edges of 30.7 m cut inside the true
#: circle by at most c²/8R = 6 mm.
N_DISC = 4096
SPEED = 250.0  # m/s

#: A U-shaped zone: a box with a notch cut in from the north.
U_ZONE = [
    [131.40, 34.90],
    [131.60, 34.90],
    [131.60, 35.10],
    [131.53, 35.10],
    [131.53, 34.95],
    [131.47, 34.95],
    [131.47, 35.10],
    [131.40, 35.10],
    [131.40, 34.90],
]
#: A square with an altitude band (surface to 10,000 ft).
BAND_BOX = [[132.4, 34.9], [132.6, 34.9], [132.6, 35.1], [132.4, 35.1], [132.4, 34.9]]
#: A square zone with two versions, the change at CHANGE.
TIMED_BOX = [
    [133.4, 34.9],
    [133.6, 34.9],
    [133.6, 35.1],
    [133.4, 35.1],
    [133.4, 34.9],
]
CHANGE = "2019-07-23T00:01:00Z"
#: A small square whose corner a track clips between two samples.
CLIP_BOX = [[134.0, 35.0], [134.1, 35.0], [134.1, 35.1], [134.0, 35.1], [134.0, 35.0]]


def disc_ring(lon: float, lat: float, radius: float, n: int) -> list[list[float]]:
    """Counter-clockwise ring of n points exactly ``radius`` (geodesic) from a centre."""
    az = np.linspace(360.0, 0.0, n, endpoint=False)
    x, y, _ = G.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius))
    ring = [[float(a), float(b)] for a, b in zip(x, y, strict=True)]
    return [*ring, ring[0]]


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> ZoneCatalogue:
    path: Path = tmp_path_factory.mktemp("zones") / "zones.geojson"
    write_user_zones(
        path,
        [
            zone_feature(
                "disc", [disc_ring(*CENTRE, R, N_DISC)], edge_rule="great_circle"
            ),
            zone_feature("u", [U_ZONE], kind="territorial_airspace"),
            zone_feature(
                "band",
                [BAND_BOX],
                vertical={"lower_ft": 0, "upper_ft": 10_000},
            ),
            zone_feature(
                "unl",
                [BAND_BOX],
                vertical={"lower_ft": "GND", "upper_ft": "UNL"},
            ),
            zone_feature("timed", [TIMED_BOX], version="old", valid_to=CHANGE),
            zone_feature("timed", [TIMED_BOX], version="new", valid_from=CHANGE),
            zone_feature("clip", [CLIP_BOX], claimants=("KOR", "JPN")),
        ],
    )
    return ZoneCatalogue.load(path, with_seeds=False)


# ------------------------------------------------------------ path builders
class Path2:
    """A piecewise-geodesic path through timed samples, evaluated with pyproj."""

    def __init__(self, secs: Any, lon: Any, lat: Any) -> None:
        self.secs = np.asarray(secs, dtype=float)
        self.lon = np.asarray(lon, dtype=float)
        self.lat = np.asarray(lat, dtype=float)
        az, _, dist = G.inv(self.lon[:-1], self.lat[:-1], self.lon[1:], self.lat[1:])
        self.az = np.asarray(az)
        self.dist = np.asarray(dist)

    def at(self, t: float) -> tuple[float, float]:
        i = int(
            np.clip(
                np.searchsorted(self.secs, t, side="right") - 1, 0, self.secs.size - 2
            )
        )
        f = (t - self.secs[i]) / (self.secs[i + 1] - self.secs[i])
        x, y, _ = G.fwd(self.lon[i], self.lat[i], self.az[i], f * self.dist[i])
        return float(x), float(y)

    def track(self, name: str = "t", altitude: Any = None) -> Track:
        times = T0 + np.rint(self.secs * 1e9).astype("int64").astype("timedelta64[ns]")
        return Track(name, times, self.lon, self.lat, altitude)


def straight(
    lon: float, lat: float, az: float, secs: Any, speed: float = SPEED
) -> Path2:
    secs = np.asarray(secs, dtype=float)
    x, y, _ = G.fwd(
        np.full(secs.size, lon),
        np.full(secs.size, lat),
        np.full(secs.size, az),
        secs * speed,
    )
    return Path2(secs, x, y)


def offset_pass(p: float, step: float = 10.0, lead: float = 40_000.0) -> Path2:
    """Straight geodesic passing ``p`` metres from CENTRE, heading roughly north."""
    qx, qy, back = (
        G.fwd(*CENTRE, 90.0 if p >= 0 else -90.0, abs(p)) if p else (*CENTRE, 0.0)
    )
    heading = (back + 90.0) if p else 0.0  # perpendicular to the radius
    sx, sy, baz = G.fwd(qx, qy, heading + 180.0, lead)
    return straight(sx, sy, baz, np.arange(0.0, 2 * lead / SPEED + step, step))


def solve(
    fn: Callable[[float], float], lo: float, hi: float, tol: float = 1e-7
) -> float:
    """Bisection for a sign change of fn in [lo, hi]."""
    flo = fn(lo)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if (fn(mid) > 0) == (flo > 0):
            lo, flo = mid, fn(mid)
        else:
            hi = mid
    return 0.5 * (lo + hi)


def disc_truth(path: Path2) -> tuple[list[float], float, float]:
    """Crossing times of the true circle and the deepest point (depth, time)."""

    def g(t: float) -> float:
        return float(G.inv(*CENTRE, *path.at(t))[2]) - R

    ts = np.linspace(path.secs[0], path.secs[-1], 4001)
    vals = np.array([g(t) for t in ts])
    cross = [
        solve(g, ts[i], ts[i + 1])
        for i in np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))
    ]
    j = int(np.argmin(vals))
    lo, hi = ts[max(j - 1, 0)], ts[min(j + 1, ts.size - 1)]
    phi = (math.sqrt(5) - 1) / 2
    for _ in range(80):  # golden section on the distance to the centre
        c, d = hi - phi * (hi - lo), lo + phi * (hi - lo)
        if g(c) < g(d):
            hi = d
        else:
            lo = c
    t_min = 0.5 * (lo + hi)
    return cross, -g(t_min), t_min


def secs_of(t: dt.datetime | None) -> float:
    assert t is not None
    return (t - T0_DT).total_seconds()


# ------------------------------------------------------ 1. straight passes
@pytest.mark.parametrize("p", [0.0, 5_000.0, -12_000.0, 19_000.0])
def test_straight_pass_matches_the_geodesic_circle(
    cat: ZoneCatalogue, p: float
) -> None:
    path = offset_pass(p)
    (t_in, t_out), depth, t_deep = disc_truth(path)
    res = analyse_track(path.track(), cat, zones=["disc"]).result("disc")
    (iv,) = res.intervals
    assert secs_of(iv.entry) == pytest.approx(t_in, abs=0.1)
    assert secs_of(iv.exit) == pytest.approx(t_out, abs=0.1)
    # far tighter in practice: the bisection stops at 0.1 ms
    assert abs(secs_of(iv.entry) - t_in) < 2e-4
    assert abs(secs_of(iv.exit) - t_out) < 2e-4
    assert iv.duration_s == pytest.approx(t_out - t_in, abs=0.01)
    assert res.total_inside_s == pytest.approx(iv.duration_s)
    for (lon, lat), t in (
        ((iv.entry_lon, iv.entry_lat), t_in),
        ((iv.exit_lon, iv.exit_lat), t_out),
    ):
        assert G.inv(lon, lat, *path.at(t))[2] < 1.0
        assert G.inv(*CENTRE, lon, lat)[2] == pytest.approx(R, abs=0.03)
    assert iv.max_depth_m == pytest.approx(depth, abs=1.0)
    assert res.max_depth_m == iv.max_depth_m
    assert secs_of(iv.max_depth_time) == pytest.approx(t_deep, abs=0.05 if p else 0.01)
    assert G.inv(iv.max_depth_lon, iv.max_depth_lat, *path.at(t_deep))[2] < 12.0
    assert (iv.entry_cause, iv.exit_cause) == ("edge", "edge")
    assert (iv.entry_uncertainty_s, iv.exit_uncertainty_s) == (0.0, 0.0)
    assert not (iv.entry_in_gap)
    assert not (iv.exit_in_gap)
    assert res.closest_approach_m == 0.0
    assert res.closest_approach_time == iv.entry


def test_near_miss_reports_the_closest_approach(cat: ZoneCatalogue) -> None:
    path = offset_pass(23_500.0)
    _, depth, t_min = disc_truth(path)  # depth < 0 outside: -3.5 km
    res = analyse_track(path.track(), cat, zones=["disc"]).result("disc")
    assert not res.intervals
    assert res.closest_approach_m == pytest.approx(-depth, abs=1.0)
    assert secs_of(res.closest_approach_time) == pytest.approx(t_min, abs=0.05)
    # beyond approach_within_m: not reported at all
    far = analyse_track(path.track(), cat, zones=["disc"], approach_within_m=3_000.0)
    assert far.zones == ()
    with pytest.raises(KeyError, match="neither entered nor came within 3,000 m"):
        far.result("disc")
    assert far.total_inside_s("disc") == 0.0


# -------------------------------------------------------- 2. curved tracks
@pytest.mark.parametrize(
    ("turn_centre", "radius", "step"),
    [((130.5, 34.72), 25_000.0, 5.0), ((130.36, 35.0), 12_000.0, 10.0)],
)
def test_turning_track_matches_the_piecewise_geodesic_truth(
    cat: ZoneCatalogue, turn_centre: tuple[float, float], radius: float, step: float
) -> None:
    omega = math.degrees(SPEED / radius)  # degrees of azimuth per second
    secs = np.arange(0.0, 300.0 / omega * 1.0 + step, step)
    az = -60.0 + omega * secs
    x, y, _ = G.fwd(
        np.full(secs.size, turn_centre[0]),
        np.full(secs.size, turn_centre[1]),
        az,
        np.full(secs.size, radius),
    )
    path = Path2(secs, x, y)
    crossings, depth, t_deep = disc_truth(path)
    res = analyse_track(path.track(), cat, zones=["disc"]).result("disc")
    got = [
        secs_of(t) for iv in res.intervals for t in (iv.entry, iv.exit) if t is not None
    ]
    assert len(got) == len(crossings) >= 2
    np.testing.assert_allclose(got, crossings, atol=0.01)
    deepest = max(res.intervals, key=lambda i: i.max_depth_m)
    assert deepest.max_depth_m == pytest.approx(depth, abs=1.0)
    assert secs_of(deepest.max_depth_time) == pytest.approx(t_deep, abs=0.2)


# ----------------------------------------------------- 3. concave zone
def lon_crossing(path: Path2, lon: float, lo: float, hi: float) -> float:
    return solve(lambda t: path.at(t)[0] - lon, lo, hi)


def test_concave_zone_gives_separate_intervals(cat: ZoneCatalogue) -> None:
    path = straight(131.35, 35.02, 90.0, np.arange(0.0, 120.0, 10.0))
    res = analyse_track(path.track(), cat, zones=["u"]).result("u")
    edges = [131.40, 131.47, 131.53, 131.60]
    truth = [lon_crossing(path, e, 0.0, 110.0) for e in edges]
    assert len(res.intervals) == 2
    got = [secs_of(t) for iv in res.intervals for t in (iv.entry, iv.exit)]
    np.testing.assert_allclose(got, truth, atol=0.005)
    assert res.total_inside_s == pytest.approx(
        (truth[1] - truth[0]) + (truth[3] - truth[2]), abs=0.01
    )
    assert res.total_inside_s == pytest.approx(sum(i.duration_s for i in res.intervals))
    a = analyse_track(path.track(), cat, zones=["u"])
    assert a.total_inside_s("u") == pytest.approx(res.total_inside_s)
    # deepest point of each stay: half-way across 0.07° (or to the south edge)
    for iv in res.intervals:
        mid = 0.5 * (secs_of(iv.entry) + secs_of(iv.exit))
        x, y = path.at(mid)
        half = G.inv(x, y, edges[0] if iv is res.intervals[0] else edges[2], y)[2]
        south = G.inv(x, y, x, 34.90)[2]
        assert iv.max_depth_m == pytest.approx(min(half, south), rel=2e-3)


def test_corner_clip_between_two_outside_samples(cat: ZoneCatalogue) -> None:
    """Both samples are outside; the chord between them cuts the NE corner."""
    sx, sy = 134.095, 35.103
    path = straight(sx, sy, 135.0, [0.0, 10.0])  # ~2.5 km south-east
    assert not any(
        134.0 <= path.lon[i] <= 134.1 and 35.0 <= path.lat[i] <= 35.1 for i in (0, 1)
    )
    t_in = solve(lambda t: path.at(t)[1] - 35.1, 0.0, 10.0)
    t_out = solve(lambda t: path.at(t)[0] - 134.1, 0.0, 10.0)
    res = analyse_track(path.track(), cat, zones=["clip"]).result("clip")
    (iv,) = res.intervals
    assert secs_of(iv.entry) == pytest.approx(t_in, abs=0.002)
    assert secs_of(iv.exit) == pytest.approx(t_out, abs=0.002)
    assert res.claimants == ("KOR", "JPN")


# ------------------------------------------------------------- 4. gaps
def test_gap_around_a_crossing_is_reported_as_uncertainty(cat: ZoneCatalogue) -> None:
    full = offset_pass(5_000.0, lead=80_000.0)
    (t_in, t_out), _, _ = disc_truth(full)
    # drop five minutes of samples around the entry (not the exit)
    keep = (full.secs < t_in - 200) | (full.secs > t_in + 100)
    path = Path2(full.secs[keep], full.lon[keep], full.lat[keep])
    before = path.secs[path.secs < t_in].max()
    after = path.secs[path.secs > t_in].min()
    a = analyse_track(path.track(), cat, zones=["disc"], max_gap_s=60.0)
    (gap,) = a.gaps
    assert gap.duration_s == after - before
    assert secs_of(gap.start) == before
    assert secs_of(gap.end) == after
    (iv,) = a.result("disc").intervals
    assert iv.entry_in_gap
    assert not iv.exit_in_gap
    assert iv.entry_uncertainty_s == after - before
    assert iv.exit_uncertainty_s == 0.0
    # the instant is still interpolated on the (same) geodesic
    assert secs_of(iv.entry) == pytest.approx(t_in, abs=0.01)
    assert secs_of(iv.exit) == pytest.approx(t_out, abs=0.01)
    assert "1 gap" in repr(a)


# ---------------------------------------------------------- 5. altitude
def test_climb_out_of_the_band_exits_by_altitude(cat: ZoneCatalogue) -> None:
    path = straight(132.35, 35.0, 90.0, np.arange(0.0, 130.0, 10.0))
    alt = 2_000.0 + 15.0 * path.secs  # metres AMSL, climbing 15 m/s
    res = analyse_track(path.track(altitude=alt), cat, zones=["band"]).result("band")
    assert res.vertical == "3-D"
    (iv,) = res.intervals
    t_in = lon_crossing(path, 132.4, 0.0, 120.0)
    t_top = (10_000 * 0.3048 - 2_000.0) / 15.0
    assert iv.entry_cause == "edge"
    assert iv.exit_cause == "altitude"
    assert secs_of(iv.entry) == pytest.approx(t_in, abs=0.005)
    assert secs_of(iv.exit) == pytest.approx(t_top, abs=1e-6)
    assert G.inv(iv.exit_lon, iv.exit_lat, *path.at(t_top))[2] < 0.01
    # horizontally it would have stayed until the east edge
    flat = analyse_track(path.track(), cat, zones=["band"]).result("band")
    assert flat.vertical == "2-D only: track has no altitudes"
    assert secs_of(flat.intervals[0].exit) == pytest.approx(
        lon_crossing(path, 132.6, 0.0, 120.0), abs=0.005
    )


def test_descent_into_the_band_and_unknown_altitudes(cat: ZoneCatalogue) -> None:
    path = straight(132.45, 35.0, 90.0, np.arange(0.0, 60.0, 10.0))
    alt = 4_000.0 - 20.0 * path.secs  # enters the band from above at 47.6 s
    alt[2] = np.nan  # one unknown altitude, interpolated in time
    res = analyse_track(path.track(altitude=alt), cat, zones=["band"]).result("band")
    (iv,) = res.intervals
    assert iv.entry_cause == "altitude"
    assert iv.exit_cause == "track_end"
    assert secs_of(iv.entry) == pytest.approx((4_000.0 - 3_048.0) / 20.0, abs=1e-6)
    assert res.vertical == "3-D (altitude interpolated at 1 of 6 samples)"


def test_vertical_reasons(cat: ZoneCatalogue) -> None:
    path = straight(132.35, 35.0, 90.0, np.arange(0.0, 130.0, 10.0))
    a = analyse_track(path.track(altitude=np.full(13, 9_000.0)), cat)
    assert a.result("unl").vertical == "2-D only: zone is surface to unlimited"
    assert a.result("unl").intervals  # 9 km up, still inside a GND–UNL zone
    assert "band" not in {z.zone_id for z in a.zones if z.intervals}
    b = analyse_track(offset_pass(0.0).track(), cat, zones=["disc"])
    assert b.result("disc").vertical == "2-D only: zone has no vertical limits recorded"


# -------------------------------------------------- 6. version change
def test_version_change_cuts_the_interval(cat: ZoneCatalogue) -> None:
    path = straight(133.35, 35.0, 90.0, np.arange(0.0, 101.0, 10.0) + 3.0)
    a = analyse_track(path.track(), cat, zones=["timed"])
    old, new = a.result("timed@old"), a.result("timed@new")
    change = dt.datetime(2019, 7, 23, 0, 1, tzinfo=dt.UTC)
    (i_old,) = old.intervals
    (i_new,) = new.intervals
    assert i_old.exit == change
    assert i_old.exit_cause == "version_end"
    assert i_new.entry == change
    assert i_new.entry_cause == "version_start"
    assert i_old.exit_uncertainty_s == 0.0
    assert i_new.entry_uncertainty_s == 0.0
    assert G.inv(i_old.exit_lon, i_old.exit_lat, *path.at(60.0))[2] < 0.01
    assert (i_old.exit_lon, i_old.exit_lat) == (i_new.entry_lon, i_new.entry_lat)
    assert secs_of(i_old.entry) == pytest.approx(
        lon_crossing(path, 133.4, 3.0, 100.0), abs=0.005
    )
    assert a.total_inside_s("timed") == pytest.approx(
        old.total_inside_s + new.total_inside_s
    )
    with pytest.raises(KeyError, match="several results"):
        a.result("timed")
    # a fixed instant: every sample judged against the version then in force
    fixed = analyse_track(path.track(), cat, zones=["timed"], when=change)
    assert [z.key for z in fixed.zones] == ["timed@new"]
    (iv,) = fixed.zones[0].intervals
    assert iv.entry_cause == "edge"
    assert iv.exit_cause in ("edge", "track_end")
    with pytest.raises(ValueError, match="naive"):
        analyse_track(path.track(), cat, when=dt.datetime(2019, 7, 23))  # noqa: DTZ001


# --------------------------------------- 7. starts inside / ends inside
def test_track_that_starts_and_ends_inside(cat: ZoneCatalogue) -> None:
    path = straight(CENTRE[0], CENTRE[1] - 0.05, 0.0, np.arange(0.0, 41.0, 10.0))
    res = analyse_track(path.track(), cat, zones=["disc"]).result("disc")
    (iv,) = res.intervals
    assert iv.entry is None
    assert iv.exit is None
    assert (iv.entry_cause, iv.exit_cause) == ("track_start", "track_end")
    assert (iv.entry_lon, iv.entry_lat) == (path.lon[0], path.lat[0])
    assert secs_of(iv.start) == 0.0
    assert secs_of(iv.end) == 40.0
    assert iv.duration_s == 40.0
    assert res.closest_approach_m is None  # never outside
    # this northbound leg runs through the centre: depth R there
    _, depth, t_deep = disc_truth(path)
    assert depth == pytest.approx(R, abs=1e-3)
    assert iv.max_depth_m == pytest.approx(depth, abs=1.0)
    assert secs_of(iv.max_depth_time) == pytest.approx(t_deep, abs=0.01)
    frame = crossings_frame([analyse_track(path.track(), cat, zones=["disc"])])
    assert frame["entry_time"].isna().all()
    assert frame["exit_time"].isna().all()


# ---------------------------------------------------- 8. many tracks
def test_dataframe_of_many_tracks_equals_per_track_results(cat: ZoneCatalogue) -> None:
    paths = {f"p{p:g}": offset_pass(p) for p in (0.0, 7_000.0, -15_000.0, 30_000.0)}
    rows = []
    for name, path in paths.items():
        t = pd.Series(path.track().time).dt.tz_localize("UTC")
        rows.append(
            pd.DataFrame({"icao24": name, "ts": t, "x": path.lon, "y": path.lat})
        )
    df = pd.concat(rows, ignore_index=True).sample(frac=1.0, random_state=1)
    df = df.sort_values("ts", kind="stable")  # interleaved, each track still in order
    got = analyse_tracks(
        df, cat, id_column="icao24", time_column="ts", lon_column="x", lat_column="y"
    )
    assert [a.track_id for a in got] == sorted(
        paths, key=lambda n: df["icao24"].tolist().index(n)
    )
    for a in got:
        one = analyse_track(paths[a.track_id].track(a.track_id), cat)
        assert crossings_frame([a]).equals(crossings_frame([one]))
        assert [z.key for z in a.zones] == [z.key for z in one.zones]


def test_duplicate_time_in_one_track_names_the_track(cat: ZoneCatalogue) -> None:
    t = pd.to_datetime(
        ["2019-07-23T00:00Z", "2019-07-23T00:00:10Z", "2019-07-23T00:00:10Z"],
        format="ISO8601",
    )
    df = pd.DataFrame(
        {
            "track_id": ["ok", "bad", "bad"],
            "time": t,
            "lon": [130.0, 130.1, 130.2],
            "lat": [35.0, 35.0, 35.0],
        }
    )
    df.loc[0, "time"] = pd.Timestamp("2019-07-23T00:00:10Z")
    with pytest.raises(
        InputError, match=r"track 'bad': time: samples 1 and 2 have the same time"
    ):
        analyse_tracks(df, cat)
    unsorted = df.assign(
        time=pd.to_datetime(
            ["2019-07-23T00:00Z", "2019-07-23T00:01Z", "2019-07-23T00:00:30Z"],
            format="ISO8601",
        )
    )
    with pytest.raises(InputError, match=r"track 'bad': time: sample 2 .* is earlier"):
        analyse_tracks(unsorted, cat)


def test_naive_times_and_bad_arguments_are_refused(cat: ZoneCatalogue) -> None:
    df = pd.DataFrame(
        {
            "track_id": ["a", "a"],
            "time": pd.to_datetime(["2019-07-23T00:00", "2019-07-23T00:01"]),
            "lon": [130.0, 130.1],
            "lat": [35.0, 35.0],
        }
    )
    with pytest.raises(InputError, match="time: timestamps have no time zone"):
        analyse_tracks(df, cat)
    with pytest.raises(InputError, match="no column 'alt'"):
        analyse_tracks(df, cat, altitude_column="alt")
    track = offset_pass(0.0).track()
    with pytest.raises(UnknownZoneError, match="did you mean 'disc'"):
        analyse_track(track, cat, zones=["disk"])
    with pytest.raises(UnknownZoneError, match="disc@2"):
        analyse_track(track, cat, zones=["disc@2"])
    with pytest.raises(ValueError, match="max_gap_s"):
        analyse_track(track, cat, max_gap_s=0)
    with pytest.raises(UnknownZoneError):
        analyse_track(track, cat).total_inside_s("nowhere")


# ---------------------------------------------------- 9. crossings_frame
def test_crossings_frame_columns_and_values(cat: ZoneCatalogue) -> None:
    path = straight(134.095, 35.103, 135.0, [0.0, 10.0])
    a = analyse_track(path.track("clipper"), cat)
    frame = crossings_frame([a])
    assert frame.columns.tolist() == [
        "track_id", "zone_id", "version", "kind", "holder", "claimants",
        "entry_time", "entry_lon", "entry_lat", "entry_cause", "entry_uncertainty_s",
        "exit_time", "exit_lon", "exit_lat", "exit_cause", "exit_uncertainty_s",
        "duration_s", "max_depth_m", "max_depth_time", "max_depth_lon", "max_depth_lat",
        "vertical",
    ]  # fmt: skip
    (row,) = frame.itertuples(index=False)
    t_in = solve(lambda t: path.at(t)[1] - 35.1, 0.0, 10.0)
    assert row.track_id == "clipper"
    assert row.zone_id == "clip"
    assert row.version == "1"
    assert row.kind == "adiz"
    assert row.holder == "KOR"
    assert row.claimants == "KOR;JPN"
    assert str(frame["entry_time"].dt.tz) == "UTC"
    assert (row.entry_time - pd.Timestamp(T0_DT)).total_seconds() == pytest.approx(
        t_in, abs=0.002
    )
    assert row.entry_cause == "edge"
    assert row.exit_cause == "edge"
    assert row.entry_lat == pytest.approx(35.1, abs=2e-6)
    assert row.exit_lon == pytest.approx(134.1, abs=2e-6)
    assert row.vertical == "2-D only: zone has no vertical limits recorded"
    # depth of the clip: the nearer of the two edges, at best along the path
    t_out = solve(lambda t: path.at(t)[0] - 134.1, 0.0, 10.0)
    depth = max(
        min(G.inv(x, y, x, 35.1)[2], G.inv(x, y, 134.1, y)[2])
        for x, y in (path.at(t) for t in np.linspace(t_in, t_out, 2001))
    )
    assert row.max_depth_m == pytest.approx(depth, abs=0.5)


def test_crossings_frame_is_sorted_by_track_zone_and_entry(cat: ZoneCatalogue) -> None:
    tracks = [
        straight(131.35, 35.02, 90.0, np.arange(0.0, 120.0, 10.0)).track("b"),
        offset_pass(0.0).track("a"),
    ]
    frame = crossings_frame(analyse_tracks(tracks, cat))
    keys = list(
        zip(
            frame.track_id,
            frame.zone_id + "@" + frame.version,
            frame.entry_time,
            strict=True,
        )
    )
    assert keys == sorted(keys)
    assert frame.track_id.tolist()[:1] == ["a"]


def test_track_analysis_api(cat: ZoneCatalogue) -> None:
    a = analyse_track(offset_pass(5_000.0).track("x"), cat)
    assert isinstance(a, TrackAnalysis)
    assert a.track_id == "x"
    assert a.intervals == a.result("disc").intervals
    assert a.result("disc@1") is a.result("disc")
    summary = a.to_frame()
    assert summary.loc[0, "zone_id"] == "disc"
    assert summary.loc[0, "intervals"] == 1
    assert str(summary["first_entry"].dt.tz) == "UTC"
    text = repr(a)
    assert text.startswith("<TrackAnalysis 'x'")
    assert "disc@1 (adiz" in text


# -------------------------------------------------------- 10. real seeds
DOKDO = (131.86667, 37.24167)


def dokdo_pass(lon: float) -> Track:
    secs = np.arange(0.0, 301.0, 10.0)
    x, y, _ = G.fwd(
        np.full(secs.size, lon),
        np.full(secs.size, 37.52),
        np.full(secs.size, 180.0),
        secs * 750 / 3.6,
    )
    return Track(
        "a50", T0 + (secs * 1e9).astype("int64").astype("timedelta64[ns]"), x, y
    )


def basepoint_chord(lon: float, basepoints: list[tuple[float, float]]) -> float:
    """Chord of the union of 12 NM circles round the basepoints along a meridian."""
    ys = np.linspace(36.9, 37.6, 70_001)
    inside = np.zeros(ys.size, dtype=bool)
    for bx, by in basepoints:
        inside |= (
            G.inv(
                np.full(ys.size, bx), np.full(ys.size, by), np.full(ys.size, lon), ys
            )[2]
            <= 22_224.0
        )
    return float(G.inv(lon, ys[inside].min(), lon, ys[inside].max())[2])


@pytest.mark.parametrize(("offset_km", "facts_chord_km"), [(12.0, 37.4), (-13.0, 36.1)])
def test_dokdo_passes_match_facts_t4(offset_km: float, facts_chord_km: float) -> None:
    cat = ZoneCatalogue.default()
    lon = 132.0019 if offset_km > 0 else 131.7202
    assert G.inv(*DOKDO, lon, DOKDO[1])[2] == pytest.approx(
        abs(offset_km) * 1000, rel=2e-3
    )
    res = analyse_track(dokdo_pass(lon), cat, zones=["ta-dokdo"]).result("ta-dokdo")
    (iv,) = res.intervals
    chord = G.inv(iv.entry_lon, iv.entry_lat, iv.exit_lon, iv.exit_lat)[2]
    assert chord == pytest.approx(iv.duration_s * 750 / 3.6, rel=1e-6)
    # Against the zone's own definition: the union of 12 NM geodesic circles
    # round its three NGII basepoints (the seed's 400 m uncertainty aside).
    v = cat.get("ta-dokdo").versions[0]
    truth = basepoint_chord(lon, [(b.lon, b.lat) for b in v.basepoints])
    assert chord == pytest.approx(truth, abs=60.0)
    # Facts T4 measure the offset from Dokdo's centre, with a single circle;
    # the islets lie ~0.25 km east of that centre, which lengthens the eastern
    # chord by ~0.4 km: 1.2 % rather than 1 %.
    assert chord / 1000 == pytest.approx(
        facts_chord_km, rel=0.015 if offset_km > 0 else 0.01
    )


def test_seeded_catalogue_skips_partial_lines_and_old_versions() -> None:
    cat = ZoneCatalogue.default()
    a = analyse_track(dokdo_pass(132.0019), cat)
    skipped = dict(a.skipped)
    assert "jadiz@outer-line-partial" in skipped
    assert "line" in skipped["jadiz@outer-line-partial"]
    keys = [z.key for z in a.zones]
    assert keys == sorted(keys)
    assert {"kadiz@2013", "incheon-fir@aip-2018-07-18", "ta-dokdo@1978"} <= set(keys)
    assert "kadiz@1951" not in keys  # not in force in 2019
    assert a.result("kadiz").total_inside_s == pytest.approx(300.0)
    # Ulleungdo (~90 km west) is approached, not entered
    ull = a.result("ta-ulleungdo")
    assert not ull.intervals
    assert ull.closest_approach_m is not None
    # brute force with pyproj: the path every 1 s against the edge's
    # geodesic segments sampled every quarter (~75 m)
    ring = np.asarray(ull.zone_version.geometry.exterior.coords)
    az, _, length = G.inv(ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1])
    quarter = np.repeat([0.0, 0.25, 0.5, 0.75], az.size)
    bx, by, _ = G.fwd(
        np.tile(ring[:-1, 0], 4),
        np.tile(ring[:-1, 1], 4),
        np.tile(az, 4),
        quarter * np.tile(length, 4),
    )
    secs = np.arange(0.0, 301.0, 1.0)
    px, py, _ = G.fwd(
        np.full(secs.size, 132.0019),
        np.full(secs.size, 37.52),
        np.full(secs.size, 180.0),
        secs * 750 / 3.6,
    )
    best = min(
        float(G.inv(np.full(bx.size, x), np.full(bx.size, y), bx, by)[2].min())
        for x, y in zip(px, py, strict=True)
    )
    assert ull.closest_approach_m == pytest.approx(best, abs=1.0)
