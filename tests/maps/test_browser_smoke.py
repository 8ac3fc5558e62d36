"""The demo map in headless Chromium, offline: inlined from file://, and routed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from airmap.maps.assets import AssetResolver, make_self_contained
from tests.maps.browser import OfflinePage, open_file
from tests.maps.demo import DEFAULT_POPUP, PLANE_POPUP, TRACK_TIMES, demo_map

pytestmark = pytest.mark.browser

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"  # TimestampedGeoJson's default date_options


def _shown_time(offline: OfflinePage) -> dt.datetime:
    """The time control's date; the page runs in UTC (see ``offline_page``)."""
    text = offline.page.locator(".timecontrol-date").inner_text().strip()
    return dt.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=dt.UTC)


def test_inlined_demo_map_works_offline(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    m = demo_map()
    result = make_self_contained(m.get_root().render(), resolver=asset_resolver)
    assert result.self_contained
    path = tmp_path / "map_inline.html"
    path.write_text(result.html, encoding="utf-8")
    page = offline.page

    open_file(page, path, m.get_name())

    assert page.evaluate("L.version") == "1.9.3"
    polygons = page.locator('path.leaflet-interactive[fill="#ff0000"]')
    assert polygons.count() == 1
    assert (polygons.get_attribute("d") or "").startswith("M")
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert {label.strip() for label in labels} == {"Zones", "Incidents"}

    # the default marker icon (a data: URI set by the inliner's fix) has loaded
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-marker-pane img.leaflet-marker-icon')]"
        ".every(img => img.complete)"
    )
    widths = page.evaluate(
        "() => [...document.querySelectorAll('.leaflet-marker-pane img.leaflet-marker-icon')]"
        ".map(img => img.naturalWidth)"
    )
    assert len(widths) >= 2
    assert all(w > 0 for w in widths)

    # Font Awesome 6 is embedded and in use (the plane icon)
    loaded = page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts]
                .filter(f => f.family.replace(/["']/g, '') === 'Font Awesome 6 Free'
                             && f.status === 'loaded').length;
        }"""
    )
    assert loaded >= 1
    assert page.locator(".leaflet-marker-pane .awesome-marker i.fa-plane").count() == 1

    # the time control steps by five minutes
    first = _shown_time(offline)
    assert first == dt.datetime.fromisoformat(TRACK_TIMES[0])
    page.locator(".timecontrol-forward").click()
    page.wait_for_function(
        "before => document.querySelector('.timecontrol-date').innerText.trim() !== before",
        arg=first.strftime(DATE_FORMAT),
    )
    assert _shown_time(offline) - first == dt.timedelta(minutes=5)

    # a popup after a click on the awesome-marker (not its shadow)
    page.locator(".leaflet-marker-pane .awesome-marker").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().strip() == PLANE_POPUP
    page.wait_for_timeout(300)  # popups fade in
    shot = tmp_path / "map_inline.png"
    page.screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 10_000

    log = offline.log
    assert log.http_requests == []
    assert log.served == log.tiles == []
    assert log.problems() == {}


def test_rendered_demo_map_is_served_by_the_route(
    offline: OfflinePage, tmp_path: Path
) -> None:
    """The page as folium renders it: CDN files from npm, tiles grey, nothing else."""
    m = demo_map(tiles="OpenStreetMap")
    file = tmp_path / "map.html"
    file.write_text(m.get_root().render(), encoding="utf-8")
    page = offline.page

    open_file(page, file, m.get_name())
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile')]"
        ".some(t => t.complete && t.naturalWidth === 256)"
    )
    assert page.evaluate("L.version") == "1.9.3"
    page.locator(".leaflet-marker-pane img.leaflet-marker-icon").first.click()
    assert page.locator(".leaflet-popup-content").inner_text().strip() == DEFAULT_POPUP

    log = offline.log
    assert log.problems() == {}
    assert log.served
    assert log.tiles
    assert all(url.startswith("https://tile.openstreetmap.org/") for url in log.tiles)
    assert set(log.http_requests) == set(log.served) | set(log.tiles)


def test_unknown_requests_are_blocked_and_logged(
    offline: OfflinePage, tmp_path: Path
) -> None:
    file = tmp_path / "probe.html"
    file.write_text(
        '<html><body><img id="probe" src="https://example.org/beacon.png"></body></html>',
        encoding="utf-8",
    )
    offline.page.goto(file.as_uri())
    offline.page.wait_for_function("() => document.getElementById('probe').complete")
    assert offline.log.blocked == ["https://example.org/beacon.png"]
    assert offline.log.served == []
    assert any("ERR_BLOCKED_BY_CLIENT" in f for f in offline.log.failed)
