"""The incident map: deterministic bytes, errors, and the 2019-07-23 map in a browser.

Acceptance 4 is asserted in Chromium on the rendered page (Leaflet's own layers and
the popup's rendered text), not on the HTML string.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airmap.maps._map import MapError, incident_map, render_html
from airmap.maps.assets import AssetResolver, make_self_contained
from tests.maps.browser import OfflinePage, open_file

DOKDO = "2019-07-23-dokdo"


def test_same_inputs_render_the_same_bytes(asset_resolver: AssetResolver) -> None:
    first = render_html(incident_map(incident_ids=[DOKDO]))
    second = render_html(incident_map(incident_ids=[DOKDO]))
    assert first == second
    again = make_self_contained(first, resolver=asset_resolver)
    assert again.html == first  # nothing left to inline
    assert not again.missing
    assert not again.remote_refs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"incident_ids": ["2019-07-23-dokd"]},
            "no incident with id '2019-07-23-dokd'",
        ),
        ({"kinds": ["adz"]}, "unknown zone kind 'adz'"),
        ({"tiles": "google"}, "unknown tiles 'google'"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(MapError, match=message):
        incident_map(**kwargs)


INSIDE = """
([mapName, subject]) => {
  const find = (key, value) => {
    const out = [];
    window[mapName].eachLayer(l => {
      if (l.feature && l.feature.properties && l.feature.properties[key] === value
          && l.getLatLngs) out.push(l);
    });
    return out[0];
  };
  const flat = ll => Array.isArray(ll[0]) ? flat(ll.flat()) : ll;
  const zone = flat(find('key', 'ta-dokdo@1978').getLatLngs());
  const inPoly = p => {
    let c = false;
    for (let i = 0, j = zone.length - 1; i < zone.length; j = i++) {
      const a = zone[i], b = zone[j];
      if ((a.lat > p.lat) !== (b.lat > p.lat)
          && p.lng < (b.lng - a.lng) * (p.lat - a.lat) / (b.lat - a.lat) + a.lng) c = !c;
    }
    return c;
  };
  const layer = find('position', subject);
  const pts = layer.feature.geometry.type === 'LineString'
      ? flat(layer.getLatLngs()) : [layer.getBounds().getCenter()];
  return pts.map(inPoly);
}
"""


@pytest.mark.browser
def test_dokdo_map_in_the_browser(offline: OfflinePage, tmp_path: Path) -> None:
    """Both A-50 passes inside Dokdo's airspace, the 25 km line outside, both claimants."""
    m = incident_map(incident_ids=[DOKDO])
    path = tmp_path / "dokdo.html"
    path.write_text(render_html(m), encoding="utf-8")
    page = offline.page
    open_file(page, path, m.get_name())

    assert page.evaluate(INSIDE, [m.get_name(), "a50-pass-1-km"]) == [True]
    assert page.evaluate(INSIDE, [m.get_name(), "a50-pass-2-km"]) == [True]
    ring = page.evaluate(INSIDE, [m.get_name(), "rus-25km-ring"])
    assert len(ring) > 100
    assert not any(ring)

    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [s.strip() for s in labels] == [
        "Land and coast",
        "FIRs",
        "ADIZs",
        "Territorial airspace",
        "Reference lines",
        "Incidents",
        "Tracks",
    ]

    # the zone's popup, as rendered: holder and both claimants
    page.evaluate(
        """([mapName]) => window[mapName].eachLayer(l => {
             if (!l.getLayers || !l.getPopup || !l.getPopup()) return;
             l.getLayers().forEach(c => {
               if (c.feature && c.feature.properties.key === 'ta-dokdo@1978')
                 l.openPopup(c.getBounds().getCenter());
             });
           })""",
        [m.get_name()],
    )
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "claimed by KOR, JPN (DISPUTED)" in text
    assert "held by KOR" in text
    page.screenshot(path=str(tmp_path / "dokdo.png"), animations="disabled")
    assert offline.log.console_errors == []
    assert offline.log.page_errors == []
    assert [u for u in offline.log.requests if u.startswith(("http:", "https:"))] == []


