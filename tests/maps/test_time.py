"""The time slider: its checks and data in Python, and its behaviour in Chromium.

The synthetic map has a zone with two versions (v1 until 2013-12-15T05:00Z, v2 from
then) as two GeoJson layers in one FeatureGroup, a zone that starts at
2013-11-23T02:00Z in a second group, an untimed reference line drawn last, and a
layer control. Browser tests open the inlined page from a ``file://`` URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import folium

from airmap.maps._escape import display_text
from airmap.maps._time import TimeSlider, TimeSliderError, slider_stops
from airmap.maps.assets import AssetResolver, make_self_contained
from tests.maps.browser import OfflinePage, open_file

UTC = dt.UTC
NOV_01 = dt.datetime(2013, 11, 1, tzinfo=UTC)
CHINA_FROM = dt.datetime(2013, 11, 23, 2, tzinfo=UTC)
KADIZ_SWITCH = dt.datetime(2013, 12, 15, 5, tzinfo=UTC)
JAN_01 = dt.datetime(2014, 1, 1, tzinfo=UTC)
STOPS = (NOV_01, CHINA_FROM, KADIZ_SWITCH, JAN_01)

HOSTILE = [
    "<img src=x onerror=window.__xss=1>",
    "${window.__xss=1}",
    "`+(window.__xss=1)+`",
    "C:\\users\\ops \\u0041",
    "</script><img src=x onerror=window.__xss=1>",
    '"><svg onload=window.__xss=1>',
    "' onmouseover='window.__xss=1",
    "<!-- ]]> --> &amp; 독도 竹島",
    "{{ 7*7 }} {% if 1 %}jinja-if{% endif %} {# note #}",
]
HOSTILE_TEXT = " | ".join(HOSTILE)


class HostileZone(dt.tzinfo):
    """UTC+9 whose abbreviation is hostile text (a tzinfo the caller supplies)."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=9)

    def dst(self, d: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, d: dt.datetime | None) -> str:
        return HOSTILE_TEXT


