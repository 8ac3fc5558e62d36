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