HAS = """
([mapName, key]) => {
  let on = false;
  window[mapName].eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.key === key) on = true;
  });
  return on;
}
"""


@pytest.mark.browser
def test_slider_swaps_the_kadiz_version(offline: OfflinePage, tmp_path: Path) -> None:
    """KADIZ 1951 until 2013-12-15 05:00 UTC, then 2013; China's ADIZ from 11-23 02:00."""
    m = incident_map(incident_ids=[DOKDO])
    slider = m.airmap_time_slider
    path = tmp_path / "slider.html"
    path.write_text(render_html(m), encoding="utf-8")
    page = offline.page
    open_file(page, path, m.get_name())
    name, mp = slider.get_name(), m.get_name()
    # at load: the incident's start, 2019-07-22 21:44 UTC
    assert "2019-07-22 21:44 UTC" in page.locator(".leaflet-control").all_inner_texts()[
        -1
    ] or ("2019-07-22 21:44 UTC" in page.content())
    assert page.evaluate(HAS, [mp, "kadiz@2013"])
    assert not page.evaluate(HAS, [mp, "kadiz@1951"])

    stops = [label for label, _ in slider.labels]

    def go(label: str) -> None:
        page.evaluate(f"{name}.select({stops.index(label)})")

    go("2013-12-15 05:00 UTC")
    assert page.evaluate(HAS, [mp, "kadiz@2013"])
    assert not page.evaluate(HAS, [mp, "kadiz@1951"])
    assert page.evaluate(HAS, [mp, "cn-ecs-adiz@2013"])
    i = stops.index("2013-12-15 05:00 UTC")
    page.evaluate(f"{name}.select({i - 1})")  # the stop before: China's ADIZ declared
    assert stops[i - 1] == "2013-11-23 02:00 UTC"
    assert page.inner_text(".airmap-time-local").strip() == "2013-11-23 11:00 KST"
    assert page.evaluate(HAS, [mp, "kadiz@1951"])
    assert not page.evaluate(HAS, [mp, "kadiz@2013"])
    assert page.evaluate(HAS, [mp, "cn-ecs-adiz@2013"])
    page.evaluate(f"{name}.select({i - 2})")
    assert not page.evaluate(HAS, [mp, "cn-ecs-adiz@2013"])
    # the label shows the instant in UTC and in the reporter's zone
    assert page.inner_text(".airmap-time-utc").strip() == stops[i - 2]
    assert offline.log.console_errors == []
    assert offline.log.page_errors == []


ACCOUNTS = """
([mapName]) => {
  const out = {};
  window[mapName].eachLayer(l => {
    const t = l.getTooltip && l.getTooltip();
    if (l.feature && l.feature.properties.position && t && t.options.permanent) {
      out[t.getContent()] = [l.feature.properties.position, l.options.color];
    }
  });
  return out;
}
"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("incident", "expected"),
    [
        (
            DOKDO,
            {
                "KOR account (claim)": ("a50-pass-1-km", "#c51b7d"),
                "RUS account (counter-claim)": ("rus-25km-ring", "#2166ac"),
            },
        ),
        (
            "2015-11-24-su24",
            {
                "TUR account (claim)": ("tur-radar-salient-tip", "#c51b7d"),
                "RUS account (counter-claim)": ("rus-putin-hit-1km", "#2166ac"),
            },
        ),
    ],
)
def test_conflicting_accounts_are_separate_labelled_features(
    offline: OfflinePage,
    tmp_path: Path,
    incident: str,
    expected: dict[str, tuple[str, str]],
) -> None:
    m = incident_map(incident_ids=[incident])
    path = tmp_path / "accounts.html"
    path.write_text(render_html(m), encoding="utf-8")
    page = offline.page
    open_file(page, path, m.get_name())
    got = page.evaluate(ACCOUNTS, [m.get_name()])
    assert {k: tuple(v) for k, v in got.items()} == expected
    shown = page.locator(".leaflet-tooltip.airmap-label").all_inner_texts()
    assert sorted(shown) == sorted(expected)
    assert offline.log.console_errors == []