def _square(lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _layer(data: dict[str, Any], css_class: str, colour: str) -> folium.GeoJson:
    style = {"className": css_class, "color": colour, "fillColor": colour}
    return folium.GeoJson(data, style_function=lambda _f, s=style: s)


@dataclass
class Synthetic:
    m: folium.Map
    slider: TimeSlider
    kadiz: folium.FeatureGroup
    china: folium.FeatureGroup
    v1: folium.GeoJson
    v2: folium.GeoJson
    cn: folium.GeoJson

    def names(self) -> dict[str, str]:
        return {
            "v1": self.v1.get_name(),
            "v2": self.v2.get_name(),
            "cn": self.cn.get_name(),
            "kadiz": self.kadiz.get_name(),
            "china": self.china.get_name(),
            "map": self.m.get_name(),
            "slider": self.slider.get_name(),
        }


def synthetic_map(
    *,
    time_zone: str | dt.tzinfo | None = None,
    initial: dt.datetime | None = None,
    title: str = "Time",
    kadiz_name: str = "KADIZ",
    china_name: str = "China ADIZ",
) -> Synthetic:
    m = folium.Map(location=[34.0, 126.0], zoom_start=5, tiles=None)
    kadiz = folium.FeatureGroup(name=kadiz_name).add_to(m)
    # the wide 1951 version, then the 2013 version (drawn above it in page order)
    v1 = _layer(_square(123.0, 32.0, 5.0), "tz-kadiz-1951", "#d95f02").add_to(kadiz)
    v2 = _layer(_square(124.0, 31.0, 4.0), "tz-kadiz-2013", "#e7298a").add_to(kadiz)
    china = folium.FeatureGroup(name=china_name).add_to(m)
    cn = _layer(_square(121.0, 30.0, 4.0), "tz-china", "#7570b3").add_to(china)
    reference = folium.FeatureGroup(name="Reference").add_to(m)
    folium.PolyLine(
        [[30.0, 120.0], [38.0, 129.0]], color="#333333", className="tz-reference"
    ).add_to(reference)
    slider = TimeSlider(STOPS, initial, time_zone, title=title).add_to(m)
    slider.register(v1, None, KADIZ_SWITCH)
    slider.register(v2, KADIZ_SWITCH, None)
    slider.register(cn, CHINA_FROM, None)
    folium.LayerControl(collapsed=False).add_to(m)
    return Synthetic(m, slider, kadiz, china, v1, v2, cn)


# --------------------------------------------------------------------------
# fast tests (no browser)
# --------------------------------------------------------------------------


def test_slider_stops_sorts_dedupes_and_converts_to_utc() -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    got = slider_stops(
        [JAN_01, None, KADIZ_SWITCH.astimezone(seoul), KADIZ_SWITCH, NOV_01]
    )
    assert got == (NOV_01, KADIZ_SWITCH, JAN_01)
    assert all(t.tzinfo is UTC for t in got)
    with pytest.raises(TimeSliderError, match="aware"):
        slider_stops([dt.datetime(2013, 11, 1)])  # noqa: DTZ001


@pytest.mark.parametrize(
    ("stops", "message"),
    [
        ([], "at least one"),
        ([NOV_01, dt.datetime(2013, 12, 1)], "aware"),  # noqa: DTZ001
        ([JAN_01, NOV_01], "strictly increasing"),
        ([NOV_01, NOV_01], "strictly increasing"),
        (["2013-11-01"], "datetime"),
    ],
)
def test_bad_stops_are_refused(stops: list[Any], message: str) -> None:
    with pytest.raises(TimeSliderError, match=message):
        TimeSlider(stops)


def test_initial_selects_the_latest_stop_at_or_before_it() -> None:
    assert TimeSlider(STOPS).initial_index == 0
    assert TimeSlider(STOPS, KADIZ_SWITCH).initial_index == 2
    assert TimeSlider(STOPS, KADIZ_SWITCH - dt.timedelta(seconds=1)).initial_index == 1
    assert TimeSlider(STOPS, JAN_01).initial_index == 3
    for outside in (NOV_01 - dt.timedelta(minutes=1), JAN_01 + dt.timedelta(days=1)):
        with pytest.raises(TimeSliderError, match="outside the stops"):
            TimeSlider(STOPS, outside)


def test_labels_in_utc_and_local_time() -> None:
    slider = TimeSlider(STOPS, time_zone="Asia/Seoul")
    assert slider.labels[2] == ("2013-12-15 05:00 UTC", "2013-12-15 14:00 KST")
    assert slider.labels[1] == ("2013-11-23 02:00 UTC", "2013-11-23 11:00 KST")
    assert TimeSlider(STOPS).labels[0] == ("2013-11-01 00:00 UTC", None)
    # seconds appear on every label once one stop has them
    odd = TimeSlider([NOV_01, NOV_01 + dt.timedelta(seconds=30)])
    assert [u for u, _ in odd.labels] == [
        "2013-11-01 00:00:00 UTC",
        "2013-11-01 00:00:30 UTC",
    ]


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", *HOSTILE]
)
def test_unknown_or_hostile_zone_names_are_refused(zone: str) -> None:
    with pytest.raises(TimeSliderError, match="unknown time zone"):
        TimeSlider(STOPS, time_zone=zone)


def test_other_bad_arguments() -> None:
    with pytest.raises(TimeSliderError, match="position"):
        TimeSlider(STOPS, position="middle")
    with pytest.raises(TimeSliderError, match="title"):
        TimeSlider(STOPS, title=None)  # type: ignore[arg-type]
    slider = TimeSlider(STOPS)
    layer = folium.GeoJson(_square(0, 0, 1))
    with pytest.raises(TimeSliderError, match="not after start"):
        slider.register(layer, KADIZ_SWITCH, KADIZ_SWITCH)
    with pytest.raises(TimeSliderError, match="aware"):
        slider.register(layer, dt.datetime(2013, 1, 1))  # noqa: DTZ001
    with pytest.raises(TimeSliderError, match="folium element"):
        slider.register("geo_json_1")  # type: ignore[type-var]
    slider.register(layer)
    with pytest.raises(TimeSliderError, match="already registered"):
        slider.register(layer, NOV_01)


