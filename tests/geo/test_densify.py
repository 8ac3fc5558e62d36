"""Edge densification, checked against pyproj.Geod and an independent Mercator."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pyproj import Geod, Transformer

from airmap.geo import EdgeRule, densify

KADIZ_2013 = [
    (123.5, 39.0),
    (133.0, 39.0),
    (133.0, 37.283333),
    (130.5, 36.0),
    (129.8, 35.216667),
    (129.15, 34.716667),
    (128.866667, 34.283333),
    (127.5, 32.5),
    (126.833333, 32.5),
    (125.416667, 30.0),
    (124.0, 30.0),
    (124.0, 37.0),
]


def _edge_spans(
    out: np.ndarray, vertices: list[tuple[float, float]]
) -> list[np.ndarray]:
    """Split a densified polyline at the input vertices, which it must keep in order."""
    idx: list[int] = []
    start = 0
    for x, y in vertices:
        hits = np.flatnonzero((out[start:, 0] == x) & (out[start:, 1] == y))
        assert hits.size, f"vertex {(x, y)} missing from the output"
        idx.append(start + int(hits[0]))
        start = idx[-1] + 1
    assert idx[0] == 0
    assert idx[-1] == len(out) - 1
    return [out[a : b + 1] for a, b in itertools.pairwise(idx)]


def _steps(geod: Geod, pts: np.ndarray) -> np.ndarray:
    return np.asarray(geod.inv(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])[2])


def test_rule_parse_lists_valid_names() -> None:
    assert EdgeRule.parse("great_circle") is EdgeRule.GREAT_CIRCLE
    assert EdgeRule.parse(EdgeRule.RHUMB) is EdgeRule.RHUMB
    with pytest.raises(
        ValueError,
        match="unknown edge rule 'geodesic'; expected one of: "
        "great_circle_except_parallels, great_circle, rhumb, straight_lonlat",
    ):
        EdgeRule.parse("geodesic")


@pytest.mark.parametrize("rule", list(EdgeRule))
@pytest.mark.parametrize("max_segment_m", [5_000.0, 20_000.0])
def test_segments_short_and_vertices_kept(
    rule: EdgeRule, max_segment_m: float, geod: Geod
) -> None:
    out = densify(KADIZ_2013, rule, closed=True, max_segment_m=max_segment_m)
    assert out.dtype == np.float64
    assert out.shape[1] == 2
    np.testing.assert_array_equal(out[0], KADIZ_2013[0])
    np.testing.assert_array_equal(out[-1], KADIZ_2013[0])
    _edge_spans(out, [*KADIZ_2013, KADIZ_2013[0]])
    steps = _steps(geod, out)
    assert steps.max() <= max_segment_m
    # not wastefully dense either: no step below half the limit except the last
    # step of an edge (which ends exactly at the next vertex)
    assert np.median(steps) > 0.5 * max_segment_m


def test_great_circle_vertices_lie_on_the_geodesic(geod: Geod) -> None:
    verts = KADIZ_2013[:6]
    out = densify(verts, "great_circle")
    for span in _edge_spans(out, verts):
        a, b = span[0], span[-1]
        n = len(span)
        total = geod.inv(a[0], a[1], b[0], b[1])[2]
        d1 = geod.inv(np.full(n, a[0]), np.full(n, a[1]), span[:, 0], span[:, 1])[2]
        d2 = geod.inv(span[:, 0], span[:, 1], np.full(n, b[0]), np.full(n, b[1]))[2]
        np.testing.assert_allclose(d1 + d2, total, rtol=1e-6)
        np.testing.assert_allclose(np.asarray(d1 + d2) / total, 1.0, atol=1e-9)


def test_except_parallels_keeps_latitude_on_parallels(geod: Geod) -> None:
    out = densify(KADIZ_2013, "great_circle_except_parallels", closed=True)
    spans = _edge_spans(out, [*KADIZ_2013, KADIZ_2013[0]])
    verts = [*KADIZ_2013, KADIZ_2013[0]]
    n_par = 0
    for (lon1, lat1), (lon2, lat2), span in zip(
        verts[:-1], verts[1:], spans, strict=True
    ):
        if lat1 == lat2:
            n_par += 1
            assert (span[:, 1] == lat1).all()
            assert (np.diff(span[:, 0]) * np.sign(lon2 - lon1) > 0).all()
        else:  # geodesic: on the Geod path between the ends
            total = geod.inv(lon1, lat1, lon2, lat2)[2]
            n = len(span)
            d1 = geod.inv(np.full(n, lon1), np.full(n, lat1), span[:, 0], span[:, 1])[2]
            d2 = geod.inv(span[:, 0], span[:, 1], np.full(n, lon2), np.full(n, lat2))[2]
            np.testing.assert_allclose(np.asarray(d1 + d2) / total, 1.0, atol=1e-9)
    assert n_par == 3  # 39°N, 32°30′N and 30°N


def test_rhumb_keeps_constant_azimuth(geod: Geod) -> None:
    a, b = (124.0, 30.0), (133.0, 39.0)
    out = densify([a, b], "rhumb", max_segment_m=2_000.0)
    az12, az21, _ = geod.inv(out[:-1, 0], out[:-1, 1], out[1:, 0], out[1:, 1])
    # azimuth at each short geodesic's midpoint ~ mean of start and reversed end
    mid = (np.asarray(az12) + (np.asarray(az21) + 180.0)) / 2.0
    assert np.ptp(mid) < 0.01
    assert np.ptp(az12) < 0.02


def test_rhumb_is_straight_in_ellipsoidal_mercator() -> None:
    to_merc = Transformer.from_crs("EPSG:4326", "EPSG:3395", always_xy=True)
    for a, b in [((124.0, 30.0), (133.0, 39.0)), ((-70.0, -33.0), (-10.0, -60.0))]:
        out = densify([a, b], "rhumb")
        x, y = to_merc.transform(out[:, 0], out[:, 1])
        (x0, x1), (y0, y1) = to_merc.transform([a[0], b[0]], [a[1], b[1]])
        # perpendicular offset (Mercator metres) from the straight line a-b
        off = np.abs(
            (x1 - x0) * (np.asarray(y) - y0) - (y1 - y0) * (np.asarray(x) - x0)
        )
        off /= np.hypot(x1 - x0, y1 - y0)
        assert off.max() < 1e-6


def test_rhumb_near_parallel_and_meridian(geod: Geod) -> None:
    out = densify([(120.0, 30.0), (130.0, 30.000001)], "rhumb")
    assert (np.diff(out[:, 1]) >= 0).all()
    assert out[:, 1].max() == 30.000001
    merid = densify([(120.0, 30.0), (120.0, 90.0)], "rhumb")
    assert (merid[:, 0] == 120.0).all()
    assert _steps(geod, merid).max() <= 5_000.0
    with pytest.raises(ValueError, match="reaches a pole only along a meridian"):
        densify([(120.0, 30.0), (130.0, 90.0)], "rhumb")


def test_straight_lonlat_is_linear(geod: Geod) -> None:
    out = densify([(123.5, 39.0), (133.0, 37.0)], "straight_lonlat")
    t = (out[:, 0] - 123.5) / 9.5
    np.testing.assert_allclose(out[:, 1], 39.0 + t * (37.0 - 39.0), atol=1e-12)
    assert _steps(geod, out).max() <= 5_000.0


def test_kadiz_north_edge_great_circle_bows_north(geod: Geod) -> None:
    """39°N 123.5°E – 39°N 133°E as a plain great circle vs. straight lon/lat."""
    a, b = (123.5, 39.0), (133.0, 39.0)
    gc = densify([a, b], "great_circle")
    st = densify([a, b], "straight_lonlat")
    assert (st[:, 1] == 39.0).all()
    # offset of every great-circle vertex north of the 39°N line, metres
    n = len(gc)
    offset = np.asarray(geod.inv(gc[:, 0], gc[:, 1], gc[:, 0], np.full(n, 39.0))[2])
    # independent reference: the geodesic's midpoint (its northernmost point)
    az, _, dist = geod.inv(*a, *b)
    mlon, mlat, _ = geod.fwd(a[0], a[1], az, dist / 2)
    ref = geod.inv(mlon, mlat, mlon, 39.0)[2]
    # ~10.7 km (0.097° of latitude) for this 9.5° edge at 39°N
    assert 10_000 < ref < 12_000
    assert mlat - 39.0 == pytest.approx(0.097, abs=0.002)
    assert offset.max() == pytest.approx(ref, abs=1.0)


def test_antimeridian_stays_continuous(geod: Geod) -> None:
    ring = [(175.0, 50.0), (-175.0, 50.0), (-175.0, 55.0), (175.0, 55.0)]
    for rule in EdgeRule:
        out = densify(ring, rule, closed=True)
        assert np.abs(np.diff(out[:, 0])).max() < 1.0
        assert out[:, 0].min() == 175.0
        assert out[:, 0].max() == 185.0
        np.testing.assert_array_equal(out[-1], out[0])
        assert _steps(geod, out).max() <= 5_000.0
    given_continuous = densify(
        [(175.0, 50.0), (185.0, 50.0), (185.0, 55.0), (175.0, 55.0)],
        "great_circle",
        closed=True,
    )
    np.testing.assert_allclose(
        given_continuous, densify(ring, "great_circle", closed=True)
    )


def test_open_polyline_and_repeated_closing_vertex() -> None:
    open_line = densify([(0.0, 0.0), (1.0, 0.0)], "great_circle")
    np.testing.assert_array_equal(open_line[[0, -1]], [(0.0, 0.0), (1.0, 0.0)])
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]
    np.testing.assert_array_equal(
        densify(ring, "rhumb", closed=True),
        densify([*ring, ring[0]], "rhumb", closed=True),
    )


@pytest.mark.parametrize(
    ("coords", "kwargs", "match"),
    [
        ([(0.0, 0.0, 0.0)], {}, r"coords must have shape \(n, 2\), got \(1, 3\)"),
        ([(0.0, np.nan), (1.0, 1.0)], {}, "coords must be finite"),
        ([(0.0, 91.0), (1.0, 1.0)], {}, r"latitudes must lie within \[-90, 90\]"),
        (
            [(0.0, 0.0), (1.0, 1.0)],
            {"max_segment_m": 0.0},
            "max_segment_m must be positive",
        ),
        (
            [(0.0, 0.0), (1.0, 1.0)],
            {"closed": True},
            "a closed ring needs at least 3 vertices",
        ),
        (
            [(0.0, 80.0), (120.0, 80.0), (240.0, 80.0)],
            {"closed": True},
            "winds round a pole",
        ),
    ],
)
def test_invalid_input(coords, kwargs, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        densify(coords, "great_circle", **kwargs)


def test_unknown_rule_in_densify() -> None:
    with pytest.raises(ValueError, match="unknown edge rule 'curvy'; expected one of"):
        densify([(0.0, 0.0), (1.0, 1.0)], "curvy")
