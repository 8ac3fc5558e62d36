"""Static figures (PNG, SVG) of zones and incidents, styled like the HTML map.

:func:`figure` draws on a :class:`matplotlib.figure.Figure` with its own Agg canvas
(no ``pyplot``, no global state, no display needed): our land and coast layer on a
plain sea, the zone versions in force at an instant, reference lines, incident
positions with their geodesic uncertainty discs, distance-only accounts, tracks,
one label per conflicting account, a scale bar in km and NM, a north arrow, a
legend of what is drawn, the title and a caption citing the sources.
:func:`save_figure` writes PNG or SVG atomically and deterministically.

Every text from data is drawn with ``parse_math=False`` and ``usetex=False``, so
``$…$`` stays text, and SVG output escapes it as XML character data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
import textwrap
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from matplotlib.figure import Figure

from airmap.geo import NM, AirmapError, BBoxError, check_bbox

from ._style import (
    DISPUTED_DASH,
    HYPOTHESIS_DASH,
    KIND_LABEL,
    REFERENCE_STYLE,
    RING_DASH,
    SIDE_COLOUR,
    TAG_LABEL,
    TAG_STYLE,
    TRACK_COLOUR,
    ZONE_FILL_OPACITY,
    ZONE_GROUPS,
    account_labels,
    kind_colour,
    position_roles,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.text import Text

    from pyproj import Transformer

    from airmap.incidents import Incident, IncidentCatalogue
    from airmap.layers import ZoneCatalogue, ZoneVersion

__all__ = [
    "FIGURE_FORMATS",
    "FigureError",
    "IncidentFigure",
    "check_size",
    "figure",
    "figure_format",
    "save_figure",
]

#: The formats :func:`save_figure` writes.
FIGURE_FORMATS = ("png", "svg")

#: Sea, land, coast and border colours of the basemap (as on the HTML map).
SEA_COLOUR = "#dfe9f0"
LAND_COLOUR = "#f2efe6"
COAST_COLOUR = "#8c8c8c"
BORDER_COLOUR = "#7a7a7a"
_BORDER_DASH = "5 3"

#: Leaflet weights and dashes are CSS pixels; 1 px = 0.75 pt.
_PT_PER_PX = 0.75
#: The largest view (half its diagonal) a local azimuthal projection may show.
_MAX_HALF_DIAGONAL_M = 10_000_000.0
#: Agg cannot draw wider or taller than this.
_MAX_PIXELS = 32_000
#: Fixed metadata, so two renders give the same bytes.
_CREATOR = "airmap figure (airspace-incidents)"
_SVG_METADATA: dict[str, Any] = {"Date": None, "Creator": _CREATOR}
_PNG_METADATA: dict[str, Any] = {"Software": _CREATOR}
#: Z-orders: basemap, zones (largest kinds first), lines, positions, labels, furniture.
_Z_LAND, _Z_BORDER, _Z_ZONE, _Z_REF = 1.0, 1.5, 2.0, 3.0
_Z_POS, _Z_RING, _Z_TRACK, _Z_LABEL, _Z_FURNITURE = 4.0, 4.5, 5.0, 6.0, 7.0
_MAP_CREDIT = "land: GSHHG (LGPL-3.0+)"
_BORDER_CREDIT = "borders: © OpenStreetMap contributors (ODbL)"
_FALLBACK_FONTS = (
    "Noto Sans CJK KR",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans",
)


class FigureError(AirmapError, ValueError):
    """A figure cannot be made as asked (unknown incident, bad box, bad format, …)."""


class IncidentFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that knows what it shows.

    Returned by :func:`figure`; draw on or save it like any Figure.
    """

    #: PROJ definition of the map's projection (x, y in metres).
    crs: str
    #: The map axes (projected metres, equal aspect).
    map_axes: Axes
    #: ``(x_min, x_max, y_min, y_max)`` of the map view, projected metres.
    extent_m: tuple[float, float, float, float]
    #: The instant whose zone versions are drawn (UTC), if any.
    when: dt.datetime | None
    #: Incidents drawn.
    incident_ids: tuple[str, ...]
    #: Zone versions drawn (``"kadiz@2013"``, …), in legend order.
    zone_keys: tuple[str, ...]
    #: Ids of the sources the caption cites.
    source_ids: tuple[str, ...]


# --------------------------------------------------------------- validation


def figure_format(path: str | Path, format: str | None = None) -> str:
    """Return the output format: ``format`` if given, else the suffix of ``path``.

    Parameters
    ----------
    path : str or Path
        The output file.
    format : {"png", "svg"}, optional
        Overrides the suffix.

    Returns
    -------
    str
        ``"png"`` or ``"svg"``.

    Raises
    ------
    FigureError
        An unknown format or suffix (the message names it and the known ones).

    Examples
    --------
    >>> figure_format("dokdo.SVG"), figure_format("dokdo.out", "png")
    ('svg', 'png')
    """
    if format is not None:
        fmt = format.lower().lstrip(".")
        if fmt not in FIGURE_FORMATS:
            raise FigureError(
                f"unknown figure format {format!r}; expected one of: "
                + ", ".join(FIGURE_FORMATS)
            )
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FIGURE_FORMATS:
        shown = f"suffix {Path(path).suffix!r}" if suffix else "no suffix"
        raise FigureError(
            f"{path}: unknown figure format ({shown}); name the file .png or .svg "
            "or give the format"
        )
    return suffix


def check_size(size: Sequence[float], dpi: float) -> tuple[float, float, float]:
    """Validate a figure size (inches) and resolution; return ``(w, h, dpi)``.

    Raises
    ------
    FigureError
        Not two positive numbers, smaller than 4 x 3 inches, or more than
        32,000 pixels across.
    """
    try:
        w, h = (float(v) for v in size)
    except (TypeError, ValueError):
        raise FigureError(
            f"size: {size!r} is not two numbers (width, height in inches)"
        ) from None
    d = float(dpi)
    if not (math.isfinite(w) and math.isfinite(h) and w > 0 and h > 0):
        raise FigureError(f"size: {w:g}x{h:g} inches must be positive")
    if not (math.isfinite(d) and d > 0):
        raise FigureError(f"dpi: {dpi!r} must be a positive number")
    if w < 4.0 or h < 3.0:
        raise FigureError(f"size: {w:g}x{h:g} inches is too small (at least 4x3)")
    if max(w, h) * d > _MAX_PIXELS:
        raise FigureError(
            f"size: {w:g}x{h:g} inches at {d:g} dpi is more than "
            f"{_MAX_PIXELS:,} pixels across"
        )
    return w, h, d


# ------------------------------------------------------------------ helpers


@contextlib.contextmanager
def _rc(svg_fonttype: str = "path") -> Iterator[None]:
    """Fixed matplotlib settings for drawing and saving (fonts, ids, no TeX)."""
    import matplotlib as mpl
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = ["DejaVu Sans", *(f for f in _FALLBACK_FONTS if f in installed)]
    with mpl.rc_context(
        {
            "font.family": family,
            "text.usetex": False,
            "text.parse_math": False,
            "lines.scale_dashes": True,
            "svg.hashsalt": "airmap",
            "svg.fonttype": svg_fonttype,
            "svg.image_inline": True,
            "path.simplify": True,
            "axes.unicode_minus": True,
        }
    ):
        yield


