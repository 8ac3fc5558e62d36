"""Compact vector layers: the coordinate code, display circles, validation, browser decode."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyproj import Geod

from airmap.maps._map import render_html, stable_ids
from airmap.maps._vector import (
    VectorFeature,
    VectorLayer,
    circle_ring,
    circle_vertices,
    decode_coords,
    encode_coords,
)
from tests.maps.browser import OfflinePage, open_file

GEOD = Geod(ellps="WGS84")

coords = st.lists(
    st.tuples(
        st.floats(-180.0, 180.0, allow_nan=False),
        st.floats(-90.0, 90.0, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
)


@given(coords)
@settings(max_examples=200, deadline=None)
def test_code_round_trips_to_a_micro_degree(pts: list[tuple[float, float]]) -> None:
    lon = [p[0] for p in pts]
    lat = [p[1] for p in pts]
    text = encode_coords(lon, lat)
    assert all(63 <= ord(c) <= 126 for c in text)
    back_lon, back_lat = decode_coords(text)
    assert np.max(np.abs(np.array(back_lon) - lon)) <= 0.5e-6 + 1e-12
    assert np.max(np.abs(np.array(back_lat) - lat)) <= 0.5e-6 + 1e-12


def test_decode_rejects_foreign_and_truncated_text() -> None:
    with pytest.raises(ValueError, match="not part of the encoding"):
        decode_coords("??<")
    with pytest.raises(ValueError, match="truncated"):
        decode_coords(encode_coords([1.0], [2.0])[:-1] + "_")


@pytest.mark.parametrize("radius", [1.0, 500.0, 5_000.0, 22_224.0, 140_000.0])
def test_display_circle_is_on_the_geodesic_circle(radius: float) -> None:
    lon0, lat0 = 131.8694, 37.2416
    x, y = circle_ring(lon0, lat0, radius)
    assert (x[0], y[0]) == (x[-1], y[-1])
    _, _, d = GEOD.inv(np.full(x.size, lon0), np.full(x.size, lat0), x, y)
    assert np.max(np.abs(d - radius)) < 1e-6 * radius + 1e-6
    # the worst chord stays within the stated display tolerance of the circle
    n = circle_vertices(radius)
    assert x.size == n + 1
    sagitta = radius * (1 - math.cos(math.pi / n))
    assert sagitta <= max(0.002 * radius, 10.0) + 1e-9
    # counter-clockwise (positive signed area in lon/lat)
    area = 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])
    assert area > 0


def test_circle_across_the_antimeridian_stays_continuous() -> None:
    x, _ = circle_ring(179.99, 0.0, 50_000.0)
    assert np.max(np.abs(np.diff(x))) < 1.0
    assert x.max() > 180.0


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        (VectorFeature("point", [], {}), "kind must be"),
        (VectorFeature("line", [], {"color": "red"}), "#rrggbb"),
        (VectorFeature("line", [], {"color": "#ff0000", "onclick": "x"}), "unknown"),
        (VectorFeature("line", [], {"dashArray": "4;x"}), "dashArray"),
        (VectorFeature("line", [], {"className": 'a"b'}), "className"),
        (VectorFeature("line", [], {"weight": float("nan")}), "finite"),
    ],
)
def test_bad_features_are_refused_with_their_index(
    feature: VectorFeature, message: str
) -> None:
    layer = VectorLayer([VectorFeature("line", [], {"color": "#000000"})])
    with pytest.raises(ValueError, match=message) as err:
        layer.add_feature(feature)
    assert str(err.value).startswith("feature 1:")


def test_shared_texts_and_styles_are_written_once() -> None:
    shared = "<b>sources</b><br>" + "x" * 500
    style = {"color": "#123456", "weight": 2}
    ring = circle_ring(130.0, 37.0, 1000.0)
    layer = VectorLayer(
        [
            VectorFeature("polygon", [[ring]], style, "t", [f"row {i}", shared])
            for i in range(50)
        ]
    )
    data = layer.data
    assert data["strings"].count(shared) == 1
    assert len(data["styles"]) == 1
    assert len(data["features"]) == 50
    assert layer.payload().count("x" * 500) == 1


@pytest.mark.browser
def test_the_page_decodes_what_python_encoded(
    offline: OfflinePage, tmp_path: Path
) -> None:
    import folium

    m = folium.Map(location=[37.0, 131.0], zoom_start=7, tiles=None)
    ring = circle_ring(131.8694, 37.2416, 22_224.0)
    line = (np.array([179.5, 180.5, 181.0]), np.array([-10.0, -10.000001, 12.3456789]))
    VectorLayer(
        [
            VectorFeature(
                "polygon",
                [[ring]],
                {"color": "#1b9e77", "fillColor": "#1b9e77", "fillOpacity": 0.2},
                tooltip="Dokdo &amp; 12 NM",
                popup=["<b>row</b>", "second"],
                properties={"id": "circle"},
            ),
            VectorFeature(
                "line",
                [line],
                {"color": "#000000", "dashArray": "6 4"},
                label="label",
                properties={"id": "line"},
            ),
        ],
        name="Vectors",
    ).add_to(m)
    folium.LayerControl().add_to(m)
    stable_ids(m)
    path = tmp_path / "vector.html"
    path.write_text(render_html(m), encoding="utf-8")
    page = offline.page
    open_file(page, path, m.get_name())
    got = page.evaluate(
        """([name]) => {
          const out = {};
          window[name].eachLayer(l => l.eachLayer && l.eachLayer(f => {
            if (f.feature) out[f.feature.properties.id] = f.getLatLngs();
          }));
          return out;
        }""",
        [m.get_name()],
    )
    circle = got["circle"][0]
    assert len(circle) == ring[0].size - 1  # Leaflet drops the closing vertex
    for i, ll in enumerate(circle):
        assert abs(ll["lng"] - ring[0][i]) <= 0.5e-6 + 1e-12
        assert abs(ll["lat"] - ring[1][i]) <= 0.5e-6 + 1e-12
    assert [round(p["lng"], 6) for p in got["line"]] == [179.5, 180.5, 181.0]
    assert [round(p["lat"], 6) for p in got["line"]] == [-10.0, -10.000001, 12.345679]
    labels = page.locator(".leaflet-tooltip.airmap-label").all_inner_texts()
    assert labels == ["label"]
    assert "Vectors" in (page.locator(".leaflet-control-layers").text_content() or "")
    assert offline.log.console_errors == []
    assert offline.log.page_errors == []
