"""Hostile text through every construct of the incident map, checked in Chromium.

The strings of ``browser.md`` §9 and more go into a zone name, an incident title, a
claim, a position label and derivation, a source title and URL, and a track
hypothesis. The page must load, no injected script may run (a flag stays unset after
load, after every popup is opened and every tooltip shown), and the text must show
exactly as typed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airmap.incidents import IncidentCatalogue
from airmap.layers import ZoneCatalogue
from airmap.maps._map import incident_map, render_html
from tests.common import SQUARE, write_user_zones, zone_feature
from tests.maps.browser import OfflinePage, open_file

HOSTILE = [
    "<img src=x onerror=window.__xss=1>",
    "${window.__xss=1}",
    "`+(window.__xss=1)+`",
    "C:\\users\\ops \\u0041",
    "</script><img src=x onerror=window.__xss=1>",
    "<!-- ]]> --> &amp; \u2028 \u2029 독도 竹島",
    '"><svg onload=window.__xss=1>',
    # Jinja syntax: branca re-renders every script block as a template, so these
    # would run Python at render time (and show "49") if not escaped
    "{{ 7*7 }} {% if 1 %}jinja-if{% endif %} {# note #}",
    "{{ cycler.__init__.__globals__.os.getcwd() }}",
]
SPLIT = " | "
TEXT = SPLIT.join(HOSTILE)


def _files(tmp_path: Path) -> tuple[Path, Path]:
    zones = write_user_zones(
        tmp_path / "zones.geojson",
        [
            zone_feature(
                "hostile-zone", [SQUARE], name=TEXT, kind="territorial_airspace"
            )
        ],
    )
    doc = {
        "source": {
            "evil-src": {
                "url": "https://example.org/?q=<script>`${x}`",
                "title": TEXT,
                "confidence": "low",
            },
        },
        "landmark": {
            "hostile-mark": {
                "name": TEXT,
                "lat": 37.5,
                "lon": 130.5,
                "tag": "named_place",
                "uncertainty_m": 500,
                "sources": ["evil-src"],
                "confidence": "low",
            }
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
                "claim": [
                    {
                        "id": "c1",
                        "by": "KOR",
                        "says": TEXT,
                        "sources": ["evil-src"],
                        "confidence": "low",
                        "check": [{"subject": "p1", "inside": "hostile-zone"}],
                    }
                ],
            }
        ],
    }
    incidents = tmp_path / "incidents.json"
    incidents.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return zones, incidents


OPEN_ALL = """
async ([mapName]) => {
  const seen = [];
  const hrefs = [];
  const layers = [];
  window[mapName].eachLayer(l => layers.push(l));
  for (const l of layers) {
    if (l.getPopup && l.getPopup()) {
      const target = l.getLayers ? l.getLayers()[0] : l;
      const at = target && target.getBounds ? target.getBounds().getCenter()
               : (target && target.getLatLng ? target.getLatLng() : undefined);
      l.openPopup(at);
      await new Promise(r => setTimeout(r, 20));
      const el = document.querySelector('.leaflet-popup-content');
      if (el) {
        seen.push(el.innerText);
        el.querySelectorAll('a').forEach(a => hrefs.push(a.getAttribute('href')));
      }
    }
    if (l.getTooltip && l.getTooltip()) {
      const target = l.getLayers ? l.getLayers()[0] : l;
      const at = target && target.getBounds ? target.getBounds().getCenter() : undefined;
      l.openTooltip(at);
      await new Promise(r => setTimeout(r, 20));
      document.querySelectorAll('.leaflet-tooltip').forEach(t => seen.push(t.innerText));
    }
  }
  return {seen, hrefs};
}
"""


@pytest.mark.browser
def test_hostile_text_is_inert_and_shown_as_typed(
    offline: OfflinePage, tmp_path: Path
) -> None:
    zones_file, incidents_file = _files(tmp_path)
    zones = ZoneCatalogue.load(zones_file)
    cat = IncidentCatalogue.load(incidents_file, zones=zones, with_seeds=False)
    m = incident_map(cat, incident_ids=["2020-01-01-hostile"])
    path = tmp_path / "hostile.html"
    path.write_text(render_html(m), encoding="utf-8")
    page = offline.page
    page.add_init_script("window.__xss = undefined;")
    open_file(page, path, m.get_name())
    assert page.evaluate("window.__xss") is None

    opened = page.evaluate(OPEN_ALL, [m.get_name()])
    texts, hrefs = opened["seen"], opened["hrefs"]
    assert page.evaluate("window.__xss") is None
    joined = "\n".join(texts)
    # every hostile string appears literally (line terminators shown as line breaks)
    for s in HOSTILE:
        shown = s.replace("\u2028", "\n").replace("\u2029", "\n")
        assert any(
            shown in " ".join(t.split(" ")) or shown.split("\n")[0] in t for t in texts
        ), (s, joined[:2000])
    # (a javascript: source URL is refused when the file is loaded; links are http(s))
    assert hrefs
    assert all(h.startswith(("https:", "http:")) for h in hrefs), [
        h for h in hrefs if not h.startswith("http")
    ]
    assert offline.log.page_errors == []
    assert offline.log.console_errors == []
