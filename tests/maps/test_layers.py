"""Our layers in somebody else's folium map (issue 6, acceptance 1, and the contract).

The builders follow ``GeoDataFrame.explore``: given ``m=`` they add themselves and
return ``m``; without it they return the element. The acceptance test builds a
plain ``folium.Map`` with its own tile layer and a marker, adds our zone,
reference, incident and track layers and a legend, saves it with :func:`save`, and
opens it in headless Chromium: the caller's tiles (answered by the offline route)
and marker render beside our layers, the layer control lists both, and there are no
console errors and no request other than the caller's tiles.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import folium

from airmap.incidents import IncidentCatalogue
from airmap.layers import ZoneCatalogue
from airmap.maps import (
    IncidentLayer,
    LayerError,
    Legend,
    TrackLayer,
    ZoneLayer,
    incident_layer,
    legend,
    make_self_contained,
    reference_layer,
    save,
    track_layer,
    zone_layer,
)
from tests.common import SQUARE, write_user_zones, zone_feature
from tests.maps.browser import OfflinePage, open_file

UTC = dt.UTC
DOKDO = "2019-07-23-dokdo"

#: The version keys drawn in a layer, as the page has them.
PAGE_KEYS = """
mapName => {
  const keys = [];
  window[mapName].eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.key)
      keys.push(l.feature.properties.key);
  });
  return keys.sort();
}
"""


def _keys(layer: ZoneLayer) -> list[str]:
    return sorted(v.key for _, v in layer.drawn)


# ------------------------------------------------------------------ the contract


def test_with_m_adds_and_returns_the_map() -> None:
    m = folium.Map(tiles=None)
    assert zone_layer(kinds=["adiz"], m=m) is m
    assert incident_layer(incident_ids=[DOKDO], m=m) is m
    assert track_layer(incident_ids=[DOKDO], m=m) is m
    assert reference_layer(m=m) is m
    assert legend(m=m) is m
    kinds = [type(c).__name__ for c in m._children.values()]
    assert kinds == [
        "ZoneLayer",
        "IncidentLayer",
        "TrackLayer",
        "ReferenceLayer",
        "Legend",
    ]


def test_without_m_returns_the_element_to_add_later() -> None:
    zones = zone_layer(kinds=["adiz"])
    positions = incident_layer(incident_ids=DOKDO)  # one id as a plain string
    assert isinstance(zones, ZoneLayer)
    assert isinstance(positions, IncidentLayer)
    box = legend(zones, positions)
    assert isinstance(box, Legend)
    m = folium.Map(tiles=None)
    for el in (zones, positions, box):
        el.add_to(m)
    html = m.get_root().render()
    assert "airmapVector.build" in html  # the incident layer's own script came along
    assert "airmap-legend" in html


def test_when_selects_the_versions_in_force() -> None:
    # KADIZ: the 1951 line until 2013-12-15 05:00 UTC, the current line from then
    before = zone_layer(
        ids=["kadiz"], when=dt.datetime(2013, 12, 15, 4, 59, tzinfo=UTC)
    )
    after = zone_layer(ids=["kadiz"], when=dt.datetime(2013, 12, 15, 5, 0, tzinfo=UTC))
    assert _keys(before) == ["kadiz@1951"]
    assert _keys(after) == ["kadiz@2013"]
    assert _keys(zone_layer(ids=["kadiz"])) == ["kadiz@2013"]  # None: current
    assert _keys(zone_layer(ids=["kadiz"], when="all")) == ["kadiz@1951", "kadiz@2013"]
    # China's ECS ADIZ did not exist the day before its announcement took effect
    prc = zone_layer(kinds=["adiz"], when=dt.datetime(2013, 11, 23, 1, 59, tzinfo=UTC))
    cat = ZoneCatalogue.default()
    expected = sorted(
        v.key
        for v in cat.at(dt.datetime(2013, 11, 23, 1, 59, tzinfo=UTC))
        if v.zone.kind.value == "adiz" and v.is_area
    )
    assert _keys(prc) == expected
    assert not any(k.startswith("cadiz") or "ecs" in k for k in _keys(prc)), _keys(prc)


def test_kinds_ids_and_when_errors() -> None:
    with pytest.raises(LayerError, match="unknown zone kind 'adz'"):
        zone_layer(kinds=["adz"])
    with pytest.raises(LayerError, match="no time zone"):
        zone_layer(when=dt.datetime(2019, 7, 23))  # noqa: DTZ001 - the error under test
    with pytest.raises(LayerError, match="when must be"):
        zone_layer(when="2019-07-23")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="kadiz"):
        zone_layer(ids=["kadis"])
    with pytest.raises(
        LayerError, match=r"no incident with id .*did you mean .2019-07-23-dokdo."
    ):
        incident_layer(incident_ids=["2019-07-32-dokdo"])
    with pytest.raises(LayerError, match="IncidentCatalogue"):
        incident_layer(ZoneCatalogue.default())  # type: ignore[arg-type]
    with pytest.raises(LayerError, match="not one of airmap's layers"):
        legend(folium.FeatureGroup(name="theirs"))
    with pytest.raises(LayerError, match="no layers to explain"):
        legend(m=folium.Map(tiles=None))


def test_legend_rows_follow_what_the_layers_draw() -> None:
    dokdo = incident_layer(incident_ids=[DOKDO])
    labels = [e.label for e in dokdo.legend_entries]
    # Korea's account (claim) and Russia's (counter-claim, the 25 km ring)
    assert "Claim: position ± uncertainty" in labels
    assert "Counter-claim: position ± uncertainty" in labels
    assert "Distance-only account (line of points)" in labels
    zones = zone_layer(kinds=["territorial_airspace"])
    zlabels = [e.label for e in zones.legend_entries]
    assert "Territorial airspace (disputed)" in zlabels  # Dokdo: KOR and JPN
    assert "ADIZ" not in zlabels
    # two zone layers with ADIZs share one row, tied to both layers' versions
    a = zone_layer(ids=["kadiz"])
    b = zone_layer(ids=["taiwan-adiz"])
    box = legend(a, b)
    rows = [e for e in box.entries if e.label == "ADIZ"]
    assert len(rows) == 1
    assert len(rows[0].layers) == len(a.drawn) + len(b.drawn)
    tracks = track_layer(incident_ids=[DOKDO])
    assert isinstance(tracks, TrackLayer)


def test_hostile_layer_name_and_zone_text_are_escaped(tmp_path: Path) -> None:
    text = "<img src=x onerror=window.__xss=1> `${1}` {{ 7*7 }}"
    path = write_user_zones(
        tmp_path / "z.geojson",
        [zone_feature("evil", [SQUARE], name=text, kind="territorial_airspace")],
    )
    cat = ZoneCatalogue.load(path)
    m = folium.Map(tiles=None)
    zone_layer(cat, ids=["evil"], name=text, m=m)
    folium.LayerControl().add_to(m)
    html = m.get_root().render()
    assert "<img src=x" not in html  # markup reaches the page only as entities
    assert "{{ 7*7 }}" not in html  # nor Jinja syntax that branca would evaluate
    assert "&#123;&#123; 7*7 &#125;&#125;" in html
    assert "`${1}` 49" not in html


def test_save_is_self_contained_and_atomic(tmp_path: Path) -> None:
    m = folium.Map(location=[37.24, 131.87], zoom_start=8)  # OSM tiles: theirs
    zone_layer(kinds=["territorial_airspace"], m=m)
    out = save(m, tmp_path / "theirs.html")
    html = out.read_text(encoding="utf-8")
    # every script and style inlined (the original URL stays as a data attribute)
    assert 'data-airmap-inlined="https://cdn.jsdelivr.net/npm/leaflet@1.9.3' in html
    assert not re.findall(r'<script[^>]*\ssrc="https?://', html)
    assert not re.findall(r'<link[^>]*\shref="https?://', html)
    assert "tile.openstreetmap.org" in html  # the caller's tiles stay theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.html"]
    # make_self_contained also works on HTML the caller rendered
    result = make_self_contained(m.get_root().render())
    assert not result.missing
    assert all("{z}" in u for u in result.remote_refs), result.remote_refs
    # a missing directory: an error that names it, and nothing written
    from airmap.geo import OutputPathError

    with pytest.raises(OutputPathError, match="does not exist"):
        save(m, tmp_path / "nope" / "x.html")


# ----------------------------------------------------------- acceptance 1: Chromium


@pytest.mark.browser
def test_our_layers_in_a_plain_folium_map(offline: OfflinePage, tmp_path: Path) -> None:
    cat = IncidentCatalogue.default()
    when = cat.get(DOKDO).window.start
    m = folium.Map(location=[37.24, 131.87], zoom_start=9, tiles=None)
    folium.TileLayer("OpenStreetMap", name="Their tiles").add_to(m)
    theirs = folium.FeatureGroup(name="Their marker").add_to(m)
    folium.Marker([37.2417, 131.8667], tooltip="Dokdo (theirs)").add_to(theirs)
    zone_layer(cat, when=when, kinds=["adiz", "territorial_airspace"], m=m)
    reference_layer(cat, m=m)
    incident_layer(cat, incident_ids=[DOKDO], m=m)
    track_layer(cat, incident_ids=[DOKDO], m=m)
    legend(m=m)
    folium.LayerControl(collapsed=False).add_to(m)
    path = save(m, tmp_path / "theirs.html")

    page = offline.page
    open_file(page, path, m.get_name())
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tile')].some(t => t.complete"
        " && t.naturalWidth > 0)",
        timeout=10_000,
    )
    page.screenshot(path=str(tmp_path / "theirs.png"))

    # their marker: an icon image that loaded (from the inlined default icon)
    icon = page.locator(".leaflet-marker-icon").first
    assert icon.evaluate("img => img.complete && img.naturalWidth > 0")
    # their tiles were asked for and answered; nothing else left the page
    assert offline.log.tiles
    assert not offline.log.problems(), offline.log.problems()
    assert all("tile.openstreetmap.org" in u for u in offline.log.http_requests), (
        offline.log.http_requests
    )

    # our layers: the zone versions in force that day, positions, labels
    expected = sorted(
        v.key
        for v in cat.zones.at(when)
        if v.is_area and v.zone.kind.value in ("adiz", "territorial_airspace")
    )
    assert page.evaluate(PAGE_KEYS, m.get_name()) == expected
    assert "kadiz@2013" in expected
    assert page.locator("path.airmap-zone").count() >= 1
    assert page.locator("path.airmap-disputed").count() >= 1  # Dokdo
    assert page.locator("path.airmap-position").count() >= 1
    labels = page.locator(".airmap-label").all_inner_texts()
    assert any("KOR account" in t for t in labels), labels
    assert any("RUS account" in t for t in labels), labels

    # the layer control lists their layers and ours
    control = page.locator(".leaflet-control-layers").inner_text()
    for name in (
        "Their tiles",
        "Their marker",
        "Airspace zones",
        "Reference lines",
        "Incidents",
        "Tracks",
    ):
        assert name in control, (name, control)
    # the legend follows our layer in their control
    legend_box = page.locator(".airmap-legend")
    row = legend_box.locator(".airmap-legend-entry", has_text="Counter-claim").first
    assert row.is_visible()
    page.locator(".leaflet-control-layers label", has_text="Incidents").locator(
        "input"
    ).click()
    assert not row.is_visible()
    assert icon.is_visible()  # their marker is untouched
    assert not offline.log.problems(), offline.log.problems()
