"""The legend: entry validation and the page in Python, and its behaviour in Chromium.

The synthetic map has two FeatureGroups in a layer control (ADIZs, territorial
airspace), a zone with two versions switched by the time slider, a reference line
with no layer control entry, and a legend with an entry per group, per version and
one always shown. Browser tests open the inlined page from a ``file://`` URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import folium

from airmap.maps._legend import Legend, LegendEntry, LegendError
from airmap.maps._map import stable_ids
from airmap.maps._time import TimeSlider
from airmap.maps.assets import AssetResolver, make_self_contained
from tests.maps.browser import OfflinePage, open_file

UTC = dt.UTC
SWITCH = dt.datetime(2013, 12, 15, 5, tzinfo=UTC)
STOPS = (dt.datetime(2013, 11, 1, tzinfo=UTC), SWITCH)

HOSTILE = [
    "<img src=x onerror=window.__xss=1>",
    "${window.__xss=1}",
    "`+(window.__xss=1)+`",
    "C:\\users\\ops \\u0041",
    "</script><img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "' onmouseover='window.__xss=1",
    "<!-- ]]> --> &amp; {{ 7*7 }} 독도 竹島",
]


def _square(lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _layer(data: dict[str, Any], colour: str, dash: str | None = None) -> Any:
    style = {"color": colour, "fillColor": colour, "dashArray": dash}
    return folium.GeoJson(data, style_function=lambda _f, s=style: s)


@dataclass
class Synthetic:
    m: folium.Map
    adiz: folium.FeatureGroup
    ta: folium.FeatureGroup
    v1: Any
    v2: Any
    legend: Legend


def synthetic_map(labels: list[str] | None = None, title: str = "Legend") -> Synthetic:
    labels = labels or [
        "ADIZ",
        "Territorial airspace (disputed: hatched)",
        "KADIZ 1951",
        "KADIZ 2013",
        "Reference line",
    ]
    m = folium.Map(location=[35.0, 128.0], zoom_start=5, tiles=None)
    adiz = folium.FeatureGroup(name="ADIZs").add_to(m)
    v1 = _layer(_square(123.0, 32.0, 5.0), "#d95f02").add_to(adiz)
    v2 = _layer(_square(124.0, 31.0, 4.0), "#e7298a").add_to(adiz)
    ta = folium.FeatureGroup(name="Territorial airspace").add_to(m)
    _layer(_square(131.7, 37.1, 0.3), "#1b9e77", "10 6").add_to(ta)
    folium.PolyLine(
        [[33.0, 126.0], [38.0, 132.0]], color="#444444", dash_array="4 4"
    ).add_to(m)
    legend = Legend(
        [
            LegendEntry(labels[0], "#d95f02", layers=(adiz,)),
            LegendEntry(labels[1], "#1B9E77", dash="10 6", hatched=True, layers=[ta]),
            LegendEntry(labels[2], "#d95f02", kind="point", layers=(v1,)),
            LegendEntry(
                labels[3], "#e7298a", kind="area", fill_opacity=0.5, layers=(v2,)
            ),
            LegendEntry(labels[4], "#444444", kind="line", dash="4 4"),
        ],
        title=title,
    ).add_to(m)
    slider = TimeSlider(STOPS).add_to(m)
    slider.register(v1, None, SWITCH)
    slider.register(v2, SWITCH, None)
    folium.LayerControl(collapsed=False).add_to(m)
    return Synthetic(m, adiz, ta, v1, v2, legend)


# --------------------------------------------------------------------------
# fast tests (no browser)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "colour", ["red", "#fff", "#12345g", "#1234567", " #123456", "#123456\n", None]
)
def test_bad_colour_names_the_entry(colour: Any) -> None:
    with pytest.raises(ValueError, match=r"legend entry 'KADIZ \(2013\)': colour"):
        LegendEntry("KADIZ (2013)", colour)


def test_other_bad_entries() -> None:
    with pytest.raises(LegendError, match="'X': unknown kind 'polygon'"):
        LegendEntry("X", "#000000", kind="polygon")  # type: ignore[arg-type]
    for dash in ("6 4; stroke:red", "url(#a)", "", "-1 2"):
        with pytest.raises(LegendError, match="'X': dash"):
            LegendEntry("X", "#000000", dash=dash)
    for opacity in (-0.1, 1.5, float("nan"), True, "0.5"):
        with pytest.raises(LegendError, match="'X': fill_opacity"):
            LegendEntry("X", "#000000", fill_opacity=opacity)  # type: ignore[arg-type]
    with pytest.raises(LegendError, match="'X': hatched"):
        LegendEntry("X", "#000000", hatched="yes")  # type: ignore[arg-type]
    with pytest.raises(LegendError, match="'X': layers must be folium layers"):
        LegendEntry("X", "#000000", layers=("feature_group_1",))
    with pytest.raises(LegendError, match="'X': layers must be a tuple"):
        LegendEntry("X", "#000000", layers="feature_group_1")  # type: ignore[arg-type]
    with pytest.raises(LegendError, match="label must be a str"):
        LegendEntry(None, "#000000")  # type: ignore[arg-type]
    entry = LegendEntry("X", "#ABCDEF", dash=" 6, 4 ", fill_opacity=1)
    assert (entry.colour, entry.dash, entry.fill_opacity) == ("#abcdef", "6, 4", 1.0)
    with pytest.raises(AttributeError):
        entry.colour = "#000000"  # type: ignore[misc]


def test_bad_legends() -> None:
    with pytest.raises(LegendError, match="at least one entry"):
        Legend([])
    with pytest.raises(LegendError, match="entry 0 is a tuple"):
        Legend([("ADIZ", "#d95f02")])  # type: ignore[list-item]
    with pytest.raises(LegendError, match="unknown position 'centre'"):
        Legend([LegendEntry("A", "#000000")], position="centre")
    with pytest.raises(LegendError, match="title"):
        Legend([LegendEntry("A", "#000000")], title=None)  # type: ignore[arg-type]


def test_layer_off_the_map_is_refused_naming_the_entry() -> None:
    m = folium.Map(tiles=None)
    stray = folium.FeatureGroup(name="elsewhere")
    Legend([LegendEntry("Stray group", "#000000", layers=(stray,))]).add_to(m)
    with pytest.raises(LegendError, match="'Stray group': layer feature_group_"):
        m.get_root().render()
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(m)
    Legend([LegendEntry("A", "#000000")]).add_to(group)
    with pytest.raises(LegendError, match=r"folium\.Map"):
        m.get_root().render()


def test_names_are_resolved_at_render_and_pages_are_identical() -> None:
    def build() -> tuple[str, Synthetic]:
        s = synthetic_map(labels=HOSTILE[:5], title=HOSTILE[5])
        stable_ids(s.m)  # after the legend was made: it must use the new ids
        return str(s.m.get_root().render()), s

    first, s = build()
    second, _ = build()
    assert first == second
    script = first[first.index(f"var {s.legend.get_name()} = ") :]
    script = script[: script.index("}));")]
    for layer in (s.adiz, s.ta, s.v1, s.v2):
        assert f'"{layer.get_name()}"' in script
    assert s.legend.layer_names()[0] == [s.adiz.get_name()]
    # hostile text reaches the script only as JSON with <, > and & escaped
    data = script.split("}({", 1)[1]
    assert "<" not in data
    assert ">" not in data
    assert "\\u003cimg src=x onerror=window.__xss=1\\u003e" in data


# --------------------------------------------------------------------------
# browser tests
# --------------------------------------------------------------------------

VISIBLE = """
() => [...document.querySelectorAll(".airmap-legend-entry")]
    .filter(li => !li.hidden && li.offsetParent !== null)
    .map(li => li.querySelector(".airmap-legend-label").textContent)