def test_layers_in_force_at_each_stop() -> None:
    s = synthetic_map()
    assert [s.slider.in_force(i) for i in range(4)] == [
        [s.v1],
        [s.v1, s.cn],
        [s.v2, s.cn],
        [s.v2, s.cn],
    ]
    # a change between two stops shows at the next stop
    slider = TimeSlider(STOPS)
    late = slider.register(folium.GeoJson(_square(0, 0, 1)), NOV_01 + dt.timedelta(1))
    assert slider.in_force(0) == []
    assert slider.in_force(1) == [late]


def _render(m: folium.Map) -> str:
    return str(m.get_root().render())


def test_slider_must_come_after_its_layers() -> None:
    m = folium.Map(tiles=None)
    slider = TimeSlider(STOPS).add_to(m)
    group = folium.FeatureGroup(name="Zones").add_to(m)
    slider.register(folium.GeoJson(_square(0, 0, 1)).add_to(group), KADIZ_SWITCH)
    with pytest.raises(TimeSliderError, match="after the layers it controls"):
        _render(m)


def test_layer_off_the_map_is_refused() -> None:
    m = folium.Map(tiles=None)
    slider = TimeSlider(STOPS).add_to(m)
    slider.register(folium.GeoJson(_square(0, 0, 1)), KADIZ_SWITCH)
    with pytest.raises(TimeSliderError, match="not on the slider's map"):
        _render(m)


def test_slider_belongs_on_a_map() -> None:
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(m)
    TimeSlider(STOPS).add_to(group)
    with pytest.raises(TimeSliderError, match=r"folium\.Map"):
        _render(m)


def test_map_level_overlay_in_a_layer_control_is_refused() -> None:
    m = folium.Map(tiles=None)
    direct = folium.GeoJson(_square(0, 0, 1), name="direct").add_to(m)
    slider = TimeSlider(STOPS).add_to(m)
    slider.register(direct, KADIZ_SWITCH)
    folium.LayerControl().add_to(m)
    with pytest.raises(TimeSliderError, match="put it in a FeatureGroup"):
        _render(m)
    # without a checkbox of its own it is fine, with the map as its parent
    direct.control = False
    page = _render(m)
    assert f'"layer":"{direct.get_name()}","parent":"{m.get_name()}"' in page


def test_script_names_come_from_get_name_and_are_deterministic() -> None:
    def build() -> str:
        s = synthetic_map(time_zone="Asia/Seoul", title=HOSTILE_TEXT)
        for i, el in enumerate((s.m, s.kadiz, s.china, s.v1, s.v2, s.cn, s.slider)):
            el._id = f"fixed{i}"
        page = _render(s.m)
        start = page.index("var time_slider_fixed6 = ")
        return page[start : page.index("}));", start)]

    first, second = build(), build()
    assert first == second
    for name in ("map_fixed0", "feature_group_fixed1", "geo_json_fixed3"):
        assert f'"{name}"' in first
    # hostile text is only ever present as escaped data
    assert "<" not in first.split("(function (cfg)", 1)[1].split("}({", 1)[1]
    assert display_text(HOSTILE[0]).replace("&", "\\u0026") in first


def test_whole_page_is_byte_identical_after_content_ids() -> None:
    from airmap.maps._map import stable_ids  # the lead's tree walk

    def build() -> str:
        s = synthetic_map(time_zone="Asia/Seoul")
        stable_ids(s.m)
        return _render(s.m)

    assert build() == build()


# --------------------------------------------------------------------------
# browser tests
# --------------------------------------------------------------------------

