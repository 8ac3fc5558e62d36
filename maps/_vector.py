"""Compact vector layers: many features in one Leaflet layer, built in the browser.

A folium ``GeoJson`` per feature costs a script block, a popup element and the
full coordinate text each; for thousands of incident positions that is tens of
megabytes. :class:`VectorLayer` instead writes one script-safe JSON payload per
layer:

* coordinates as delta-encoded integers of 1e-6° (about 0.1 m), five bits per
  character (:func:`encode_coords`), decoded by a small script of ours;
* every text (tooltips, popup rows, properties) once in a string table, with
  features pointing at it, so the sources and incident header shared by many
  positions are written once;
* styles once per distinct style.

Texts must already be safe HTML (built with :func:`~airmap.maps._escape.display_text`):
Leaflet inserts popups and tooltips as HTML. Each drawn Leaflet layer gets a
``feature`` (GeoJSON-like, with the properties given) so that scripts and tests
can find it as they find folium ``GeoJson`` features.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from jinja2 import Template

from branca.element import Element, Figure
from folium.map import Layer

from ._escape import script_json

__all__ = ["VectorFeature", "VectorLayer", "circle_ring", "encode_coords"]

#: Decimal degrees are stored as integers of 10**-PRECISION degrees.
PRECISION = 6
_SCALE = 10**PRECISION

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_DASH = re.compile(r"[0-9]+(?: [0-9]+)*")
_PANE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CLASS = re.compile(r"[A-Za-z][A-Za-z0-9_ -]*")
_STYLE_KEYS = {
    "color",
    "weight",
    "opacity",
    "fillColor",
    "fillOpacity",
    "dashArray",
    "className",
    "fill",
    "interactive",
    "pane",
}


def _zigzag_chars(values: np.ndarray[Any, np.dtype[np.int64]]) -> str:
    """Zig-zag map each value and write it five bits a character (vectorised)."""
    if not values.size:
        return ""
    v = values.astype(np.int64)
    z = ((v << 1) ^ (v >> 63)).astype(np.uint64)
    # up to 13 five-bit chunks per 64-bit value; chunk k exists if k == 0 or z >= 32**k
    k = np.arange(13, dtype=np.uint64)
    shifts = np.uint64(5) * k
    chunks = (z[:, None] >> shifts[None, :]) & np.uint64(31)
    limits = np.left_shift(np.uint64(1), np.minimum(shifts, np.uint64(63)))
    present = (z[:, None] >= limits[None, :]) | (k[None, :] == 0)
    more = np.zeros_like(present)
    more[:, :-1] = present[:, 1:]
    codes = chunks + np.where(more, np.uint64(32), np.uint64(0)) + np.uint64(63)
    text: str = codes[present].astype(np.uint8).tobytes().decode("ascii")
    return text


def encode_coords(
    lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray
) -> str:
    """Encode a coordinate sequence as text of delta-encoded 1e-6° integers.

    Each value (latitude, then longitude, per vertex; the first vertex absolute,
    the others as differences) is zig-zag mapped to a non-negative integer and
    written five bits per character, least significant first, as characters
    ``?`` (63) to ``~`` (126); ``0x20`` in a character's value means "more
    follows". Rounding is to the nearest 1e-6° (at most 0.056 m of latitude).

    >>> encode_coords([0.0, 0.000001], [0.0, -0.000002])
    '??BA'
    """
    x = np.rint(np.asarray(lon, dtype=np.float64) * _SCALE).astype(np.int64)
    y = np.rint(np.asarray(lat, dtype=np.float64) * _SCALE).astype(np.int64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("lon and lat must be 1-D sequences of the same length")
    inter = np.empty(2 * x.size, dtype=np.int64)
    inter[0::2] = y
    inter[1::2] = x
    delta = inter.copy()
    delta[2:] = inter[2:] - inter[:-2]
    return _zigzag_chars(delta)


def decode_coords(text: str) -> tuple[list[float], list[float]]:
    """Inverse of :func:`encode_coords` (lon list, lat list); used by the tests."""
    values: list[int] = []
    z = shift = 0
    for ch in text:
        c = ord(ch) - 63
        if not 0 <= c < 64:
            raise ValueError(f"character {ch!r} is not part of the encoding")
        z |= (c & 0x1F) << shift
        if c & 0x20:
            shift += 5
            continue
        values.append((z >> 1) ^ -(z & 1))
        z = shift = 0
    if shift or len(values) % 2:
        raise ValueError("truncated coordinate text")
    lat: list[float] = []
    lon: list[float] = []
    py = px = 0
    for i in range(0, len(values), 2):
        py += values[i]
        px += values[i + 1]
        lat.append(py / _SCALE)
        lon.append(px / _SCALE)
    return lon, lat


def circle_vertices(radius_m: float) -> int:
    """Vertices that keep each chord within max(0.2 % of the radius, 10 m) of the circle.

    Between 24 and 128; 50 for radii from 5 km up.
    """
    tol = max(0.002 * radius_m, 10.0)
    if radius_m <= tol:
        return 24
    n = math.ceil(math.pi / math.acos(1.0 - tol / radius_m))
    return int(min(max(n, 24), 128))


@functools.lru_cache(maxsize=65536)
def circle_ring(
    lon: float, lat: float, radius_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Closed ring of points exactly `radius_m` (geodesic, WGS84) from a centre.

    Every vertex is on the geodesic circle (pyproj ``Geod.fwd``); the number of
    vertices follows :func:`circle_vertices`. Counter-clockwise; longitudes stay
    within 180° of the centre (continuous across the antimeridian).
    """
    from airmap.geo import forward

    n = circle_vertices(radius_m)
    az = np.linspace(0.0, -360.0, n + 1)[:-1]  # counter-clockwise seen from above
    x, y = forward(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m))
    x = np.asarray(x, dtype=np.float64)
    x = lon + (x - lon + 180.0) % 360.0 - 180.0
    y = np.asarray(y, dtype=np.float64)
    rx, ry = np.append(x, x[0]), np.append(y, y[0])
    rx.flags.writeable = False  # shared by the cache
    ry.flags.writeable = False
    return rx, ry


