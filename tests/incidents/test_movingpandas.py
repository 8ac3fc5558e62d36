"""Our crossings against movingpandas' ``clip`` on the same tracks and zone.

movingpandas intersects the straight lon/lat segment between two samples with
the polygon and interpolates time along that planar segment. The aircraft is
modelled here (and in ``airmap.incidents``) as flying the geodesic between
samples, so the two answers differ by movingpandas' planar-interpolation
error. For each crossing the test computes that error bound from pyproj alone:

    bound = 1.5 · δ / (v · sin θ) + 2 µs

where δ is the distance between the planar and the geodesic interpolation of
the pair at the true crossing fraction, v the ground speed and θ the angle
between the track and the zone edge there (δ / sin θ is how far along the track
an edge crossing moves when the path is displaced by δ; 1.5 covers the
curvature of the edge over that distance; movingpandas truncates times to the
microsecond). Truth is the crossing of the geodesic circle solved with pyproj.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import shapely
from pyproj import Geod

from airmap.incidents import Track, analyse_tracks
from airmap.layers import ZoneCatalogue
from tests.common import write_user_zones, zone_feature

with warnings.catch_warnings():  # movingpandas warns about optional extras on import
    warnings.simplefilter("ignore")
    import movingpandas as mpd  # in the test extra; a missing peer is a failure

G = Geod(ellps="WGS84")
CENTRE = (130.5, 35.0)
R = 20_000.0
SPEED = 250.0
T0 = pd.Timestamp("2019-07-23T00:00:00")


def disc_ring(n: int = 4096) -> list[list[float]]:
    az = np.linspace(360.0, 0.0, n, endpoint=False)
    x, y, _ = G.fwd(np.full(n, CENTRE[0]), np.full(n, CENTRE[1]), az, np.full(n, R))
    ring = [[float(a), float(b)] for a, b in zip(x, y, strict=True)]
    return [*ring, ring[0]]


@pytest.fixture(scope="module")
def cat(tmp_path_factory: pytest.TempPathFactory) -> ZoneCatalogue:
    path: Path = tmp_path_factory.mktemp("zones") / "disc.geojson"
    write_user_zones(
        path, [zone_feature("disc", [disc_ring()], edge_rule="great_circle")]
    )
    return ZoneCatalogue.load(path, with_seeds=False)


def sampled_tracks() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Straight passes (60 s samples, oblique) and a turn (30 s samples)."""
    out = {}
    for name, p, heading in (
        ("s0", 0.0, 45.0),
        ("s9", 9_000.0, 60.0),
        ("s17", -17_000.0, 30.0),
    ):
        # Q: p metres abeam the centre; the track crosses Q perpendicular to CQ
        side = heading + (90.0 if p >= 0 else -90.0)
        qx, qy, back = G.fwd(*CENTRE, side, abs(p)) if p else (*CENTRE, 0.0)
        across = [back + 90.0, back - 90.0]
        here = (
            min(across, key=lambda a: abs((a - heading + 180.0) % 360.0 - 180.0))
            if p
            else heading
        )
        sx, sy, baz = G.fwd(qx, qy, here + 180.0, 45_000.0)
        secs = np.arange(0.0, 361.0, 60.0)
        x, y, _ = G.fwd(
            np.full(secs.size, sx),
            np.full(secs.size, sy),
            np.full(secs.size, baz),
            secs * SPEED,
        )
        out[name] = (secs, np.asarray(x), np.asarray(y))
    secs = np.arange(0.0, 421.0, 30.0)
    omega = math.degrees(SPEED / 30_000.0)
    x, y, _ = G.fwd(
        np.full(secs.size, 130.5),
        np.full(secs.size, 34.78),
        -70.0 + omega * secs,
        np.full(secs.size, 30_000.0),
    )
    out["turn"] = (secs, np.asarray(x), np.asarray(y))
    return out