STATE = """
([names, cls]) => {
  const map = window[names.map];
  const slider = window[names.slider];
  const on = {};
  for (const k of ["v1", "v2", "cn"]) on[k] = map.hasLayer(window[names[k]]);
  const count = {};
  for (const c of cls) count[c] = document.querySelectorAll("path." + c).length;
  const order = [...document.querySelectorAll(".leaflet-overlay-pane path")]
    .map(p => cls.find(c => p.classList.contains(c)));
  const text = sel => {
    const el = document.querySelector(sel);
    return el ? el.textContent : null;
  };
  const input = document.querySelector(".airmap-time-range");
  return {
    index: slider.index, value: input.value, on, count, order,
    utc: text(".airmap-time-utc"), local: text(".airmap-time-local"),
    valuetext: input.getAttribute("aria-valuetext"),
  };
}
"""
CLASSES = ["tz-kadiz-1951", "tz-kadiz-2013", "tz-china", "tz-reference"]


def _open(
    offline: OfflinePage, resolver: AssetResolver, m: folium.Map, path: Path
) -> None:
    result = make_self_contained(_render(m), resolver=resolver)
    assert result.self_contained
    path.write_text(result.html, encoding="utf-8")
    offline.page.add_init_script("window.__xss = undefined;")
    open_file(offline.page, path, m.get_name())


def _state(offline: OfflinePage, s: Synthetic) -> dict[str, Any]:
    state: dict[str, Any] = offline.page.evaluate(STATE, [s.names(), CLASSES])
    return state


def _set_value(offline: OfflinePage, value: int) -> None:
    offline.page.evaluate(
        """v => {
            const input = document.querySelector(".airmap-time-range");
            input.value = String(v);
            input.dispatchEvent(new Event("input", {bubbles: true}));
        }""",
        value,
    )


def _shown(state: dict[str, Any]) -> set[str]:
    return {k for k, v in state["on"].items() if v}


