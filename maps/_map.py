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
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from airmap.geo import AirmapError

from ._escape import display_text, safe_url
from ._style import (
    KIND_COLOUR,
    KIND_LABEL,
    SIDE_COLOUR,
    TAG_LABEL,
    TAG_STYLE,
    ZONE_GROUPS,
    account_labels,
    position_roles,
)

if TYPE_CHECKING:
    import folium

    from airmap.incidents import Assessment, Incident, IncidentCatalogue, Position
    from airmap.layers import ZoneCatalogue, ZoneVersion

__all__ = ["ZONE_GROUPS", "incident_map", "render_html", "stable_ids"]


class MapError(AirmapError, ValueError):
    """A map cannot be built as asked (unknown incident, unknown zone kind, …)."""


# ------------------------------------------------------------------ text pieces


def _p(label: str, value: str) -> str:
    return f"<b>{display_text(label)}</b> {display_text(value)}"


def _links(ids: Iterable[str], sources: Any) -> str:
    parts = []
    for sid in ids:
        src = sources.get(sid)
        if src is None:
            parts.append(display_text(sid))
            continue
        title = display_text(src.title)
        url = safe_url(src.url)
        conf = display_text(src.confidence.value)
        if url is None:
            parts.append(f"{title} ({conf})")
        else:
            parts.append(
                f'<a href="{url}" target="_blank" rel="noopener noreferrer">'
                f"{title}</a> ({conf})"
            )
    return "<br>".join(parts)


def _when(t: dt.datetime, tz: Any) -> str:
    loc = t.astimezone(tz)
    return f"{t:%Y-%m-%d %H:%M:%S} UTC ({loc:%Y-%m-%d %H:%M:%S} {loc.tzname()})"


# ----------------------------------------------------------------------- zones


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


def _zone_popup(v: ZoneVersion, sources: Any) -> str:
    z = v.zone
    disputed = len(z.claimants) > 1
    rows = [
        f"<b>{display_text(z.name)}</b>",
        _p("zone", v.key),
        _p("kind", z.kind.value),
        _p("declared by", z.declared_by),
        _p("held by", z.holder or "—"),
        _p("claimed by", ", ".join(z.claimants) + (" (DISPUTED)" if disputed else "")),
        _p("in force", str(v.validity)),
        _p(
            "uncertainty",
            f"± {v.uncertainty_m:,.0f} m; confidence {v.confidence.value}",
        ),
        _p("derivation", v.derivation),
    ]
    if v.partial:
        rows.append(_p("partial", "only part of this zone is known"))
    rows.append("<b>sources</b><br>" + _links(v.sources or z.sources, sources))
    return "<br>".join(rows)


def _zone_layers(
    m: folium.Map, versions: Sequence[ZoneVersion], sources: Any
) -> list[tuple[Any, ZoneVersion]]:
    import folium

    groups: dict[str, folium.FeatureGroup] = {}
    for group, kinds in ZONE_GROUPS.items():
        if any(v.zone.kind.value in kinds for v in versions):
            groups[group] = folium.FeatureGroup(name=group)
            groups[group].add_to(m)
    drawn: list[tuple[Any, ZoneVersion]] = []
    for v in versions:
        if not v.is_area:
            continue
        group = next(
            g for g, kinds in ZONE_GROUPS.items() if v.zone.kind.value in kinds
        )
        colour = KIND_COLOUR.get(v.zone.kind.value, "#666666")
        disputed = len(v.zone.claimants) > 1
        feature = {
            "type": "Feature",
            "geometry": v.__geo_interface__["geometry"],
            "properties": {"key": v.key, "disputed": disputed},
        }
        style = {
            "color": colour,
            "weight": 3 if disputed else 2,
            "fillColor": colour,
            "fillOpacity": 0.08,
            "dashArray": "10 6" if disputed else None,
            "className": "airmap-zone" + (" airmap-disputed" if disputed else ""),
        }
        layer = folium.GeoJson(
            feature,
            name=v.key,
            style_function=lambda _f, s=style: s,
            tooltip=folium.Tooltip(display_text(f"{v.zone.name} ({v.key})")),
        ).add_to(groups[group])
        folium.Popup(_zone_popup(v, sources), max_width=420).add_to(layer)
        drawn.append((layer, v))
    return drawn


