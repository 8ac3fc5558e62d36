"""Densify published boundaries edge by edge, according to an edge rule.

A published zone is a list of vertices; how consecutive vertices are joined is
a separate fact (the *edge rule*). :func:`densify` turns vertices plus rule into
a lon/lat vertex list fine enough that straight lon/lat segments between the
output vertices stay close to the intended edges (each output segment is at
most ``max_segment_m`` long).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._enum import ParamEnum
from ._geodesy import GEOD

__all__ = ["EdgeRule", "densify"]

_F64 = NDArray[np.float64]

# WGS84 constants (the same ellipsoid as GEOD).
_A: float = float(GEOD.a)
_F: float = float(GEOD.f)
_E2: float = _F * (2.0 - _F)
_E: float = math.sqrt(_E2)


class EdgeRule(ParamEnum):
    """How consecutive vertices of a published boundary are joined.

    ``great_circle_except_parallels`` is the 14 CFR 99.41 convention: edges are
    geodesics, except that an edge joining two vertices on the same latitude
    follows that parallel. ``great_circle`` makes every edge a geodesic,
    ``rhumb`` a loxodrome (constant azimuth, straight in Mercator) and
    ``straight_lonlat`` a straight line in plate carrée.
    """

    GREAT_CIRCLE_EXCEPT_PARALLELS = "great_circle_except_parallels"
    GREAT_CIRCLE = "great_circle"
    RHUMB = "rhumb"
    STRAIGHT_LONLAT = "straight_lonlat"

    @classmethod
    def _what(cls) -> str:
        return "edge rule"


def _isometric(phi: _F64) -> _F64:
    """Isometric latitude psi(phi), radians in and out."""
    s = np.sin(phi)
    return np.asarray(np.arcsinh(np.tan(phi)) - _E * np.arctanh(_E * s))


def _inverse_isometric(psi: _F64) -> _F64:
    """Geodetic latitude (radians) for isometric latitude ``psi``."""
    phi = np.arctan(np.sinh(psi))  # conformal latitude as a first guess
    for _ in range(12):
        s = np.sin(phi)
        phi = np.arctan(np.sinh(psi + _E * np.arctanh(_E * s)))
    return np.asarray(phi)


def _parallel_radius(phi: _F64) -> _F64:
    """Radius of the parallel through ``phi`` (radians), metres."""
    s = np.sin(phi)
    return np.asarray(_A * np.cos(phi) / np.sqrt(1.0 - _E2 * s * s))


def _max_parallel_radius(phi1: _F64, phi2: _F64) -> _F64:
    """Largest parallel radius (metres) over latitudes between phi1 and phi2."""
    lo = np.minimum(phi1, phi2)
    hi = np.maximum(phi1, phi2)
    closest = np.clip(0.0, lo, hi)  # latitude nearest the equator
    return _parallel_radius(closest)


def _counts(length_m: _F64, max_segment_m: float) -> NDArray[np.int64]:
    n = np.ceil(length_m / max_segment_m * (1.0 + 1e-12))
    return np.maximum(n, 1).astype(np.int64)


def _fractions(counts: NDArray[np.int64]) -> tuple[NDArray[np.int64], _F64]:
    """Per output vertex: its edge index and fraction in (0, 1]."""
    edge = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    k = np.arange(int(counts.sum())) - np.repeat(starts, counts) + 1
    return edge, k / counts[edge]


def _unwrap(lon: _F64) -> _F64:
    """Shift each longitude by a multiple of 360 to within 180 of the previous."""
    if len(lon) < 2:
        return lon.copy()
    turns = -np.round(np.diff(lon) / 360.0)
    return np.asarray(lon + 360.0 * np.r_[0.0, np.cumsum(turns)])


def _geodesic_points(
    lon1: _F64, lat1: _F64, lon2: _F64, lat2: _F64, max_segment_m: float
) -> tuple[NDArray[np.int64], _F64, _F64]:
    az, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    az = np.asarray(az, dtype=np.float64)
    dist = np.asarray(dist, dtype=np.float64)
    counts = _counts(dist, max_segment_m)
    edge, frac = _fractions(counts)
    lon, lat, _ = GEOD.fwd(lon1[edge], lat1[edge], az[edge], frac * dist[edge])
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    lon = lon1[edge] + ((lon - lon1[edge] + 180.0) % 360.0 - 180.0)
    return edge, lon, lat


def _parallel_points(
    lon1: _F64, lat1: _F64, lon2: _F64, max_segment_m: float
) -> tuple[NDArray[np.int64], _F64, _F64]:
    length = _parallel_radius(np.radians(lat1)) * np.radians(np.abs(lon2 - lon1))
    counts = _counts(length, max_segment_m)
    edge, frac = _fractions(counts)
    return edge, lon1[edge] + frac * (lon2 - lon1)[edge], lat1[edge].copy()


def _rhumb_points(
    lon1: _F64, lat1: _F64, lon2: _F64, lat2: _F64, max_segment_m: float
) -> tuple[NDArray[np.int64], _F64, _F64]:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    at_pole = (np.abs(lat1) == 90.0) | (np.abs(lat2) == 90.0)
    if np.any(at_pole & (lon1 != lon2)):
        raise ValueError("a rhumb line reaches a pole only along a meridian")
    with np.errstate(divide="ignore", invalid="ignore"):
        psi1, psi2 = _isometric(phi1), _isometric(phi2)
    dlam = np.radians(lon2 - lon1)
    # ds = R_parallel * sqrt(dpsi^2 + dlambda^2): bound with the largest radius.
    dpsi = np.where(at_pole, 0.0, psi2 - psi1)
    length = _max_parallel_radius(phi1, phi2) * np.hypot(dpsi, dlam)
    merid = lon1 == lon2  # a meridian: the geodesic, also fine at the poles
    length = np.where(merid, 0.0, length)
    counts = _counts(length, max_segment_m)
    edge, frac = _fractions(counts)
    lon = lon1[edge] + frac * (lon2 - lon1)[edge]
    with np.errstate(invalid="ignore"):
        lat = np.degrees(_inverse_isometric(psi1[edge] + frac * dpsi[edge]))
    lat = np.where(frac == 1.0, lat2[edge], lat)
    if np.any(merid):
        ge, glon, glat = _geodesic_points(
            lon1[merid], lat1[merid], lon2[merid], lat2[merid], max_segment_m
        )
        idx = np.flatnonzero(merid)[ge]
        keep = ~merid[edge]
        return _merge(edge[keep], lon[keep], lat[keep], idx, glon, glat)
    return edge, lon, lat


def _straight_points(
    lon1: _F64, lat1: _F64, lon2: _F64, lat2: _F64, max_segment_m: float
) -> tuple[NDArray[np.int64], _F64, _F64]:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    # Largest meridional radius of curvature on the edge (at the highest |lat|).
    s = np.sin(np.maximum(np.abs(phi1), np.abs(phi2)))
    m_max = _A * (1.0 - _E2) / (1.0 - _E2 * s * s) ** 1.5
    length = np.hypot(
        m_max * np.abs(phi2 - phi1),
        _max_parallel_radius(phi1, phi2) * np.radians(np.abs(lon2 - lon1)),
    )
    counts = _counts(length, max_segment_m)
    edge, frac = _fractions(counts)
    lon = lon1[edge] + frac * (lon2 - lon1)[edge]
    lat = lat1[edge] + frac * (lat2 - lat1)[edge]
    return edge, lon, lat


def _merge(
    e1: NDArray[np.int64],
    x1: _F64,
    y1: _F64,
    e2: NDArray[np.int64],
    x2: _F64,
    y2: _F64,
) -> tuple[NDArray[np.int64], _F64, _F64]:
    edge = np.concatenate([e1, e2])
    order = np.argsort(edge, kind="stable")
    return edge[order], np.concatenate([x1, x2])[order], np.concatenate([y1, y2])[order]


def densify(
    coords: ArrayLike,
    rule: EdgeRule | str,
    *,
    closed: bool = False,
    max_segment_m: float = 5_000.0,
) -> NDArray[np.float64]:
    """Return lon/lat vertices with every edge densified according to ``rule``.

    Parameters
    ----------
    coords : array_like, shape (n, 2)
        Published vertices, (lon, lat) in WGS84 degrees.
    rule : EdgeRule or str
        How consecutive vertices are joined (see :class:`EdgeRule`).
    closed : bool, default False
        ``True`` if ``coords`` is a ring given without repeating its first
        vertex; the output then ends with the first vertex again. (A repeated
        closing vertex is tolerated and dropped first.)
    max_segment_m : float, default 5000.0
        Longest allowed distance between consecutive output vertices, metres.

    Returns
    -------
    ndarray, shape (m, 2), float64
        Densified (lon, lat) vertices, degrees. Input vertices are kept exactly
        (up to a longitude shift of a multiple of 360°).

    Raises
    ------
    ValueError
        For an unknown rule, a bad shape, non-finite values, latitudes beyond
        ±90°, a non-positive ``max_segment_m``, or a closed ring that winds
        round a pole.

    Notes
    -----
    Every edge runs the short way round in longitude: each vertex's longitude
    is shifted by a multiple of 360° to lie within 180° of the previous one, so
    a ring that crosses the antimeridian comes out with continuous longitudes
    (179 → 181), never wrapped. Geodesic edges are sampled with ``Geod.fwd``
    at equal distances from the edge start; parallels and straight lon/lat
    edges at equal steps in longitude and latitude; rhumb lines at equal steps
    in (longitude, isometric latitude), in which they are straight.

    Examples
    --------
    The KADIZ northern edge (39°N from 123°30′E to 133°E) under the 14 CFR
    99.41 rule follows the parallel:

    >>> pts = densify([(123.5, 39.0), (133.0, 39.0)], "great_circle_except_parallels")
    >>> len(pts), bool((pts[:, 1] == 39.0).all())
    (166, True)
    >>> gc = densify([(123.5, 39.0), (133.0, 39.0)], "great_circle")
    >>> round(float(gc[:, 1].max()), 3)  # the great circle bows north
    39.097
    """
    rule = EdgeRule.parse(rule)
    xy = np.array(coords, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"coords must have shape (n, 2), got {xy.shape}")
    if not np.isfinite(xy).all():
        raise ValueError("coords must be finite")
    if (np.abs(xy[:, 1]) > 90.0).any():
        raise ValueError("latitudes must lie within [-90, 90]")
    if not (max_segment_m > 0.0 and math.isfinite(max_segment_m)):
        raise ValueError(f"max_segment_m must be positive, got {max_segment_m!r}")
    if closed:
        if len(xy) > 1 and (xy[-1] == xy[0]).all():
            xy = xy[:-1]
        if len(xy) < 3:
            raise ValueError(f"a closed ring needs at least 3 vertices, got {len(xy)}")
        xy = np.vstack([xy, xy[:1]])
    if len(xy) < 2:
        return xy
    lon_v = _unwrap(xy[:, 0])
    lat_v = xy[:, 1]
    if closed and lon_v[-1] != xy[0, 0]:
        raise ValueError("the ring winds round a pole; such rings are not supported")
    lon1, lat1, lon2, lat2 = lon_v[:-1], lat_v[:-1], lon_v[1:], lat_v[1:]
    if rule is EdgeRule.GREAT_CIRCLE:
        edge, lon, lat = _geodesic_points(lon1, lat1, lon2, lat2, max_segment_m)
    elif rule is EdgeRule.GREAT_CIRCLE_EXCEPT_PARALLELS:
        par = lat1 == lat2
        ge, glon, glat = _geodesic_points(
            lon1[~par], lat1[~par], lon2[~par], lat2[~par], max_segment_m
        )
        pe, plon, plat = _parallel_points(
            lon1[par], lat1[par], lon2[par], max_segment_m
        )
        edge, lon, lat = _merge(
            np.flatnonzero(~par)[ge], glon, glat, np.flatnonzero(par)[pe], plon, plat
        )
    elif rule is EdgeRule.RHUMB:
        edge, lon, lat = _rhumb_points(lon1, lat1, lon2, lat2, max_segment_m)
    else:
        edge, lon, lat = _straight_points(lon1, lat1, lon2, lat2, max_segment_m)
    # The last point of each edge is the next input vertex, exactly.
    last = np.r_[edge[1:] != edge[:-1], True]
    lon[last] = lon2[edge[last]]
    lat[last] = lat2[edge[last]]
    out = np.empty((len(lon) + 1, 2), dtype=np.float64)
    out[0] = lon_v[0], lat_v[0]
    out[1:, 0] = lon
    out[1:, 1] = lat
    return out
