"""Interactive incident maps (folium): zones, incidents, tracks, offline and escaped.

Every piece of text that comes from data (zone names, claims, notes, source titles,
URLs) goes through :mod:`airmap.maps._escape`; positions are drawn with their
uncertainty as geodesic polygons (never Leaflet circles); element ids are derived
from content, so the same inputs render the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from airmap.geo import AirmapError

from ._escape import display_text
from ._style import (
    ZONE_GROUPS,
)

if TYPE_CHECKING:
    import folium

    from airmap.incidents import Incident, IncidentCatalogue
    from airmap.layers import ZoneVersion

__all__ = ["ZONE_GROUPS", "incident_map", "render_html", "stable_ids"]


class MapError(AirmapError, ValueError):
    """A map cannot be built as asked (unknown incident, unknown zone kind, …)."""


# ---------------------------------------------------------------------- basemap


def _basemap(m: folium.Map, *, online_tiles: bool) -> None:
    """Our land and coast layer (GSHHG land, OSM land borders) drawn as vectors.

    Shown by default; with online tiles it is offered unticked. It sits in a pane
    of its own below every overlay, takes no clicks, and credits its sources in
    the attribution control while shown.
    """
    from branca.element import Element

    from airmap.layers import basemap

    from ._vector import VectorFeature, VectorLayer

    bm = basemap()
    credit = (
        "Land: GSHHG (LGPL-3.0+), borders: © OpenStreetMap contributors (ODbL)"
        if bm.borders.geoms
        else "Land: GSHHG (LGPL-3.0+)"
    )
    layer = VectorLayer(
        name="Land and coast",
        show=not online_tiles,
        pane="airmapBasemap",
        pane_z=250,
        attribution=display_text(credit),
    )
    land_style = {
        "color": "#8c8c8c",
        "weight": 0.8,
        "fillColor": "#f2efe6",
        "fillOpacity": 1.0,
        "interactive": False,
        "pane": "airmapBasemap",
    }
    polygons = [
        [tuple(np.asarray(r.coords).T[:2]) for r in (g.exterior, *g.interiors)]
        for g in bm.land.geoms
    ]
    layer.add_feature(VectorFeature("polygon", polygons, land_style))
    border_style = {
        "color": "#7a7a7a",
        "weight": 1.0,
        "dashArray": "5 3",
        "interactive": False,
        "pane": "airmapBasemap",
    }
    lines = [tuple(np.asarray(g.coords).T[:2]) for g in bm.borders.geoms]
    layer.add_feature(VectorFeature("line", lines, border_style))
    layer.add_to(m)
    if not online_tiles:  # the sea: a plain background where there are no tiles
        root: Any = m.get_root()
        root.header.add_child(
            Element(
                "<style>.leaflet-container.leaflet-container { background: #dfe9f0; }</style>"
            ),
            name="airmap_sea",
        )


# ------------------------------------------------------------------------- map


def incident_map(
    incidents: IncidentCatalogue | None = None,
    *,
    incident_ids: Sequence[str] | None = None,
    when: dt.datetime | None = None,
    kinds: Sequence[str] | None = None,
    tiles: str = "none",
) -> folium.Map:
    """A folium map of zones and incidents.

    Parameters
    ----------
    incidents : IncidentCatalogue, optional
        Incidents and the zones they refer to (default: the shipped seeds).
    incident_ids : sequence of str, optional
        Only these incidents (default: all).
    when : datetime, optional
        Show the zone versions in force then (default: the first chosen incident's
        start, or every current version if there are no incidents).
    kinds : sequence of str, optional
        Zone kinds to show (default: all).
    tiles : {"none", "osm"}
        ``"none"`` draws no online tiles (the page opens with no network).

    Raises
    ------
    MapError
        An unknown incident id, zone kind or tiles option.
    """
    import folium

    from airmap.incidents import IncidentCatalogue, UnknownIncidentError

    from ._layers import (
        incident_layer,
        legend,
        reference_layer,
        track_layer,
        zone_layer,
    )
    from ._measure import MeasureControl

    cat = incidents if incidents is not None else IncidentCatalogue.default()
    zones = cat.zones
    try:
        chosen = [cat.get(i) for i in incident_ids] if incident_ids else list(cat)
    except UnknownIncidentError as exc:
        raise MapError(str(exc)) from None
    known_kinds = sorted({z.kind.value for z in zones})
    for k in kinds or ():
        if k not in known_kinds:
            raise MapError(
                f"unknown zone kind {k!r}; expected one of: {', '.join(known_kinds)}"
            )
    if tiles not in ("none", "osm"):
        raise MapError(f"unknown tiles {tiles!r}; expected none or osm")
    if when is None and chosen:
        when = min(i.window.start for i in chosen)
    m = folium.Map(
        location=_centre(chosen),
        zoom_start=8 if len(chosen) == 1 else 5,
        tiles="OpenStreetMap" if tiles == "osm" else None,
        control_scale=True,
    )
    _basemap(m, online_tiles=tiles == "osm")
    # one layer per group of kinds, every version: the time slider shows those
    # in force; largest first, so smaller zones are drawn (and clicked) on top
    zone_layers = []
    for group, group_kinds in ZONE_GROUPS.items():
        present = [
            k for k in group_kinds if k in known_kinds and (not kinds or k in kinds)
        ]
        if present:
            layer = zone_layer(zones, when="all", kinds=present, name=group)
            zone_layers.append(layer.add_to(m))
    drawn = [pair for layer in zone_layers for pair in layer.drawn]
    ours: list[Any] = list(zone_layers)
    if zones.reference_lines:
        ours.append(reference_layer(zones).add_to(m))
    ours.append(incident_layer(cat, incident_ids=[i.id for i in chosen]).add_to(m))
    ours.append(track_layer(cat, incident_ids=[i.id for i in chosen]).add_to(m))
    bounds = _bounds(chosen)
    if bounds is not None:
        m.fit_bounds(bounds)
    _time_slider(m, drawn, chosen, when)
    folium.LayerControl(collapsed=False).add_to(m)
    legend(*ours, m=m)
    MeasureControl(position="topleft").add_to(m)
    stable_ids(m)
    return m


def _time_slider(
    m: folium.Map,
    drawn: Sequence[tuple[Any, ZoneVersion]],
    chosen: Sequence[Incident],
    when: dt.datetime | None,
) -> None:
    """Add a slider that shows the zone versions in force at the chosen instant.

    Its stops are every instant where a zone version starts or ends, and the
    incidents' windows and events.
    """
    from ._time import TimeSlider, slider_stops

    instants: list[dt.datetime | None] = []
    for _, v in drawn:
        instants += [v.validity.start, v.validity.end]
    for inc in chosen:
        instants += [inc.window.start, inc.window.end, *(e.at for e in inc.events)]
    stops = slider_stops(instants)
    if not stops:
        return
    initial = when if when is not None else dt.datetime.now(dt.UTC)
    initial = min(max(initial, stops[0]), stops[-1])
    zone = chosen[0].window.time_zone if len(chosen) == 1 else None
    slider = TimeSlider(
        stops, initial=initial, time_zone=zone, title="Time (zone versions)"
    )
    for layer, v in drawn:
        slider.register(layer, v.validity.start, v.validity.end)
    slider.add_to(m)
    m.airmap_time_slider = slider  # type: ignore[attr-defined]


def _bounds(chosen: Sequence[Incident]) -> list[list[float]] | None:
    """South-west and north-east corners around every position's uncertainty."""
    from ._vector import circle_ring

    boxes = []
    for inc in chosen:
        for p in inc.positions:
            if p.is_ring:
                boxes.append(p.geometry.bounds)
                continue
            x, y = circle_ring(p.lon, p.lat, max(p.uncertainty_m, 1.0))
            boxes.append(
                (float(x.min()), float(y.min()), float(x.max()), float(y.max()))
            )
    if not boxes:
        return None
    return [
        [min(b[1] for b in boxes), min(b[0] for b in boxes)],
        [max(b[3] for b in boxes), max(b[2] for b in boxes)],
    ]