@dataclass(frozen=True)
class VectorFeature:
    """One feature of a :class:`VectorLayer`.

    ``parts`` is a list of polygons (each a list of rings, outer first) when
    ``kind == "polygon"``, or a list of lines when ``kind == "line"``; a ring or
    line is ``(lon_array, lat_array)``. ``tooltip``, ``popup`` rows and ``label``
    are safe HTML. ``label`` is shown permanently next to the feature.
    """

    kind: str
    parts: Sequence[Any]
    style: Mapping[str, Any]
    tooltip: str = ""
    popup: Sequence[str] = ()
    label: str = ""
    properties: Mapping[str, str] = field(default_factory=dict)


_JS = """
(function () {
  if (window.airmapVector) return;
  function decode(text) {
    var out = [], v = [], z = 0, shift = 0, lat = 0, lon = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i) - 63;
      z += (c & 31) * Math.pow(2, shift);
      if (c & 32) { shift += 5; continue; }
      v.push(z % 2 ? -(z + 1) / 2 : z / 2);
      z = 0; shift = 0;
    }
    for (var j = 0; j + 1 < v.length; j += 2) {
      lat += v[j]; lon += v[j + 1];
      out.push([lat / 1e6, lon / 1e6]);
    }
    return out;
  }
  function build(spec, group) {
    var S = spec.strings, styles = spec.styles, keys = spec.keys;
    spec.features.forEach(function (f) {
      var kind = f[0], parts = f[1], style = styles[f[2]];
      var geom = parts.map(function (p) {
        return kind === 'P' ? p.map(decode) : decode(p);
      });
      var layer = kind === 'P'
        ? L.polygon(geom.length === 1 ? geom[0] : geom, style)
        : L.polyline(geom.length === 1 ? geom[0] : geom, style);
      var props = {};
      f[6].forEach(function (s, k) { props[keys[k]] = S[s]; });
      layer.feature = {type: 'Feature', properties: props,
                       geometry: layer.toGeoJSON(6).geometry};
      if (f[5] >= 0) {
        layer.bindTooltip(S[f[5]], {permanent: true, direction: 'top',
                                    className: 'airmap-label', opacity: 0.95});
      } else if (f[3] >= 0) {
        layer.bindTooltip(S[f[3]], {sticky: true});
      }
      if (f[4].length) {
        var rows = f[4];
        layer.bindPopup(function () {
          return rows.map(function (r) { return S[r]; }).join('<br>');
        }, {maxWidth: 480});
      }
      group.addLayer(layer);
    });
    return group;
  }
  window.airmapVector = {decode: decode, build: build};
})();
"""

_CSS = """
.leaflet-tooltip.airmap-label { font: 600 11px/1.2 sans-serif; padding: 2px 5px; }
"""

_TEMPLATE = Template(
    """
{% macro script(this, kwargs) %}
{%- if this.pane %}
if (!{{ this._parent.get_name() }}.getPane("{{ this.pane }}")) {
  var pane = {{ this._parent.get_name() }}.createPane("{{ this.pane }}");
  pane.style.zIndex = {{ this.pane_z }};
}
{%- endif %}
var {{ this.get_name() }} = airmapVector.build(
  {{ this.payload() }}, L.featureGroup([], {{ this.group_options() }}));
{%- if this.show %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{%- endif %}
{% endmacro %}
"""
)


