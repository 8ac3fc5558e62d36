"""Geodesic buffers and circles on the WGS84 ellipsoid.

Territorial seas are "all points within N nautical miles of the coast", and
uncertainty discs are "all points within r metres of a position". Both are
geodesic statements, so nothing here ever buffers in degrees: a buffer is
computed piecewise in local azimuthal-equidistant projections (exact distances
from each projection centre, small and bounded distortion nearby) and the pieces
are projected back to lon/lat and unioned.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import (
    GeometryCollection,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

__all__ = ["geodesic_buffer", "geodesic_circle"]

#: The WGS84 ellipsoid (kept local so that this module stands alone).
_GEOD = Geod(ellps="WGS84")
#: Mean Earth radius, metres; used only for error bounds, never for distances.
_R_EARTH_M = 6_371_008.8
#: Longest source edge (m) projected as a straight line; longer ones are
#: densified along the geodesic first.
_MAX_SOURCE_EDGE_M = 1_000.0
#: Bounds on the side of a tile (m).
_MIN_TILE_M = 5_000.0
_MAX_TILE_M = 150_000.0

_Coords = NDArray[np.float64]


def _wrap_to(lon: _Coords, lon0: float) -> _Coords:
    """Return ``lon`` shifted by whole turns to lie within 180° of ``lon0``."""
    return lon0 + (lon - lon0 + 180.0) % 360.0 - 180.0


def _check_distance(name: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v) or v <= 0.0:
        raise ValueError(f"{name} must be a finite number of metres > 0, got {value!r}")
    return v


def geodesic_circle(
    lon: float,
    lat: float,
    radius_m: float,
    *,
    max_segment_m: float = 250.0,
) -> Polygon:
    """Return the polygon of points ``radius_m`` metres (geodesic) from a centre.

    Parameters
    ----------
    lon, lat : float
        Centre, degrees (WGS84 longitude and latitude).
    radius_m : float
        Geodesic radius, metres (> 0).
    max_segment_m : float, default 250.0
        Longest edge of the polygon, metres. Every vertex lies exactly on the
        circle; an edge of length ``c`` cuts inside it by ``c**2 / (8 * radius_m)``
        metres (0.35 m for 250 m edges on a 12 NM circle). At least 128 vertices.

    Returns
    -------
    shapely.Polygon
        Counter-clockwise ring in lon/lat degrees. Longitudes stay within 180° of
        ``lon`` (they may leave [-180, 180] near the antimeridian, never jump).

    Raises
    ------
    ValueError
        If ``radius_m`` or ``max_segment_m`` is not a positive finite number, the
        latitude is outside [-90, 90], or the circle would contain a pole.

    Examples
    --------
    A 12 NM circle round Dokdo's Dongdo summit (NGII position):

    >>> disc = geodesic_circle(131.869556, 37.240778, 22_224.0)
    >>> len(disc.exterior.coords) - 1  # vertices
    559
    >>> area_m2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(disc)[0])
    >>> round(area_m2 / (math.pi * 22_224.0**2), 5)
    0.99998
    """
    radius_m = _check_distance("radius_m", radius_m)
    max_segment_m = _check_distance("max_segment_m", max_segment_m)
    lon = float(lon)
    lat = float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(
            f"centre must be finite lon/lat degrees, got ({lon!r}, {lat!r})"
        )
    # Does the circle reach a pole? (a disc containing a pole has no lon/lat ring)
    to_pole = min(
        _GEOD.inv(lon, lat, lon, 90.0)[2],
        _GEOD.inv(lon, lat, lon, -90.0)[2],
    )
    if radius_m >= to_pole:
        raise ValueError(
            f"radius_m={radius_m} reaches a pole from ({lon}, {lat}); "
            "such discs are not supported"
        )
    # Chord length of a circle of geodesic radius r is close to its arc length.
    n = max(128, math.ceil(2.0 * math.pi * radius_m / max_segment_m))
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = _GEOD.fwd(
        np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m)
    )
    xs = _wrap_to(np.asarray(lons, dtype=np.float64), lon)
    ys = np.asarray(lats, dtype=np.float64)
    # Azimuth grows clockwise, so reverse for a counter-clockwise exterior.
    ring = np.column_stack([xs[::-1], ys[::-1]])
    return Polygon(ring)


def _aeqd(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    """Forward and inverse transformers of the AEQD projection at a centre."""
    crs = (
        f"+proj=aeqd +lat_0={lat0:.9f} +lon_0={lon0:.9f} "
        "+x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs"
    )
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return fwd, inv


def _apply(tr: Transformer, lon0: float | None) -> Callable[[_Coords], _Coords]:
    """Return a coordinate function for :func:`shapely.transform`."""

    def func(xy: _Coords) -> _Coords:
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        xa = np.asarray(x, dtype=np.float64)
        if lon0 is not None:
            xa = _wrap_to(xa, lon0)
        return np.column_stack([xa, np.asarray(y, dtype=np.float64)])

    return func


def _densify_geodesic(line: LineString, max_edge_m: float) -> LineString:
    """Insert geodesic points into edges longer than ``max_edge_m`` metres."""
    xy = np.asarray(line.coords, dtype=np.float64)[:, :2]
    if len(xy) < 2:
        return line
    _, _, dist = _GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    dist = np.asarray(dist, dtype=np.float64)
    long_edges = np.flatnonzero(dist > max_edge_m)
    if long_edges.size == 0:
        return line
    pieces: list[_Coords] = []
    start = 0
    for i in (int(k) for k in long_edges):
        pieces.append(xy[start : i + 1])
        n_mid = math.ceil(dist[i] / max_edge_m) - 1
        mid = np.asarray(
            _GEOD.npts(xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1], n_mid),
            dtype=np.float64,
        )
        mid[:, 0] = _wrap_to(mid[:, 0], float(xy[i, 0]))
        pieces.append(mid)
        start = i + 1
    pieces.append(xy[start:])
    return LineString(np.concatenate(pieces))


def _decompose(
    geometry: BaseGeometry,
) -> tuple[list[tuple[float, float]], list[LineString], list[Polygon]]:
    """Split into points, lines (incl. polygon rings) and polygons."""
    points: list[tuple[float, float]] = []
    lines: list[LineString] = []
    polygons: list[Polygon] = []

    def visit(g: BaseGeometry) -> None:
        if g.is_empty:
            return
        if isinstance(g, Point):
            points.append((float(g.x), float(g.y)))
        elif isinstance(g, LineString | LinearRing):
            lines.append(LineString(g.coords))
        elif isinstance(g, Polygon):
            polygons.append(g)
            lines.append(LineString(g.exterior.coords))
            lines.extend(LineString(r.coords) for r in g.interiors)
        elif isinstance(g, MultiPoint | MultiLineString | MultiPolygon):
            for part in g.geoms:
                visit(part)
        elif isinstance(g, GeometryCollection):
            for part in g.geoms:
                visit(part)
        else:  # pragma: no cover - shapely has no other geometry types
            raise TypeError(f"unsupported geometry type {g.geom_type!r}")

    visit(geometry)
    return points, lines, polygons


def _tile_side_m(distance_m: float, budget_m: float, max_tile_m: float | None) -> float:
    """Side of a source tile (m) that keeps the projection error within budget.

    In an azimuthal-equidistant projection distances from the centre are exact;
    between a source point ``h`` from the centre and a buffer point ``d`` from it
    the error is about ``h**2 * d / (6 * R**2)`` (spherical estimate). ``h`` is
    at most the tile's half-diagonal.
    """
    h = math.sqrt(6.0 * _R_EARTH_M**2 * budget_m / distance_m)
    side = h * math.sqrt(2.0)
    if max_tile_m is not None:
        side = min(side, max_tile_m)
    return min(max(side, _MIN_TILE_M), _MAX_TILE_M)


def _tiles(
    bounds: tuple[float, float, float, float], side_m: float
) -> list[tuple[float, float, float, float]]:
    """Lon/lat rectangles of about ``side_m`` metres covering ``bounds``."""
    minx, miny, maxx, maxy = bounds
    dlat = side_m / 111_000.0
    ny = max(1, math.ceil((maxy - miny) / dlat))
    ys = np.linspace(miny, maxy, ny + 1)
    out: list[tuple[float, float, float, float]] = []
    for j in range(ny):
        y0, y1 = float(ys[j]), float(ys[j + 1])
        coslat = max(math.cos(math.radians(max(abs(y0), abs(y1)))), 0.01)
        dlon = side_m / (111_320.0 * coslat)
        nx = max(1, math.ceil((maxx - minx) / dlon))
        xs = np.linspace(minx, maxx, nx + 1)
        out.extend((float(xs[i]), y0, float(xs[i + 1]), y1) for i in range(nx))
    return out


def _polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Return the polygonal part of a union result."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        if isinstance(part, Polygon):
            polys.append(part)
        elif isinstance(part, MultiPolygon):
            polys.extend(part.geoms)
    if len(polys) == 1:
        return polys[0]
    return MultiPolygon(polys)


def geodesic_buffer(
    geometry: BaseGeometry,
    distance_m: float,
    *,
    max_error_m: float = 1.0,
    max_tile_m: float | None = None,
) -> Polygon | MultiPolygon:
    """Return all points within ``distance_m`` metres (geodesic) of a geometry.

    Parameters
    ----------
    geometry : shapely geometry
        Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or a
        GeometryCollection of these, in WGS84 lon/lat degrees. Edges are taken as
        geodesics (edges longer than 1 km are densified along the geodesic
        first). Polygons are included in their buffer (land + territorial sea).
        A geometry that crosses the antimeridian may use longitudes on either
        side of ±180°; it must span less than 180° of longitude.
    distance_m : float
        Buffer distance, metres (> 0), e.g. ``12 * 1852.0`` for 12 NM.
    max_error_m : float, default 1.0
        Bound on the geodesic error of the boundary, metres: half of it goes to
        the projection (it sets the tile size) and half to the chord of each arc
        (it sets the number of segments).
    max_tile_m : float, optional
        Cap on the side of the tiles, metres (default: derived from
        ``max_error_m`` and ``distance_m``, between 5 and 150 km).

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        The buffer, lon/lat degrees, valid. Longitudes are continuous: near the
        antimeridian they may leave [-180, 180] rather than jump.

    Raises
    ------
    ValueError
        If ``distance_m`` or ``max_error_m`` is not a positive finite number, the
        geometry is empty, or it spans 180° of longitude or more.
    TypeError
        If ``geometry`` is not a shapely geometry.

    Notes
    -----
    Method: points become :func:`geodesic_circle` discs. Lines and polygon rings
    are cut into tiles (rectangles of about 75 km for a 12 NM buffer); each tile
    is projected into an azimuthal-equidistant projection on the WGS84 ellipsoid
    centred on the tile, buffered there with round joins and caps, densified,
    projected back and unioned with the others and with the polygons themselves.
    Every output vertex lies within ``max_error_m`` of ``distance_m`` from the
    source (tested against :class:`pyproj.Geod`). Cost grows with the number of
    source vertices; simplify large coastlines first, with a tolerance far below
    their own accuracy.

    Examples
    --------
    The 12 NM sea round a point off Uljin, and its area in km²:

    >>> from shapely.geometry import LineString, Point
    >>> sea = geodesic_buffer(Point(129.5, 37.0), 12 * 1852.0)
    >>> round(abs(_GEOD.geometry_area_perimeter(sea)[0]) / 1e6, 1)
    1551.6

    A 3 NM buffer of a 20 km line along a parallel:

    >>> band = geodesic_buffer(LineString([(129.0, 35.0), (129.22, 35.0)]), 5556.0)
    >>> band.geom_type, band.is_valid
    ('Polygon', True)
    """
    if not isinstance(geometry, BaseGeometry):
        raise TypeError(
            f"geometry must be a shapely geometry, got {type(geometry).__name__}"
        )
    distance_m = _check_distance("distance_m", distance_m)
    max_error_m = _check_distance("max_error_m", max_error_m)
    if geometry.is_empty:
        raise ValueError("geometry is empty: nothing to buffer")

    # Keep longitudes continuous across the antimeridian.
    xy = shapely.get_coordinates(geometry)
    if not np.all(np.isfinite(xy)) or np.any(np.abs(xy[:, 1]) > 90.0):
        raise ValueError("geometry must hold finite lon/lat degrees (|lat| <= 90)")
    if float(np.ptp(xy[:, 0])) > 180.0:
        geometry = shapely.transform(
            geometry, lambda c: np.column_stack([c[:, 0] % 360.0, c[:, 1]])
        )
        xy = shapely.get_coordinates(geometry)
        if float(np.ptp(xy[:, 0])) >= 180.0:
            raise ValueError("geometry spans 180° of longitude or more")

    budget_m = max_error_m / 2.0
    # Arc segments: sagitta r * (1 - cos(theta / 2)) <= budget.
    theta = 2.0 * math.acos(max(1.0 - budget_m / distance_m, -1.0))
    quad_segs = max(8, math.ceil((math.pi / 2.0) / theta))
    # Vertex spacing on arcs is about theta * d; keep straight runs no longer.
    max_out_edge_m = max(theta * distance_m, 50.0)

    points, lines, polygons = _decompose(geometry)
    parts: list[BaseGeometry] = list(polygons)

    chord_m = math.sqrt(8.0 * distance_m * budget_m)
    parts.extend(
        geodesic_circle(x, y, distance_m, max_segment_m=chord_m) for x, y in points
    )

    if lines:
        dense = [_densify_geodesic(ln, _MAX_SOURCE_EDGE_M) for ln in lines]
        source = MultiLineString(dense) if len(dense) > 1 else dense[0]
        side_m = _tile_side_m(distance_m, budget_m, max_tile_m)
        for x0, y0, x1, y1 in _tiles(source.bounds, side_m):
            # Tiles overlap by a small margin: GEOS drops line parts that run
            # along a clip rectangle's edge, so no edge may lie on one.
            mx, my = (x1 - x0) * 0.01, (y1 - y0) * 0.01
            piece = shapely.clip_by_rect(source, x0 - mx, y0 - my, x1 + mx, y1 + my)
            if piece.is_empty:
                continue
            minx, miny, maxx, maxy = piece.bounds
            lon0, lat0 = (minx + maxx) / 2.0, (miny + maxy) / 2.0
            fwd, inv = _aeqd(lon0, lat0)
            local = shapely.transform(piece, _apply(fwd, None))
            buf = shapely.buffer(local, distance_m, quad_segs=quad_segs)
            buf = shapely.segmentize(buf, max_out_edge_m)
            parts.append(shapely.transform(buf, _apply(inv, lon0)))

    result = _polygonal(shapely.union_all(parts))
    if isinstance(result, Polygon):
        return orient(result, sign=1.0)
    return MultiPolygon([orient(p, sign=1.0) for p in result.geoms])
