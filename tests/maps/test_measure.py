"""The measure control: its options and page in Python, its geodesy and clicks in Chromium.

The page's geodesic inverse and direct problems are checked against
``pyproj.Geod(ellps="WGS84")`` (GeographicLib) on random pairs and on the awkward
ones: short legs of about 12 NM, trans-Pacific, across the antimeridian, near the
poles and nearly antipodal. The click test measures Dokdo to Ulleungdo on a map
that opens from a ``file://`` URL with every asset inlined.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path
from typing import Any

import pytest

import folium
from pyproj import Geod

from airmap.maps._map import stable_ids
from airmap.maps._measure import GEODESY_JS, MeasureControl, MeasureError
from airmap.maps.assets import AssetResolver, make_self_contained
from tests.maps.browser import OfflinePage, open_file

GEOD = Geod(ellps="WGS84")
NM_M = 1852.0
DOKDO = (37.2416, 131.8694)
ULLEUNGDO = (37.4844, 130.9057)

#: Agreement with pyproj found in development (20,000 pairs): below 0.02 µm for
#: all but nearly antipodal pairs near the equator (below 0.02 mm). The tests
#: allow a margin over that.
DISTANCE_TOL_M = 1e-6
ANTIPODAL_TOL_M = 1e-4
AZIMUTH_TOL_DEG = 1e-8


# --------------------------------------------------------------------------
# fast tests (no browser)
# --------------------------------------------------------------------------


def test_bad_options_are_refused() -> None:
    with pytest.raises(MeasureError, match="unknown position 'middle'"):
        MeasureControl(position="middle")
    with pytest.raises(MeasureError, match="not a #rrggbb"):
        MeasureControl(colour="red")
    with pytest.raises(MeasureError, match="not a #rrggbb"):
        MeasureControl(colour='#fff"><script>')
    for step in (0, -5, float("nan"), float("inf"), True, "100"):
        with pytest.raises(MeasureError, match="step_m"):
            MeasureControl(step_m=step)  # type: ignore[arg-type]
    assert isinstance(MeasureError("x"), ValueError)


def test_control_belongs_on_a_map() -> None:
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(m)
    MeasureControl().add_to(group)
    with pytest.raises(MeasureError, match=r"folium\.Map"):
        m.get_root().render()


def _measured_map() -> tuple[folium.Map, MeasureControl]:
    m = folium.Map(
        location=[(DOKDO[0] + ULLEUNGDO[0]) / 2, (DOKDO[1] + ULLEUNGDO[1]) / 2],
        zoom_start=10,
        tiles=None,
    )
    zone = folium.GeoJson(
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [131.75, 37.15],
                    [132.0, 37.15],
                    [132.0, 37.33],
                    [131.75, 37.33],
                    [131.75, 37.15],
                ]
            ],
        },
        style_function=lambda _f: {"color": "#1b9e77", "className": "zone"},
    ).add_to(m)
    folium.Popup("zone popup").add_to(zone)
    control = MeasureControl().add_to(m)
    return m, control


def test_page_has_the_geodesy_once_and_is_deterministic() -> None:
    def build() -> str:
        m, _ = _measured_map()
        MeasureControl(position="bottomleft").add_to(m)  # a second one on the page
        stable_ids(m)
        return str(m.get_root().render())

    first = build()
    assert first == build()
    assert first.count("root.airmapGeodesy = Object.freeze") == 2
    assert "if (root.airmapGeodesy) { return; }" in GEODESY_JS
    for forbidden in ("</script", "<!--", "{{", "{%"):
        assert forbidden not in GEODESY_JS


# --------------------------------------------------------------------------
# browser tests
# --------------------------------------------------------------------------


def _open(
    offline: OfflinePage, resolver: AssetResolver, m: folium.Map, path: Path
) -> None:
    stable_ids(m)
    result = make_self_contained(str(m.get_root().render()), resolver=resolver)
    assert result.self_contained
    path.write_text(result.html, encoding="utf-8")
    open_file(offline.page, path, m.get_name())


def _pairs() -> list[tuple[str, float, float, float, float]]:
    """Test pairs (kind, lat1, lon1, lat2, lon2), seeded."""
    rng = random.Random(20190723)
    out: list[tuple[str, float, float, float, float]] = []

    def add(kind: str, lat1: float, lon1: float, lat2: float, lon2: float) -> None:
        clamp = lambda v: max(-90.0, min(90.0, v))  # noqa: E731
        out.append((kind, clamp(lat1), lon1, clamp(lat2), lon2))

    for _ in range(100):
        lat1, lat2 = rng.uniform(-90, 90), rng.uniform(-90, 90)
        add("random", lat1, rng.uniform(-180, 180), lat2, rng.uniform(-180, 180))
    for _ in range(60):  # about 12 NM (22 km) in a random direction
        lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        lon2, lat2, _ = GEOD.fwd(lon, lat, rng.uniform(0, 360), 12 * NM_M)
        add("12nm", lat, lon, lat2, lon2)
    for _ in range(30):  # metres to a few hundred metres
        lat, lon = rng.uniform(-89, 89), rng.uniform(-180, 180)
        d = 10 ** rng.uniform(-5, -2)
        add("short", lat, lon, lat + rng.uniform(-d, d), lon + rng.uniform(-d, d))
    for _ in range(40):  # trans-Pacific: East Asia to the Americas
        add(
            "pacific",
            rng.uniform(20, 45),
            rng.uniform(120, 145),
            rng.uniform(-40, 50),
            rng.uniform(-125, -70),
        )
    for _ in range(40):  # across the antimeridian, either way round
        add(
            "antimeridian",
            rng.uniform(-60, 60),
            rng.uniform(170, 180),
            rng.uniform(-60, 60),
            rng.uniform(-180, -170),
        )
    for _ in range(40):  # one end within a degree (or a hair) of a pole
        d = 10 ** rng.uniform(-9, 0)
        add(
            "pole",
            rng.choice([-1, 1]) * (90 - d),
            rng.uniform(-180, 180),
            rng.uniform(-90, 90),
            rng.uniform(-180, 180),
        )
    for _ in range(60):  # nearly antipodal, also near the equator
        lat = rng.uniform(-90, 90) if rng.random() < 0.5 else rng.uniform(-1, 1)
        lon = rng.uniform(-180, 180)
        d = 10 ** rng.uniform(-6, 0)
        add(
            "antipodal",
            lat,
            lon,
            -lat + rng.uniform(-d, d),
            lon + 180 + rng.uniform(-d, d),
        )
    for _ in range(20):  # opposite latitudes, longitudes nearly half a turn apart
        lat = rng.uniform(-3, 3)
        add("antipodal", lat, 0.0, -lat, 180 - rng.uniform(0, 2))
    add("landmark", *DOKDO, *ULLEUNGDO)
    add("landmark", 37.4602, 126.4407, 33.9416, -118.4085)  # Incheon - Los Angeles
    add("equator", 0.0, 0.0, 0.0, 150.0)
    add("meridian", -30.0, 20.0, 60.0, 20.0)
    return out


@pytest.mark.browser
def test_inverse_matches_pyproj(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    m, _ = _measured_map()
    _open(offline, asset_resolver, m, tmp_path / "geodesy.html")
    pairs = _pairs()
    assert len(pairs) >= 300
    got: list[dict[str, float]] = offline.page.evaluate(
        """pairs => pairs.map(p => airmapGeodesy.inverse(p[1], p[2], p[3], p[4]))""",
        pairs,
    )
    worst: dict[str, float] = {}
    for (kind, lat1, lon1, lat2, lon2), js in zip(pairs, got, strict=True):
        az1, _, s12 = GEOD.inv(lon1, lat1, lon2, lat2)
        err = abs(js["s12_m"] - s12)
        worst[kind] = max(worst.get(kind, 0.0), err)
        tol = ANTIPODAL_TOL_M if kind == "antipodal" else DISTANCE_TOL_M
        assert err < tol, (kind, lat1, lon1, lat2, lon2, js, s12)
        assert 0 <= js["azi1_deg"] < 360
        if kind != "antipodal" and s12 > 1.0:
            daz = abs((js["azi1_deg"] - az1 + 540) % 360 - 180)
            assert daz < AZIMUTH_TOL_DEG, (kind, lat1, lon1, lat2, lon2, js, az1)
    print("worst distance error vs pyproj (m):", worst)  # shown with -s
    assert set(worst) >= {"12nm", "pacific", "antimeridian", "pole", "antipodal"}
    assert offline.log.problems() == {}


@pytest.mark.browser
def test_direct_and_path_follow_the_geodesic(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    m, _ = _measured_map()
    _open(offline, asset_resolver, m, tmp_path / "direct.html")
    rng = random.Random(15)
    cases = [
        (rng.uniform(-89, 89), rng.uniform(-180, 180), rng.uniform(0, 360), s)
        for s in [rng.uniform(0, 2e7) for _ in range(150)] + [22_224.0, 1.0]
    ]
    got = offline.page.evaluate(
        "cs => cs.map(c => airmapGeodesy.direct(c[0], c[1], c[2], c[3]))", cases
    )
    for (lat1, lon1, azi1, s12), js in zip(cases, got, strict=True):
        lon2, lat2, _ = GEOD.fwd(lon1, lat1, azi1, s12)
        _, _, miss = GEOD.inv(lon2, lat2, js["lon2_deg"], js["lat2_deg"])
        assert miss < DISTANCE_TOL_M, (lat1, lon1, azi1, s12, js)
        assert -180 < js["lon2_deg"] <= 180

    # a leg across the antimeridian: on the geodesic, short pieces, no jump
    ends = (52.0, 170.0, 40.0, -150.0)
    pts: list[list[float]] = offline.page.evaluate(
        "e => airmapGeodesy.path(e[0], e[1], e[2], e[3], 20000)", list(ends)
    )
    _, _, total = GEOD.inv(ends[1], ends[0], ends[3], ends[2])
    assert len(pts) == math.ceil(total / 20000) + 1
    assert pts[0] == [52.0, 170.0]
    assert pts[-1] == pytest.approx([40.0, 210.0])  # continuous longitude
    lons = [p[1] for p in pts]
    assert all(abs(b - a) < 5 for a, b in itertools.pairwise(lons))
    for lat, lon in pts[1:-1]:
        _, _, a = GEOD.inv(ends[1], ends[0], lon, lat)
        _, _, b = GEOD.inv(lon, lat, ends[3], ends[2])
        assert a + b - total < 1e-6  # on the geodesic
        assert a < total
    assert offline.log.problems() == {}


def _fmt(x: float) -> str:
    """The control's number format: 2 decimals below 10, else 1; commas."""
    return f"{x:,.{2 if abs(x) < 10 else 1}f}"


