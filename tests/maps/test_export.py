"""Exports (GeoJSON, GeoPackage, KML): content, round trips through real readers,
RFC 7946 validity, the antimeridian splitter, hostile text and atomic writes."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import math
import sqlite3
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pytest

import shapely
from pyproj import Geod
from shapely.geometry import (
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
)

from airmap.geo import BBoxError, Confidence, OutputPathError, check_bbox
from airmap.incidents import (
    Incident,
    IncidentCatalogue,
    Position,
    PositionTag,
    TimePrecision,
    Track,
    Window,
)
from airmap.layers import ZoneCatalogue
from airmap.maps._export import (
    FAMILIES,
    FIELDS,
    ExportError,
    export,
    export_features,
    export_format,
    split_antimeridian,
    write_export,
)
from tests.common import (
    ANTIMERIDIAN,
    HOLE,
    SQUARE,
    TEST_SOURCE,
    write_user_zones,
    zone_feature,
)
from tests.maps.test_map_hostile import HOSTILE

with warnings.catch_warnings():  # fastkml warns at import when lxml is missing
    warnings.filterwarnings("ignore", "Package `lxml` missing", UserWarning)
    from fastkml import kml as fastkml_kml

KML_NS = "{http://www.opengis.net/kml/2.2}"
UTC = dt.UTC
KADIZ_CHANGE = dt.datetime(2013, 12, 15, 5, 0, tzinfo=UTC)  # DESIGN §3
KADIZ_1951 = dt.datetime(1951, 3, 22, 0, 0, tzinfo=UTC)
DOKDO = "2019-07-23-dokdo"
DOKDO_POSITIONS = {
    "a50-pass-1-km",
    "a50-pass-2-km",
    "a50-pass-1-mi-statute",
    "a50-pass-1-mi-nautical",
    "a50-pass-2-mi-statute",
    "a50-pass-2-mi-nautical",
    "h6-reentry-76nm-s-ulleungdo",
    "bombers-entry-76nm-n-ulleungdo",
    "rus-25km-ring",
}


# ------------------------------------------------------------------ helpers


def signed_area(ring: Any) -> float:
    """Shoelace area of a lon/lat ring (positive: counter-clockwise)."""
    xy = np.asarray(ring, dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def assert_rfc7946_geometry(geom: dict[str, Any] | None) -> None:
    if geom is None:
        return
    kind, coords = geom["type"], geom["coordinates"]
    if kind == "Point":
        lines: list[Any] = [[coords]]
    elif kind == "LineString":
        lines = [coords]
    elif kind == "MultiLineString":
        lines = list(coords)
    elif kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = list(coords)
    else:
        raise AssertionError(f"unexpected geometry type {kind}")
    if kind.endswith("Polygon"):
        lines = []
        for rings in polygons:
            for i, ring in enumerate(rings):
                assert len(ring) >= 4, "ring too short"
                assert ring[0] == ring[-1], "ring not closed"
                area = signed_area(ring)
                if i == 0:
                    assert area > 0, "exterior ring is not counter-clockwise"
                else:
                    assert area < 0, "hole is not clockwise"
                lines.append(ring)
    for line in lines:
        xy = np.asarray(line, dtype=float)
        assert xy.shape[1] == 2
        assert np.all((xy[:, 0] >= -180) & (xy[:, 0] <= 180)), "lon outside ±180"
        assert np.all((xy[:, 1] >= -90) & (xy[:, 1] <= 90)), "lat outside ±90"
        if len(xy) > 1:
            assert np.all(np.abs(np.diff(xy[:, 0])) <= 180), "segment crosses ±180"


def assert_rfc7946(doc: dict[str, Any]) -> None:
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946 §4: no crs member
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert set(f) == {"type", "geometry", "properties"}
        assert_rfc7946_geometry(f["geometry"])


def as_multi(g: Any) -> Any:
    if g is None:
        return None
    if g.geom_type == "Polygon":
        return MultiPolygon([g])
    if g.geom_type == "LineString":
        return MultiLineString([g])
    return g


def same_geometry(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(shapely.equals_exact(as_multi(a), as_multi(b), tolerance=1e-9))


def is_null(v: Any) -> bool:
    if v is None or v is pd.NaT:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def decode_list(v: Any) -> list[Any]:
    if is_null(v):
        return []
    if isinstance(v, str):
        return list(json.loads(v))
    return list(v)


def assert_same_properties(
    expected: pd.DataFrame,
    got: pd.DataFrame,
    fields: tuple[tuple[str, str], ...],
    *,
    datetimes_as_text: bool = False,
    skip: tuple[str, ...] = (),
) -> None:
    """Every field of every feature equal, by type (rows matched by position)."""
    assert len(expected) == len(got)
    for name, kind in fields:
        if name in skip:
            continue
        assert name in got.columns, name
        if kind == "datetime" and not datetimes_as_text and got[name].notna().any():
            assert pd.api.types.is_datetime64_any_dtype(got[name].dtype), (
                name,
                got[name].dtype,
            )
        for i, (e, g) in enumerate(zip(expected[name], got[name], strict=True)):
            where = (name, i, expected["id"].iloc[i])
            if kind == "list":
                assert decode_list(g) == list(e), where
            elif is_null(e):
                assert is_null(g) or (kind == "str" and g == ""), where
            elif kind == "datetime":
                if datetimes_as_text:
                    assert pd.Timestamp(g) == e, where
                else:
                    assert pd.Timestamp(g).tz_convert("UTC") == e, where
            elif kind == "bool":
                assert bool(g) == bool(e), where
            elif kind in ("int", "float"):
                assert float(g) == float(e), where
            else:
                assert g == e, where


@pytest.fixture(scope="module")
def seed_features() -> dict[str, Any]:
    return export_features()


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("seed-export")
    return {fmt: export(d / f"seeds.{fmt}") for fmt in ("geojson", "gpkg", "kml")}


def read_kml(path: Path) -> Any:
    doc = fastkml_kml.KML.from_string(path.read_bytes()).features[0]
    return {f.name: f for f in doc.features}, doc


def kml_data(pm: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for element in pm.extended_data.elements:
        out.update({d.name: d.value for d in element.data})
    return out


# ----------------------------------------------------------- antimeridian


def test_split_polygon_across_antimeridian_into_two_parts() -> None:
    original = Polygon(ANTIMERIDIAN)
    cut = split_antimeridian(original)
    assert cut.geom_type == "MultiPolygon"
    east, west = cut.geoms
    assert east.bounds == (175.0, 50.0, 180.0, 54.0)
    assert west.bounds == (-180.0, 50.0, -175.0, 54.0)
    # the two parts put back together are the original, and nothing is lost
    rejoined = shapely.union(east, shapely.affinity.translate(west, xoff=360.0))
    assert shapely.symmetric_difference(rejoined, original).area < 1e-12
    assert east.area + west.area == pytest.approx(original.area, rel=1e-12)
    assert_rfc7946_geometry(shapely.geometry.mapping(cut))


def test_split_oblique_edges_meet_at_the_meridian_where_the_edge_crosses() -> None:
    # edge (179.3, 50.1) -> (180.9, 50.7) crosses 180 at lat 50.1 + 0.7/1.6 * 0.6
    poly = Polygon([(179.3, 50.1), (180.9, 50.7), (181.3, 53.9), (178.1, 52.3)])
    cut = split_antimeridian(poly)
    assert cut.geom_type == "MultiPolygon"
    assert len(cut.geoms) == 2
    lat_cross = 50.1 + (0.7 / 1.6) * 0.6
    east = np.asarray(cut.geoms[0].exterior.coords)
    west = np.asarray(cut.geoms[1].exterior.coords)
    assert np.isclose(east[east[:, 0] == 180.0][:, 1], lat_cross).any()
    assert np.isclose(west[west[:, 0] == -180.0][:, 1], lat_cross).any()
    assert east[:, 0].min() == 178.1
    assert west[:, 0].max() == pytest.approx(-178.7)
    assert_rfc7946_geometry(shapely.geometry.mapping(cut))


def test_split_polygon_with_hole_keeps_rfc7946_orientation() -> None:
    shell = [(170.0, 40.0), (190.0, 40.0), (190.0, 50.0), (170.0, 50.0), (170.0, 40.0)]
    hole = [(176.0, 44.0), (176.0, 46.0), (184.0, 46.0), (184.0, 44.0), (176.0, 44.0)]
    poly = Polygon(shell[::-1], [hole[::-1]])  # clockwise shell, ccw hole
    cut = split_antimeridian(poly)
    assert len(cut.geoms) == 2
    for part in cut.geoms:
        assert signed_area(part.exterior.coords) > 0
    total = sum(shapely.area(p) for p in cut.geoms)
    assert total == pytest.approx(20 * 10 - 8 * 2, rel=1e-12)
    assert_rfc7946_geometry(shapely.geometry.mapping(cut))


def test_split_line_with_a_jump_takes_the_short_way() -> None:
    cut = split_antimeridian(LineString([(179.0, 50.0), (-179.0, 52.0)]))
    assert cut.geom_type == "MultiLineString"
    assert [list(g.coords) for g in cut.geoms] == [
        [(179.0, 50.0), (180.0, 51.0)],
        [(-180.0, 51.0), (-179.0, 52.0)],
    ]


def test_split_leaves_other_geometries_alone_but_fixes_orientation() -> None:
    cw = Polygon([(130, 37), (130, 38), (131, 38), (131, 37)])
    out = split_antimeridian(cw)
    assert out.geom_type == "Polygon"
    assert signed_area(out.exterior.coords) > 0
    assert shapely.equals(out, cw)
    line = LineString([(130.0, 37.0), (131.5, 38.25)])
    assert split_antimeridian(line).equals_exact(line, 0.0)
    assert split_antimeridian(Point(190.0, 10.0)).equals_exact(Point(-170.0, 10.0), 0)
    assert split_antimeridian(Point(180.0, 10.0)).equals_exact(Point(180.0, 10.0), 0)
    moved = split_antimeridian(Polygon([(181, 1), (185, 1), (185, 2), (181, 2)]))
    assert moved.geom_type == "Polygon"
    assert moved.bounds == (-179.0, 1.0, -175.0, 2.0)


# ------------------------------------------------------------- arguments


def test_format_from_suffix_and_errors() -> None:
    assert export_format("a.geojson") == "geojson"
    assert export_format("a.JSON") == "geojson"
    assert export_format("a.gpkg") == "gpkg"
    assert export_format("a.kml") == "kml"
    assert export_format("a.dat", "kml") == "kml"
    with pytest.raises(ExportError, match=r"suffix '\.shp' implies no export format"):
        export_format("a.shp")
    with pytest.raises(ExportError, match="unknown export format 'shp'"):
        export_format("a.kml", "shp")


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ((133, 36, 129, 38), r"MINLON 133 is not less than MAXLON 129 \(a box across"),
        ((129, 39, 133, 38), r"MINLAT 39 is not less than MAXLAT 38"),
        ((-200, 36, 133, 38), r"MINLON -200 is outside -180\.\.180"),
        ((129, 36, 133, 95), r"MAXLAT 95 is outside -90\.\.90"),
        ((129, math.nan, 133, 38), r"MINLAT nan is not a finite number"),
        ((129, 36, 133), "expected 4 numbers"),
        ((129, "x", 133, 38), "MINLAT 'x' is not a number"),
    ],
)
def test_bad_bbox_names_the_field(bbox: Any, message: str) -> None:
    with pytest.raises(BBoxError, match=message):
        check_bbox(bbox)
    with pytest.raises(ExportError, match=message):
        export_features(bbox=bbox, incident_ids=[])


def test_bad_selection_arguments() -> None:
    with pytest.raises(ExportError, match="did you mean '2019-07-23-dokdo'"):
        export_features(incident_ids=["2019-07-23-dokd"])
    with pytest.raises(ExportError, match="unknown zone kind 'adizz'"):
        export_features(kinds=["adizz"])
    with pytest.raises(ExportError, match="is naive"):
        export_features(when=dt.datetime(2019, 7, 23))  # noqa: DTZ001
    with pytest.raises(ExportError, match="not one string"):
        export_features(incident_ids=DOKDO)


# ------------------------------------------------------------ seed content


def test_seed_features_carry_validity_disputes_and_positions(
    seed_features: dict[str, Any],
) -> None:
    assert list(seed_features) == list(FAMILIES)
    zones = seed_features["zones"].set_index("id")
    assert zones.loc["kadiz@1951", "valid_from"] == KADIZ_1951
    assert zones.loc["kadiz@1951", "valid_to"] == KADIZ_CHANGE
    assert zones.loc["kadiz@2013", "valid_from"] == KADIZ_CHANGE
    assert pd.isna(zones.loc["kadiz@2013", "valid_to"])
    dokdo = zones.loc["ta-dokdo@1978"]
    assert dokdo["claimants"] == ["KOR", "JPN"]
    assert dokdo["holder"] == "KOR"
    assert bool(dokdo["disputed"]) is True
    assert dokdo["kind"] == "territorial_airspace"
    assert not bool(zones.loc["kadiz@2013", "disputed"])
    # every zone: provenance present and sources resolved to titles and URLs
    for _, row in seed_features["zones"].iterrows():
        assert row["sources"], row["id"]
        assert (
            len(row["source_titles"]) == len(row["sources"]) == len(row["source_urls"])
        )
        assert all(u.startswith("http") for u in row["source_urls"]), row["id"]
        assert row["derivation"]
        assert row["edge_rule"]
        assert row["confidence"]
        assert row["uncertainty_m"] >= 0
    assert str(seed_features["zones"]["valid_from"].dtype) == "datetime64[ns, UTC]"
    # the Dokdo incident: every position, points with their catalogue coordinates
    cat = IncidentCatalogue.default()
    inc = cat.get(DOKDO)
    frames = [seed_features[f] for f in ("positions", "position_lines")]
    got = pd.concat([f[f["incident_id"] == DOKDO] for f in frames])
    assert set(got["position_id"]) == DOKDO_POSITIONS
    for _, row in seed_features["positions"].iterrows():
        if row["incident_id"] != DOKDO:
            continue
        p = inc.position(row["position_id"])
        assert row["geometry"].x == p.lon
        assert row["geometry"].y == p.lat
        assert row["uncertainty_m"] == p.uncertainty_m
        assert row["tag"] == p.tag.value
        assert row["by"] == "KOR"
    ring = seed_features["position_lines"].set_index("position_id").loc["rus-25km-ring"]
    assert ring["by"] == "RUS"
    assert ring["side"] == "counter_claim"
    assert ring["kind"] == "distance_ring"
    # a position with its own instant spans just that instant
    h6 = (
        seed_features["positions"]
        .set_index("position_id")
        .loc["h6-reentry-76nm-s-ulleungdo"]
    )
    assert h6["time"] == h6["valid_from"] == h6["valid_to"]
    assert h6["time"] == dt.datetime(2019, 7, 22, 22, 49, tzinfo=UTC)
    incidents = seed_features["incidents"].set_index("id")
    assert incidents.loc[DOKDO, "valid_from"] == inc.window.start
    assert incidents.loc[DOKDO, "valid_to"] == inc.window.end
    assert len(incidents) == len(cat)
    tracks = seed_features["tracks"].set_index("track_id")
    t = inc.track("a50-pass-1-hypothesis")
    row = tracks.loc[t.id]
    assert row["hypothesis"]
    assert row["kind"] == "track_hypothesis"
    assert row["samples"] == len(t) == len(row["times"])
    assert row["valid_from"] == t.start
    assert row["valid_to"] == t.end
    assert row["times"][0] == t.start.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_uncertainty_discs_are_geodesic_circles(seed_features: dict[str, Any]) -> None:
    geod = Geod(ellps="WGS84")
    positions = seed_features["positions"].set_index("id")
    discs = seed_features["uncertainty"]
    assert len(discs) == int((positions["uncertainty_m"] > 0).sum())
    for _, disc in discs.iterrows():
        p = positions.loc[disc["id"].removesuffix("/uncertainty")]
        ring = np.asarray(disc["geometry"].exterior.coords)
        n = len(ring)
        _, _, dist = geod.inv(
            np.full(n, p["geometry"].x),
            np.full(n, p["geometry"].y),
            ring[:, 0],
            ring[:, 1],
        )
        r = p["uncertainty_m"]
        assert np.allclose(dist, r, rtol=0, atol=1e-3), disc["id"]
        # chords within 1 m of the circle: c**2 / (8 r) <= 1 m
        _, _, chord = geod.inv(ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1])
        assert np.max(chord) ** 2 / (8 * r) <= 1.0 + 1e-6, disc["id"]
        assert disc["uncertainty_m"] == r
        assert disc["position_id"] == p["position_id"]


def test_when_kinds_bbox_and_incident_ids_select() -> None:
    before = export_features(
        when=dt.datetime(2013, 12, 1, tzinfo=UTC), kinds=["adiz"], incident_ids=[]
    )
    assert list(before) == ["zones", "zone_lines"]  # no reference lines, incidents
    ids = set(before["zones"]["id"])
    assert "kadiz@1951" in ids
    assert "kadiz@2013" not in ids
    assert "cn-ecs-adiz@2013" in ids  # in force from 2013-11-23
    assert set(before["zones"]["kind"]) == {"adiz"}
    at_change = export_features(when=KADIZ_CHANGE, incident_ids=[])
    zone_ids = set(at_change["zones"]["id"])
    assert "kadiz@2013" in zone_ids
    assert "kadiz@1951" not in zone_ids
    assert "rok-jpn-shelf-1974" in set(at_change["reference_lines"]["id"])
    old = export_features(when=dt.datetime(1977, 1, 1, tzinfo=UTC), incident_ids=[])
    assert "rok-jpn-shelf-1974" not in set(old["reference_lines"]["id"])  # from 1978
    assert "ta-dokdo@1978" not in set(old["zones"]["id"])
    lines = export_features(kinds=["reference_line"], incident_ids=[])
    assert list(lines) == ["reference_lines"]
    # a box round Dokdo and Ulleungdo
    box = export_features(bbox=(130.5, 36.8, 132.5, 37.8))
    zone_ids = set(box["zones"]["id"])
    assert {"ta-dokdo@1978", "ta-ulleungdo@1978", "kadiz@2013"} <= zone_ids
    assert not zone_ids & {"taiwan-adiz@current", "ta-tur-hatay@current"}
    area = shapely.box(130.5, 36.8, 132.5, 37.8)
    for family, frame in box.items():
        if family != "incidents":
            assert all(shapely.intersects(g, area) for g in frame.geometry), family
    kept = set(box["incidents"]["id"])
    assert DOKDO in kept
    assert "2015-11-24-su24" not in kept
    with_features = {
        i
        for f in ("positions", "position_lines", "uncertainty", "tracks")
        for i in box[f]["incident_id"]
    }
    assert kept == with_features
    one = export_features(incident_ids=[DOKDO, DOKDO])
    assert list(one["incidents"]["id"]) == [DOKDO]
    assert set(one["positions"]["incident_id"]) == {DOKDO}


def test_verdicts_beside_positions() -> None:
    f = export_features(
        incident_ids=[DOKDO], kinds=["territorial_airspace"], verdicts=True
    )
    assert ("verdicts", "list") not in FIELDS["positions"]
    rows = f["positions"].set_index("position_id")
    texts = rows.loc["a50-pass-1-km", "verdicts"]
    assert any(t.startswith("KOR claim ") and ": supported (" in t for t in texts), (
        texts
    )
    # one verdict per check of a claim on the position, none where no claim checks it
    inc = IncidentCatalogue.default().get(DOKDO)
    for pid, verdicts in rows["verdicts"].items():
        checks = [(c.id, k) for c in inc.claims for k in c.checks if k.subject == pid]
        assert len(verdicts) == len(checks), pid
        assert [v.split(":")[0].split()[-1] for v in verdicts] == [c for c, _ in checks]
    assert "verdicts" in f["uncertainty"].columns
    cheap = export_features(incident_ids=[DOKDO], kinds=["territorial_airspace"])
    assert "verdicts" not in cheap["positions"].columns
    # the side of each account is the same without computing the verdicts
    for family in ("positions", "position_lines"):
        assert list(cheap[family]["side"]) == list(f[family]["side"])


# --------------------------------------------------------------- GeoJSON


def test_geojson_is_rfc7946_and_round_trips(
    seed_files: dict[str, Path], seed_features: dict[str, Any]
) -> None:
    path = seed_files["geojson"]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert_rfc7946(doc)
    n = sum(len(f) for f in seed_features.values())
    assert len(doc["features"]) == n
    props = {f["properties"]["id"]: f["properties"] for f in doc["features"]}
    assert props["kadiz@1951"]["valid_from"] == "1951-03-22T00:00:00Z"
    assert props["kadiz@1951"]["valid_to"] == "2013-12-15T05:00:00Z"
    assert props["kadiz@2013"]["valid_from"] == "2013-12-15T05:00:00Z"
    assert props["kadiz@2013"]["valid_to"] is None
    assert props["ta-dokdo@1978"]["claimants"] == ["KOR", "JPN"]
    assert props["ta-dokdo@1978"]["holder"] == "KOR"

    got = pyogrio.read_dataframe(path)
    assert len(got) == n
    for family, expected in seed_features.items():
        part = got[got["family"] == family].reset_index(drop=True)
        assert list(part["id"]) == list(expected["id"]), family
        for a, b in zip(expected.geometry, part.geometry, strict=True):
            assert same_geometry(a, b), family
        assert_same_properties(expected, part, FIELDS[family])


# ------------------------------------------------------------- GeoPackage


def test_gpkg_layers_types_and_round_trip(
    seed_files: dict[str, Path], seed_features: dict[str, Any]
) -> None:
    path = seed_files["gpkg"]
    layers = pyogrio.list_layers(path)
    assert layers[:, 0].tolist() == list(seed_features)
    geometry_types = dict(layers.tolist())
    assert geometry_types["zones"] == "MultiPolygon"  # ta-kor is a MultiPolygon
    assert geometry_types["positions"] == "Point"
    assert geometry_types["incidents"] is None
    for family, expected in seed_features.items():
        info = pyogrio.read_info(path, layer=family)
        assert info["features"] == len(expected)
        types = dict(zip(info["fields"], info["ogr_types"], strict=True))
        subtypes = dict(zip(info["fields"], info["ogr_subtypes"], strict=True))
        for name, kind in FIELDS[family]:
            assert (
                types[name]
                == {
                    "datetime": "OFTDateTime",
                    "float": "OFTReal",
                    "int": "OFTInteger64",
                    "bool": "OFTInteger",
                    "str": "OFTString",
                    "list": "OFTString",
                }[kind]
            ), (family, name)
            if kind == "bool":
                assert subtypes[name] == "OFSTBoolean"
        got = pyogrio.read_dataframe(
            path, layer=family, read_geometry=family != "incidents"
        )
        assert list(got["id"]) == list(expected["id"])
        if family != "incidents":
            for a, b in zip(expected.geometry, got.geometry, strict=True):
                assert same_geometry(a, b), family
        assert_same_properties(expected, got, FIELDS[family])
    assert str(
        pyogrio.read_dataframe(path, layer="zones")["valid_from"].dtype
    ).startswith("datetime64")

    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        contents = dict(
            con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall()
        )
        assert set(contents) == set(seed_features)
        assert contents["incidents"] == "attributes"
        assert {v for k, v in contents.items() if k != "incidents"} == {"features"}
        columns = {
            t: (g, srs)
            for t, g, srs in con.execute(
                "SELECT table_name, geometry_type_name, srs_id FROM gpkg_geometry_columns"
            )
        }
        assert columns["zones"] == ("MULTIPOLYGON", 4326)
        assert columns["positions"] == ("POINT", 4326)
        assert "incidents" not in columns
        decl = {row[1]: row[2] for row in con.execute("PRAGMA table_info(zones)")}
        assert decl["valid_from"] == "DATETIME"
        assert decl["partial"] == "BOOLEAN"
        raw = con.execute(
            "SELECT valid_from, valid_to FROM zones WHERE id = 'kadiz@1951'"
        ).fetchone()
        assert raw == ("1951-03-22T00:00:00Z", "2013-12-15T05:00:00Z")
        claimants = con.execute(
            "SELECT claimants, holder FROM zones WHERE id = 'ta-dokdo@1978'"
        ).fetchone()
        assert claimants == ('["KOR", "JPN"]', "KOR")
    finally:
        con.close()


# -------------------------------------------------------------------- KML


def test_kml_parses_with_fastkml_and_gdal(
    seed_files: dict[str, Path], seed_features: dict[str, Any]
) -> None:
    path = seed_files["kml"]
    folders, doc = read_kml(path)
    assert list(folders) == list(seed_features)
    styles = {s.id for s in doc.styles}
    for family, expected in seed_features.items():
        placemarks = list(folders[family].features)
        assert [p.id for p in placemarks] == list(expected["id"])
        assert [p.name for p in placemarks] == list(expected["name"])
        for pm in placemarks:
            assert pm.style_url.url.removeprefix("#") in styles
    zones = {p.id: p for p in folders["zones"].features}
    k51, k13 = zones["kadiz@1951"], zones["kadiz@2013"]
    assert k51.times.begin.dt == KADIZ_1951
    assert k51.times.end.dt == KADIZ_CHANGE
    assert k13.times.begin.dt == KADIZ_CHANGE
    assert k13.times.end is None
    balloon = zones["ta-dokdo@1978"].description
    assert "<b>kind</b> territorial_airspace (DISPUTED)" in balloon
    assert "<b>held by</b> KOR<br><b>claimed by</b> KOR, JPN" in balloon
    data = kml_data(zones["ta-dokdo@1978"])
    assert json.loads(data["claimants"]) == ["KOR", "JPN"]
    assert data["holder"] == "KOR"
    assert data["disputed"] == "1"
    assert "valid_to" not in data
    timed = {p.id: p for p in folders["positions"].features}
    h6 = timed[f"{DOKDO}/h6-reentry-76nm-s-ulleungdo"]
    at = dt.datetime(2019, 7, 22, 22, 49, tzinfo=UTC)
    assert h6.times.begin.dt == at == h6.times.end.dt
    incident = {p.id: p for p in folders["incidents"].features}[DOKDO]
    window = IncidentCatalogue.default().get(DOKDO).window
    assert incident.times.begin.dt == window.start
    assert incident.times.end.dt == window.end
    # the zone colour is the map's, as KML aabbggrr with the map's fill opacity
    adiz = next(s for s in doc.styles if s.id == "zone-adiz")
    parts = {type(st).__name__: st for st in adiz.styles}
    assert parts["LineStyle"].color == "ff025fd9"  # #d95f02, opaque
    assert parts["PolyStyle"].color == "14025fd9"  # 8 % of 255 = 0x14
    assert parts["BalloonStyle"].text == "$[description]"

    assert pyogrio.list_layers(path)[:, 0].tolist() == list(seed_features)
    for family, expected in seed_features.items():
        got = pyogrio.read_dataframe(path, layer=family)
        assert list(got["id"]) == list(expected["id"])
        assert list(got["Name"]) == list(expected["name"])
        for a, b in zip(expected.geometry, got.geometry, strict=True):
            assert same_geometry(a, b), family
        # TimeSpan begin/end come back as datetimes
        assert pd.api.types.is_datetime64_any_dtype(got["begin"].dtype)
        for e, g in zip(expected["valid_from"], got["begin"], strict=True):
            assert (is_null(e) and is_null(g)) or pd.Timestamp(g) == e
        for e, g in zip(expected["valid_to"], got["end"], strict=True):
            assert (is_null(e) and is_null(g)) or pd.Timestamp(g) == e
        assert_same_properties(
            expected, got, FIELDS[family], datetimes_as_text=True, skip=("id", "name")
        )


# --------------------------------------------------- antimeridian + tracks


@pytest.fixture(scope="module")
def antimeridian_catalogue(
    tmp_path_factory: pytest.TempPathFactory,
) -> IncidentCatalogue:
    d = tmp_path_factory.mktemp("am")
    zones = ZoneCatalogue.load(
        write_user_zones(
            d / "zones.geojson",
            [
                zone_feature("am-zone", [ANTIMERIDIAN], kind="fir", claimants=("USA",)),
                zone_feature(
                    "holed",
                    [SQUARE, HOLE],
                    valid_from="2000-01-01T00:00:00Z",
                    valid_to="2010-06-01T12:30:00Z",
                    claimants=("KOR", "JPN"),
                ),
            ],
        ),
        with_seeds=False,
    )
    start = dt.datetime(2020, 1, 1, 0, 0, tzinfo=UTC)
    track = Track.from_arrays(
        "across",
        ["2020-01-01T00:00:00Z", "2020-01-01T00:10:00Z", "2020-01-01T00:20:00Z"],
        [179.5, -179.5, -178.5],
        [51.0, 51.5, 52.0],
        sources=("test-source",),
    )
    lone = Track.from_arrays("lone", ["2020-01-01T00:05:00Z"], [179.0], [51.0])
    position = Position(
        id="near-180",
        label="near the antimeridian",
        tag=PositionTag.ESTIMATE,
        lon=179.99,
        lat=51.0,
        uncertainty_m=5000.0,
        derivation="synthetic",
        sources=("test-source",),
        confidence=Confidence.LOW,
        geometry=Point(179.99, 51.0),
        by="USA",
    )
    incident = Incident(
        id="2020-01-01-am",
        title="Across the antimeridian",
        window=Window(
            start, start + dt.timedelta(hours=1), "UTC", TimePrecision.MINUTE
        ),
        summary="synthetic",
        sources=("test-source",),
        confidence=Confidence.LOW,
        positions=(position,),
        tracks=(track, lone),
    )
    from airmap.geo import Source

    source = Source(id="test-source", **TEST_SOURCE | {"confidence": Confidence.HIGH})
    return IncidentCatalogue([incident], zones, sources={"test-source": source})


def test_antimeridian_zone_track_and_disc_are_split_in_every_format(
    antimeridian_catalogue: IncidentCatalogue, tmp_path: Path
) -> None:
    features = export_features(incidents=antimeridian_catalogue)
    zones = features["zones"].set_index("id")
    am = zones.loc["am-zone@1", "geometry"]
    assert am.geom_type == "MultiPolygon"
    assert len(am.geoms) == 2
    xs = sorted({x for p in am.geoms for x, _ in p.exterior.coords})
    assert xs[0] == -180.0
    assert xs[-1] == 180.0
    assert zones.loc["holed@1", "valid_to"] == dt.datetime(
        2010, 6, 1, 12, 30, tzinfo=UTC
    )
    track = features["tracks"].set_index("track_id").loc["across"]
    assert track["geometry"].geom_type == "MultiLineString"
    assert track["geometry"].geoms[0].coords[-1] == (180.0, 51.25)
    assert track["geometry"].geoms[1].coords[0] == (-180.0, 51.25)
    assert track["times"] == [
        "2020-01-01T00:00:00Z",
        "2020-01-01T00:10:00Z",
        "2020-01-01T00:20:00Z",
    ]
    assert track["source_titles"] == ["Synthetic test zone"]
    lone = features["tracks"].set_index("track_id").loc["lone"]
    assert list(lone["geometry"].coords) == [(179.0, 51.0), (179.0, 51.0)]
    disc = features["uncertainty"]["geometry"].iloc[0]
    assert disc.geom_type == "MultiPolygon"

    for fmt in ("geojson", "gpkg", "kml"):
        path = export(tmp_path / f"am.{fmt}", incidents=antimeridian_catalogue)
        if fmt == "geojson":
            assert_rfc7946(json.loads(path.read_text(encoding="utf-8")))
        for family, expected in features.items():
            if family == "incidents":
                continue
            if fmt == "geojson":
                got = pyogrio.read_dataframe(path)
                got = got[got["family"] == family].reset_index(drop=True)
            else:
                got = pyogrio.read_dataframe(path, layer=family)
            assert list(got["id"]) == list(expected["id"]), (fmt, family)
            for a, b in zip(expected.geometry, got.geometry, strict=True):
                assert same_geometry(a, b), (fmt, family)
                bounds = b.bounds
                assert bounds[0] >= -180, (fmt, family)
                assert bounds[2] <= 180, (fmt, family)


# ------------------------------------------------------------ hostile text

KML_HOSTILE = [
    *HOSTILE,
    "]]></description><script>window.__xss=1</script><![CDATA[",
    "</name></Placemark><Placemark><name>injected",
    "$[name] $[description] $[geDirections]",
    "tab\there & ampersand &amp; &#36; done",
]
TEXT = " | ".join(KML_HOSTILE)
EVIL_URL = 'https://example.org/?q=<script>`${x}`"onmouseover=alert(1)'


class _Html(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _hostile_files(tmp_path: Path) -> tuple[Path, Path]:
    zones = write_user_zones(
        tmp_path / "zones.geojson",
        [
            zone_feature(
                "hostile-zone",
                [SQUARE],
                name=TEXT,
                derivation=TEXT,
                note=TEXT,
                kind="territorial_airspace",
            )
        ],
    )
    doc = {
        "source": {
            "evil-src": {
                "url": EVIL_URL,
                "title": TEXT,
                "confidence": "low",
            },
        },
        "incident": [
            {
                "id": "2020-01-01-hostile",
                "title": TEXT,
                "summary": TEXT,
                "time_zone": "Asia/Seoul",
                "start_local": "2020-01-01T09:00",
                "end_local": "2020-01-01T10:00",
                "sources": ["evil-src"],
                "confidence": "low",
                "note": TEXT,
                "position": [
                    {
                        "id": "p1",
                        "label": TEXT,
                        "tag": "estimate",
                        "lat": 37.5,
                        "lon": 130.5,
                        "uncertainty_m": 3000,
                        "derivation": TEXT,
                        "by": "KOR",
                        "sources": ["evil-src"],
                        "confidence": "low",
                    }
                ],
            }
        ],
    }
    incidents = tmp_path / "incidents.json"
    incidents.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return zones, incidents


def test_hostile_text_stays_inert_in_kml(tmp_path: Path) -> None:
    zones_file, incidents_file = _hostile_files(tmp_path)
    zones = ZoneCatalogue.load(zones_file, with_seeds=False)
    cat = IncidentCatalogue.load(incidents_file, zones=zones, with_seeds=False)
    path = export(tmp_path / "hostile.kml", incidents=cat)

    tree = ET.parse(path)  # well-formed XML
    local = {el.tag.removeprefix(KML_NS) for el in tree.iter()}
    assert not local & {"script", "img", "svg", "CDATA"}
    placemarks = list(tree.iter(f"{KML_NS}Placemark"))
    n = sum(len(f) for f in export_features(incidents=cat).values())
    assert len(placemarks) == n  # nothing injected a Placemark
    hostile_fields = 0
    links: list[str] = []
    for pm in placemarks:
        name = pm.findtext(f"{KML_NS}name")
        assert name == TEXT  # the raw name, exactly as typed
        description = pm.findtext(f"{KML_NS}description") or ""
        # no KML entity replacement can trigger: "$" is a character reference
        assert "$[" not in description
        parser = _Html()
        parser.feed(description)
        parser.close()
        assert set(parser.tags) <= {"b", "br", "a"}, parser.tags
        shown = "".join(parser.text)
        assert shown.count(TEXT) >= 2, shown[:300]  # name + derivation/title/…
        links += [a.split('"')[1] for a in description.split("<a href=")[1:]]
        for data in pm.iter(f"{KML_NS}SimpleData"):
            if data.get("name") in ("derivation", "note", "summary"):
                assert data.text is not None
                assert data.text.endswith(TEXT)
                hostile_fields += 1
    assert hostile_fields >= 4
    # links are http(s) only, percent-encoded and escaped: the quote cannot close
    # the attribute
    assert set(links) == {
        "https://example.org/test-zone",
        "https://example.org/?q=%3Cscript%3E%60&#36;%7Bx%7D%60%22onmouseover=alert(1)",
    }

    folders, _ = read_kml(path)
    zone = next(iter(folders["zones"].features))
    assert zone.name == TEXT
    assert kml_data(zone)["note"] == TEXT
    gdal = pyogrio.read_dataframe(path, layer="positions")
    assert gdal["Name"].tolist() == [TEXT]
    assert gdal["derivation"].tolist() == [TEXT]
    assert json.loads(gdal["source_urls"].iloc[0]) == [EVIL_URL]


def test_text_xml_cannot_carry_is_replaced(tmp_path: Path) -> None:
    zones = ZoneCatalogue.load(
        write_user_zones(
            tmp_path / "z.geojson",
            [zone_feature("ctrl", [SQUARE], name="bell\x07 and\r\nnew line")],
        ),
        with_seeds=False,
    )
    path = export(tmp_path / "ctrl.kml", zones=zones, incident_ids=[])
    name = ET.parse(path).getroot().find(f".//{KML_NS}Placemark/{KML_NS}name")
    assert name is not None
    assert name.text == "bell\ufffd and\nnew line"


# ---------------------------------------------------------- atomic writes


def test_written_atomically_and_errors_leave_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airmap.maps import _export

    target = tmp_path / "out.kml"
    target.write_text("previous", encoding="utf-8")

    def broken(path: Path, frames: Any) -> None:
        path.write_text("<kml>half", encoding="utf-8")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(_export._WRITERS, "kml", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export(target, incident_ids=[])
    assert target.read_text(encoding="utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.kml"]

    with pytest.raises(OutputPathError, match="does not exist"):
        export(tmp_path / "missing" / "out.gpkg", incident_ids=[])
    with pytest.raises(OutputPathError, match="is a directory"):
        export(tmp_path, format="kml", incident_ids=[])
    with pytest.raises(ExportError, match="nothing to export"):
        export(tmp_path / "empty.geojson", kinds=["fir"], bbox=(0, 0, 1, 1))
    with pytest.raises(ExportError, match="unknown feature families"):
        write_export(tmp_path / "x.kml", {"planes": export_features()["zones"]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.kml"]


def test_gpkg_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "z.gpkg"
    export(target, incident_ids=[])
    export(target, incident_ids=[], kinds=["adiz"])
    assert pyogrio.list_layers(target)[:, 0].tolist() == ["zones", "zone_lines"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["z.gpkg"]