@pytest.mark.browser
def test_slider_switches_zone_versions_in_chromium(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    s = synthetic_map(time_zone="Asia/Seoul")
    _open(offline, asset_resolver, s.m, tmp_path / "time.html")
    page = offline.page

    state = _state(offline, s)
    assert state["index"] == 0
    assert _shown(state) == {"v1"}
    assert state["count"] == {
        "tz-kadiz-1951": 1,
        "tz-kadiz-2013": 0,
        "tz-china": 0,
        "tz-reference": 1,
    }
    assert state["utc"] == "2013-11-01 00:00 UTC"
    assert state["local"] == "2013-11-01 09:00 KST"

    # China's ADIZ appears at its start stop; KADIZ 1951 is still in force
    _set_value(offline, 1)
    state = _state(offline, s)
    assert _shown(state) == {"v1", "cn"}
    assert state["utc"] == "2013-11-23 02:00 UTC"

    # the keyboard: the range input takes focus and ArrowRight steps once
    range_input = page.locator(".airmap-time-range")
    range_input.focus()
    assert page.evaluate("document.activeElement.className") == "airmap-time-range"
    page.keyboard.press("ArrowRight")
    state = _state(offline, s)
    assert state["index"] == 2
    assert _shown(state) == {"v2", "cn"}
    assert state["count"]["tz-kadiz-1951"] == 0
    assert state["count"]["tz-kadiz-2013"] == 1
    assert state["utc"] == "2013-12-15 05:00 UTC"
    assert state["local"] == "2013-12-15 14:00 KST"
    assert state["valuetext"] == "2013-12-15 05:00 UTC, 2013-12-15 14:00 KST"
    # re-added paths keep page order: KADIZ 2013, China, then the untimed line
    assert state["order"] == ["tz-kadiz-2013", "tz-china", "tz-reference"]

    # the buttons step and stop at the ends
    page.locator(".airmap-time-next").click()
    # at the end the button is aria-disabled (it keeps focus) and does nothing
    page.locator(".airmap-time-next").click(force=True)
    state = _state(offline, s)
    assert (state["index"], state["value"]) == (3, "3")
    assert page.locator(".airmap-time-next").get_attribute("aria-disabled") == "true"
    for _ in range(3):
        page.locator(".airmap-time-prev").click()
    state = _state(offline, s)
    assert state["index"] == 0
    assert _shown(state) == {"v1"}
    assert page.locator(".airmap-time-prev").get_attribute("title") == (
        "Previous time step"
    )
    assert range_input.get_attribute("aria-label") == "Time"

    # the control does not pass its clicks and drags on to the map
    assert page.evaluate(f"{s.m.get_name()}.getCenter().lat") == pytest.approx(34.0)

    _set_value(offline, 2)
    shot = tmp_path / "time.png"
    page.screenshot(path=str(shot), animations="disabled")
    assert shot.stat().st_size > 5_000

    assert offline.log.http_requests == []
    assert offline.log.problems() == {}


@pytest.mark.browser
def test_initial_instant_and_a_hidden_group_stays_hidden(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    """The slider moves layers in and out of their group, never onto the map."""
    s = synthetic_map(initial=dt.datetime(2013, 12, 1, tzinfo=UTC))
    _open(offline, asset_resolver, s.m, tmp_path / "hidden.html")
    page = offline.page
    assert _shown(_state(offline, s)) == {"v1", "cn"}  # stop 1 at load

    kadiz_box = page.locator(
        ".leaflet-control-layers-overlays label", has_text="KADIZ"
    ).locator("input")
    kadiz_box.uncheck()
    assert page.evaluate(f"{s.m.get_name()}.hasLayer({s.kadiz.get_name()})") is False

    _set_value(offline, 2)
    state = _state(offline, s)
    assert _shown(state) == {"cn"}
    assert state["count"]["tz-kadiz-1951"] == state["count"]["tz-kadiz-2013"] == 0
    in_group = page.evaluate(
        "([g, a, b]) => [window[g].hasLayer(window[a]), window[g].hasLayer(window[b])]",
        [s.kadiz.get_name(), s.v1.get_name(), s.v2.get_name()],
    )
    assert in_group == [False, True]  # the group holds the version in force
    assert not kadiz_box.is_checked()

    # ticked again, the group shows the version in force now
    kadiz_box.check()
    state = _state(offline, s)
    assert _shown(state) == {"v2", "cn"}
    assert state["count"]["tz-kadiz-2013"] == 1

    # and the slider goes on working on the visible group
    _set_value(offline, 0)
    assert _shown(_state(offline, s)) == {"v1"}
    assert offline.log.http_requests == []
    assert offline.log.problems() == {}


@pytest.mark.browser
def test_hostile_text_stays_text(
    offline: OfflinePage, asset_resolver: AssetResolver, tmp_path: Path
) -> None:
    s = synthetic_map(
        time_zone=HostileZone(),
        title=HOSTILE_TEXT,
        kadiz_name=display_text(HOSTILE_TEXT),
        china_name=display_text("China " + HOSTILE[1]),
    )
    _open(offline, asset_resolver, s.m, tmp_path / "hostile.html")
    page = offline.page
    assert page.evaluate("window.__xss") is None

    state = _state(offline, s)
    assert state["local"] == "2013-11-01 09:00 " + HOSTILE_TEXT
    assert page.locator(".airmap-time-title").evaluate("e => e.textContent") == (
        HOSTILE_TEXT
    )
    assert page.locator(".airmap-time-range").get_attribute("aria-label") == (
        HOSTILE_TEXT
    )
    labels = page.locator(".leaflet-control-layers-overlays label").evaluate_all(
        "els => els.map(e => e.textContent.trim())"
    )
    assert HOSTILE_TEXT in labels

    page.locator(".airmap-time-range").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.locator(".airmap-time-prev").hover()
    state = _state(offline, s)
    assert state["index"] == 3
    assert state["local"] == "2014-01-01 09:00 " + HOSTILE_TEXT
    assert state["valuetext"] == "2014-01-01 00:00 UTC, 2014-01-01 09:00 " + (
        HOSTILE_TEXT
    )
    assert page.evaluate("window.__xss") is None
    injected = "document.querySelectorAll('.airmap-time img, .airmap-time svg').length"
    assert page.evaluate(injected) == 0
    assert offline.log.http_requests == []
    assert offline.log.problems() == {}
