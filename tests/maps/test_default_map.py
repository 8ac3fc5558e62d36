"""Acceptance 1: the default map (every seeded zone and incident) in headless Chromium.

Opened from a ``file://`` URL with every http(s) request aborted and logged: no
request, no console error, Leaflet loaded, every layer-control label, a popup's text
after a real mouse click, the slider moving the date and swapping the KADIZ version
through its own input, and the legend following the layers. A screenshot is saved
next to the page (``tmp_path``) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airmap.incidents import IncidentCatalogue
from airmap.maps import ZONE_GROUPS, incident_map, render_html
from tests.maps.browser import OfflinePage, open_file

HAS_KEY = """
([mapName, key]) => {
  let on = false;
  window[mapName].eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.key === key) on = true;
  });
  return on;
}
"""

CENTRE_OF = """
([mapName, positionId, zoom]) => {
  const map = window[mapName];
  let found = null;
  map.eachLayer(l => {
    if (l.feature && l.feature.properties.position === positionId) found = l;
  });
  const c = found.getBounds().getCenter();
  map.setView(c, zoom, {animate: false});
  const p = map.latLngToContainerPoint(c);
  const box = map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}
"""


@pytest.mark.browser
def test_default_map_in_chromium(offline: OfflinePage, tmp_path: Path) -> None:
    cat = IncidentCatalogue.default()
    m = incident_map(cat)
    path = tmp_path / "incidents.html"
    path.write_text(render_html(m), encoding="utf-8")
    page = offline.page
    open_file(page, path, m.get_name())
    mp = m.get_name()

    # Leaflet loaded from the page itself
    assert page.evaluate("window.L && L.version") == "1.9.3"

    # every layer-control label
    control = page.locator(".leaflet-control-layers").text_content() or ""
    for label in [
        "Land and coast",
        *ZONE_GROUPS,
        "Reference lines",
        "Incidents",
        "Tracks",
    ]:
        assert label in control, (label, control)

    # a popup's text after a real click on a position (the Su-24 wreck estimate)
    x, y = page.evaluate(CENTRE_OF, [mp, "crash-site-yamadi", 11])
    # wait until the redrawn position is what the pointer would hit there
    page.wait_for_function(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return !!e && e.classList.contains('airmap-position'); }",
        arg=[x, y],
        timeout=10_000,
    )
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    # the topmost position there (the wreck estimate, or a disc drawn over it)
    su24 = cat.get("2015-11-24-su24")
    shown = [p for p in su24.positions if text.startswith(p.label)]
    assert shown, text
    assert f"± {shown[0].uncertainty_m:,.0f} m" in text
    assert "incident 2015-11-24-su24" in text
    assert "sources" in text
    hrefs = popup.locator("a").evaluate_all("els => els.map(a => a.href)")
    assert hrefs
    assert all(h.startswith(("https://", "http://")) for h in hrefs)
    page.keyboard.press("Escape")

    # the slider, through its own range input: first stop, then the last
    utc = page.locator(".airmap-time-utc")
    start_label = utc.inner_text()
    slider_input = page.locator(".airmap-time-range")
    slider_input.focus()
    page.keyboard.press("Home")
    first_label = utc.inner_text()
    assert first_label != start_label
    assert first_label < "2013-12-15"  # ISO labels sort as dates
    assert page.evaluate(HAS_KEY, [mp, "kadiz@1951"])
    assert not page.evaluate(HAS_KEY, [mp, "kadiz@2013"])
    page.keyboard.press("End")
    assert utc.inner_text() > "2013-12-15"
    assert page.evaluate(HAS_KEY, [mp, "kadiz@2013"])
    assert not page.evaluate(HAS_KEY, [mp, "kadiz@1951"])

    # the legend is there and follows the layer control
    legend = page.locator(".airmap-legend")
    assert legend.is_visible()
    entry = legend.locator(".airmap-legend-entry", has_text="ADIZ").first
    assert entry.is_visible()
    page.locator(".leaflet-control-layers label", has_text="ADIZs").locator(
        "input"
    ).click()
    assert not entry.is_visible()
    page.locator(".leaflet-control-layers label", has_text="ADIZs").locator(
        "input"
    ).click()
    assert entry.is_visible()

    # the measure control is on the map
    assert page.locator(".leaflet-control button[aria-label]").count() >= 1

    page.evaluate(f"{mp}.setView([37.0, 131.0], 6, {{animate: false}})")
    page.screenshot(path=str(tmp_path / "incidents.png"), animations="disabled")
    assert [u for u in offline.log.requests if u.startswith(("http:", "https:"))] == []
    assert offline.log.console_errors == []
    assert offline.log.page_errors == []