class VectorLayer(Layer):
    """A Leaflet feature group of polygons and lines from compact data.

    Behaves as a folium layer: add it to a map (it then appears in the layer
    control under `name`) or to a ``FeatureGroup``.
    """

    _template = _TEMPLATE

    def __init__(
        self,
        features: Sequence[VectorFeature] = (),
        name: str | None = None,
        *,
        overlay: bool = True,
        control: bool = True,
        show: bool = True,
        pane: str | None = None,
        pane_z: int = 350,
        attribution: str = "",
    ) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "VectorLayer"
        if pane is not None and not _PANE.fullmatch(pane):
            raise ValueError(f"pane {pane!r} is not a plain name")
        #: A map pane of its own (created on the parent map at z-index `pane_z`),
        #: e.g. to keep a basemap under every overlay whatever the toggling order.
        self.pane = pane
        self.pane_z = int(pane_z)
        #: Safe HTML for Leaflet's attribution control while the layer is shown.
        self.attribution = attribution
        self.features: list[VectorFeature] = []
        self._data: dict[str, Any] | None = None
        for f in features:
            self.add_feature(f)

    def add_feature(self, feature: VectorFeature) -> None:
        """Append a feature (validated now, so errors name it)."""
        where = f"feature {len(self.features)}"
        if feature.kind not in ("polygon", "line"):
            raise ValueError(
                f"{where}: kind must be 'polygon' or 'line', not {feature.kind!r}"
            )
        _check_style(feature.style, where)
        self.features.append(feature)
        self._data = None

    @property
    def data(self) -> dict[str, Any]:
        """The payload (also what :func:`~airmap.maps._map.stable_ids` hashes).

        Built once, and again only after :meth:`add_feature`.
        """
        if self._data is None:
            self._data = self._build_data()
        return self._data

    def _build_data(self) -> dict[str, Any]:
        strings: dict[str, int] = {}
        styles: dict[str, int] = {}
        style_list: list[Mapping[str, Any]] = []
        keys: dict[str, int] = {}

        def s(text: str) -> int:
            if text not in strings:
                strings[text] = len(strings)
            return strings[text]

        out = []
        for f in self.features:
            style_key = script_json(dict(sorted(f.style.items())))
            if style_key not in styles:
                styles[style_key] = len(style_list)
                style_list.append(dict(sorted(f.style.items())))
            if f.kind == "polygon":
                parts: list[Any] = [
                    [encode_coords(*ring) for ring in poly] for poly in f.parts
                ]
            else:
                parts = [encode_coords(*line) for line in f.parts]
            props: list[int] = []
            for k, v in f.properties.items():
                if k not in keys:
                    keys[k] = len(keys)
                while len(props) <= keys[k]:
                    props.append(s(""))
                props[keys[k]] = s(v)
            out.append(
                [
                    "P" if f.kind == "polygon" else "L",
                    parts,
                    styles[style_key],
                    s(f.tooltip) if f.tooltip else -1,
                    [s(r) for r in f.popup],
                    s(f.label) if f.label else -1,
                    props,
                ]
            )
        return {
            "strings": list(strings),
            "styles": style_list,
            "keys": list(keys),
            "features": out,
        }

    def group_options(self) -> str:
        """Options of the Leaflet feature group, as script-safe JSON."""
        return script_json(
            {"attribution": self.attribution} if self.attribution else {}
        )

    def payload(self) -> str:
        """The payload as script-safe JSON."""
        return script_json(self.data)

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Add the shared decoder script and style once, then the layer's script.

        The script goes in as plain text: branca would compile a rendered script
        block as a Jinja template again, which costs about a second for
        megabytes of payload and is exactly what the data must never meet.
        """
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise ValueError("a VectorLayer can only be rendered inside a Figure")
        figure.header.add_child(
            Element(f"<style>{_CSS}</style>"), name="airmap_vector_css"
        )
        figure.header.add_child(
            Element(f"<script>{_JS}</script>"), name="airmap_vector_js"
        )
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(script(self, kwargs)), name=self.get_name())


class _Raw(Element):
    """Text put on the page as it is (never compiled as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:
        return self.text


def _check_style(style: Mapping[str, Any], where: str) -> None:
    for k, v in style.items():
        if k not in _STYLE_KEYS:
            raise ValueError(f"{where}: unknown style key {k!r}")
        if k in ("color", "fillColor") and not (
            isinstance(v, str) and _COLOUR.fullmatch(v)
        ):
            raise ValueError(f"{where}: {k} must be a #rrggbb colour, not {v!r}")
        if (
            k == "dashArray"
            and v is not None
            and not (isinstance(v, str) and _DASH.fullmatch(v))
        ):
            raise ValueError(
                f"{where}: dashArray must be numbers and spaces, not {v!r}"
            )
        if k in ("fill", "interactive") and not isinstance(v, bool):
            raise ValueError(f"{where}: {k} must be true or false, not {v!r}")
        if k == "pane" and not (isinstance(v, str) and _PANE.fullmatch(v)):
            raise ValueError(f"{where}: pane {v!r} is not a plain name")
        if k == "className" and not (isinstance(v, str) and _CLASS.fullmatch(v)):
            raise ValueError(f"{where}: className {v!r} is not a plain class list")
        if k in ("weight", "opacity", "fillOpacity") and not (
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
        ):
            raise ValueError(f"{where}: {k} must be a finite number, not {v!r}")
