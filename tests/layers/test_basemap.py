"""The shipped display basemap: land, coast and land borders (``airmap.layers.basemap``).

Known land and sea points are independent facts (city and island positions, open
water between coasts); distances are geodesic (pyproj ``Geod``). The comparison with
unsimplified GSHHG, which needs the build input, is in ``tests/seeds/test_basemap.py``.
"""

from __future__ import annotations

import importlib.resources
import json

import numpy as np
import pytest

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

import airmap.layers._basemap as basemap_module
from airmap.geo import SeedError
from airmap.layers import Basemap, ZoneCatalogue, ZoneKind, basemap

GEOD = Geod(ellps="WGS84")
DERIVED = importlib.resources.files("airmap.seeds").joinpath("derived")

#: (lon, lat) on land.
LAND = {
    "Seoul": (126.978, 37.5665),
    "Busan": (129.075, 35.18),
    "Tokyo": (139.6917, 35.6895),
    "Beijing": (116.4074, 39.9042),
    "Taipei": (121.5654, 25.033),
    "Antakya": (36.1626, 36.2025),
    "Yayladağı": (36.060556, 35.9025),
    "Latakia": (35.7833, 35.5167),
    "Nicosia": (33.3823, 35.1856),
    "Ulleungdo (Seonginbong)": (130.8667, 37.5),
    "Tsushima (Izuhara)": (129.29, 34.2),
    "Oki (Dogo)": (133.25, 36.25),
    # GSHHG's own Dokdo islets (ids 97903, 100820), facts/base-data.md §7.
    "Dokdo, GSHHG islet 97903": (131.873, 37.248),
    "Dokdo, GSHHG islet 100820": (131.877, 37.251),
    "Rome (world tier)": (12.4964, 41.9028),
    "Chicago (world tier)": (-87.6298, 41.8781),
}
#: (lon, lat) at sea or in a large lake.
SEA = {
    "mid East Sea / Sea of Japan": (134.5, 40.0),
    "Korea Strait, western channel midpoint": (129.2, 34.88),
    "Korea Strait, eastern channel": (129.9, 33.95),
    "Mediterranean 25 km off Latakia": (35.5, 35.6),
    "Gulf of İskenderun": (35.95, 36.65),
    "Yellow Sea": (124.0, 36.0),
    "between Dokdo and Ulleungdo": (131.3, 37.35),
    "Lake Biwa (a lake, 670 km²)": (136.08, 35.25),
    "Caspian Sea (world tier lake)": (51.0, 42.0),
    "mid Atlantic": (-40.0, 30.0),
}
#: Dokdo's islets as NGII publishes them (facts/zones.md §6.1); GSHHG draws them
#: 671 and 796 m away (facts/base-data.md §2a).
DONGDO = (131.8694, 37.2407)
SEODO = (131.8650, 37.2422)


@pytest.fixture(scope="module")
def bm() -> Basemap:
    return basemap()


def _nearest_m(geom: BaseGeometry, xy: np.ndarray) -> np.ndarray:
    """Geodesic distance from each lon/lat point to a geometry (0 inside), metres.

    The nearest point is found in an azimuthal-equidistant plane centred on the
    points; the distance to it is geodesic.
    """
    lon0, lat0 = xy.mean(axis=0)
    aeqd = Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +ellps=WGS84",
        always_xy=True,
    )

    def fwd(c: np.ndarray) -> np.ndarray:
        return np.column_stack(aeqd.transform(c[:, 0], c[:, 1]))

    near = shapely.clip_by_rect(geom, lon0 - 1, lat0 - 1, lon0 + 1, lat0 + 1)
    flat = shapely.transform(near, fwd)
    pts = shapely.points(fwd(xy))
    q = shapely.get_coordinates(shapely.shortest_line(pts, flat))[1::2]
    qlon, qlat = aeqd.transform(q[:, 0], q[:, 1], direction="INVERSE")
    d = np.asarray(GEOD.inv(xy[:, 0], xy[:, 1], qlon, qlat)[2])
    inside = shapely.covers(geom, shapely.points(xy))
    return np.where(inside, 0.0, d)


def _distance_m(geom: BaseGeometry, lon: float, lat: float) -> float:
    return float(_nearest_m(geom, np.array([[lon, lat]]))[0])


@pytest.mark.parametrize("name", sorted(LAND))
def test_land_covers_known_land(bm: Basemap, name: str) -> None:
    lon, lat = LAND[name]
    assert bm.land.covers(Point(lon, lat)), name


@pytest.mark.parametrize("name", sorted(SEA))
def test_land_leaves_out_known_sea(bm: Basemap, name: str) -> None:
    lon, lat = SEA[name]
    assert not bm.land.covers(Point(lon, lat)), name


def test_dokdo_islets_are_drawn_within_gshhgs_shift(bm: Basemap) -> None:
    for lon, lat in (DONGDO, SEODO):
        d = _distance_m(bm.land, lon, lat)
        assert 500 < d < 1_000, d  # GSHHG: 671 and 796 m


