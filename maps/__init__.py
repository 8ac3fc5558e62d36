"""Rendering, exports and the ``airmap`` command.

May import every other ``airmap`` package. Folium-backed names are resolved lazily
(module ``__getattr__``) so that ``airmap check`` never loads folium.

>>> from airmap.maps import incident_map, render_html
>>> m = incident_map(incident_ids=["2019-07-23-dokdo"])  # doctest: +SKIP
>>> html = render_html(m)  # self-contained: every asset inlined  # doctest: +SKIP

Our layers in your own folium map (each takes ``m=`` and returns it)::

    import folium
    from airmap.maps import incident_layer, legend, save, zone_layer

    m = folium.Map(location=[37.24, 131.87], zoom_start=8)
    zone_layer(kinds=["adiz", "territorial_airspace"], m=m)
    incident_layer(incident_ids=["2019-07-23-dokdo"], m=m)
    legend(m=m)
    folium.LayerControl().add_to(m)
    save(m, "dokdo.html")  # scripts and styles inlined; your tiles stay online

Exports and figures::

    from airmap.maps import export, figure, save_figure

    export("zones.gpkg", when=datetime(2019, 7, 23, tzinfo=UTC))  # or .geojson, .kml
    fig = figure(incident_ids=["2019-07-23-dokdo"])  # a matplotlib Figure
    save_figure(fig, "dokdo.svg")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._assets import AssetsMissingError, make_self_contained
    from ._escape import display_text, script_json
    from ._export import ExportError, export, export_features
    from ._figure import FigureError, IncidentFigure, figure, save_figure
    from ._layers import (
        IncidentLayer,
        LayerError,
        ReferenceLayer,
        TrackLayer,
        ZoneLayer,
        incident_layer,
        legend,
        reference_layer,
        save,
        track_layer,
        zone_layer,
    )
    from ._legend import Legend, LegendEntry, LegendError
    from ._map import ZONE_GROUPS, MapError, incident_map, render_html, stable_ids
    from ._measure import MeasureControl, MeasureError
    from ._time import TimeSlider, TimeSliderError, slider_stops
    from ._vector import VectorFeature, VectorLayer

_LAZY = {
    "export": "._export",
    "export_features": "._export",
    "ExportError": "._export",
    "figure": "._figure",
    "save_figure": "._figure",
    "FigureError": "._figure",
    "IncidentFigure": "._figure",
    "IncidentLayer": "._layers",
    "LayerError": "._layers",
    "ReferenceLayer": "._layers",
    "TrackLayer": "._layers",
    "ZoneLayer": "._layers",
    "incident_layer": "._layers",
    "legend": "._layers",
    "reference_layer": "._layers",
    "save": "._layers",
    "track_layer": "._layers",
    "zone_layer": "._layers",
    "incident_map": "._map",
    "render_html": "._map",
    "stable_ids": "._map",
    "MapError": "._map",
    "ZONE_GROUPS": "._map",
    "make_self_contained": "._assets",
    "Legend": "._legend",
    "LegendEntry": "._legend",
    "LegendError": "._legend",
    "MeasureControl": "._measure",
    "MeasureError": "._measure",
    "AssetsMissingError": "._assets",
    "display_text": "._escape",
    "script_json": "._escape",
    "TimeSlider": "._time",
    "TimeSliderError": "._time",
    "slider_stops": "._time",
    "VectorFeature": "._vector",
    "VectorLayer": "._vector",
}

__all__ = [
    "ZONE_GROUPS",
    "AssetsMissingError",
    "ExportError",
    "FigureError",
    "IncidentFigure",
    "IncidentLayer",
    "LayerError",
    "Legend",
    "LegendEntry",
    "LegendError",
    "MapError",
    "MeasureControl",
    "MeasureError",
    "ReferenceLayer",
    "TimeSlider",
    "TimeSliderError",
    "TrackLayer",
    "VectorFeature",
    "VectorLayer",
    "ZoneLayer",
    "display_text",
    "export",
    "export_features",
    "figure",
    "incident_layer",
    "incident_map",
    "legend",
    "make_self_contained",
    "reference_layer",
    "render_html",
    "save",
    "save_figure",
    "script_json",
    "slider_stops",
    "stable_ids",
    "track_layer",
    "zone_layer",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'airmap.maps' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