def _reference_lines(m: folium.Map, zones: ZoneCatalogue, sources: Any) -> Any:
    import folium

    lines = zones.reference_lines
    if not lines:
        return None
    group = folium.FeatureGroup(name="Reference lines").add_to(m)
    for ln in lines:
        popup = "<br>".join(
            [
                f"<b>{display_text(ln.name)}</b>",
                _p("line", ln.id),
                _p("declared by", ln.declared_by),
                "<b>sources</b><br>" + _links(ln.sources, sources),
            ]
        )
        layer = folium.GeoJson(
            {"type": "Feature", "geometry": _geom(ln.geometry), "properties": {}},
            style_function=lambda _f: {
                "color": "#444444",
                "weight": 2,
                "dashArray": "4 4",
            },
            tooltip=folium.Tooltip(display_text(ln.name)),
        ).add_to(group)
        folium.Popup(popup, max_width=420).add_to(layer)
    return group


def _geom(geometry: Any) -> dict[str, Any]:
    from shapely.geometry import mapping

    return dict(mapping(geometry))


# ------------------------------------------------------------------- incidents


def _position_rows(
    p: Position, a: Assessment, pz: Any, sources: Any, incident_row: str
) -> list[str]:
    """Popup rows of one position: what, whose account, zones, verdicts, sources."""
    inc = a.incident
    rows = [
        f"<b>{display_text(p.label)}</b>",
        incident_row,
        _p(
            "position",
            f"{p.id} [{p.tag.value}]" + (f", account of {p.by}" if p.by else ""),
        ),
        _p("uncertainty", f"± {p.uncertainty_m:,.0f} m"),
        _p("how", p.derivation),
    ]
    if p.at is not None:
        rows.append(_p("time", _when(p.at, inc.window.tz)))
    zones = [
        f"{m.zone_version.key}: {m.status.label}, claimed by {', '.join(m.claimants)}"
        + (f", held by {m.holder}" if m.holder else "")
        for m in pz.memberships
    ]
    rows.append(_p("zones", "; ".join(zones) or "none of the catalogue's zones"))
    for cv in a.claims:
        for r in cv.results:
            if r.check.subject == p.id:
                rows.append(
                    _p(
                        f"{cv.claim.by} {cv.claim.role.value} {cv.claim.id}:",
                        f"{cv.claim.says} — computed: {r.verdict.label} ({r.detail})",
                    )
                )
    rows.append("<b>sources</b><br>" + _links(p.sources, sources))
    return rows


def _position_feature(
    p: Position, colour: str
) -> tuple[str, list[Any], dict[str, Any]]:
    """Kind, parts and style of a position drawn with its uncertainty."""
    from ._vector import circle_ring

    if p.is_ring:
        geom = p.geometry
        lines = (
            [geom]
            if geom.geom_type == "LineString"
            else list(getattr(geom, "geoms", ()))
        )
        parts: list[Any] = [tuple(np.asarray(g.coords).T[:2]) for g in lines]
        return "line", parts, {"color": colour, "weight": 3, "dashArray": "12 6"}
    dash, opacity = TAG_STYLE.get(p.tag.value, ("", 0.2))
    ring = circle_ring(p.lon, p.lat, max(p.uncertainty_m, 1.0))
    style = {
        "color": colour,
        "weight": 2,
        "fillColor": colour,
        "fillOpacity": opacity,
        "dashArray": dash or None,
        "className": f"airmap-position airmap-tag-{p.tag.value.replace('_', '-')}",
    }
    return "polygon", [[ring]], style