@contextlib.contextmanager
def _quiet_glyphs() -> Iterator[None]:
    """Glyphs the installed fonts lack are drawn as boxes: not worth a warning."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Glyph \d+ .*missing from", category=UserWarning
        )
        yield


def _linestyle(dash: str | None, weight_px: float) -> Any:
    """A Leaflet ``dashArray`` (CSS px) as a matplotlib dash pattern.

    matplotlib scales dashes by the line width (``lines.scale_dashes``), so the
    pattern in units of the width is ``px / weight_px``.
    """
    if not dash:
        return "solid"
    values = tuple(float(v) / weight_px for v in dash.replace(",", " ").split())
    return (0.0, values)


def _inert(text: Text) -> Text:
    """Make a Text show its string as typed: no mathtext, no TeX."""
    text.set_parse_math(False)
    text.set_usetex(False)
    return text


def _wrap(text: str, width: int, max_lines: int | None = None) -> str:
    """Wrap at spaces to ``width`` characters (only longer words are broken)."""
    lines = textwrap.wrap(
        text,
        width=max(width, 10),
        break_long_words=True,
        break_on_hyphens=False,
        max_lines=max_lines,
        placeholder=" …",
    )
    return "\n".join(lines) if lines else text


def _chars(width_in: float, fontsize: float) -> int:
    """About how many characters fit on a line ``width_in`` inches wide."""
    return int(width_in * 72.0 / (fontsize * 0.55))


def _fit_text(
    fig: Figure,
    renderer: RendererBase,
    xy: tuple[float, float],
    make: Callable[[int], str],
    chars: int,
    max_px: float,
    **kwargs: Any,
) -> Text:
    """A figure text, rewrapped narrower until it is at most ``max_px`` wide.

    ``make(width)`` gives the text wrapped to ``width`` characters; the width is
    measured with the figure's renderer, so wide glyphs cannot run off the page.
    """
    width = chars
    while True:
        text = _inert(fig.text(*xy, make(width), ha="left", va="top", **kwargs))
        if text.get_window_extent(renderer).width <= max_px or width <= 12:
            return text
        text.remove()
        width = max(12, int(width * 0.92))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt_utc(t: dt.datetime) -> str:
    return f"{t.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def _nice(value: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above ``value`` (``value`` > 0)."""
    exp = math.floor(math.log10(value))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0**exp <= value:
            return m * 10.0**exp
    return 10.0**exp


# --------------------------------------------------------------- projection