def _distance_text(s_m: float) -> str:
    return f"{_fmt(s_m / NM_M)} NM ({_fmt(s_m / 1000)} km)"


def _bearing_text(azi: float) -> str:
    b = round((azi % 360) * 10) / 10
    return f"{b % 360:.1f}° true"


def _click_at(offline: OfflinePage, m: folium.Map, lat: float, lon: float) -> None:
    page = offline.page
    x, y = page.evaluate(
        """([name, lat, lon]) => {
            const p = window[name].latLngToContainerPoint([lat, lon]);
            const r = window[name].getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [m.get_name(), lat, lon],
    )
    page.mouse.click(x, y)


@pytest.mark.browser
def test_clicks_measure_dokdo_to_ulleungdo(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    m, control = _measured_map()
    _open(offline, asset_resolver, m, tmp_path / "measure.html")
    page = offline.page
    name = control.get_name()
    state = f"() => window.{name}.state()"

    toggle = page.locator("button.airmap-measure-toggle")
    assert toggle.get_attribute("aria-label") == "Measure distance"
    assert "double-click" in (toggle.get_attribute("title") or "")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator(".airmap-measure-panel").is_hidden()
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert page.locator(".airmap-measure-hint").is_visible()

    # Dokdo lies inside the zone, which has a popup: the click measures instead
    _click_at(offline, m, *DOKDO)
    _click_at(offline, m, *ULLEUNGDO)
    assert page.locator(".leaflet-popup").count() == 0
    st = page.evaluate(state)
    assert st["active"] is True
    assert len(st["points"]) == 2
    (lat1, lon1), (lat2, lon2) = st["points"]
    # the clicks landed within a pixel (about 120 m at zoom 10) of the islands
    for (lat, lon), (want_lat, want_lon) in zip(
        st["points"], (DOKDO, ULLEUNGDO), strict=True
    ):
        _, _, off = GEOD.inv(lon, lat, want_lon, want_lat)
        assert off < 200
    az1, _, s12 = GEOD.inv(lon1, lat1, lon2, lat2)
    assert st["legs"][0]["s12_m"] == pytest.approx(s12, abs=1e-6)
    assert st["legs"][0]["n"] == math.ceil(s12 / 2000) + 1  # densified leg

    legs = page.locator(".airmap-measure-leg").all_text_contents()
    assert legs == [f"Leg 1: {_distance_text(s12)}"]
    total = page.locator(".airmap-measure-total").text_content()
    assert total == f"Total: {_distance_text(s12)}"
    bearing = page.locator(".airmap-measure-bearing").text_content()
    assert bearing == f"Initial bearing of last leg: {_bearing_text(az1)}"
    # and, to the displayed precision, the islands themselves (pyproj)
    _, _, nominal = GEOD.inv(DOKDO[1], DOKDO[0], ULLEUNGDO[1], ULLEUNGDO[0])
    shown_nm = float(legs[0].split(": ")[1].split(" NM")[0])
    assert abs(shown_nm - nominal / NM_M) <= 0.15

    # a third point, finished by a double-click there (one point, not two)
    third = (37.60, 131.45)
    x, y = page.evaluate(
        """([name, lat, lon]) => {
            const p = window[name].latLngToContainerPoint([lat, lon]);
            const r = window[name].getContainer().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [m.get_name(), *third],
    )
    zoom = page.evaluate(f"{m.get_name()}.getZoom()")
    page.mouse.dblclick(x, y)
    page.wait_for_timeout(50)
    st = page.evaluate(state)
    assert st["active"] is False
    assert len(st["points"]) == 3
    assert page.evaluate(f"{m.get_name()}.getZoom()") == zoom  # no zoom on finish
    lat3, lon3 = st["points"][2]
    az2, _, s23 = GEOD.inv(lon2, lat2, lon3, lat3)
    assert page.locator(".airmap-measure-leg").all_text_contents() == [
        f"Leg 1: {_distance_text(s12)}",
        f"Leg 2: {_distance_text(s23)}",
    ]
    assert page.locator(".airmap-measure-total").text_content() == (
        f"Total: {_distance_text(s12 + s23)}"
    )
    assert page.locator(".airmap-measure-bearing").text_content() == (
        f"Initial bearing of last leg: {_bearing_text(az2)}"
    )
    assert page.locator(".airmap-measure-finish").is_hidden()
    assert page.locator("path.airmap-measure-line").count() == 1
    assert page.locator("path.airmap-measure-vertex").count() == 3
    shot = tmp_path / "measure.png"
    page.screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 5_000

    # after finishing, map clicks measure nothing; the zone's popup works again
    _click_at(offline, m, 37.25, 131.95)
    assert len(page.evaluate(state)["points"]) == 3
    assert page.locator(".leaflet-popup").count() == 1
    page.keyboard.press("Escape")  # closes the popup and clears the measurement
    assert page.evaluate(state)["points"] == []
    assert page.locator("path.airmap-measure-line").count() == 0
    assert page.locator(".airmap-measure-panel").is_hidden()

    # the Finish and Clear buttons
    toggle.click()
    _click_at(offline, m, *DOKDO)
    _click_at(offline, m, *ULLEUNGDO)
    page.locator(".airmap-measure-finish").click()
    st = page.evaluate(state)
    assert (st["active"], len(st["legs"])) == (False, 1)
    page.locator(".airmap-measure-clear").click()
    assert page.evaluate(state)["points"] == []
    assert toggle.get_attribute("aria-pressed") == "false"
    # double-click zoom is back once measuring stops
    assert page.evaluate(f"{m.get_name()}.doubleClickZoom.enabled()") is True

    assert offline.log.http_requests == []
    assert offline.log.problems() == {}


@pytest.mark.browser
def test_legs_across_the_antimeridian_are_drawn_without_a_jump(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    m = folium.Map(location=[50.0, 180.0], zoom_start=3, tiles=None)
    control = MeasureControl(position="topright").add_to(m)
    _open(offline, asset_resolver, m, tmp_path / "antimeridian.html")
    page = offline.page
    name = control.get_name()
    page.evaluate(
        f"""() => {{
            const c = window.{name};
            c.start();
            c.addPoint(52.0, 170.0);
            c.addPoint(40.0, -150.0);
            c.addPoint(35.0, 139.0);
            c.finish();
        }}"""
    )
    st: dict[str, Any] = page.evaluate(f"window.{name}.state()")
    assert st["points"][1] == pytest.approx([40.0, 210.0])  # drawn east of 180
    _, _, a = GEOD.inv(170.0, 52.0, -150.0, 40.0)
    _, _, b = GEOD.inv(-150.0, 40.0, 139.0, 35.0)
    assert [leg["s12_m"] for leg in st["legs"]] == pytest.approx([a, b], abs=1e-6)
    lons = [p[1] for p in st["line"]]
    assert len(lons) > 100
    assert lons[0] == 170.0
    assert all(abs(b - a) < 5 for a, b in itertools.pairwise(lons))
    assert page.locator(".airmap-measure-total").text_content() == (
        f"Total: {_distance_text(a + b)}"
    )
    assert offline.log.http_requests == []
    assert offline.log.problems() == {}
