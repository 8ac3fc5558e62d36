"""Consistency facts of the shipped zones (facts/zones.md §11, facts/incidents.md §7).

Expected values come from the fact sheets and from independent geodesic
computation with pyproj, never from this package's own output.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pyproj import Geod

from airmap.geo import parse_position
from airmap.layers import Status, ZoneCatalogue, ZoneKind

GEOD = Geod(ellps="WGS84")
UTC = dt.UTC

DONGDO = (131.869556, 37.240778)  # NGII, zones.md §6.1
DOKDO_CENTRE = (131.86667, 37.24167)  # incidents.md §0.3
IEODO = (125.182447, 32.122953)  # zones.md §6.1
UOTSURI = (123.473333, 25.743333)  # zones.md §6.1
YAYLADAGI = (36.060556, 35.9025)  # zones.md §6.1


@pytest.fixture(scope="module")
def cat() -> ZoneCatalogue:
    return ZoneCatalogue.default()


def status(
    cat: ZoneCatalogue,
    key: str,
    lon: float,
    lat: float,
    when: dt.datetime | None = None,
) -> Status | None:
    """Status of one version, or None when the version is not in force then."""
    for m in cat.check(lon, lat, when):
        if m.zone_version.key == key:
            return m.status
    return None


def test_dokdo_inside_both_kadiz_versions_and_outside_china_adiz(
    cat: ZoneCatalogue,
) -> None:
    assert status(cat, "kadiz@1951", *DONGDO) is Status.INSIDE
    assert status(cat, "kadiz@2013", *DONGDO) is Status.INSIDE
    assert status(cat, "cn-ecs-adiz@2013", *DONGDO) is Status.OUTSIDE


def test_ieodo_enters_kadiz_at_the_2013_expansion(cat: ZoneCatalogue) -> None:
    before = dt.datetime(2013, 12, 15, 4, 59, tzinfo=UTC)
    after = dt.datetime(2013, 12, 15, 5, 0, tzinfo=UTC)
    assert status(cat, "kadiz@1951", *IEODO, before) is Status.OUTSIDE
    assert status(cat, "kadiz@2013", *IEODO, before) is None
    assert status(cat, "kadiz@2013", *IEODO, after) is Status.INSIDE
    assert status(cat, "kadiz@1951", *IEODO, after) is None


def test_ieodo_inside_china_adiz_only_from_its_declaration(cat: ZoneCatalogue) -> None:
    assert (
        status(
            cat,
            "cn-ecs-adiz@2013",
            *IEODO,
            dt.datetime(2013, 11, 23, 1, 59, tzinfo=UTC),
        )
        is None
    )
    assert (
        status(
            cat, "cn-ecs-adiz@2013", *IEODO, dt.datetime(2013, 11, 23, 2, 0, tzinfo=UTC)
        )
        is Status.INSIDE
    )


def test_uotsuri_outside_taiwan_adiz_inside_china_adiz(cat: ZoneCatalogue) -> None:
    assert (
        status(
            cat, "taiwan-adiz@" + cat.get("taiwan-adiz").versions[-1].version, *UOTSURI
        )
        is Status.OUTSIDE
    )
    assert status(cat, "cn-ecs-adiz@2013", *UOTSURI) is Status.INSIDE


def test_taiwan_adiz_area_within_3_percent_of_the_mnd_figure(
    cat: ZoneCatalogue,
) -> None:
    geom = cat.get("taiwan-adiz").versions[-1].geometry
    area_m2, _ = GEOD.geometry_area_perimeter(geom)
    assert abs(abs(area_m2) / 1e6 - 487_000) / 487_000 < 0.03


@pytest.mark.parametrize(
    ("lon", "lat", "centre_km"),
    [(132.0019, 37.2416, 12.0), (131.7202, 37.2416, 13.0)],  # T1, T2: A-50 passes
)
def test_a50_positions_inside_dokdo_territorial_airspace(
    cat: ZoneCatalogue, lon: float, lat: float, centre_km: float
) -> None:
    _, _, d = GEOD.inv(lon, lat, *DOKDO_CENTRE)
    assert d / 1000 == pytest.approx(
        centre_km, abs=0.2
    )  # the derivation in incidents.md
    when = dt.datetime(2019, 7, 23, 0, 9, tzinfo=UTC)
    (m,) = [m for m in cat.check(lon, lat, when) if m.zone_id == "ta-dokdo"]
    assert m.status is Status.INSIDE
    assert m.kind is ZoneKind.TERRITORIAL_AIRSPACE
    assert set(m.claimants) == {"KOR", "JPN"}
    assert m.holder == "KOR"
    assert status(cat, "kadiz@2013", lon, lat, when) is Status.INSIDE


def test_point_25_km_from_dokdo_is_outside_its_territorial_airspace(
    cat: ZoneCatalogue,
) -> None:
    lon, lat = 131.8667, 37.4669  # T3
    _, _, d = GEOD.inv(lon, lat, *DOKDO_CENTRE)
    assert d == pytest.approx(25_000, abs=100)
    (m,) = [m for m in cat.check(lon, lat) if m.zone_id == "ta-dokdo"]
    assert m.status is Status.OUTSIDE
    # 25 km from the centre is about 2.8 km beyond the 12 NM line
    assert 2_000 < m.distance_to_edge_m < 3_500


def test_yayladagi_inside_turkey(cat: ZoneCatalogue) -> None:
    turkish = [z for z in cat if z.kind.sovereign and z.holder == "TUR"]
    assert turkish, "no Turkish territorial airspace zone"
    hits = [
        m for m in cat.check(*YAYLADAGI) if m.zone_version.zone in turkish and m.inside
    ]
    assert hits
    syrian = [m for m in cat.check(*YAYLADAGI) if m.holder == "SYR" and m.inside]
    assert syrian == []


def test_kadiz_2013_southern_edge_at_30n(cat: ZoneCatalogue) -> None:
    lon, lat = 125.183, 29.994  # T13: 236 km due south of Ieodo
    (m,) = [m for m in cat.check(lon, lat) if m.zone_version.key == "kadiz@2013"]
    assert abs(m.distance_to_edge_m) < 5_000


def test_p3c_positions_2019_01_23_against_the_published_lines(
    cat: ZoneCatalogue,
) -> None:
    """T14: both readings lie in China's ADIZ; the 2013 KADIZ vertices contain both.

    The ROK said "outside KADIZ", but both derived positions lie east of the 124°E
    west edge and north of the 30°N south edge of the published 2013 list, and west
    of its 30°N 125°25′E – 32°30′N 126°50′E edge: the geometry does not support
    that statement (the incident verdicts will say so).
    """
    when = dt.datetime(2019, 1, 23, 5, 3, tzinfo=UTC)
    for lon, lat in [(124.210, 31.284), (124.572, 31.599)]:
        # independent reading of the vertex list: which side of the SE edge?
        _, _, d_edge = GEOD.inv(125.416667, 30.0, 126.833333, 32.5)
        az_edge, _, _ = GEOD.inv(125.416667, 30.0, 126.833333, 32.5)
        az_pt, _, _ = GEOD.inv(125.416667, 30.0, lon, lat)
        assert d_edge > 0
        assert ((az_pt - az_edge) % 360) > 180  # left of the edge, i.e. inside
        assert lon > 124.0
        assert lat > 30.0
        assert status(cat, "kadiz@2013", lon, lat, when) is Status.INSIDE
        assert status(cat, "cn-ecs-adiz@2013", lon, lat, when) is Status.INSIDE


def test_every_printed_form_parses_to_its_stored_decimal(cat: ZoneCatalogue) -> None:
    points = []
    for z in cat:
        for v in z.versions:
            points += [(f"{v.key} vertex {i}", p) for i, p in enumerate(v.vertices, 1)]
            points += [
                (f"{v.key} basepoint {i}", p) for i, p in enumerate(v.basepoints, 1)
            ]
    for ln in cat.reference_lines:
        points += [(f"{ln.id} vertex {i}", p) for i, p in enumerate(ln.vertices, 1)]
    assert len(points) > 60
    for where, p in points:
        pos = parse_position(p.printed)
        assert pos.lat == pytest.approx(p.lat, abs=1e-5), where
        assert ((pos.lon - p.lon + 180) % 360) - 180 == pytest.approx(0, abs=1e-5), (
            where
        )
        for alt in p.alts:
            a = parse_position(alt.printed)
            same = abs(a.lat - p.lat) <= 1e-5 and abs(a.lon - p.lon) <= 1e-5
            assert same == alt.agrees, f"{where}: {alt.printed}"


def test_every_fact_cites_a_known_source_with_confidence(cat: ZoneCatalogue) -> None:
    for z in cat:
        for v in z.versions:
            assert v.sources, v.key
            for p in (*v.vertices, *v.basepoints):
                assert p.sources, (v.key, p.printed)
                assert all(s in cat.sources for s in p.sources), (v.key, p.printed)
    for src in cat.sources.values():
        assert src.url.startswith(("http://", "https://"))


def test_jadiz_is_marked_partial(cat: ZoneCatalogue) -> None:
    jadiz = cat.get("jadiz")
    assert all(v.partial for v in jadiz.versions)
    assert not any(v.is_area for v in jadiz.versions)


def test_select_at_and_exports(cat: ZoneCatalogue) -> None:
    keys = {v.key for v in cat.at(dt.datetime(2013, 12, 1, tzinfo=UTC))}
    assert "kadiz@1951" in keys
    assert "kadiz@2013" not in keys
    assert "cn-ecs-adiz@2013" in keys
    ta = cat.select(kind="territorial_airspace")
    assert {z.kind for z in ta} == {ZoneKind.TERRITORIAL_AIRSPACE}
    assert "ta-dokdo" in {z.id for z in cat.select(state="JPN")}
    gdf = cat.to_geodataframe()
    assert gdf.crs.to_epsg() == 4326
    assert {
        "id",
        "version",
        "claimants",
        "valid_from",
        "uncertainty_m",
        "sources",
    } <= set(gdf.columns)
    fc = cat.__geo_interface__
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == sum(len(z.versions) for z in cat)
    with pytest.raises(ValueError, match="naive"):
        cat.at(dt.datetime(2013, 12, 1))  # noqa: DTZ001


def test_bulk_check_agrees_bit_for_bit_with_shapely(cat: ZoneCatalogue) -> None:
    """Acceptance 5: 10^6 random points plus points exactly on vertices and edges."""
    import shapely

    rng = np.random.default_rng(7)
    n = 1_000_000
    x = rng.uniform(115.0, 140.0, n)
    y = rng.uniform(20.0, 46.0, n)
    extra_x, extra_y = [], []
    for v in cat.versions:
        coords = shapely.get_coordinates(v.geometry.boundary)
        sel = coords[:: max(1, len(coords) // 200)]
        extra_x.append(sel[:, 0])  # exactly on vertices
        extra_y.append(sel[:, 1])
        mid = (sel[:-1] + sel[1:]) / 2  # on (or within rounding of) edges
        extra_x.append(mid[:, 0])
        extra_y.append(mid[:, 1])
    x = np.concatenate([x, *extra_x])
    y = np.concatenate([y, *extra_y])
    x = ((x + 180) % 360) - 180
    res = cat.check(x, y, tolerance_m=0.0)
    for row, v in enumerate(res.versions):
        expected = shapely.intersects_xy(v.geometry, x, y)
        if v.geometry.bounds[2] > 180:
            expected |= shapely.intersects_xy(v.geometry, x + 360, y)
        np.testing.assert_array_equal(res.covers[row], expected, err_msg=v.key)
        np.testing.assert_array_equal(
            res.status[row] == Status.INSIDE, expected, err_msg=v.key
        )
