"""Point-in-zone predicates that stay right across the antimeridian."""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

import shapely

__all__ = ["covers_xy", "normalize_lon"]


@overload
def normalize_lon(lon: float) -> float: ...
@overload
def normalize_lon(lon: ArrayLike) -> NDArray[np.float64]: ...
def normalize_lon(lon: ArrayLike) -> float | NDArray[np.float64]:
    """Wrap longitudes into [-180, 180).

    Parameters
    ----------
    lon : float or array_like
        Longitudes, degrees (any value).

    Returns
    -------
    float or ndarray
        The same longitudes in [-180, 180), degrees; float for scalar input.

    Examples
    --------
    >>> normalize_lon(181.0)
    -179.0
    >>> normalize_lon([180.0, -180.0, 540.5])
    array([-180. , -180. , -179.5])
    """
    x = np.asarray(lon, dtype=np.float64)
    out = np.asarray(((x + 180.0) % 360.0) - 180.0)
    # (x + 180) % 360 can round up to exactly 360 for tiny negative x + 180.
    out = np.where(out >= 180.0, out - 360.0, out)
    if out.ndim == 0:
        return float(out)
    return np.asarray(out, dtype=np.float64)


@overload
def covers_xy(geometry: Any, lon: float, lat: float) -> bool: ...
@overload
def covers_xy(geometry: Any, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]: ...
def covers_xy(
    geometry: Any, lon: ArrayLike, lat: ArrayLike
) -> bool | NDArray[np.bool_]:
    """Return whether each point lies in or on ``geometry`` (covers semantics).

    A point on the boundary (a vertex or an edge) counts as covered. Longitudes
    are compared modulo 360°, so a zone whose ring runs continuously past ±180°
    (e.g. 175° → 185°) covers a query at -178°.

    Parameters
    ----------
    geometry : shapely geometry
        Usually a (Multi)Polygon in WGS84 lon/lat degrees; may be prepared by
        the caller (``shapely.prepare``) for repeated queries.
    lon, lat : float or array_like
        Query points, longitude (any value) and latitude in degrees;
        broadcast together.

    Returns
    -------
    bool or ndarray of bool
        ``True`` where the point is inside or on the boundary; ``bool`` for
        scalar input, otherwise an array of the broadcast shape.

    Notes
    -----
    For a polygon, ``shapely.intersects_xy`` is exactly ``covers`` of the
    point. Prepare the geometry once and pass arrays for bulk queries.

    Examples
    --------
    >>> import shapely
    >>> zone = shapely.box(175.0, 50.0, 185.0, 55.0)  # crosses the antimeridian
    >>> covers_xy(zone, -178.0, 52.0), covers_xy(zone, 185.0, 52.0)
    (True, True)
    >>> covers_xy(zone, [170.0, -174.0], [52.0, 52.0])
    array([False, False])
    """
    x, y = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    scalar = x.ndim == 0
    xn = np.atleast_1d(normalize_lon(x)).ravel()
    yn = np.atleast_1d(y).ravel()
    out = np.zeros(xn.shape, dtype=np.bool_)
    if geometry is None or shapely.is_empty(geometry):
        return bool(out[0]) if scalar else out.reshape(x.shape)
    minx, _, maxx, _ = shapely.bounds(geometry)
    # x + 360 k can reach [minx, maxx] for x in [-180, 180) only for these k.
    for k in range(
        math.ceil((minx - 180.0) / 360.0), math.floor((maxx + 180.0) / 360.0) + 1
    ):
        xs = xn + 360.0 * k
        near = (xs >= minx) & (xs <= maxx) & ~out
        if near.any():
            out[near] = shapely.intersects_xy(geometry, xs[near], yn[near])
    if scalar:
        return bool(out[0])
    return out.reshape(x.shape)