def _centre(chosen: Sequence[Incident]) -> list[float]:
    pts = [(p.lat, p.lon) for i in chosen for p in i.positions if not p.is_ring]
    if not pts:
        pts = [(p.lat, p.lon) for i in chosen for p in i.positions] or [(36.0, 130.0)]
    return [sum(y for y, _ in pts) / len(pts), sum(x for _, x in pts) / len(pts)]


def stable_ids(m: Any) -> None:
    """Replace branca's random element ids with ids derived from content and place.

    Each element's id hashes its class, its parent's id, its position among its
    siblings and, for GeoJSON layers, its data; so the same inputs give the same
    page, byte for byte.
    """
    from branca.element import Element

    def walk(element: Any, parent_id: str, index: int) -> None:
        h = hashlib.sha256()
        h.update(type(element).__name__.encode())
        h.update(parent_id.encode())
        h.update(str(index).encode())
        data = getattr(element, "data", None)
        if isinstance(data, (dict, list)):
            h.update(json.dumps(data, sort_keys=True, default=str).encode())
        element._id = h.hexdigest()[:32]
        for i, child in enumerate(element._children.values()):
            walk(child, element._id, i)
        # re-key the children by their new names (branca keys them by get_name())
        element._children = {c.get_name(): c for c in element._children.values()}
        # elements held outside the child tree (a Popup's Html, a Figure's parts)
        for j, attr in enumerate(("html", "header", "script")):
            held = getattr(element, attr, None)
            if isinstance(held, Element) and held is not element:
                walk(held, element._id, -1 - j)

    walk(m, "", 0)


def render_html(
    m: Any, *, self_contained: bool = True, allow_tiles: bool = False
) -> str:
    """The page as text; by default with every asset inlined (no network needed).

    Raises :class:`~airmap.maps.assets.AssetsMissingError` when the npm assets are
    not installed, and :class:`MapError` if anything would still be fetched online
    (other than tiles the caller asked for).
    """
    html = m.get_root().render()
    if not self_contained:
        return str(html)
    from .assets import make_self_contained

    result = make_self_contained(html)
    if result.missing:
        raise MapError("no local copy of: " + ", ".join(result.missing))
    remote = [u for u in result.remote_refs if not (allow_tiles and "{z}" in u)]
    if remote:
        raise MapError("the page would still fetch: " + ", ".join(remote))
    return str(result.html)
