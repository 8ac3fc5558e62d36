"""A map legend whose entries follow the layers on the map.

:class:`Legend` is a Leaflet control written for this project: a titled box
with one row per :class:`LegendEntry`, each a small swatch (an inline SVG built
with DOM calls) and a label (set with ``textContent``, so it shows exactly as
typed). An entry tied to layers is shown while at least one of them is on the
map (Leaflet ``map.hasLayer``) and hidden otherwise; the legend updates on the
map's ``layeradd`` and ``layerremove`` events, so it follows the layer control
and the time slider (:mod:`airmap.maps._time`), which add and remove layers.
An entry with no layers is always shown.

The box collapses and expands with a button, does not pass clicks, drags or
wheel turns on to the map, and scrolls when it is taller than half the map.

The layers' JavaScript names are looked up at render time (after
:func:`~airmap.maps._map.stable_ids` has fixed the ids), and the page resolves
them each time it updates, so the legend may sit anywhere in the map's
children, before or after its layers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Self

from jinja2 import Template

import folium
from branca.element import Element, MacroElement

from airmap.geo import AirmapError

from ._escape import script_json

__all__ = ["KINDS", "Legend", "LegendEntry", "LegendError"]

#: What a swatch draws: a filled area, a line, or a point.
KINDS = ("area", "line", "point")
_POSITIONS = ("topleft", "topright", "bottomleft", "bottomright")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
#: An SVG dash array: non-negative numbers separated by spaces and/or commas.
_DASH = re.compile(r"\d+(?:\.\d+)?(?:(?:\s*,\s*|\s+)\d+(?:\.\d+)?)*")
_JS_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class LegendError(AirmapError, ValueError):
    """A legend entry or legend was given a bad value or sits in a bad place."""


@dataclass(frozen=True)
class LegendEntry:
    """One row of a :class:`Legend`: a swatch, a label and the layers it stands for.

    Parameters
    ----------
    label : str
        The text of the row, shown exactly as typed (any text is safe).
    colour : str
        Stroke and fill colour, ``#rrggbb`` (stored lower-case).
    kind : {"area", "line", "point"}
        What the swatch draws: a filled rectangle with an outline, a line, or
        a dot.
    dash : str or None
        An SVG dash array for the outline or line, such as ``"6 4"`` (numbers
        separated by spaces or commas); ``None`` for a solid one.
    fill_opacity : float
        Opacity of the fill of an area or point, 0 to 1.
    hatched : bool
        Fill an area with diagonal lines (in `colour`) over its fill.
    layers : tuple of folium elements
        The layers (``FeatureGroup``, ``GeoJson`` …) whose presence on the map
        shows this entry; the entry is shown while any one of them is on the
        map. Empty: always shown. A list is accepted and stored as a tuple.

    Raises
    ------
    LegendError
        For a bad value; the message names the entry by its label.

    Examples
    --------
    >>> LegendEntry("Disputed territorial airspace", "#1B9E77", dash="10 6").colour
    '#1b9e77'
    >>> try:
    ...     LegendEntry("KADIZ", "orange")
    ... except ValueError as exc:
    ...     print(exc)
    legend entry 'KADIZ': colour 'orange' is not #rrggbb
    """

    #: Text of the row.
    label: str
    #: ``#rrggbb``.
    colour: str
    #: ``"area"``, ``"line"`` or ``"point"``.
    kind: Literal["area", "line", "point"] = "area"
    #: SVG dash array, or None for solid.
    dash: str | None = None
    #: Fill opacity, 0 to 1.
    fill_opacity: float = 0.2
    #: Diagonal hatching over the fill (areas).
    hatched: bool = False
    #: Layers whose presence shows the entry; empty means always shown.
    layers: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.label, str):
            raise LegendError(
                f"legend entry label must be a str, got {type(self.label).__name__}"
            )
        what = f"legend entry {self.label!r}"
        if not isinstance(self.colour, str) or _COLOUR.fullmatch(self.colour) is None:
            raise LegendError(f"{what}: colour {self.colour!r} is not #rrggbb")
        object.__setattr__(self, "colour", self.colour.lower())
        if self.kind not in KINDS:
            raise LegendError(
                f"{what}: unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}"
            )
        if self.dash is not None and (
            not isinstance(self.dash, str) or _DASH.fullmatch(self.dash.strip()) is None
        ):
            raise LegendError(
                f"{what}: dash {self.dash!r} is not an SVG dash array such as '6 4'"
            )
        if self.dash is not None:
            object.__setattr__(self, "dash", self.dash.strip())
        opacity = self.fill_opacity
        if (
            isinstance(opacity, bool)
            or not isinstance(opacity, (int, float))
            or not math.isfinite(opacity)
            or not 0 <= opacity <= 1
        ):
            raise LegendError(f"{what}: fill_opacity {opacity!r} is not within 0..1")
        object.__setattr__(self, "fill_opacity", float(opacity))
        if not isinstance(self.hatched, bool):
            raise LegendError(f"{what}: hatched must be True or False")
        layers = self.layers
        if isinstance(layers, (str, bytes)) or not isinstance(layers, Iterable):
            raise LegendError(f"{what}: layers must be a tuple of folium elements")
        layers = tuple(layers)
        for layer in layers:
            if not isinstance(layer, Element) or isinstance(layer, folium.Map):
                raise LegendError(
                    f"{what}: layers must be folium layers, got {type(layer).__name__}"
                )
        object.__setattr__(self, "layers", layers)


_CSS = """
.airmap-legend {
  background: rgba(255, 255, 255, 0.92); padding: 6px 8px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, 0.4); max-width: 300px;
  max-height: 50vh; overflow-y: auto; overflow-wrap: anywhere;
  font: 12px/1.4 "Helvetica Neue", Arial, Helvetica, sans-serif; color: #222;
}
.airmap-legend-head { display: flex; align-items: center; gap: 6px; }
.airmap-legend-title { flex: 1 1 auto; font-weight: bold; white-space: pre-line; }
.airmap-legend-toggle {
  width: 22px; height: 20px; padding: 0; line-height: 18px; font-size: 12px;
  border: 1px solid #bbb; border-radius: 4px; background: #f4f4f4; color: #222;
  cursor: pointer;
}
.airmap-legend-toggle:hover { background: #e6e6e6; }
.airmap-legend :focus-visible { outline: 2px solid #1f6feb; outline-offset: 1px; }
.airmap-legend-list { list-style: none; margin: 4px 0 0; padding: 0; }
.airmap-legend-list[hidden], .airmap-legend-entry[hidden],
.airmap-legend-empty[hidden] { display: none; }
.airmap-legend-entry { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.airmap-legend-entry svg { flex: 0 0 auto; }
.airmap-legend-label { white-space: pre-line; }
.airmap-legend-empty { margin: 4px 0 0; color: #555; font-style: italic; }
"""

_TEXT = {
    "collapse": "Collapse legend",
    "expand": "Expand legend",
    "empty": "No layer in this legend is shown.",
}

_TEMPLATE = Template(
    """
{% macro header(this, kwargs) %}
<style>{{ this._css }}</style>
{% endmacro %}

{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function (cfg) {
    "use strict";
    var map = window[cfg.map];
    if (!map) { throw new Error("legend: no map named " + cfg.map); }
    var SVG = "http://www.w3.org/2000/svg";
    var COLOUR = /^#[0-9a-f]{6}$/;
    var DASH = /^[0-9][0-9., ]*$/;
    var rows = [];
    var ui = {};

    function colour(c) {
        if (typeof c !== "string" || !COLOUR.test(c)) {
            throw new Error("legend: bad colour");
        }
        return c;
    }
    function svgNode(tag, attrs, parent) {
        var node = document.createElementNS(SVG, tag);
        Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
        if (parent) { parent.appendChild(node); }
        return node;
    }
    function swatch(entry, index) {
        var c = colour(entry.colour);
        var svg = svgNode("svg", {width: 28, height: 16, viewBox: "0 0 28 16",
            "aria-hidden": "true", focusable: "false",
            "class": "airmap-legend-swatch airmap-legend-" + entry.kind});
        var stroke = {stroke: c, "stroke-width": 2};
        if (typeof entry.dash === "string" && DASH.test(entry.dash)) {
            stroke["stroke-dasharray"] = entry.dash;
        }
        if (entry.kind === "line") {
            stroke["stroke-width"] = 3;
            svgNode("line", Object.assign({x1: 1, y1: 8, x2: 27, y2: 8}, stroke), svg);
            return svg;
        }
        if (entry.kind === "point") {
            svgNode("circle", Object.assign({cx: 14, cy: 8, r: 5, fill: c,
                "fill-opacity": entry.fill_opacity}, stroke), svg);
            return svg;
        }
        svgNode("rect", {x: 2, y: 2, width: 24, height: 12, fill: c,
            "fill-opacity": entry.fill_opacity, stroke: "none"}, svg);
        if (entry.hatched) {
            var id = cfg.id + "-hatch-" + index;
            var defs = svgNode("defs", {}, svg);
            var pattern = svgNode("pattern", {id: id, width: 5, height: 5,
                patternUnits: "userSpaceOnUse",
                patternTransform: "rotate(45)"}, defs);
            svgNode("line", {x1: 0, y1: 0, x2: 0, y2: 5, stroke: c,
                "stroke-width": 1.5}, pattern);
            svgNode("rect", {x: 2, y: 2, width: 24, height: 12,
                fill: "url(#" + id + ")", stroke: "none"}, svg);
        }
        svgNode("rect", Object.assign({x: 2, y: 2, width: 24, height: 12,
            fill: "none"}, stroke), svg);
        return svg;
    }
    function present(name) {
        var layer = window[name];
        return !!layer && map.hasLayer(layer);
    }
    function update() {
        var shown = 0;
        rows.forEach(function (row) {
            var on = row.layers.length === 0 || row.layers.some(present);
            row.node.hidden = !on;
            if (on) { shown += 1; }
        });
        if (ui.empty) { ui.empty.hidden = shown > 0 || ui.list.hidden; }
        return shown;
    }
    var legend = L.control({position: cfg.position});
    legend.onAdd = function () {
        var box = L.DomUtil.create("div", "airmap-legend");
        box.id = cfg.id;
        var head = L.DomUtil.create("div", "airmap-legend-head", box);
        var title = L.DomUtil.create("span", "airmap-legend-title", head);
        title.textContent = cfg.title;
        var toggle = L.DomUtil.create("button", "airmap-legend-toggle", head);
        toggle.type = "button";
        var list = ui.list = L.DomUtil.create("ul", "airmap-legend-list", box);
        list.id = cfg.id + "-list";
        toggle.setAttribute("aria-controls", list.id);
        ui.empty = L.DomUtil.create("p", "airmap-legend-empty", box);
        ui.empty.textContent = cfg.text.empty;
        function setOpen(open) {
            list.hidden = !open;
            toggle.setAttribute("aria-expanded", String(open));
            var label = open ? cfg.text.collapse : cfg.text.expand;
            toggle.setAttribute("aria-label", label);
            toggle.setAttribute("title", label);
            toggle.textContent = open ? "\\u2212" : "+";
            L.DomUtil[open ? "removeClass" : "addClass"](box, "airmap-legend-collapsed");
            update();
        }
        cfg.entries.forEach(function (entry, i) {
            var item = L.DomUtil.create("li", "airmap-legend-entry", list);
            item.setAttribute("data-entry", String(i));
            item.appendChild(swatch(entry, i));
            var label = L.DomUtil.create("span", "airmap-legend-label", item);
            label.textContent = entry.label;
            rows.push({node: item, layers: entry.layers});
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        L.DomEvent.on(toggle, "click", function () {
            setOpen(list.hidden);
        });
        setOpen(!cfg.collapsed);
        return box;
    };
    legend.update = update;
    legend.addTo(map);
    map.on("layeradd layerremove", update);
    return legend;
}({{ this._payload() }}));
{% endmacro %}
"""
)


class Legend(MacroElement):
    """A Leaflet legend whose entries show while their layers are on the map.

    Add it to a ``folium.Map``. Rendering checks that every entry's layers are
    on that map.

    Parameters
    ----------
    entries : iterable of LegendEntry
        The rows, top to bottom (at least one).
    title : str, default "Legend"
        Heading of the box, shown exactly as typed.
    position : {"bottomright", "bottomleft", "topleft", "topright"}
        Map corner of the control.
    collapsed : bool, default False
        Open the page with the list folded away (the title and the expand
        button stay).

    Raises
    ------
    LegendError
        For no entries, something that is not a :class:`LegendEntry`, a
        non-string title or an unknown position; at render time, for a layer
        that is not on the legend's map (naming the entry) or a legend that is
        not on a ``folium.Map``.

    Notes
    -----
    The page gets a global named :meth:`get_name` holding the Leaflet control,
    whose ``update()`` re-checks the layers and returns the number of entries
    shown. Each row is an ``li.airmap-legend-entry`` with ``data-entry`` set to
    its index; hidden rows carry the ``hidden`` attribute.

    Examples
    --------
    >>> import folium
    >>> m = folium.Map(tiles=None)
    >>> adiz = folium.FeatureGroup(name="ADIZs").add_to(m)
    >>> legend = Legend(
    ...     [
    ...         LegendEntry("ADIZ", "#d95f02", layers=(adiz,)),
    ...         LegendEntry("Dokdo (disputed)", "#1b9e77", dash="10 6", hatched=True),
    ...     ]
    ... ).add_to(m)
    >>> legend.layer_names()
    [['feature_group_...'], []]
    """

    _template = _TEMPLATE
    _css = _CSS

    def __init__(
        self,
        entries: Iterable[LegendEntry],
        title: str = "Legend",
        position: str = "bottomright",
        *,
        collapsed: bool = False,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped here
        self._name = "Legend"
        self.entries: tuple[LegendEntry, ...] = tuple(entries)
        if not self.entries:
            raise LegendError("a legend needs at least one entry")
        for i, entry in enumerate(self.entries):
            if not isinstance(entry, LegendEntry):
                raise LegendError(
                    f"legend entry {i} is a {type(entry).__name__}, not a LegendEntry"
                )
        if not isinstance(title, str):
            raise LegendError(f"legend title must be a str, got {type(title).__name__}")
        self.title = title
        if position not in _POSITIONS:
            raise LegendError(
                f"unknown position {position!r}; expected one of {', '.join(_POSITIONS)}"
            )
        self.position = position
        if not isinstance(collapsed, bool):
            raise LegendError("collapsed must be True or False")
        self.collapsed = collapsed

    def add_to(
        self, parent: Element, name: str | None = None, index: int | None = None
    ) -> Self:
        """Add the legend to `parent` (a ``folium.Map``) and return the legend."""
        super().add_to(parent, name=name, index=index)
        return self

    def layer_names(self) -> list[list[str]]:
        """The JavaScript names of each entry's layers, as the page will use them."""
        return [[layer.get_name() for layer in e.layers] for e in self.entries]

    def _map(self) -> folium.Map:
        parent = self._parent
        if not isinstance(parent, folium.Map):
            raise LegendError("add the legend to a folium.Map")
        return parent

    def _check_layers(self, m: folium.Map) -> list[list[str]]:
        on_map = {id(el) for el in _preorder(m)}
        names = self.layer_names()
        for entry, entry_names in zip(self.entries, names, strict=True):
            for layer, name in zip(entry.layers, entry_names, strict=True):
                if id(layer) not in on_map:
                    raise LegendError(
                        f"legend entry {entry.label!r}: layer {name} is not on the "
                        "legend's map"
                    )
                if _JS_NAME.fullmatch(name) is None:
                    raise LegendError(
                        f"legend entry {entry.label!r}: {name!r} is not a JavaScript "
                        "variable name"
                    )
        return names

    def _payload(self) -> str:
        """Everything the script needs, as script-safe JSON."""
        m = self._map()
        names = self._check_layers(m)
        return script_json(
            {
                "map": m.get_name(),
                "id": self.get_name().replace("_", "-"),
                "position": self.position,
                "title": self.title,
                "collapsed": self.collapsed,
                "text": _TEXT,
                "entries": [
                    {
                        "label": e.label,
                        "colour": e.colour,
                        "kind": e.kind,
                        "dash": e.dash,
                        "fill_opacity": e.fill_opacity,
                        "hatched": e.hatched,
                        "layers": layer_names,
                    }
                    for e, layer_names in zip(self.entries, names, strict=True)
                ],
            }
        )

    # branca's Element.render is typed "-> str", but MacroElement.render returns None
    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Check the map and the layers, then render the style and the script."""
        m = self._map()
        if _JS_NAME.fullmatch(m.get_name()) is None:
            raise LegendError(f"{m.get_name()!r} is not a JavaScript variable name")
        self._check_layers(m)
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def _preorder(root: Element) -> Iterator[Element]:
    """`root` and its descendants in render order."""
    yield root
    for child in root._children.values():
        yield from _preorder(child)