"""


def _open(
    offline: OfflinePage, resolver: AssetResolver, s: Synthetic, path: Path
) -> None:
    stable_ids(s.m)
    result = make_self_contained(str(s.m.get_root().render()), resolver=resolver)
    assert result.self_contained
    path.write_text(result.html, encoding="utf-8")
    offline.page.add_init_script("window.__xss = undefined;")
    open_file(offline.page, path, s.m.get_name())


def _overlay_box(offline: OfflinePage, name: str) -> Any:
    return offline.page.locator(
        ".leaflet-control-layers-overlays label", has_text=name
    ).locator("input")


@pytest.mark.browser
def test_entries_follow_the_layer_control_and_the_time_slider(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    s = synthetic_map()
    _open(offline, asset_resolver, s, tmp_path / "legend.html")
    page = offline.page
    everything = [
        "ADIZ",
        "Territorial airspace (disputed: hatched)",
        "KADIZ 1951",
        "KADIZ 2013",
        "Reference line",
    ]
    no_2013 = [e for e in everything if e != "KADIZ 2013"]
    assert page.evaluate(VISIBLE) == no_2013  # the slider opens before 2013-12-15
    assert page.locator(".airmap-legend-title").text_content() == "Legend"

    # swatches: SVG built in the page, a hatch pattern for the hatched area
    swatch = page.locator(".airmap-legend-entry[data-entry='1'] svg")
    assert swatch.locator("pattern line").count() == 1
    dashed = swatch.locator("rect[stroke-dasharray='10 6']")
    assert dashed.get_attribute("stroke") == "#1b9e77"
    assert (
        page.locator(".airmap-legend-entry[data-entry='4'] svg line").get_attribute(
            "stroke-dasharray"
        )
        == "4 4"
    )
    assert page.locator(".airmap-legend-entry[data-entry='2'] svg circle").count() == 1

    # untick the ADIZ group: its entry and its versions' entries go
    adiz_box = _overlay_box(offline, "ADIZs")
    adiz_box.click()
    assert not adiz_box.is_checked()
    assert page.evaluate(VISIBLE) == [
        "Territorial airspace (disputed: hatched)",
        "Reference line",
    ]
    _overlay_box(offline, "Territorial airspace").click()
    assert page.evaluate(VISIBLE) == ["Reference line"]  # always shown
    assert page.locator(".airmap-legend-empty").is_hidden()

    # tick again: back
    adiz_box.click()
    _overlay_box(offline, "Territorial airspace").click()
    assert page.evaluate(VISIBLE) == no_2013

    # the time slider swaps the KADIZ versions, and the legend follows
    page.locator(".airmap-time-next").click()
    assert page.evaluate(VISIBLE) == [e for e in everything if e != "KADIZ 1951"]
    page.locator(".airmap-time-prev").click()
    assert page.evaluate(VISIBLE) == no_2013

    # collapse and expand; the button says what it does
    toggle = page.locator(".airmap-legend-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.get_attribute("aria-label") == "Collapse legend"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-label") == "Expand legend"
    assert page.evaluate(VISIBLE) == []
    assert page.locator(".airmap-legend-title").is_visible()
    toggle.click()
    assert page.evaluate(VISIBLE) == no_2013

    # clicks and double-clicks on the legend stay there
    page.evaluate(
        f"() => {{ window.__mapClicks = 0; "
        f"{s.m.get_name()}.on('click', () => window.__mapClicks++); }}"
    )
    zoom = page.evaluate(f"{s.m.get_name()}.getZoom()")
    page.locator(".airmap-legend-title").click()
    page.locator(".airmap-legend-title").dblclick()
    assert page.evaluate("window.__mapClicks") == 0
    assert page.evaluate(f"{s.m.get_name()}.getZoom()") == zoom

    shot = tmp_path / "legend.png"
    page.screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 5_000
    assert offline.log.http_requests == []
    assert offline.log.problems() == {}


@pytest.mark.browser
def test_hostile_labels_stay_text(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    labels = [*HOSTILE[:4], " | ".join(HOSTILE[4:])]
    s = synthetic_map(labels=labels, title=HOSTILE[4] + "\n" + HOSTILE[1])
    _open(offline, asset_resolver, s, tmp_path / "hostile.html")
    page = offline.page
    assert page.evaluate("window.__xss") is None
    page.locator(".airmap-time-next").click()  # show every entry at least once
    page.locator(".airmap-time-prev").click()
    shown = page.evaluate(
        """() => [...document.querySelectorAll(".airmap-legend-label")]
            .map(e => e.textContent)"""
    )
    assert shown == labels
    title = page.locator(".airmap-legend-title").evaluate("e => e.textContent")
    assert title == HOSTILE[4] + "\n" + HOSTILE[1]
    for label in page.locator(".airmap-legend-label").all():
        if label.is_visible():
            label.hover()
    assert page.evaluate("window.__xss") is None
    injected = page.evaluate(
        """() => ({
            img: document.querySelectorAll(".airmap-legend img").length,
            svg: document.querySelectorAll(".airmap-legend svg").length,
            onload: document.querySelectorAll(".airmap-legend [onload]").length,
        })"""
    )
    assert injected == {"img": 0, "svg": 5, "onload": 0}  # one swatch per entry
    assert offline.log.http_requests == []
    assert offline.log.problems() == {}
