"""A time control for folium maps that needs no plugin and no network.

:class:`TimeSlider` is a Leaflet control with a range input over a fixed list of
instants ("stops"), previous/next buttons and a label with the selected instant in
UTC (and, optionally, in one local time zone). Each layer registered with
:meth:`TimeSlider.register` is in force over a half-open interval
``[start, end)``; moving the slider puts exactly the layers in force at the
selected instant into their parent (the layer group they were added to, or the
map) and takes the others out.

It replaces folium's ``TimestampedGeoJson`` (see ``browser.md`` §9–§10): no
moment.js, no jQuery UI, no ``console.log`` on every step, no CDN request, and
every piece of data reaches the page through
:func:`~airmap.maps._escape.script_json` and every piece of visible text through
:func:`~airmap.maps._escape.display_text`.

Semantics
---------
* **Stops** are the only instants the slider can show. Choose them so that every
  instant where something changes is one (:func:`slider_stops` collects them); a
  layer whose start or end falls between two stops changes at the next stop.
* **Membership, not visibility.** The slider adds a layer to, and removes it from,
  its *parent*, never the map itself (unless the map is the parent). A layer group
  the user has unticked in the layer control therefore stays hidden while the
  slider moves, and shows the layers in force at the current stop when it is
  ticked again.
* A registered layer that sits directly on the map must not also be an overlay of
  a ``folium.LayerControl`` (the checkbox and the slider would fight over it);
  rendering refuses that. Put such layers in a ``FeatureGroup`` and let the layer
  control list the group.
* The slider owns the membership of registered layers: their ``show`` option is
  overridden at load by the initial stop.
* **Drawing order.** Leaflet appends a re-added vector to the top of its pane. The
  slider puts vectors back into the order in which they were created (the order of
  the page, as when it opened), so smaller zones drawn last stay clickable above
  larger ones.

Add the slider to the map **after** every layer it controls (its script looks the
layers up when it runs); rendering checks the order and says so if it is wrong.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Template

import folium
from branca.element import Element, MacroElement

from airmap.geo import AirmapError

from ._escape import LINE_BREAK_CSS, display_text, script_json

__all__ = ["POSITIONS", "TimeSlider", "TimeSliderError", "slider_stops"]

#: Map corners a Leaflet control can sit in.
POSITIONS = ("topleft", "topright", "bottomleft", "bottomright")

_E = TypeVar("_E", bound=Element)

#: A JavaScript identifier as folium and branca spell element names.
_JS_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")

_PREVIOUS = "Previous time step"
_NEXT = "Next time step"


class TimeSliderError(AirmapError, ValueError):
    """A time slider was given bad stops, times or layers, or sits in a bad place."""


def _utc(value: object, what: str) -> dt.datetime:
    """``value`` as an aware UTC datetime, or raise naming ``what``."""
    if not isinstance(value, dt.datetime):
        raise TimeSliderError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise TimeSliderError(f"{what} must be time-zone aware (UTC), got {value}")
    return value.astimezone(dt.UTC)


def slider_stops(instants: Iterable[dt.datetime | None]) -> tuple[dt.datetime, ...]:
    """Collect instants into slider stops: UTC, sorted, without repeats.

    Parameters
    ----------
    instants : iterable of datetime or None
        Every instant where something changes (version starts and ends, event
        times) and the ends of the time window. Aware datetimes in any zone;
        ``None`` (an open end) is skipped.

    Returns
    -------
    tuple of datetime
        The distinct instants in UTC, earliest first.

    Raises
    ------
    TimeSliderError
        For a naive datetime or anything that is not a datetime.

    Examples
    --------
    >>> import datetime as dt
    >>> seoul = dt.timezone(dt.timedelta(hours=9))
    >>> [
    ...     t.isoformat()
    ...     for t in slider_stops(
    ...         [
    ...             dt.datetime(2013, 12, 15, 14, tzinfo=seoul),
    ...             None,
    ...             dt.datetime(2013, 12, 15, 5, tzinfo=dt.UTC),
    ...             dt.datetime(2013, 11, 1, tzinfo=dt.UTC),
    ...         ]
    ...     )
    ... ]
    ['2013-11-01T00:00:00+00:00', '2013-12-15T05:00:00+00:00']
    """
    found = {_utc(t, "a stop") for t in instants if t is not None}
    return tuple(sorted(found))


def _zone(time_zone: str | dt.tzinfo) -> dt.tzinfo:
    if isinstance(time_zone, dt.tzinfo):
        return time_zone
    if not isinstance(time_zone, str):
        raise TimeSliderError(
            "time_zone must be an IANA name (such as 'Asia/Seoul') or a tzinfo, "
            f"got {type(time_zone).__name__}"
        )
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeSliderError(
            f"unknown time zone {time_zone!r} (expected an IANA name such as "
            "'Asia/Seoul')"
        ) from None


@dataclass(frozen=True)
class _Entry:
    layer: Element
    start: dt.datetime | None
    end: dt.datetime | None


_CSS = f"""
.airmap-time {{
  background: #fff; padding: 6px 8px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, 0.4); min-width: 260px; max-width: 380px;
  overflow-wrap: anywhere;
  font: 12px/1.4 "Helvetica Neue", Arial, Helvetica, sans-serif; color: #222;
}}
.airmap-time-title {{ font-weight: bold; margin-bottom: 2px; {LINE_BREAK_CSS}; }}
.airmap-time-row {{ display: flex; align-items: center; gap: 4px; }}
.airmap-time-range {{ flex: 1 1 auto; min-width: 150px; margin: 0; cursor: pointer; }}
.airmap-time button {{
  width: 26px; height: 24px; padding: 0; line-height: 22px; font-size: 11px;
  border: 1px solid #bbb; border-radius: 4px; background: #f4f4f4; color: #222;
  cursor: pointer;
}}
.airmap-time button:hover {{ background: #e6e6e6; }}
.airmap-time button[aria-disabled="true"] {{ opacity: 0.4; cursor: default; }}
.airmap-time :focus-visible {{ outline: 2px solid #1f6feb; outline-offset: 1px; }}
.airmap-time-utc {{ font-weight: bold; font-variant-numeric: tabular-nums; }}
.airmap-time-local {{ color: #555; font-variant-numeric: tabular-nums; }}
"""

_TEMPLATE = Template(
    """
{% macro header(this, kwargs) %}
<style>{{ this._css }}</style>
{% endmacro %}

{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (cfg) {
    "use strict";
    function named(name, what) {
        var found = window[name];
        if (!found) {
            throw new Error("time slider: no " + what + " named " + name +
                " (add the slider to the map after the layers it controls)");
        }
        return found;
    }
    var map = named(cfg.map, "map");
    var last = cfg.stops.length - 1;
    var entries = cfg.layers.map(function (e) {
        var parent = named(e.parent, "layer group");
        if (typeof parent.addLayer !== "function" ||
                typeof parent.removeLayer !== "function" ||
                typeof parent.hasLayer !== "function") {
            throw new Error("time slider: " + e.parent + " cannot hold layers");
        }
        return {layer: named(e.layer, "layer"), parent: parent,
                from: e.from, until: e.until};
    });
    var ui = {};

    function paths(layer, out) {
        if (layer instanceof L.Path) {
            out.push(layer);
        } else if (typeof layer.eachLayer === "function") {
            layer.eachLayer(function (child) { paths(child, out); });
        }
        return out;
    }
    // Leaflet draws a re-added vector on top of its pane; put the vectors from
    // the first re-added one onwards back into creation (= page) order.
    function restack(added) {
        var first = Infinity;
        added.forEach(function (layer) {
            if (map.hasLayer(layer)) {
                paths(layer, []).forEach(function (p) {
                    first = Math.min(first, L.Util.stamp(p));
                });
            }
        });
        if (first === Infinity) { return; }
        var later = [];
        map.eachLayer(function (l) {
            if (l instanceof L.Path && L.Util.stamp(l) >= first) { later.push(l); }
        });
        later.sort(function (a, b) { return L.Util.stamp(a) - L.Util.stamp(b); });
        later.forEach(function (p) { p.bringToFront(); });
    }

    var slider = L.control({position: cfg.position});
    slider.stops = cfg.stops;
    slider.index = -1;
    slider.select = function (value) {
        var i = Math.round(Number(value));
        if (!isFinite(i)) { return slider.index; }
        i = Math.max(0, Math.min(last, i));
        slider.index = i;
        ui.input.value = String(i);
        ui.utc.innerHTML = cfg.utc[i];
        var spoken = ui.utc.textContent;
        if (ui.local) {
            ui.local.innerHTML = cfg.local[i];
            spoken += ", " + ui.local.textContent;
        }
        ui.input.setAttribute("aria-valuetext", spoken);
        ui.prev.setAttribute("aria-disabled", String(i === 0));
        ui.next.setAttribute("aria-disabled", String(i === last));
        var added = [];
        entries.forEach(function (e) {
            var inForce = e.from <= i && i < e.until;
            var held = e.parent.hasLayer(e.layer);
            if (inForce && !held) {
                e.parent.addLayer(e.layer);
                added.push(e.layer);
            } else if (!inForce && held) {
                e.parent.removeLayer(e.layer);
            }
        });
        restack(added);
        return i;
    };
    slider.onAdd = function () {
        var box = L.DomUtil.create("div", "airmap-time");
        box.innerHTML = cfg.html;
        ui.input = box.querySelector(".airmap-time-range");
        ui.prev = box.querySelector(".airmap-time-prev");
        ui.next = box.querySelector(".airmap-time-next");
        ui.utc = box.querySelector(".airmap-time-utc");
        ui.local = box.querySelector(".airmap-time-local");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        L.DomEvent.on(ui.input, "input change", function () {
            slider.select(ui.input.value);
        });
        L.DomEvent.on(ui.input, "keydown", L.DomEvent.stopPropagation);
        L.DomEvent.on(ui.prev, "click", function () {
            slider.select(slider.index - 1);
        });
        L.DomEvent.on(ui.next, "click", function () {
            slider.select(slider.index + 1);
        });
        return box;
    };
    slider.addTo(map);
    slider.select(cfg.initial);
    return slider;
}({{ this._payload() }}));
{% endmacro %}
"""
)


class TimeSlider(MacroElement):
    """A Leaflet control that steps through time and shows the layers in force.

    Add it to a ``folium.Map`` after the layers it controls, then
    :meth:`register` each time-bound layer (before rendering).

    Parameters
    ----------
    stops : iterable of datetime
        The instants the slider can select: aware datetimes, strictly increasing
        (at least one). Build them with :func:`slider_stops` from every instant
        where something changes plus the ends of the window.
    initial : datetime, optional
        The instant selected when the page opens: a stop, or any instant between
        the first and the last stop (the latest stop at or before it is
        selected). Default: the first stop.
    time_zone : str or tzinfo, optional
        An IANA zone name (``"Asia/Seoul"``) or a ``tzinfo``: adds a second label
        with the local time, such as ``2013-12-15 14:00 KST``.
    title : str, default "Time"
        Heading of the control and accessible name of the range input (escaped
        with :func:`~airmap.maps._escape.display_text`).
    position : {"bottomleft", "bottomright", "topleft", "topright"}
        Map corner of the control.

    Raises
    ------
    TimeSliderError
        For empty, naive or unsorted stops, an `initial` outside them, an unknown
        zone, a non-string title or an unknown position.

    Notes
    -----
    Labels read ``YYYY-MM-DD HH:MM UTC``; if any stop has non-zero seconds,
    every label shows seconds too (``HH:MM:SS``), so that no two stops look
    alike. Local labels use the zone's abbreviation from the time-zone
    database (``KST``, ``JST``, or a numeric one such as ``+03``).

    The page gets a global variable named :meth:`get_name` holding the Leaflet
    control, with ``stops`` (ISO 8601 strings), ``index`` (the selected stop)
    and ``select(i)`` (select stop ``i``, clamped; returns the index).

    Examples
    --------
    >>> import datetime as dt
    >>> import folium
    >>> utc = dt.UTC
    >>> m = folium.Map(tiles=None)
    >>> zones = folium.FeatureGroup(name="ADIZs").add_to(m)
    >>> old = folium.GeoJson({"type": "Point", "coordinates": [127, 37]}).add_to(zones)
    >>> new = folium.GeoJson({"type": "Point", "coordinates": [127, 37]}).add_to(zones)
    >>> change = dt.datetime(2013, 12, 15, 5, tzinfo=utc)
    >>> slider = TimeSlider(
    ...     slider_stops([dt.datetime(2013, 11, 1, tzinfo=utc), change]),
    ...     time_zone="Asia/Seoul",
    ... ).add_to(m)
    >>> slider.register(old, None, change) is old
    True
    >>> _ = slider.register(new, change, None)
    >>> slider.labels[1]
    ('2013-12-15 05:00 UTC', '2013-12-15 14:00 KST')
    """

    _template = _TEMPLATE
    _css = _CSS

    def __init__(
        self,
        stops: Iterable[dt.datetime],
        initial: dt.datetime | None = None,
        time_zone: str | dt.tzinfo | None = None,
        *,
        title: str = "Time",
        position: str = "bottomleft",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped here
        self._name = "TimeSlider"
        self.stops: tuple[dt.datetime, ...] = tuple(
            _utc(t, f"stop {i}") for i, t in enumerate(stops)
        )
        if not self.stops:
            raise TimeSliderError("a time slider needs at least one stop")
        for i, (a, b) in enumerate(zip(self.stops, self.stops[1:], strict=False)):
            if not a < b:
                raise TimeSliderError(
                    f"stops must be strictly increasing: stop {i + 1} ({b.isoformat()}) "
                    f"is not after stop {i} ({a.isoformat()}); use slider_stops()"
                )
        if initial is None:
            self.initial_index = 0
        else:
            when = _utc(initial, "initial")
            if not self.stops[0] <= when <= self.stops[-1]:
                raise TimeSliderError(
                    f"initial {when.isoformat()} is outside the stops "
                    f"({self.stops[0].isoformat()} to {self.stops[-1].isoformat()})"
                )
            self.initial_index = bisect.bisect_right(self.stops, when) - 1
        self.time_zone: dt.tzinfo | None = (
            None if time_zone is None else _zone(time_zone)
        )
        if not isinstance(title, str):
            raise TimeSliderError(f"title must be a str, got {type(title).__name__}")
        self.title = title
        if position not in POSITIONS:
            raise TimeSliderError(
                f"unknown position {position!r}; expected one of {', '.join(POSITIONS)}"
            )
        self.position = position
        self._entries: list[_Entry] = []

    def add_to(
        self, parent: Element, name: str | None = None, index: int | None = None
    ) -> Self:
        """Add the slider to `parent` (a ``folium.Map``) and return the slider."""
        super().add_to(parent, name=name, index=index)
        return self

    @property
    def labels(self) -> list[tuple[str, str | None]]:
        """The text shown for each stop: UTC, and local time (or ``None``)."""
        seconds = any(t.second or t.microsecond for t in self.stops)
        clock = "%H:%M:%S" if seconds else "%H:%M"
        out: list[tuple[str, str | None]] = []
        for t in self.stops:
            utc = t.strftime(f"%Y-%m-%d {clock}") + " UTC"
            local = None
            if self.time_zone is not None:
                here = t.astimezone(self.time_zone)
                local = f"{here.strftime(f'%Y-%m-%d {clock}')} {here.tzname() or ''}"
                local = local.rstrip()
            out.append((utc, local))
        return out

    def register(
        self,
        layer: _E,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> _E:
        """Show `layer` only while the selected stop is in ``[start, end)``.

        Parameters
        ----------
        layer : folium element
            A layer with a JavaScript variable (``GeoJson``, ``FeatureGroup``,
            ``PolyLine``, ``Marker`` ...), added to a layer group or to the map
            (before or after this call, but before the slider in the map).
        start, end : datetime or None
            Aware instants; ``None`` leaves that end open. The layer is in force
            at stop ``s`` when ``start <= s < end``.

        Returns
        -------
        folium element
            `layer`, for chaining.

        Raises
        ------
        TimeSliderError
            For a layer registered twice, a non-element, a naive time, or
            ``end <= start``.
        """
        if not isinstance(layer, Element):
            raise TimeSliderError(
                f"register needs a folium element, got {type(layer).__name__}"
            )
        if layer is self or isinstance(layer, folium.Map):
            raise TimeSliderError("the map or the slider cannot be registered")
        if any(e.layer is layer for e in self._entries):
            raise TimeSliderError(f"layer {layer.get_name()} is already registered")
        begins = None if start is None else _utc(start, "start")
        ends = None if end is None else _utc(end, "end")
        if begins is not None and ends is not None and not begins < ends:
            raise TimeSliderError(
                f"end {ends.isoformat()} is not after start {begins.isoformat()}"
            )
        self._entries.append(_Entry(layer, begins, ends))
        return layer

    @property
    def layers(self) -> list[tuple[Element, dt.datetime | None, dt.datetime | None]]:
        """The registered layers with their ``start`` and ``end``, in order."""
        return [(e.layer, e.start, e.end) for e in self._entries]

    def in_force(self, index: int) -> list[Element]:
        """The registered layers in force at stop `index` (as the page shows them).

        Parameters
        ----------
        index : int
            A stop index, ``0 <= index < len(stops)``.

        Returns
        -------
        list of folium element
            In registration order.

        Raises
        ------
        IndexError
            For an index outside the stops.
        """
        if not 0 <= index < len(self.stops):
            raise IndexError(f"stop index {index} out of range")
        out = []
        for entry in self._entries:
            first, until = self._span(entry)
            if first <= index < until:
                out.append(entry.layer)
        return out

    def _span(self, entry: _Entry) -> tuple[int, int]:
        """The stop indices ``[first, stop)`` at which `entry` is in force."""
        first = (
            0 if entry.start is None else bisect.bisect_left(self.stops, entry.start)
        )
        until = (
            len(self.stops)
            if entry.end is None
            else bisect.bisect_left(self.stops, entry.end)
        )
        return first, until

    def _map(self) -> folium.Map:
        parent = self._parent
        if not isinstance(parent, folium.Map):
            raise TimeSliderError("add the time slider to a folium.Map")
        return parent

    def _check_layers(self, m: folium.Map) -> list[dict[str, Any]]:
        """Validate the registered layers against the tree and describe them."""
        order = {id(el): i for i, el in enumerate(_preorder(m))}
        mine = order[id(self)]
        has_layer_control = any(
            isinstance(c, folium.LayerControl) for c in m._children.values()
        )
        out: list[dict[str, Any]] = []
        for entry in self._entries:
            layer = entry.layer
            name = layer.get_name()
            parent = layer._parent
            if id(layer) not in order or parent is None:
                raise TimeSliderError(
                    f"registered layer {name} is not on the slider's map"
                )
            if order[id(layer)] > mine:
                raise TimeSliderError(
                    f"layer {name} comes after the time slider; add the slider to "
                    "the map after the layers it controls"
                )
            if (
                parent is m
                and has_layer_control
                and isinstance(layer, folium.map.Layer)
                and layer.control
            ):
                raise TimeSliderError(
                    f"layer {name} sits directly on the map and is listed in the "
                    "layer control; put it in a FeatureGroup (the group goes into "
                    "the layer control) or create it with control=False"
                )
            parent_name = parent.get_name()
            for js in (name, parent_name):
                if _JS_NAME.fullmatch(js) is None:
                    raise TimeSliderError(f"{js!r} is not a JavaScript variable name")
            first, until = self._span(entry)
            out.append(
                {"layer": name, "parent": parent_name, "from": first, "until": until}
            )
        return out

    def _control_html(self) -> str:
        title = display_text(self.title)
        prev, nxt = display_text(_PREVIOUS), display_text(_NEXT)
        last = len(self.stops) - 1
        local = (
            '<div class="airmap-time-local"></div>'
            if self.time_zone is not None
            else ""
        )
        return (
            f'<div class="airmap-time-title">{title}</div>'
            '<div class="airmap-time-row">'
            f'<button type="button" class="airmap-time-prev" title="{prev}" '
            f'aria-label="{prev}">{display_text("◀")}</button>'
            f'<input type="range" class="airmap-time-range" min="0" max="{last}" '
            f'step="1" value="{self.initial_index}" aria-label="{title}">'
            f'<button type="button" class="airmap-time-next" title="{nxt}" '
            f'aria-label="{nxt}">{display_text("▶")}</button>'
            "</div>"
            f'<div class="airmap-time-utc"></div>{local}'
        )

    def _payload(self) -> str:
        """Everything the script needs, as script-safe JSON."""
        m = self._map()
        labels = self.labels
        return script_json(
            {
                "map": m.get_name(),
                "position": self.position,
                "initial": self.initial_index,
                "stops": [
                    t.isoformat(timespec="seconds").replace("+00:00", "Z")
                    for t in self.stops
                ],
                "utc": [display_text(u) for u, _ in labels],
                "local": (
                    None
                    if self.time_zone is None
                    else [display_text(loc or "") for _, loc in labels]
                ),
                "html": self._control_html(),
                "layers": self._check_layers(m),
            }
        )

    # branca's Element.render is typed "-> str", but MacroElement.render returns None
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Check the map and the layers, then render the style and the script."""
        m = self._map()
        if _JS_NAME.fullmatch(m.get_name()) is None:
            raise TimeSliderError(f"{m.get_name()!r} is not a JavaScript variable name")
        self._check_layers(m)
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def _preorder(root: Element) -> Iterator[Element]:
    """`root` and its descendants in render order."""
    yield root
    for child in root._children.values():
        yield from _preorder(child)