def test_small_islands_near_the_incidents_survive(bm: Basemap) -> None:
    # Two islets at Dokdo, Ulleungdo with Jukdo/Gwaneumdo, Oki's four main islands.
    dokdo = shapely.clip_by_rect(bm.land, 131.8, 37.2, 131.95, 37.29)
    assert len(getattr(dokdo, "geoms", [dokdo])) == 2
    area = abs(GEOD.geometry_area_perimeter(dokdo)[0])
    assert 0.10e6 < area < 0.25e6, area  # GSHHG: 0.159 km²
    ulleung = shapely.clip_by_rect(bm.land, 130.74, 37.42, 130.98, 37.58)
    assert 70e6 < abs(GEOD.geometry_area_perimeter(ulleung)[0]) < 80e6  # 75.9 km²
    oki = shapely.clip_by_rect(bm.land, 132.9, 35.9, 133.5, 36.4)
    assert len([p for p in oki.geoms if p.area > 1e-3]) >= 4


def test_geometry_is_valid_and_of_the_right_kind(bm: Basemap) -> None:
    assert bm.land.geom_type == "MultiPolygon"
    assert bm.land.is_valid
    assert bm.borders.geom_type == "MultiLineString"
    assert bm.borders.is_valid
    assert not bm.borders.is_empty


def test_files_stay_small() -> None:
    sizes = {
        name: len(DERIVED.joinpath(name).read_bytes())
        for name in (basemap_module.LAND_FILE, basemap_module.BORDERS_FILE)
    }
    assert sum(sizes.values()) < 1_000_000, sizes


def test_attribution_and_licences(bm: Basemap) -> None:
    text = " | ".join(bm.attribution)
    assert "© OpenStreetMap contributors" in text
    assert "GSHHG" in text
    assert set(bm.licences) == {"LGPL-3.0-or-later", "ODbL-1.0"}


def test_tolerance_by_tier(bm: Basemap) -> None:
    assert bm.tolerance_at(*DONGDO) == 5.0
    assert bm.tolerance_at(*LAND["Yayladağı"]) == 5.0
    assert bm.tolerance_at(*LAND["Seoul"]) == 1_000.0
    assert bm.tolerance_at(*LAND["Nicosia"]) == 1_000.0
    assert bm.tolerance_at(*LAND["Rome (world tier)"]) == 15_000.0
    assert bm.tolerance_at(18.0, 69.6) == 25_000.0  # Tromsø
    assert bm.tolerance_m == 25_000.0


def test_every_zone_lies_in_a_detailed_region_with_margin(bm: Basemap) -> None:
    regions = [t for t in bm.tiers if t.tolerance_m <= 1_000.0]
    detail = [t for t in bm.tiers if t.tolerance_m <= 5.0]
    for zone in ZoneCatalogue.default():
        for version in zone.versions:
            x0, y0, x1, y1 = version.geometry.bounds
            assert any(
                t.bounds[0] <= x0 - 1
                and t.bounds[1] <= y0 - 1
                and x1 + 1 <= t.bounds[2]
                and y1 + 1 <= t.bounds[3]
                for t in regions
            ), version.key
            small = zone.kind is ZoneKind.TERRITORIAL_AIRSPACE and x1 - x0 < 3
            if small:  # islands' and Hatay's territorial airspace: full detail
                assert any(
                    t.bounds[0] <= x0
                    and t.bounds[1] <= y0
                    and x1 <= t.bounds[2]
                    and y1 <= t.bounds[3]
                    for t in detail
                ), version.key


def test_tur_syr_border_matches_the_derived_hatay_border(bm: Basemap) -> None:
    # The salient of facts/base-data.md §2c; the derived line is OSM's TUR edge.
    box = (35.90, 35.78, 36.20, 36.05)
    ours = shapely.clip_by_rect(bm.borders, *box)
    doc = json.loads(
        DERIVED.joinpath("border-tur-syr-hatay.geojson").read_text("utf-8")
    )
    theirs = shape(doc["features"][0]["geometry"])
    assert not ours.is_empty
    pts = shapely.get_coordinates(shapely.segmentize(ours, 0.0002))
    worst = float(_nearest_m(theirs, pts).max())
    assert worst < 10.0, worst
    tip = (36.1539, 35.8077)  # OSM salient tip
    assert _distance_m(bm.borders, *tip) < 10.0


def test_border_pairs_are_the_expected_neighbours() -> None:
    manifest = json.loads(DERIVED.joinpath("manifest.json").read_text("utf-8"))
    out = {o["file"]: o for o in manifest["outputs"]}["basemap-borders.geojson"]
    pairs = out["parameters"]["country_pairs"]
    assert {"KOR-PRK", "CHN-PRK", "CHN-RUS", "PRK-RUS"} <= set(pairs["east-asia"])
    assert {"SYR-TUR", "IRQ-SYR", "LBN-SYR", "GRC-TUR"} <= set(pairs["levant"])
    # No land border is invented at sea (Korea–Japan, Cyprus–Turkey).
    flat = {p for ps in pairs.values() for p in ps}
    assert not {"JPN-KOR", "CYP-TUR", "CHN-JPN"} & flat


def test_geojson_copies_are_fresh(bm: Basemap) -> None:
    a = bm.land_geojson
    a["features"].clear()
    assert len(bm.land_geojson["features"]) == 1
    assert bm.borders_geojson["type"] == "FeatureCollection"


def test_missing_file_names_it_and_how_to_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(basemap_module, "LAND_FILE", "no-such-basemap.geojson")
    with pytest.raises(
        SeedError, match=r"no-such-basemap\.geojson.*airmap\.seeds\.build"
    ):
        basemap.__wrapped__()