def truth(secs: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> list[dict[str, float]]:
    """Each crossing of the geodesic circle on the piecewise-geodesic path."""
    az, _, dist = G.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    found = []
    for i in range(secs.size - 1):

        def excess(f: float, i: int = i) -> float:
            x, y, _ = G.fwd(lon[i], lat[i], az[i], f * dist[i])
            return float(G.inv(*CENTRE, x, y)[2]) - R

        fs = np.linspace(0.0, 1.0, 201)
        vals = np.array([excess(f) for f in fs])
        for j in np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:])):
            lo, hi = fs[j], fs[j + 1]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                lo, hi = (mid, hi) if (excess(mid) > 0) == (vals[j] > 0) else (lo, mid)
            f = 0.5 * (lo + hi)
            gx, gy, _ = G.fwd(lon[i], lat[i], az[i], f * dist[i])
            px = lon[i] + f * (lon[i + 1] - lon[i])  # what planar interpolation gives
            py = lat[i] + f * (lat[i + 1] - lat[i])
            delta = float(G.inv(gx, gy, px, py)[2])
            track_az = G.inv(gx, gy, lon[i + 1], lat[i + 1])[0]
            radial_az = G.inv(*CENTRE, gx, gy)[0]
            sin_theta = abs(math.cos(math.radians(track_az - radial_az)))
            v = dist[i] / (secs[i + 1] - secs[i])
            found.append(
                {
                    "t": secs[i] + f * (secs[i + 1] - secs[i]),
                    "bound_s": 1.5 * delta / (v * sin_theta) + 2e-6,
                }
            )
    return found


def peer_crossings(tracks: dict[str, Any], polygon: Any) -> dict[str, list[float]]:
    rows = [
        pd.DataFrame(
            {"id": name, "t": T0 + pd.to_timedelta(s, unit="s"), "x": x, "y": y}
        )
        for name, (s, x, y) in tracks.items()
    ]
    out: dict[str, list[float]] = {name: [] for name in tracks}
    with warnings.catch_warnings():  # the peer's own deprecation warnings
        warnings.simplefilter("ignore")
        tc = mpd.TrajectoryCollection(pd.concat(rows), "id", t="t", x="x", y="y")
        for seg in tc.clip(polygon):
            name = str(seg.parent.id if seg.parent is not None else seg.id)
            for t in (seg.get_start_time(), seg.get_end_time()):
                out[name].append((pd.Timestamp(t) - T0).total_seconds())
    return out


def test_crossings_agree_with_movingpandas_within_its_planar_error(
    cat: ZoneCatalogue,
) -> None:
    tracks = sampled_tracks()
    polygon = shapely.Polygon(disc_ring())
    peer = peer_crossings(tracks, polygon)
    ours_t = analyse_tracks(
        [
            Track(
                name,
                np.datetime64("2019-07-23T00:00:00", "ns")
                + (s * 1e9).astype("int64").astype("timedelta64[ns]"),
                x,
                y,
            )
            for name, (s, x, y) in tracks.items()
        ],
        cat,
    )
    worst_ours, worst_peer, checked = 0.0, 0.0, 0
    for a in ours_t:
        s, x, y = tracks[a.track_id]
        true = truth(s, x, y)
        ours = sorted(
            (t - pd.Timestamp("2019-07-23T00:00Z")).total_seconds()
            for iv in a.result("disc").intervals
            for t in (iv.entry, iv.exit)
            if t is not None
        )
        theirs = sorted(peer[a.track_id])
        assert len(ours) == len(theirs) == len(true) >= 2, a.track_id
        for tr, o, p in zip(true, ours, theirs, strict=True):
            # movingpandas: within its own planar-interpolation bound of the truth …
            assert abs(p - tr["t"]) <= tr["bound_s"], (a.track_id, p, tr)
            # … so the two answers agree within that bound plus our 0.1 ms …
            assert abs(o - p) <= tr["bound_s"] + 1e-4
            # … and ours is the closer one to the geodesic truth
            assert abs(o - tr["t"]) < 1e-4
            assert abs(o - tr["t"]) <= abs(p - tr["t"])
            worst_ours = max(worst_ours, abs(o - tr["t"]))
            worst_peer = max(worst_peer, abs(p - tr["t"]))
            checked += 1
    assert checked >= 8
    # against the geodesic truth, ours is the tighter of the two
    assert worst_ours < worst_peer
    assert worst_peer > 0.01  # the planar error is real at 60 s sampling
