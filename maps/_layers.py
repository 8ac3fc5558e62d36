"""Layers that drop into anybody's folium map: zones, reference lines, incidents, tracks.

Each builder follows the contract of ``GeoDataFrame.explore``: it returns a folium
element, or, given ``m=`` (a ``folium.Map`` or any folium parent), adds the element
to ``m`` and returns ``m``. The layers carry their own escaping (every text from
data goes through :func:`~airmap.maps.display_text`) and their own scripts and
styles (added to the page's header when it renders), and use only the default
Leaflet panes, so they sit beside the caller's tiles, markers and layers.

Each layer also knows its legend rows (``legend_entries``); :func:`legend` builds
one :class:`~airmap.maps.Legend` from any of them. Inlining the page's scripts so
that it opens with no network is a separate step: :func:`save` (or
:func:`~airmap.maps.make_self_contained` on HTML the caller rendered).

>>> import folium
>>> from airmap.maps import zone_layer, incident_layer, legend
>>> m = folium.Map(location=[37.2, 131.0], zoom_start=7)
>>> m = zone_layer(kinds=["adiz", "territorial_airspace"], m=m)
>>> m = incident_layer(incident_ids=["2019-07-23-dokdo"], m=m)
>>> m = legend(m=m)
>>> [type(c).__name__ for c in m._children.values()][1:]
['ZoneLayer', 'IncidentLayer', 'Legend']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import numpy as np

import folium

from airmap.geo import AirmapError

from ._escape import display_text, safe_url
from ._legend import Legend, LegendEntry
from ._style import (
    DISPUTED_DASH,
    HYPOTHESIS_DASH,
    KIND_COLOUR,
    KIND_LABEL,
    REFERENCE_STYLE,
    RING_DASH,
    SIDE_COLOUR,
    TAG_LABEL,
    TAG_STYLE,
    TRACK_COLOUR,
    ZONE_FILL_OPACITY,
    account_labels,
    kind_colour,
    position_roles,
)
from ._vector import VectorFeature, VectorLayer

if TYPE_CHECKING:
    from airmap.incidents import Assessment, IncidentCatalogue, Position
    from airmap.layers import ReferenceLine, ZoneCatalogue, ZoneVersion

__all__ = [
    "IncidentLayer",
    "LayerError",
    "ReferenceLayer",
    "TrackLayer",
    "ZoneLayer",
    "incident_layer",
    "legend",
    "reference_layer",
    "save",
    "track_layer",
    "zone_layer",
]

E = TypeVar("E")


class LayerError(AirmapError, ValueError):
    """A layer cannot be built as asked (unknown incident or zone kind, bad option)."""


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


def _added(element: E, m: Any) -> E | Any:
    """``m`` with `element` added to it, or `element` when there is no ``m``."""
    if m is None:
        return element
    element.add_to(m)  # type: ignore[attr-defined]
    return m


# ----------------------------------------------------------------- catalogues


def _zones_of(catalogue: Any) -> ZoneCatalogue:
    """A ZoneCatalogue from a ZoneCatalogue, an IncidentCatalogue or None (seeds)."""
    from airmap.incidents import IncidentCatalogue
    from airmap.layers import ZoneCatalogue

    if catalogue is None:
        return ZoneCatalogue.default()
    if isinstance(catalogue, IncidentCatalogue):
        return catalogue.zones
    if isinstance(catalogue, ZoneCatalogue):
        return catalogue
    raise LayerError(
        f"expected a ZoneCatalogue or an IncidentCatalogue, not {type(catalogue).__name__}"
    )


def _incidents_of(incidents: Any) -> IncidentCatalogue:
    from airmap.incidents import IncidentCatalogue

    if incidents is None:
        return IncidentCatalogue.default()
    if isinstance(incidents, IncidentCatalogue):
        return incidents
    raise LayerError(f"expected an IncidentCatalogue, not {type(incidents).__name__}")


def _assessments(
    incidents: Any, incident_ids: Sequence[str] | None
) -> tuple[IncidentCatalogue, list[Assessment]]:
    from airmap.incidents import UnknownIncidentError

    cat = _incidents_of(incidents)
    if isinstance(incident_ids, str):
        incident_ids = [incident_ids]
    try:
        chosen = [cat.get(i) for i in incident_ids] if incident_ids else list(cat)
    except UnknownIncidentError as exc:
        raise LayerError(str(exc)) from None
    return cat, [cat.assess(i.id) for i in chosen]


def _check_kinds(zones: ZoneCatalogue, kinds: Iterable[str] | None) -> None:
    known = sorted({z.kind.value for z in zones})
    for k in kinds or ():
        if k not in known:
            raise LayerError(
                f"unknown zone kind {k!r}; expected one of: {', '.join(known)}"
            )


# ----------------------------------------------------------------------- zones


def zone_popup(v: ZoneVersion, sources: Any) -> str:
    """The popup of a zone version: holder, claimants, validity, derivation, sources."""
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


class ZoneLayer(folium.FeatureGroup):
    """Zone versions as one layer: a ``GeoJson`` child per version, with popups.

    Built by :func:`zone_layer`. ``drawn`` lists ``(GeoJson layer, ZoneVersion)``
    pairs (what a time slider switches); ``legend_entries`` the legend rows, one
    per kind and disputed-or-not, tied to the version layers they stand for.
    """

    def __init__(self, name: str, *, show: bool = True) -> None:
        super().__init__(name=name, show=show)
        self.drawn: list[tuple[Any, ZoneVersion]] = []

    @property
    def legend_entries(self) -> list[LegendEntry]:
        """Legend rows: kind × disputed, tied to their version layers."""
        entries: list[LegendEntry] = []
        for kind in (*KIND_COLOUR, *sorted({v.zone.kind.value for _, v in self.drawn})):
            for disputed in (False, True):
                layers = tuple(
                    layer
                    for layer, v in self.drawn
                    if v.zone.kind.value == kind and v.zone.disputed == disputed
                )
                label = KIND_LABEL.get(kind, kind) + (" (disputed)" if disputed else "")
                if layers and not any(e.label == label for e in entries):
                    entries.append(
                        LegendEntry(
                            label,
                            kind_colour(kind),
                            "area",
                            DISPUTED_DASH if disputed else None,
                            ZONE_FILL_OPACITY,
                            False,
                            layers,
                        )
                    )
        return entries


def zone_versions(
    zones: ZoneCatalogue,
    *,
    when: dt.datetime | Literal["all"] | None = None,
    kinds: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
) -> list[ZoneVersion]:
    """The zone versions a layer shows, in catalogue order.

    ``when``: a zone-aware instant (the versions in force then), ``"all"`` (every
    version), or ``None`` (the current versions: those with no end).
    """
    kinds = (
        None if kinds is None else [kinds] if isinstance(kinds, str) else list(kinds)
    )
    _check_kinds(zones, kinds)
    wanted = None if ids is None else [ids] if isinstance(ids, str) else list(ids)
    if wanted is not None:
        for zid in wanted:
            zones.get(zid)  # unknown id: an error that suggests close ids
    if isinstance(when, dt.datetime) and when.tzinfo is None:
        raise LayerError(
            f"when={when.isoformat()} has no time zone; pass an aware datetime "
            "(e.g. datetime(2019, 7, 23, tzinfo=UTC))"
        )
    if not (when is None or when == "all" or isinstance(when, dt.datetime)):
        raise LayerError(f"when must be a datetime, 'all' or None, not {when!r}")
    out = []
    for z in zones:
        if kinds is not None and z.kind.value not in kinds:
            continue
        if wanted is not None and z.id not in wanted:
            continue
        for v in z.versions:
            if isinstance(when, dt.datetime):
                if not v.validity.contains(when):
                    continue
            elif when is None and v.validity.end is not None:
                continue
            out.append(v)
    return out


def zone_layer(
    catalogue: ZoneCatalogue | IncidentCatalogue | None = None,
    *,
    when: dt.datetime | Literal["all"] | None = None,
    kinds: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
    name: str = "Airspace zones",
    show: bool = True,
    m: Any = None,
) -> Any:
    """Zones as a folium layer, each version with a popup citing its sources.

    Areas only (partial zones known as a line are not drawn); colours by kind,
    disputed zones dashed and heavier, and the popup lists the holder and every
    claimant.

    Parameters
    ----------
    catalogue : ZoneCatalogue or IncidentCatalogue, optional
        Where the zones come from (default: the shipped seeds).
    when : datetime, "all" or None
        The versions in force at this aware instant; ``"all"`` for every version
        (e.g. with a time slider); ``None`` (default) for the current ones.
    kinds : iterable of str, optional
        Only these zone kinds (``"adiz"``, ``"territorial_airspace"``, …).
    ids : iterable of str, optional
        Only these zone ids.
    name : str
        The layer's name in a layer control (shown as text).
    show : bool
        Whether the layer is on when the page opens.
    m : folium.Map or folium element, optional
        Add the layer to it and return it.

    Returns
    -------
    ZoneLayer or the given ``m``

    Raises
    ------
    LayerError
        An unknown kind, a naive ``when``.
    airmap.layers.UnknownZoneError
        An unknown zone id (the message suggests close ones).
    """
    import folium

    zones = _zones_of(catalogue)
    versions = zone_versions(zones, when=when, kinds=kinds, ids=ids)
    sources = zones.sources
    group = ZoneLayer(display_text(name), show=show)
    for v in versions:
        if not v.is_area:
            continue
        colour = kind_colour(v.zone.kind.value)
        disputed = v.zone.disputed
        feature = {
            "type": "Feature",
            "geometry": v.__geo_interface__["geometry"],
            "properties": {"key": v.key, "disputed": disputed},
        }
        style = {
            "color": colour,
            "weight": 3 if disputed else 2,
            "fillColor": colour,
            "fillOpacity": ZONE_FILL_OPACITY,
            "dashArray": DISPUTED_DASH if disputed else None,
            "className": "airmap-zone" + (" airmap-disputed" if disputed else ""),
        }
        layer = folium.GeoJson(
            feature,
            name=display_text(v.key),
            style_function=lambda _f, s=style: s,
            tooltip=folium.Tooltip(display_text(f"{v.zone.name} ({v.key})")),
        ).add_to(group)
        folium.Popup(zone_popup(v, sources), max_width=420).add_to(layer)
        group.drawn.append((layer, v))
    return _added(group, m)


class ReferenceLayer(folium.FeatureGroup):
    """Reference lines (median lines, shelf boundaries) as one layer."""

    def __init__(self, name: str, *, show: bool = True) -> None:
        super().__init__(name=name, show=show)
        self.lines: list[ReferenceLine] = []

    @property
    def legend_entries(self) -> list[LegendEntry]:
        """One row, "Reference line", while there are any."""
        if not self.lines:
            return []
        return [
            LegendEntry(
                "Reference line",
                str(REFERENCE_STYLE["color"]),
                "line",
                str(REFERENCE_STYLE["dashArray"]),
                0.0,
                False,
                (self,),
            )
        ]


def reference_layer(
    catalogue: ZoneCatalogue | IncidentCatalogue | None = None,
    *,
    name: str = "Reference lines",
    show: bool = True,
    m: Any = None,
) -> Any:
    """Reference lines (not areas) as a folium layer with popups citing sources.

    Same contract as :func:`zone_layer`.
    """
    import folium
    from shapely.geometry import mapping

    zones = _zones_of(catalogue)
    group = ReferenceLayer(display_text(name), show=show)
    for ln in zones.reference_lines:
        popup = "<br>".join(
            [
                f"<b>{display_text(ln.name)}</b>",
                _p("line", ln.id),
                _p("declared by", ln.declared_by),
                _p("derivation", ln.derivation) if ln.derivation else "",
                "<b>sources</b><br>" + _links(ln.sources, zones.sources),
            ]
        )
        layer = folium.GeoJson(
            {
                "type": "Feature",
                "geometry": dict(mapping(ln.geometry)),
                "properties": {},
            },
            style_function=lambda _f: dict(REFERENCE_STYLE),
            tooltip=folium.Tooltip(display_text(ln.name)),
        ).add_to(group)
        folium.Popup(popup.replace("<br><br>", "<br>"), max_width=420).add_to(layer)
        group.lines.append(ln)
    return _added(group, m)


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


def position_shape(p: Position, colour: str) -> tuple[str, list[Any], dict[str, Any]]:
    """Kind (``"polygon"``/``"line"``), parts and style of a position as drawn.

    A position is its geodesic uncertainty disc (every vertex on the circle); a
    distance-only account is its line of points, dashed.
    """
    from ._vector import circle_ring

    if p.is_ring:
        geom = p.geometry
        lines = (
            [geom]
            if geom.geom_type == "LineString"
            else list(getattr(geom, "geoms", ()))
        )
        parts: list[Any] = [tuple(np.asarray(g.coords).T[:2]) for g in lines]
        return "line", parts, {"color": colour, "weight": 3, "dashArray": RING_DASH}
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


class IncidentLayer(VectorLayer):
    """Incident positions with their uncertainty, as one compact vector layer.

    Built by :func:`incident_layer`; ``assessments`` are the incidents drawn, with
    their computed verdicts.
    """

    def __init__(self, name: str, *, show: bool = True) -> None:
        super().__init__(name=name, show=show)
        self.assessments: list[Assessment] = []

    @property
    def legend_entries(self) -> list[LegendEntry]:
        """Rows for the sides drawn (claim, counter-claim) and the outline styles."""
        positions = [p for a in self.assessments for p in a.incident.positions]
        if not positions:
            return []
        roles = {
            cv.claim.role.value
            for a in self.assessments
            for cv in a.claims
            if any(p.by == cv.claim.by for p in a.incident.positions)
        }
        entries: list[LegendEntry] = []
        if "claim" in roles or not roles:
            entries.append(
                LegendEntry(
                    "Claim: position ± uncertainty",
                    SIDE_COLOUR["claim"],
                    "area",
                    None,
                    0.3,
                    False,
                    (self,),
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
                    (self,),
                )
            )
        for tag in sorted({p.tag.value for p in positions if not p.is_ring}):
            dash, opacity = TAG_STYLE.get(tag, ("", 0.2))
            entries.append(
                LegendEntry(
                    f"Outline: {TAG_LABEL.get(tag, tag)}",
                    "#555555",
                    "area",
                    dash or None,
                    opacity,
                    False,
                    (self,),
                )
            )
        if any(p.is_ring for p in positions):
            entries.append(
                LegendEntry(
                    "Distance-only account (line of points)",
                    "#555555",
                    "line",
                    RING_DASH,
                    0.0,
                    False,
                    (self,),
                )
            )
        return entries


def incident_layer(
    incidents: IncidentCatalogue | None = None,
    *,
    incident_ids: Sequence[str] | str | None = None,
    name: str = "Incidents",
    show: bool = True,
    m: Any = None,
) -> Any:
    """Incident positions as a folium layer: uncertainty discs, accounts, verdicts.

    Each position is its geodesic uncertainty polygon, coloured by the side of
    its own state's account (claim or counter-claim) and outlined by how it was
    obtained (published, named place, derived, estimate); a distance-only
    account is its line of points. The popup gives the zones the position is in
    with their claimants, each claim that checks it with the computed verdict,
    and the sources. Where accounts conflict, each state's account carries a
    permanent label.

    Parameters
    ----------
    incidents : IncidentCatalogue, optional
        Incidents and the zones they refer to (default: the shipped seeds).
    incident_ids : str or sequence of str, optional
        Only these incidents (default: all).
    name, show, m
        As for :func:`zone_layer`.

    Raises
    ------
    LayerError
        An unknown incident id (the message suggests close ones).
    """
    cat, assessments = _assessments(incidents, incident_ids)
    sources = cat.sources or cat.zones.sources
    layer = IncidentLayer(display_text(name), show=show)
    layer.assessments = assessments
    for a in assessments:
        inc = a.incident
        roles = position_roles(inc)
        zones_of = {pz.position.id: pz for pz in a.positions}
        labels = account_labels(inc)
        incident_row = _p("incident", f"{inc.id}: {inc.title}")
        for p in inc.positions:
            colour = SIDE_COLOUR[roles.get(p.id, "claim")]
            kind, parts, style = position_shape(p, colour)
            account = f"{p.by} account · " if p.by else ""
            layer.add_feature(
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
    return _added(layer, m)


class TrackLayer(folium.FeatureGroup):
    """Incident tracks as one layer of polylines (hypotheses dashed)."""

    def __init__(self, name: str, *, show: bool = True) -> None:
        super().__init__(name=name, show=show)
        self.hypothesis: list[bool] = []

    @property
    def legend_entries(self) -> list[LegendEntry]:
        """Rows for observed and hypothetical tracks, as drawn."""
        entries: list[LegendEntry] = []
        if any(not h for h in self.hypothesis):
            entries.append(
                LegendEntry(
                    "Track (observed)", TRACK_COLOUR, "line", None, 0.0, False, (self,)
                )
            )
        if any(self.hypothesis):
            entries.append(
                LegendEntry(
                    "Track (hypothesis)",
                    TRACK_COLOUR,
                    "line",
                    HYPOTHESIS_DASH,
                    0.0,
                    False,
                    (self,),
                )
            )
        return entries


def track_layer(
    incidents: IncidentCatalogue | None = None,
    *,
    incident_ids: Sequence[str] | str | None = None,
    name: str = "Tracks",
    show: bool = True,
    m: Any = None,
) -> Any:
    """Incident tracks as a folium layer; popups give times, assumptions, sources.

    Same parameters and contract as :func:`incident_layer`.
    """
    import folium

    cat, assessments = _assessments(incidents, incident_ids)
    sources = cat.sources or cat.zones.sources
    group = TrackLayer(display_text(name), show=show)
    for a in assessments:
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
                color=TRACK_COLOUR,
                weight=2,
                dash_array=HYPOTHESIS_DASH if t.hypothesis else None,
                popup=folium.Popup(text, max_width=480),
                tooltip=folium.Tooltip(display_text(t.id)),
            ).add_to(group)
            group.hypothesis.append(bool(t.hypothesis))
    return _added(group, m)


# ---------------------------------------------------------------------- legend


def _descendants(root: Any) -> Iterable[Any]:
    yield root
    for child in getattr(root, "_children", {}).values():
        yield from _descendants(child)


@overload
def legend(
    *layers: Any,
    m: None = None,
    title: str = ...,
    position: str = ...,
    collapsed: bool = ...,
) -> Legend: ...
@overload
def legend(
    *layers: Any,
    m: folium.Map,
    title: str = ...,
    position: str = ...,
    collapsed: bool = ...,
) -> folium.Map: ...
def legend(
    *layers: Any,
    m: folium.Map | None = None,
    title: str = "Legend",
    position: str = "bottomright",
    collapsed: bool = False,
) -> Legend | folium.Map:
    """A legend for our layers whose rows follow the layers on the map.

    Parameters
    ----------
    *layers : ZoneLayer, ReferenceLayer, IncidentLayer, TrackLayer
        The layers to explain, in order. None given: every one of our layers
        found on ``m``.
    m : folium.Map, optional
        Add the legend to it and return it. Without ``m`` the legend is returned
        and must be added to the ``folium.Map`` its layers are on.
    title, position, collapsed
        As for :class:`~airmap.maps.Legend`.

    Raises
    ------
    LayerError
        Nothing to explain (no layers given and none of ours on ``m``), or a
        layer that is not one of ours.
    """
    if not layers and m is not None:
        layers = tuple(
            el for el in _descendants(m) if hasattr(type(el), "legend_entries")
        )
    if not layers:
        raise LayerError(
            "legend(): no layers to explain; pass our layers or a map (m=) that has them"
        )
    entries: list[LegendEntry] = []
    for layer in layers:
        if not hasattr(type(layer), "legend_entries"):
            raise LayerError(
                f"legend(): a {type(layer).__name__} is not one of airmap's layers "
                "(zone_layer, reference_layer, incident_layer, track_layer)"
            )
        for entry in layer.legend_entries:
            same = next((e for e in entries if e.label == entry.label), None)
            if same is None:
                entries.append(entry)
            else:  # one row for both layers (e.g. the ADIZs of two zone layers)
                i = entries.index(same)
                entries[i] = LegendEntry(
                    same.label,
                    same.colour,
                    same.kind,
                    same.dash,
                    same.fill_opacity,
                    same.hatched,
                    (*same.layers, *entry.layers),
                )
    if not entries:
        raise LayerError("legend(): the layers given draw nothing")
    box = Legend(entries, title=title, position=position, collapsed=collapsed)
    if m is None:
        return box
    box.add_to(m)
    return m


# ------------------------------------------------------------------------ save


def save(
    m: Any,
    path: str | Path,
    *,
    self_contained: bool = True,
    allow_tiles: bool = True,
) -> Path:
    """Write a folium map (ours or the caller's) as one HTML file, atomically.

    With ``self_contained`` (the default) every script, style, font and image
    folium's page would fetch is inlined from the pinned npm packages, so the
    page opens with no network; only the tile layers the caller added still
    fetch their tiles (``allow_tiles=False`` refuses those too).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    airmap.maps.AssetsMissingError
        The npm packages are not installed (``npm ci``).
    airmap.maps.MapError
        Something other than tiles would still be fetched.
    airmap.geo.OutputPathError
        The file cannot be written (missing directory, no permission).
    """
    from airmap.geo import atomic_path

    from ._map import render_html

    html = render_html(m, self_contained=self_contained, allow_tiles=allow_tiles)
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8", newline="\n")
    return target