def _incident_layers(
    m: folium.Map, assessments: Sequence[Assessment], sources: Any
) -> tuple[Any, Any]:
    import folium

    from ._vector import VectorFeature, VectorLayer

    positions = VectorLayer(name="Incidents")
    positions.add_to(m)
    tracks = folium.FeatureGroup(name="Tracks").add_to(m)
    for a in assessments:
        inc = a.incident
        roles = position_roles(a)
        zones_of = {pz.position.id: pz for pz in a.positions}
        labels = account_labels(a)
        incident_row = _p("incident", f"{inc.id}: {inc.title}")
        for p in inc.positions:
            colour = SIDE_COLOUR[roles.get(p.id, "claim")]
            kind, parts, style = _position_feature(p, colour)
            account = f"{p.by} account · " if p.by else ""
            positions.add_feature(
                VectorFeature(
                    kind=kind,
                    parts=parts,
                    style=style,
                    tooltip=display_text(f"{account}{p.label} ({p.tag.value})"),
                    popup=_position_rows(p, a, zones_of[p.id], sources, incident_row),
                    label=display_text(labels[p.id]) if p.id in labels else "",
                    properties={
                        "incident": inc.id,
                        "position": p.id,
                        "tag": p.tag.value,
                        "by": p.by,
                    },
                )
            )
        for ta in a.tracks:
            t = ta.track
            coords = [[float(y), float(x)] for x, y in zip(t.lon, t.lat, strict=True)]
            text = "<br>".join(
                [
                    f"<b>{display_text(t.id)}</b>"
                    + (" — HYPOTHESIS" if t.hypothesis else ""),
                    _p("from", _when(t.start, a.incident.window.tz)),
                    _p("to", _when(t.end, a.incident.window.tz)),
                    _p("assumptions", t.hypothesis) if t.hypothesis else "",
                    "<b>sources</b><br>" + _links(t.sources, sources),
                ]
            )
            folium.PolyLine(  # type: ignore[no-untyped-call]
                coords,
                color="#000000",
                weight=2,
                dash_array="6 6" if t.hypothesis else None,
                popup=folium.Popup(text, max_width=480),
                tooltip=folium.Tooltip(display_text(t.id)),
            ).add_to(tracks)
    return positions, tracks


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
    # every version of the chosen kinds; the time slider shows those in force
    versions = [v for z in zones for v in z.versions]
    if kinds:
        versions = [v for v in versions if v.zone.kind.value in kinds]
    m = folium.Map(
        location=_centre(chosen),
        zoom_start=8 if len(chosen) == 1 else 5,
        tiles="OpenStreetMap" if tiles == "osm" else None,
        control_scale=True,
    )
    _basemap(m, online_tiles=tiles == "osm")
    sources = cat.sources or zones.sources
    drawn = _zone_layers(m, versions, sources)
    references = _reference_lines(m, zones, sources)
    assessments = [cat.assess(i.id) for i in chosen]
    positions, tracks = _incident_layers(m, assessments, sources)
    bounds = _bounds(chosen)
    if bounds is not None:
        m.fit_bounds(bounds)
    _time_slider(m, drawn, chosen, when)
    folium.LayerControl(collapsed=False).add_to(m)
    _legend(m, drawn, references, positions, tracks, assessments)
    MeasureControl(position="topleft").add_to(m)
    stable_ids(m)
    return m


def _legend(
    m: folium.Map,
    drawn: Sequence[tuple[Any, ZoneVersion]],
    references: Any,
    positions: Any,
    tracks: Any,
    assessments: Sequence[Assessment],
) -> None:
    """A legend whose entries follow their layers (layer control and time slider)."""
    from ._legend import Legend, LegendEntry

    entries = []
    for kind, colour in KIND_COLOUR.items():
        for disputed in (False, True):
            layers = tuple(
                layer
                for layer, v in drawn
                if v.zone.kind.value == kind and (len(v.zone.claimants) > 1) == disputed
            )
            if layers:
                label = KIND_LABEL.get(kind, kind)
                entries.append(
                    LegendEntry(
                        label + (" (disputed)" if disputed else ""),
                        colour,
                        "area",
                        "10 6" if disputed else None,
                        0.08,
                        False,
                        layers,
                    )
                )
    if references is not None:
        entries.append(
            LegendEntry(
                "Reference line", "#444444", "line", "4 4", 0.0, False, (references,)
            )
        )
    positions_all = [p for a in assessments for p in a.incident.positions]
    roles = {
        cv.claim.role.value
        for a in assessments
        for cv in a.claims
        if any(p.by == cv.claim.by for p in a.incident.positions)
    }
    if positions_all:
        if "claim" in roles or not roles:
            entries.append(
                LegendEntry(
                    "Claim: position ± uncertainty",
                    SIDE_COLOUR["claim"],
                    "area",
                    None,
                    0.3,
                    False,
                    (positions,),
                )
            )
        if "counter_claim" in roles:
            entries.append(
                LegendEntry(
                    "Counter-claim: position ± uncertainty",
                    SIDE_COLOUR["counter_claim"],
                    "area",
                    None,
                    0.3,
                    False,
                    (positions,),
                )
            )
        for tag in sorted({p.tag.value for p in positions_all if not p.is_ring}):
            dash, opacity = TAG_STYLE.get(tag, ("", 0.2))
            entries.append(
                LegendEntry(
                    f"Outline: {TAG_LABEL.get(tag, tag)}",
                    "#555555",
                    "area",
                    dash or None,
                    opacity,
                    False,
                    (positions,),
                )
            )
        if any(p.is_ring for p in positions_all):
            entries.append(
                LegendEntry(
                    "Distance-only account (line of points)",
                    "#555555",
                    "line",
                    "12 6",
                    0.0,
                    False,
                    (positions,),
                )
            )
    all_tracks = [ta.track for a in assessments for ta in a.tracks]
    if any(not t.hypothesis for t in all_tracks):
        entries.append(
            LegendEntry(
                "Track (observed)", "#000000", "line", None, 0.0, False, (tracks,)
            )
        )
    if any(t.hypothesis for t in all_tracks):
        entries.append(
            LegendEntry(
                "Track (hypothesis)", "#000000", "line", "6 6", 0.0, False, (tracks,)
            )
        )
    Legend(entries).add_to(m)


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