@dataclass(frozen=True)
class _View:
    """The local projection and the rectangle of the map, in its metres."""

    crs: str
    fwd: Transformer
    inv: Transformer
    x0: float
    x1: float
    y0: float
    y1: float

    def project(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.fwd.transform(
            np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        )
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def unproject(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = self.inv.transform(
            np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        )
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def overlaps(self, x: np.ndarray, y: np.ndarray) -> bool:
        """Whether the bounding box of the points meets the view."""
        if not x.size:
            return False
        return bool(
            np.nanmax(x) >= self.x0
            and np.nanmin(x) <= self.x1
            and np.nanmax(y) >= self.y0
            and np.nanmin(y) <= self.y1
        )

    def inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= self.x0) & (x <= self.x1) & (y >= self.y0) & (y <= self.y1)


def _aeqd(lon0: float, lat0: float) -> tuple[str, Transformer, Transformer]:
    from pyproj import Transformer

    lon0 = (lon0 + 180.0) % 360.0 - 180.0
    crs = (
        f"+proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +x_0=0 +y_0=0 "
        "+datum=WGS84 +units=m +no_defs +type=crs"
    )
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return crs, fwd, inv


def _unwrap(lon: np.ndarray, ref: float) -> np.ndarray:
    return ref + (lon - ref + 180.0) % 360.0 - 180.0


def _incident_points(
    chosen: Sequence[Incident],
) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat of every drawn point: uncertainty discs, lines, track samples."""
    from ._vector import circle_ring

    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for inc in chosen:
        for p in inc.positions:
            if p.is_ring:
                x, y = _line_coords(p.geometry)
            else:
                x, y = circle_ring(p.lon, p.lat, max(p.uncertainty_m, 1.0))
            xs.append(np.asarray(x, dtype=float))
            ys.append(np.asarray(y, dtype=float))
        for t in inc.tracks:
            xs.append(np.asarray(t.lon, dtype=float))
            ys.append(np.asarray(t.lat, dtype=float))
    if not xs:
        return np.empty(0), np.empty(0)
    return np.concatenate(xs), np.concatenate(ys)


def _named_zone_points(
    chosen: Sequence[Incident], zones: ZoneCatalogue, when: dt.datetime | None
) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat of the outlines of the zones the incidents' events and claims name."""
    import shapely

    ids = {e.zone for i in chosen for e in i.events if e.zone}
    ids |= {c.zone for i in chosen for cl in i.claims for c in cl.checks if c.zone}
    coords = [
        shapely.get_coordinates(v.geometry)
        for zid in sorted(ids)
        if zid in zones
        for v in zones.get(zid).versions
        if when is None or v.validity.contains(when)
    ]
    if not coords:
        return np.empty(0), np.empty(0)
    c = np.concatenate(coords)
    return c[:, 0], c[:, 1]


def _line_coords(geom: Any) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    coords = shapely.get_coordinates(geom)
    return coords[:, 0], coords[:, 1]


def _fit(
    x0: float, x1: float, y0: float, y1: float, aspect: float
) -> tuple[float, float, float, float]:
    """Grow the shorter side symmetrically so that width / height == aspect."""
    w, h = x1 - x0, y1 - y0
    if w / h < aspect:
        grow = (h * aspect - w) / 2.0
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (w / aspect - h) / 2.0
        y0, y1 = y0 - grow, y1 + grow
    return x0, x1, y0, y1


def _make_view(
    chosen: Sequence[Incident],
    bbox: tuple[float, float, float, float] | None,
    aspect: float,
    zones: ZoneCatalogue,
    when: dt.datetime | None,
) -> _View:
    """The local azimuthal equidistant view round the box or the incidents.

    Without a box: round the incidents' positions (with their uncertainty) and
    tracks; for incidents with neither, round the zones their events and claims
    name (the versions in force at ``when``).
    """
    if bbox is not None:
        bx0, by0, bx1, by1 = bbox
        lon0, lat0 = (bx0 + bx1) / 2.0, (by0 + by1) / 2.0
        t = np.linspace(0.0, 1.0, 65)
        lon = np.concatenate(
            [bx0 + (bx1 - bx0) * t, np.full(65, bx1), bx1 - (bx1 - bx0) * t]
        )
        lon = np.concatenate([lon, np.full(65, bx0)])
        lat = np.concatenate(
            [np.full(65, by0), by0 + (by1 - by0) * t, np.full(65, by1)]
        )
        lat = np.concatenate([lat, by1 - (by1 - by0) * t])
        pad = (0.0, 0.0, 0.0)
    else:
        lon, lat = _incident_points(chosen)
        if not lon.size:
            lon, lat = _named_zone_points(chosen, zones, when)
        if not lon.size:
            where = "; ".join(i.region for i in chosen if i.region)
            raise FigureError(
                "nothing to centre the figure on: "
                + (", ".join(i.id for i in chosen) or "no incident")
                + " has no positions, tracks or zones named in its events or claims"
                + (f" (region: {where})" if where else "")
                + "; give a bbox"
            )
        lon = _unwrap(lon, float(lon[0]))
        lon0 = (float(lon.min()) + float(lon.max())) / 2.0
        lat0 = (float(lat.min()) + float(lat.max())) / 2.0
        # room round the incident: sides, top (labels, north arrow), bottom (scale)
        pad = (0.08, 0.12, 0.2)
    crs, fwd, inv = _aeqd(lon0, lat0)
    x, y = fwd.transform(lon, lat)
    x, y = np.asarray(x), np.asarray(y)
    if bbox is None:  # centre the projection on the middle of what is drawn
        clon, clat = inv.transform((x.min() + x.max()) / 2.0, (y.min() + y.max()) / 2.0)
        crs, fwd, inv = _aeqd(float(clon), float(clat))
        x, y = fwd.transform(lon, lat)
        x, y = np.asarray(x), np.asarray(y)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise FigureError("the view is too large for a local projection")
    x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    w = max(x1 - x0, 10_000.0)
    h = max(y1 - y0, 10_000.0)
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    x0, x1 = cx - w / 2.0 - pad[0] * w, cx + w / 2.0 + pad[0] * w
    y0, y1 = cy - h / 2.0 - pad[2] * h, cy + h / 2.0 + pad[1] * h
    x0, x1, y0, y1 = _fit(x0, x1, y0, y1, aspect)
    half_diagonal = math.hypot(
        max(abs(x0), abs(x1)), max(abs(y0), abs(y1))
    )  # from the projection centre
    if half_diagonal > _MAX_HALF_DIAGONAL_M:
        raise FigureError(
            f"the view reaches {half_diagonal / 1000:,.0f} km from its centre; a "
            f"local projection shows at most {_MAX_HALF_DIAGONAL_M / 1000:,.0f} km: "
            "give a smaller bbox or fewer incidents"
        )
    return _View(crs, fwd, inv, x0, x1, y0, y1)


def _clip_boxes(view: _View) -> list[tuple[float, float, float, float]]:
    """Lon/lat boxes that hold the view with a margin, one per 360° shift.

    Geometry is clipped to these before projection, so that world and FIR
    polygons cost only their part near the view, and pieces on the far side of
    the antimeridian (lon -179 for a view centred on 179) are kept.
    """
    t = np.linspace(0.0, 1.0, 41)
    bx = np.concatenate(
        [
            view.x0 + view.width * t,
            np.full(41, view.x1),
            view.x1 - view.width * t,
            np.full(41, view.x0),
        ]
    )
    by = np.concatenate(
        [
            np.full(41, view.y0),
            view.y0 + view.height * t,
            np.full(41, view.y1),
            view.y1 - view.height * t,
        ]
    )
    lon, lat = view.unproject(bx, by)
    lon0 = float(view.unproject(0.0, 0.0)[0])
    lon = _unwrap(lon, lon0)
    lon_min, lon_max = float(lon.min()), float(lon.max())
    lat_min, lat_max = float(lat.min()), float(lat.max())
    dlon = (lon_max - lon_min) * 0.15 + 0.05
    dlat = (lat_max - lat_min) * 0.15 + 0.05
    lon_min, lon_max = lon_min - dlon, lon_max + dlon
    lat_min, lat_max = max(lat_min - dlat, -90.0), min(lat_max + dlat, 90.0)
    for pole in (90.0, -90.0):  # a pole inside the view: every longitude
        px, py = view.project(0.0, pole)
        if view.x0 <= float(px) <= view.x1 and view.y0 <= float(py) <= view.y1:
            lon_min, lon_max = lon0 - 180.0, lon0 + 180.0
            lat_min, lat_max = min(lat_min, pole), max(lat_max, pole)
    if lon_max - lon_min >= 360.0:
        lon_min, lon_max = lon0 - 180.0, lon0 + 180.0
    return [(lon_min + k, lat_min, lon_max + k, lat_max) for k in (-360.0, 0.0, 360.0)]


def _clip(geom: Any, boxes: Sequence[Any]) -> Any:
    """The parts of a lon/lat geometry inside the boxes (lon/lat), or None."""
    import shapely

    parts = shapely.get_parts(geom)
    if not len(parts):
        return None
    bounds = shapely.bounds(parts)
    pieces: list[Any] = []
    for box in boxes:
        near = (
            (bounds[:, 2] >= box[0])
            & (bounds[:, 0] <= box[2])
            & (bounds[:, 3] >= box[1])
            & (bounds[:, 1] <= box[3])
        )
        if near.any():
            clipped = shapely.clip_by_rect(parts[near], *box)
            pieces.extend(g for g in clipped if not g.is_empty)
    if not pieces:
        return None
    return shapely.GeometryCollection(pieces)


def _project_geom(geom: Any, view: _View) -> Any:
    """A lon/lat geometry in the view's projected metres (None stays None)."""
    import shapely

    if geom is None:
        return None

    def to_xy(coords: np.ndarray) -> np.ndarray:
        x, y = view.project(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, to_xy)


def _clip_project(geom: Any, view: _View, boxes: Sequence[Any]) -> Any:
    """The parts of a lon/lat geometry near the view, in projected metres."""
    return _project_geom(_clip(geom, boxes), view)


def _coast(land: Any) -> Any:
    """The coast of clipped land: its rings without the cuts along ±180°.

    The land polygons are split at the antimeridian; those cuts are not coast and
    would show as a line across land in a view that crosses it.
    """
    import shapely

    if land is None:
        return None
    polygons = [
        g
        for piece in shapely.get_parts(land)
        for g in shapely.get_parts(piece)
        if g.geom_type == "Polygon"
    ]
    lines = []
    for poly in polygons:
        for part in (poly.exterior, *poly.interiors):
            c = shapely.get_coordinates(part)
            if len(c) < 2:
                continue
            on_cut = np.abs(c[:, 0]) >= 180.0 - 1e-9
            cut = on_cut[:-1] & on_cut[1:]
            if not cut.any():
                lines.append(c)
                continue
            start = 0
            for i in (int(k) for k in np.flatnonzero(cut)):
                if i + 1 - start >= 2:
                    lines.append(c[start : i + 1])
                start = i + 1
            if len(c) - start >= 2:
                lines.append(c[start:])
    return shapely.MultiLineString(lines) if lines else None


def _polygon_path(geom: Any) -> Any:
    """A matplotlib Path of the polygons in ``geom`` (holes wound the other way)."""
    from matplotlib.path import Path as MPath

    import shapely
    from shapely.geometry.polygon import orient

    if geom is None:
        return None
    polys = [
        g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    polys = [p for g in polys for p in shapely.get_parts(g)]
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in (orient(p, sign=1.0) for p in polys):  # exterior anticlockwise
        for ring in (poly.exterior, *poly.interiors):
            c = np.asarray(ring.coords, dtype=float)[:, :2]
            if len(c) < 4:
                continue
            cd = np.full(len(c), MPath.LINETO, dtype=np.uint8)
            cd[0], cd[-1] = MPath.MOVETO, MPath.CLOSEPOLY
            verts.append(c)
            codes.append(cd)
    if not verts:
        return None
    return MPath(np.concatenate(verts), np.concatenate(codes))


def _line_path(geom: Any) -> Any:
    """A matplotlib Path of the lines (and polygon rings) in ``geom``."""
    from matplotlib.path import Path as MPath

    import shapely

    if geom is None:
        return None
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for g in shapely.get_parts(geom):
        if g.geom_type in ("Polygon", "MultiPolygon"):
            g = shapely.boundary(g)
        for line in shapely.get_parts(g):
            c = shapely.get_coordinates(line)
            if len(c) < 2:
                continue
            cd = np.full(len(c), MPath.LINETO, dtype=np.uint8)
            cd[0] = MPath.MOVETO
            verts.append(c)
            codes.append(cd)
    if not verts:
        return None
    return MPath(np.concatenate(verts), np.concatenate(codes))


# ----------------------------------------------------------------- drawing


@dataclass
class _Drawn:
    """What was drawn, for the legend and the caption."""

    zones: list[ZoneVersion]
    references: list[Any]
    sides: set[str]
    tags: set[str]
    rings: bool = False
    tracks_observed: bool = False
    tracks_hypothesis: bool = False
    borders: bool = False
    #: Projected points of incident features (zone labels keep away from them).
    obstacles: list[np.ndarray] = field(default_factory=list)


@dataclass(frozen=True)
class _Label:
    """An account label to place: text, colour, the feature's points, anchor."""

    text: str
    colour: str
    x: np.ndarray
    y: np.ndarray
    anchor: tuple[float, float] | None = None
    #: Its number in the figure (1, 2, …), for a unique SVG id.
    index: int = 0


def _draw_basemap(ax: Axes, view: _View, boxes: Sequence[Any]) -> bool:
    from matplotlib.patches import PathPatch

    from airmap.layers import basemap

    bm = basemap()
    land_lonlat = _clip(bm.land, boxes)
    land = _polygon_path(_project_geom(land_lonlat, view))
    if land is not None:
        ax.add_patch(
            PathPatch(
                land,
                facecolor=LAND_COLOUR,
                edgecolor="none",
                zorder=_Z_LAND,
                gid="airmap-land",
            )
        )
        coast = _line_path(_project_geom(_coast(land_lonlat), view))
        if coast is not None:
            ax.add_patch(
                PathPatch(
                    coast,
                    fill=False,
                    edgecolor=COAST_COLOUR,
                    linewidth=0.8 * _PT_PER_PX,
                    zorder=_Z_LAND + 0.1,
                    gid="airmap-coast",
                )
            )
    borders = _line_path(_clip_project(bm.borders, view, boxes))
    if borders is not None and _path_meets(borders, view):
        ax.add_patch(
            PathPatch(
                borders,
                fill=False,
                edgecolor=BORDER_COLOUR,
                linewidth=1.0 * _PT_PER_PX,
                linestyle=_linestyle(_BORDER_DASH, 1.0),
                zorder=_Z_BORDER,
                gid="airmap-borders",
            )
        )
        return True
    return False


def _path_meets(path: Any, view: _View) -> bool:
    v = path.vertices
    return bool(view.inside(v[:, 0], v[:, 1]).any()) if len(v) else False


def _kind_order(kind: str) -> int:
    for i, kinds in enumerate(ZONE_GROUPS.values()):
        if kind in kinds:
            return i
    return -1  # unknown kinds at the bottom


def _draw_zones(
    ax: Axes, view: _View, boxes: Sequence[Any], versions: Sequence[ZoneVersion]
) -> list[tuple[ZoneVersion, Any]]:
    from matplotlib.patches import PathPatch

    drawn = []
    ordered = sorted(
        (v for v in versions if v.is_area),
        key=lambda v: (_kind_order(v.zone.kind.value), -v.geometry.area, v.key),
    )
    for i, v in enumerate(ordered):
        path = _polygon_path(_clip_project(v.geometry, view, boxes))
        if path is None or not _zone_meets(path, view):
            continue
        colour = kind_colour(v.zone.kind.value)
        disputed = len(v.zone.claimants) > 1
        weight = 3.0 if disputed else 2.0
        ax.add_patch(
            PathPatch(
                path,
                facecolor=(*_rgb(colour), ZONE_FILL_OPACITY),
                edgecolor=colour,
                linewidth=weight * _PT_PER_PX,
                linestyle=_linestyle(DISPUTED_DASH if disputed else None, weight),
                zorder=_Z_ZONE + i * 1e-3,
                gid="airmap-zone-" + re.sub(r"[^A-Za-z0-9_.-]", "-", v.key),
            )
        )
        drawn.append((v, path))
    return drawn


def _zone_meets(path: Any, view: _View) -> bool:
    """Whether a zone's outline or area shows in the view."""
    import shapely

    rect = shapely.box(view.x0, view.y0, view.x1, view.y1)
    polys = path.to_polygons(closed_only=True)
    if not polys:
        return False
    geoms = [shapely.Polygon(p) for p in polys if len(p) >= 4]
    # even-odd: a box inside a hole still meets the outline of the hole
    return any(shapely.intersects(rect, shapely.boundary(g)) for g in geoms) or any(
        shapely.contains(g, rect) for g in geoms
    )


def _zone_labels(
    ax: Axes,
    view: _View,
    zone_paths: Sequence[tuple[ZoneVersion, Any]],
    obstacles: Sequence[np.ndarray],
    fontsize: float,
) -> None:
    """Name the state of each territorial or claimed airspace inside its area.

    The label goes on the point of the zone's visible part farthest from the
    incident's features (and clear of the scale bar and north arrow); a zone
    with no such point gets no label.
    """
    import shapely

    mx, my = np.meshgrid(
        np.linspace(view.x0 + 0.06 * view.width, view.x1 - 0.06 * view.width, 32),
        np.linspace(view.y0 + 0.2 * view.height, view.y1 - 0.07 * view.height, 24),
    )
    gx, gy = mx.ravel(), my.ravel()
    free = ~((gx > view.x1 - 0.14 * view.width) & (gy > view.y1 - 0.3 * view.height))
    points = np.concatenate(obstacles) if obstacles else np.empty((0, 2))
    if len(points) > 4000:
        points = points[:: len(points) // 4000 + 1]
    taken: list[tuple[float, float]] = []
    scale = math.hypot(view.width, view.height)
    per_pt = view.width / (ax.get_window_extent().width * 72.0 / ax.figure.dpi)
    for v, path in zone_paths:
        z = v.zone
        if z.kind.value not in ("territorial_airspace", "claimed_airspace"):
            continue
        polys = [
            shapely.Polygon(p)
            for p in path.to_polygons(closed_only=True)
            if len(p) >= 4
        ]
        if not polys:
            continue
        # even-odd, as drawn: inside an odd number of rings
        hits = sum(shapely.contains_xy(g, gx, gy).astype(int) for g in polys)
        inside = (hits % 2 == 1) & free
        if not inside.any():
            continue
        state = z.holder or z.declared_by
        text = state
        others_claiming = [c for c in z.claimants if c != state]
        if others_claiming:
            text += f"\nclaimed also by {', '.join(others_claiming)}"
        if z.kind.value == "claimed_airspace":
            text += "\n(claimed airspace)"
        # the label's half size in data units (a generous estimate of the text)
        lines = text.split("\n")
        half_w = 0.5 * max(len(t) for t in lines) * 0.62 * fontsize * per_pt
        half_h = 0.5 * len(lines) * 1.3 * fontsize * per_pt
        cx, cy = gx[inside], gy[inside]
        edge = np.asarray(
            shapely.distance(
                shapely.MultiLineString([g.exterior for g in polys]),
                shapely.points(cx, cy),
            )
        )
        fits = edge >= math.hypot(half_w, half_h)
        if not fits.any():
            continue
        cx, cy = cx[fits], cy[fits]
        near = np.full(cx.shape, scale)
        others = np.array(taken) if taken else np.empty((0, 2))
        for pts in (points, others):
            if len(pts):
                dx = np.abs(cx[:, None] - pts[None, :, 0]) - half_w
                dy = np.abs(cy[:, None] - pts[None, :, 1]) - half_h
                d = np.hypot(np.maximum(dx, 0.0), np.maximum(dy, 0.0))
                near = np.minimum(near, d.min(axis=1))
        best = int(np.argmax(near))
        if near[best] < 0.01 * scale:  # only spots on the incident: no label
            continue
        _inert(
            ax.text(
                float(cx[best]),
                float(cy[best]),
                text,
                fontsize=fontsize,
                fontstyle="italic",
                color=kind_colour(z.kind.value),
                ha="center",
                va="center",
                zorder=_Z_LABEL - 0.5,
                gid=f"airmap-zone-label-{len(taken) + 1}",
            )
        )
        taken.append((float(cx[best]), float(cy[best])))


def _rgb(colour: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return r, g, b


def _draw_references(
    ax: Axes,
    view: _View,
    boxes: Sequence[Any],
    zones: ZoneCatalogue,
    when: dt.datetime | None,
) -> list[Any]:
    from matplotlib.patches import PathPatch

    drawn = []
    weight = float(str(REFERENCE_STYLE["weight"]))
    for ln in zones.reference_lines:
        if when is not None and not ln.validity.contains(when):
            continue
        path = _line_path(_clip_project(ln.geometry, view, boxes))
        if path is None or not _path_meets(path, view):
            continue
        ax.add_patch(
            PathPatch(
                path,
                fill=False,
                edgecolor=str(REFERENCE_STYLE["color"]),
                linewidth=weight * _PT_PER_PX,
                linestyle=_linestyle(str(REFERENCE_STYLE["dashArray"]), weight),
                zorder=_Z_REF,
            )
        )
        drawn.append(ln)
    return drawn


def _draw_incidents(
    ax: Axes, view: _View, incidents: Sequence[Incident], drawn: _Drawn
) -> list[_Label]:
    """Positions, lines of points and tracks; returns the account labels to place."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch
    from matplotlib.patches import Polygon as MPolygon

    import shapely

    from ._vector import circle_ring

    labels: list[_Label] = []
    for inc in incidents:
        roles = position_roles(inc)
        accounts = account_labels(inc)
        # large discs first, so that small ones stay visible on top
        order = sorted(inc.positions, key=lambda p: (p.is_ring, -p.uncertainty_m, p.id))
        for k, p in enumerate(order):
            side = roles.get(p.id, "claim")
            colour = SIDE_COLOUR.get(side, SIDE_COLOUR["claim"])
            if p.is_ring:
                lon, lat = _line_coords(p.geometry)
                x, y = view.project(_unwrap(lon, p.lon), lat)
                if not view.overlaps(x, y):
                    continue
                path = _line_path(_project_geom(p.geometry, view))
                ax.add_patch(
                    PathPatch(
                        path,
                        fill=False,
                        edgecolor=colour,
                        linewidth=3.0 * _PT_PER_PX,
                        linestyle=_linestyle(RING_DASH, 3.0),
                        zorder=_Z_RING + k * 1e-4,
                    )
                )
                drawn.rings = True
            else:
                rx, ry = circle_ring(p.lon, p.lat, max(p.uncertainty_m, 1.0))
                x, y = view.project(rx, ry)
                if not view.overlaps(x, y):
                    continue
                dash, opacity = TAG_STYLE.get(p.tag.value, ("", 0.2))
                ax.add_patch(
                    MPolygon(
                        np.column_stack([x, y]),
                        closed=True,
                        facecolor=(*_rgb(colour), opacity),
                        edgecolor=colour,
                        linewidth=2.0 * _PT_PER_PX,
                        linestyle=_linestyle(dash or None, 2.0),
                        zorder=_Z_POS + k * 1e-4,
                    )
                )
                drawn.tags.add(p.tag.value)
            drawn.sides.add(side)
            drawn.obstacles.append(np.column_stack([x, y]))
            if p.id in accounts:
                anchor = None
                if p.is_ring and not shapely.is_closed(p.geometry):
                    ax_, ay_ = view.project(p.lon, p.lat)
                    anchor = (float(ax_), float(ay_))
                labels.append(
                    _Label(accounts[p.id], colour, x, y, anchor, len(labels) + 1)
                )
        for t in inc.tracks:
            x, y = view.project(_unwrap(np.asarray(t.lon), float(t.lon[0])), t.lat)
            if not view.overlaps(x, y):
                continue
            weight = 2.0
            ax.add_line(
                Line2D(
                    x,
                    y,
                    color=TRACK_COLOUR,
                    linewidth=weight * _PT_PER_PX,
                    linestyle=_linestyle(
                        HYPOTHESIS_DASH if t.hypothesis else None, weight
                    ),
                    zorder=_Z_TRACK,
                )
            )
            _direction_arrow(ax, x, y)
            drawn.obstacles.append(np.column_stack([x, y]))
            if t.hypothesis:
                drawn.tracks_hypothesis = True
            else:
                drawn.tracks_observed = True
    return labels


def _direction_arrow(ax: Axes, x: np.ndarray, y: np.ndarray) -> None:
    """A small arrowhead at a track's last sample, pointing along it."""
    if len(x) < 2:
        return
    ax.annotate(
        "",
        xy=(float(x[-1]), float(y[-1])),
        xytext=(float(x[-2]), float(y[-2])),
        arrowprops={
            "arrowstyle": "-|>",
            "color": TRACK_COLOUR,
            "lw": 0.0,
            "mutation_scale": 10,
            "shrinkA": 0,
            "shrinkB": 0,
        },
        zorder=_Z_TRACK,
    )


def _place_labels(
    ax: Axes,
    fig: Figure,
    view: _View,
    labels: Sequence[_Label],
    fontsize: float,
) -> None:
    """One permanent label per account, beside its feature, avoiding each other.

    A disc or a closed ring is labelled above its top (else below, right, left);
    an open line of points beside its point nearest the position's reference
    point (the wreck, the landmark). Labels stay inside the map and off each
    other where any candidate allows.
    """
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    taken: list[Any] = []
    for label in labels:
        x, y = label.x, label.y
        keep = view.inside(x, y)
        if not keep.any():
            continue
        xs, ys = x[keep], y[keep]
        if label.anchor is not None:
            ax_, ay_ = label.anchor
            i = int(np.argmin(np.hypot(xs - ax_, ys - ay_)))
            points = [(xs[i], ys[i])] * 4
        else:
            points = [
                (xs[int(np.argmax(ys))], ys[int(np.argmax(ys))]),
                (xs[int(np.argmin(ys))], ys[int(np.argmin(ys))]),
                (xs[int(np.argmax(xs))], ys[int(np.argmax(xs))]),
                (xs[int(np.argmin(xs))], ys[int(np.argmin(xs))]),
            ]
        candidates = [
            (points[0], (0, 5), "center", "bottom"),
            (points[1], (0, -5), "center", "top"),
            (points[2], (5, 0), "left", "center"),
            (points[3], (-5, 0), "right", "center"),
        ]
        first = None
        for xy, offset, ha, va in candidates:
            ann = _label(ax, label, xy, offset, ha, va, fontsize)
            box = ann.get_window_extent(renderer).expanded(1.05, 1.15)
            fits = (
                box.x0 >= frame.x0
                and box.x1 <= frame.x1
                and box.y0 >= frame.y0
                and box.y1 <= frame.y1
            )
            if fits and not any(box.overlaps(b) for b in taken):
                taken.append(box)
                break
            ann.remove()
            if first is None and fits:
                first = (xy, offset, ha, va)
        else:  # no free place: keep the first that fits rather than lose the label
            xy, offset, ha, va = first if first is not None else candidates[0]
            ann = _label(ax, label, xy, offset, ha, va, fontsize)
            taken.append(ann.get_window_extent(renderer))


def _label(
    ax: Axes,
    label: _Label,
    xy: tuple[float, float],
    offset: tuple[float, float],
    ha: str,
    va: str,
    fontsize: float,
) -> Text:
    return _inert(
        ax.annotate(
            label.text,
            xy=(float(xy[0]), float(xy[1])),
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=fontsize,
            fontweight="bold",
            color=label.colour,
            zorder=_Z_LABEL,
            annotation_clip=False,
            gid=f"airmap-account-label-{label.index}",
            bbox={
                "boxstyle": "round,pad=0.25",
                "facecolor": "white",
                "edgecolor": label.colour,
                "linewidth": 0.6,
                "alpha": 0.9,
            },
        )
    )


def _bar_length(view: _View, x: float, y: float, metres: float) -> float:
    """Projected length of a horizontal bar from (x, y) that is ``metres`` long.

    Measured as the geodesic between the bar's end points (WGS84), so the bar is
    true wherever it sits, not just at the projection centre.
    """
    from airmap.geo import distance_m

    length = metres
    for _ in range(4):
        lon, lat = view.unproject([x, x + length], [y, y])
        d = distance_m(float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1]))
        length *= metres / d
    return length


def _scale_bar(ax: Axes, view: _View, fontsize: float) -> None:
    """Two bars, in km and in NM, at the lower left, each measured geodesically."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    target = 0.25 * view.width
    x = view.x0 + 0.04 * view.width
    bars = []
    for unit, unit_m, row in (("km", 1000.0, 1), ("NM", NM, 0)):
        value = _nice(target / unit_m)
        y = view.y0 + (0.045 + 0.05 * row) * view.height
        length = _bar_length(view, x, y, value * unit_m)
        bars.append((unit, value, y, length))
    tick = 0.008 * view.height
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    right = x
    for unit, value, y, length in bars:
        xs = [x, x + length]
        ax.add_line(
            Line2D(
                xs,
                [y, y],
                color="#222222",
                linewidth=2.0,
                solid_capstyle="butt",
                zorder=_Z_FURNITURE + 0.1,
                gid=f"airmap-scalebar-{unit.lower()}",
            )
        )
        for xt in (x, x + length / 2.0, x + length):
            ax.add_line(
                Line2D(
                    [xt, xt],
                    [y - tick, y + tick],
                    color="#222222",
                    linewidth=0.8,
                    zorder=_Z_FURNITURE + 0.1,
                )
            )
        label = _inert(
            ax.text(
                x + length + 0.012 * view.width,
                y,
                f"{value:g} {unit}",
                fontsize=fontsize,
                ha="left",
                va="center",
                zorder=_Z_FURNITURE + 0.2,
                gid=f"airmap-scalebar-{unit.lower()}-label",
            )
        )
        right_px = label.get_window_extent(renderer).x1
        right = max(right, float(ax.transData.inverted().transform((right_px, 0))[0]))
    # a white box behind both bars and their labels
    left = x - 0.015 * view.width
    ax.add_patch(
        Rectangle(
            (left, view.y0 + 0.018 * view.height),
            right + 0.015 * view.width - left,
            0.115 * view.height,
            facecolor="white",
            edgecolor="#999999",
            linewidth=0.5,
            alpha=0.85,
            zorder=_Z_FURNITURE,
            gid="airmap-scalebar-box",
        )
    )


def _north_arrow(ax: Axes, view: _View, fontsize: float) -> None:
    """An arrow to true north at its own position (upper right of the map)."""
    from airmap.geo import forward

    bx = view.x1 - 0.05 * view.width
    by = view.y1 - 0.16 * view.height
    length = 0.07 * view.height
    lon, lat = view.unproject(bx, by)
    # a point a little north along the meridian (geodesic azimuth 0)
    nlon, nlat = forward(float(lon), float(lat), 0.0, length / 10.0)
    nx, ny = view.project(nlon, nlat)
    ux, uy = float(nx) - bx, float(ny) - by
    norm = math.hypot(ux, uy)
    ux, uy = ux / norm, uy / norm
    tip = (bx + ux * length, by + uy * length)
    ax.annotate(
        "",
        xy=tip,
        xytext=(bx, by),
        arrowprops={
            "arrowstyle": "-|>,head_width=0.35,head_length=0.8",
            "color": "#222222",
            "lw": 1.5,
            "shrinkA": 0,
            "shrinkB": 0,
        },
        zorder=_Z_FURNITURE,
        gid="airmap-north",
    )
    _inert(
        ax.text(
            tip[0] + ux * 0.03 * view.height,
            tip[1] + uy * 0.03 * view.height,
            "N",
            fontsize=fontsize + 2,
            fontweight="bold",
            ha="center",
            va="center",
            zorder=_Z_FURNITURE,
            gid="airmap-north-label",
        )
    )


# ------------------------------------------------------------------ legend


def _legend_entries(drawn: _Drawn, wrap: int) -> tuple[list[Any], list[str]]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    labels: list[str] = []

    def add(handle: Any, label: str) -> None:
        handles.append(handle)
        labels.append(_wrap(label, wrap))

    zones = sorted(drawn.zones, key=lambda v: (-_kind_order(v.zone.kind.value), v.key))
    shown = zones[:12]
    for v in shown:
        z = v.zone
        colour = kind_colour(z.kind.value)
        disputed = len(z.claimants) > 1
        weight = 3.0 if disputed else 2.0
        kind = KIND_LABEL.get(z.kind.value, z.kind.value)
        label = z.name if kind.lower() in z.name.lower() else f"{kind}: {z.name}"
        label += f" [{v.version}]"
        if disputed:
            label += f"; disputed: {', '.join(z.claimants)}"
        if v.partial:
            label += "; only partly known"
        add(
            Patch(
                facecolor=(*_rgb(colour), ZONE_FILL_OPACITY),
                edgecolor=colour,
                linewidth=weight * _PT_PER_PX,
                linestyle=_linestyle(DISPUTED_DASH if disputed else None, weight),
            ),
            label,
        )
    if len(zones) > len(shown):
        add(Patch(visible=False), f"… and {len(zones) - len(shown)} more zones")
    for ln in drawn.references:
        weight = float(str(REFERENCE_STYLE["weight"]))
        add(
            Line2D(
                [],
                [],
                color=str(REFERENCE_STYLE["color"]),
                linewidth=weight * _PT_PER_PX,
                linestyle=_linestyle(str(REFERENCE_STYLE["dashArray"]), weight),
            ),
            f"{ln.name} (reference line)",
        )
    for side, text in (
        ("claim", "Claim: position ± uncertainty"),
        ("counter_claim", "Counter-claim: position ± uncertainty"),
    ):
        if side in drawn.sides:
            colour = SIDE_COLOUR[side]
            add(
                Patch(
                    facecolor=(*_rgb(colour), 0.3),
                    edgecolor=colour,
                    linewidth=2.0 * _PT_PER_PX,
                ),
                text,
            )
    for tag in sorted(drawn.tags):
        dash, opacity = TAG_STYLE.get(tag, ("", 0.2))
        add(
            Patch(
                facecolor=(0.33, 0.33, 0.33, opacity),
                edgecolor="#555555",
                linewidth=2.0 * _PT_PER_PX,
                linestyle=_linestyle(dash or None, 2.0),
            ),
            f"Outline: {TAG_LABEL.get(tag, tag)}",
        )
    if drawn.rings:
        add(
            Line2D(
                [],
                [],
                color="#555555",
                linewidth=3.0 * _PT_PER_PX,
                linestyle=_linestyle(RING_DASH, 3.0),
            ),
            "Distance-only account (line of points)",
        )
    if drawn.tracks_observed:
        add(
            Line2D([], [], color=TRACK_COLOUR, linewidth=2.0 * _PT_PER_PX),
            "Track (observed)",
        )
    if drawn.tracks_hypothesis:
        add(
            Line2D(
                [],
                [],
                color=TRACK_COLOUR,
                linewidth=2.0 * _PT_PER_PX,
                linestyle=_linestyle(HYPOTHESIS_DASH, 2.0),
            ),
            "Track (hypothesis)",
        )
    if drawn.borders:
        add(
            Line2D(
                [],
                [],
                color=BORDER_COLOUR,
                linewidth=1.0 * _PT_PER_PX,
                linestyle=_linestyle(_BORDER_DASH, 1.0),
            ),
            "Land border",
        )
    return handles, labels


def _legend(
    fig: Figure,
    drawn: _Drawn,
    left: float,
    top: float,
    bottom: float,
    width_in: float,
    fontsize: float,
) -> None:
    """The legend in the right-hand column, shrunk until it fits."""
    renderer: RendererBase = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    size = fontsize
    max_w = width_in * fig.dpi
    wrap = _chars(width_in, size) - 6
    while True:
        handles, labels = _legend_entries(drawn, wrap)
        if not handles:
            return
        leg = fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(left, top),
            frameon=False,
            fontsize=size,
            title="Legend",
            title_fontsize=size + 1,
            alignment="left",
            handlelength=2.4,
            handleheight=1.1,
            labelspacing=0.55,
            borderaxespad=0.0,
            borderpad=0.0,
        )
        for t in leg.get_texts():
            _inert(t)
        _inert(leg.get_title())
        box = leg.get_window_extent(renderer)
        if size <= 5.0 or wrap <= 16:
            return
        if box.width > max_w:  # narrower lines first
            leg.remove()
            wrap = int(wrap * 0.9)
            continue
        if box.y0 >= bottom * fig.bbox.height:
            return
        leg.remove()  # then a smaller font
        size -= 0.5
        wrap = _chars(width_in, size) - 6


# ----------------------------------------------------------------- caption


def _caption(
    cat: IncidentCatalogue,
    chosen: Sequence[Incident],
    drawn: _Drawn,
    view: _View,
) -> tuple[str, list[str]]:
    """The caption text (sources, projection, basemap credit) and the ids cited."""
    ids: list[str] = []
    for inc in chosen:
        ids += list(inc.sources)
        for p in inc.positions:
            ids += list(p.sources)
        for t in inc.tracks:
            ids += list(t.sources)
    for v in drawn.zones:
        ids += list(v.sources or v.zone.sources)
    for ln in drawn.references:
        ids += list(ln.sources)
    ids = list(dict.fromkeys(ids))
    names: list[str] = []
    for sid in ids:
        src = cat.sources.get(sid) or cat.zones.sources.get(sid)
        name = (src.publisher or src.title) if src is not None else sid
        names.append(_short(name))
    names = list(dict.fromkeys(names))
    clon, clat = view.unproject(0.0, 0.0)
    lat_txt = f"{abs(float(clat)):.2f}°{'N' if clat >= 0 else 'S'}"
    lon_txt = f"{abs(float(clon)):.2f}°{'E' if clon >= 0 else 'W'}"
    credit = _MAP_CREDIT + (f", {_BORDER_CREDIT}" if drawn.borders else "")
    tail = (
        f"Map: azimuthal equidistant projection centred on {lat_txt} {lon_txt} "
        "(scale bars measured on the WGS84 ellipsoid); "
        f"{credit}. Discs: geodesic uncertainty."
    )
    return tail, names


def _caption_text(names: Sequence[str], tail: str, width: int, max_lines: int) -> str:
    """``Sources: a; b; …`` then the map credit, wrapped, at most ``max_lines``."""
    for keep in range(len(names), -1, -1):
        listed = "; ".join(names[:keep])
        more = len(names) - keep
        if more:
            listed += f"; and {more} more" if keep else f"{more} sources"
        head = f"Sources: {listed}." if names else "Sources: none cited."
        text = _wrap(head, width) + "\n" + _wrap(tail, width)
        if text.count("\n") + 1 <= max_lines:
            return text
    return _wrap(tail, width)


# ------------------------------------------------------------------ figure


def figure(
    incidents: IncidentCatalogue | None = None,
    *,
    incident_ids: Sequence[str] | None = None,
    when: dt.datetime | None = None,
    bbox: Sequence[float] | None = None,
    kinds: Sequence[str] | None = None,
    title: str | None = None,
    size: tuple[float, float] = (11.0, 8.0),
    dpi: float = 150.0,
) -> IncidentFigure:
    """Draw zones and incidents as a static figure, styled like the HTML map.

    Parameters
    ----------
    incidents : IncidentCatalogue, optional
        Incidents and the zones they refer to (default: the shipped seeds).
    incident_ids : sequence of str, optional
        These incidents (default: every incident, or with ``bbox`` those with
        something in the box).
    when : datetime, optional
        Draw the zone versions in force then (timezone-aware; default: the first
        chosen incident's start, or now when there are no incidents).
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        The area to show, degrees (default: every chosen incident's positions
        with their uncertainty, and tracks, with a margin). ``max_lon`` above 180
        crosses the antimeridian.
    kinds : sequence of str, optional
        Zone kinds to draw (default: all).
    title : str, optional
        Title (default: the incident's title, or a count of incidents).
    size : (float, float)
        Width and height, inches.
    dpi : float
        Dots per inch (the PNG is ``size * dpi`` pixels).

    Returns
    -------
    IncidentFigure
        A :class:`matplotlib.figure.Figure` with an Agg canvas (no pyplot);
        save it with :func:`save_figure`.

    Raises
    ------
    FigureError
        An unknown incident id or zone kind, a naive ``when``, a bad ``bbox``,
        ``size`` or ``dpi``, or a view too large for a local projection.

    Notes
    -----
    The map is drawn in a local azimuthal equidistant projection (PROJ
    ``aeqd``) centred on the view: distances from the centre are true and the
    scale error elsewhere is about ``(r / R)² / 6`` (under 0.1 % within 500 km of
    the centre). The scale bars do not rely on that: each is as long, in
    projected metres, as the geodesic between its own end points says
    (WGS84), so it is true where it is drawn. The north arrow points along the
    meridian through its own position.

    Zone and border geometry is clipped to a lon/lat box round the view (one per
    360° shift, so views across the antimeridian keep both sides) before it is
    projected; world-scale polygons cost only their nearby part.

    Examples
    --------
    >>> fig = figure(incident_ids=["2019-07-23-dokdo"], size=(6, 4), dpi=50)
    >>> fig.incident_ids, fig.get_size_inches().tolist()
    (('2019-07-23-dokdo',), [6.0, 4.0])
    >>> "kadiz@2013" in fig.zone_keys, "kadiz@1951" in fig.zone_keys
    (True, False)

    ``save_figure(fig, "dokdo.png")`` writes it (PNG or SVG by the suffix).
    """
    from airmap.incidents import IncidentCatalogue, UnknownIncidentError

    width_in, height_in, dpi_f = check_size(size, dpi)
    try:
        box = check_bbox(bbox, antimeridian=True) if bbox is not None else None
    except BBoxError as exc:
        raise FigureError(str(exc)) from None
    if when is not None:
        if when.tzinfo is None or when.utcoffset() is None:
            raise FigureError(
                f"when: {when.isoformat()} has no time zone; give an aware datetime"
            )
        when = when.astimezone(dt.UTC)
    cat = incidents if incidents is not None else IncidentCatalogue.default()
    zones = cat.zones
    try:
        chosen = [cat.get(i) for i in incident_ids] if incident_ids else list(cat)
    except UnknownIncidentError as exc:
        raise FigureError(str(exc)) from None
    chosen = list({i.id: i for i in chosen}.values())
    known_kinds = sorted({z.kind.value for z in zones})
    for k in kinds or ():
        if k not in known_kinds:
            raise FigureError(
                f"unknown zone kind {k!r}; expected one of: {', '.join(known_kinds)}"
            )
    with _rc(), _quiet_glyphs():
        return _draw(
            cat,
            chosen,
            explicit=bool(incident_ids),
            when=when,
            bbox=box,
            kinds=kinds,
            title=title,
            width_in=width_in,
            height_in=height_in,
            dpi=dpi_f,
        )


def _draw(
    cat: IncidentCatalogue,
    chosen: list[Incident],
    *,
    explicit: bool,
    when: dt.datetime | None,
    bbox: tuple[float, float, float, float] | None,
    kinds: Sequence[str] | None,
    title: str | None,
    width_in: float,
    height_in: float,
    dpi: float,
) -> IncidentFigure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    zones = cat.zones
    scale = min(width_in / 11.0, height_in / 8.0) ** 0.5
    fs_title, fs_sub, fs_text, fs_caption = (
        12.0 * scale,
        8.5 * scale,
        7.5 * scale,
        6.5 * scale,
    )
    if bbox is not None and not explicit:
        chosen = [i for i in chosen if _meets_bbox(i, bbox)]
    if when is None and chosen:
        when = min(i.window.start for i in chosen)

    fig = IncidentFigure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    renderer: RendererBase = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    # layout in inches: title block, map + legend column, caption
    pad = 0.2
    usable_px = (width_in - 2 * pad) * dpi
    title_text = title if title is not None else _default_title(chosen)
    top = 1.0 - pad / height_in
    title_t = _fit_text(
        fig,
        renderer,
        (pad / width_in, top),
        lambda w: _wrap(title_text, w, max_lines=4),
        _chars(width_in - 2 * pad, fs_title),
        usable_px,
        fontsize=fs_title,
        fontweight="bold",
        gid="airmap-title",
    )
    title_h = title_t.get_window_extent(renderer).height / dpi
    subtitle = _subtitle(chosen, when)
    sub_t = _fit_text(
        fig,
        renderer,
        (pad / width_in, top - (title_h + 0.08) / height_in),
        lambda w: _wrap(subtitle, w, max_lines=2),
        _chars(width_in - 2 * pad, fs_sub),
        usable_px,
        fontsize=fs_sub,
        color="#444444",
        gid="airmap-subtitle",
    )
    sub_h = sub_t.get_window_extent(renderer).height / dpi
    head_h = pad + title_h + 0.08 + sub_h + 0.8 * pad
    legend_w = min(3.2, max(2.2, 0.28 * width_in))
    map_left = pad
    map_w = width_in - legend_w - 2.5 * pad
    caption_lines = 5
    caption_h = caption_lines * fs_caption * 1.25 * 1.2 / 72 + pad
    map_bottom = caption_h + 0.5 * pad
    map_h = height_in - head_h - map_bottom
    if map_h < 1.5 or map_w < 2.0:
        raise FigureError(
            f"size: {width_in:g}x{height_in:g} inches leaves no room for the map"
        )
    ax = fig.add_axes(
        (
            map_left / width_in,
            map_bottom / height_in,
            map_w / width_in,
            map_h / height_in,
        )
    )
    view = _make_view(chosen, bbox, map_w / map_h, zones, when)
    fig.crs = view.crs
    fig.map_axes = ax
    fig.extent_m = (view.x0, view.x1, view.y0, view.y1)
    fig.when = when
    ax.set_xlim(view.x0, view.x1)
    ax.set_ylim(view.y0, view.y1)
    ax.set_aspect("equal", adjustable="box")
    ax.apply_aspect()
    ax.set_facecolor(SEA_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#666666")
        spine.set_linewidth(0.8)

    boxes = _clip_boxes(view)
    drawn = _Drawn(zones=[], references=[], sides=set(), tags=set())
    drawn.borders = _draw_basemap(ax, view, boxes)
    if when is not None:
        versions = list(zones.at(when))
    else:
        versions = list(zones.at(dt.datetime.now(dt.UTC)))
    if kinds:
        versions = [v for v in versions if v.zone.kind.value in kinds]
    zone_paths = _draw_zones(ax, view, boxes, versions)
    drawn.zones = [v for v, _ in zone_paths]
    drawn.references = _draw_references(ax, view, boxes, zones, when)
    labels = _draw_incidents(ax, view, chosen, drawn)
    _scale_bar(ax, view, fs_text)
    _north_arrow(ax, view, fs_text)
    _place_labels(ax, fig, view, labels, fs_text)
    _zone_labels(ax, view, zone_paths, drawn.obstacles, fs_text)

    # legend in the right-hand column, beside the map
    legend_left = (map_left + map_w + 0.5 * pad) / width_in
    _legend(
        fig,
        drawn,
        legend_left,
        (map_bottom + map_h) / height_in,
        map_bottom / height_in,
        legend_w - pad,
        fs_text,
    )
    # caption across the bottom
    tail, names = _caption(cat, chosen, drawn, view)
    _fit_text(
        fig,
        renderer,
        (pad / width_in, (caption_h - 0.5 * pad) / height_in),
        lambda w: _caption_text(names, tail, w, caption_lines),
        _chars(width_in - 2 * pad, fs_caption),
        usable_px,
        fontsize=fs_caption,
        color="#333333",
        linespacing=1.25,
        gid="airmap-caption",
    )
    fig.incident_ids = tuple(i.id for i in chosen)
    fig.zone_keys = tuple(v.key for v in drawn.zones)
    fig.source_ids = tuple(
        dict.fromkeys(
            [
                *(s for i in chosen for s in i.sources),
                *(s for i in chosen for p in i.positions for s in p.sources),
                *(s for i in chosen for t in i.tracks for s in t.sources),
                *(s for v in drawn.zones for s in (v.sources or v.zone.sources)),
                *(s for ln in drawn.references for s in ln.sources),
            ]
        )
    )
    return fig


def _meets_bbox(inc: Incident, bbox: tuple[float, float, float, float]) -> bool:
    lon, lat = _incident_points([inc])
    if not lon.size:
        return False
    x0, y0, x1, y1 = bbox
    lon = _unwrap(lon, (x0 + x1) / 2.0)
    return bool(((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)).any())


def _default_title(chosen: Sequence[Incident]) -> str:
    if len(chosen) == 1:
        return chosen[0].title
    if not chosen:
        return "Airspace zones"
    return f"{len(chosen)} airspace incidents"


def _subtitle(chosen: Sequence[Incident], when: dt.datetime | None) -> str:
    parts = []
    if len(chosen) == 1:
        w = chosen[0].window
        parts.append(chosen[0].id)
        parts.append(f"{_fmt_utc(w.start)} – {_fmt_utc(w.end)}")
    elif chosen:
        first = min(i.window.start for i in chosen)
        last = max(i.window.end for i in chosen)
        parts.append(f"{_fmt_utc(first)} – {_fmt_utc(last)}")
    if when is not None:
        parts.append(f"zones in force at {_fmt_utc(when)}")
    else:
        parts.append("zones in force now")
    return "  ·  ".join(parts)


# -------------------------------------------------------------------- save


def save_figure(
    fig_or_args: Figure | Mapping[str, Any],
    path: str | Path,
    format: str | None = None,
    *,
    svg_fonttype: Literal["path", "none"] = "path",
) -> Path:
    """Write a figure as PNG or SVG, atomically and byte-for-byte reproducibly.

    Parameters
    ----------
    fig_or_args : Figure or mapping
        A figure (from :func:`figure`), or the keyword arguments of
        :func:`figure` to draw one (drawn after the output path is checked).
    path : str or Path
        The file to write; the format follows its suffix unless ``format`` is
        given.
    format : {"png", "svg"}, optional
        Overrides the suffix.
    svg_fonttype : {"path", "none"}
        SVG text as glyph outlines (looks the same everywhere) or as ``<text>``
        elements (editable, needs the fonts where it is viewed).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    FigureError
        An unknown format (before anything is written).
    airmap.geo.OutputPathError
        The directory does not exist or cannot be written.

    Notes
    -----
    The file is written beside ``path`` under a temporary name and renamed into
    place; on any error nothing is left behind. SVG has no date, a fixed creator
    and ids derived from content (``svg.hashsalt``); PNG has fixed metadata.
    """
    from airmap.geo import atomic_path

    fmt = figure_format(path, format)
    if svg_fonttype not in ("path", "none"):
        raise FigureError(f"svg_fonttype: {svg_fonttype!r}; expected 'path' or 'none'")
    target = Path(path)
    with atomic_path(target) as tmp:
        fig = fig_or_args if isinstance(fig_or_args, Figure) else figure(**fig_or_args)
        metadata = _SVG_METADATA if fmt == "svg" else _PNG_METADATA
        with _rc(svg_fonttype), _quiet_glyphs():
            fig.savefig(
                tmp,
                format=fmt,
                dpi=fig.dpi,
                metadata=dict(metadata),
                facecolor=fig.get_facecolor(),
            )
    return target
