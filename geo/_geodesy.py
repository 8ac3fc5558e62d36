"""One WGS84 ellipsoid for every distance, azimuth and area.

Every function here takes a scalar or any array-like and answers in kind:
scalars give Python ``float``, array-likes give NumPy arrays of the broadcast
shape (pyproj's "same container back" style, minus lists).
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

import shapely
from pyproj import Geod

__all__ = ["FT", "GEOD", "NM", "distance_m", "forward", "geodesic_area_m2", "inverse"]

#: The WGS84 ellipsoid used everywhere.
GEOD = Geod(ellps="WGS84")
#: One international nautical mile, metres.
NM = 1852.0
#: One international foot, metres.
FT = 0.3048

_F64 = NDArray[np.float64]


def _broadcast(*values: ArrayLike) -> tuple[bool, tuple[int, ...], list[_F64]]:
    """Return (all scalar?, broadcast shape, flat contiguous float64 copies)."""
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    scalar = all(a.ndim == 0 for a in arrays)
    shaped = np.broadcast_arrays(*arrays)
    shape = shaped[0].shape
    flat = [np.array(a, dtype=np.float64, copy=True).ravel() for a in shaped]
    return scalar, shape, flat


@overload
def inverse(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> tuple[float, float, float]: ...
@overload
def inverse(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> tuple[_F64, _F64, _F64]: ...
def inverse(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> tuple[float, float, float] | tuple[_F64, _F64, _F64]:
    """Solve the inverse geodesic problem on WGS84.

    Parameters
    ----------
    lon1, lat1 : float or array_like
        Start point(s), WGS84 longitude and latitude in degrees.
    lon2, lat2 : float or array_like
        End point(s), WGS84 longitude and latitude in degrees.

    Returns
    -------
    az12 : float or ndarray
        Azimuth of the geodesic at the start, degrees clockwise from north,
        in (-180, 180].
    az21 : float or ndarray
        Back azimuth: azimuth at the end pointing back to the start, degrees.
    dist : float or ndarray
        Geodesic distance, metres.

    Examples
    --------
    >>> az12, az21, dist = inverse(0.0, 0.0, 1.0, 0.0)
    >>> round(az12, 6), round(az21, 6), round(dist, 3)
    (90.0, -90.0, 111319.491)
    """
    scalar, shape, (a, b, c, d) = _broadcast(lon1, lat1, lon2, lat2)
    az12, az21, dist = GEOD.inv(a, b, c, d, inplace=True)
    if scalar:
        return float(az12[0]), float(az21[0]), float(dist[0])
    return (
        np.asarray(az12, dtype=np.float64).reshape(shape),
        np.asarray(az21, dtype=np.float64).reshape(shape),
        np.asarray(dist, dtype=np.float64).reshape(shape),
    )


@overload
def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float: ...
@overload
def distance_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> _F64: ...
def distance_m(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> float | _F64:
    """Return the geodesic distance between points on WGS84.

    Parameters
    ----------
    lon1, lat1 : float or array_like
        Start point(s), longitude and latitude in degrees.
    lon2, lat2 : float or array_like
        End point(s), longitude and latitude in degrees.

    Returns
    -------
    float or ndarray
        Geodesic distance, metres (float for scalar input).

    Examples
    --------
    One degree of latitude at the equator:

    >>> round(distance_m(0.0, 0.0, 0.0, 1.0), 3)
    110574.389
    >>> distance_m([0.0, 0.0], 0.0, 0.0, [1.0, 2.0]).round(1)
    array([110574.4, 221149.5])
    """
    return inverse(lon1, lat1, lon2, lat2)[2]


@overload
def forward(
    lon: float, lat: float, azimuth_deg: float, distance_m: float
) -> tuple[float, float]: ...
@overload
def forward(
    lon: ArrayLike, lat: ArrayLike, azimuth_deg: ArrayLike, distance_m: ArrayLike
) -> tuple[_F64, _F64]: ...
def forward(
    lon: ArrayLike, lat: ArrayLike, azimuth_deg: ArrayLike, distance_m: ArrayLike
) -> tuple[float, float] | tuple[_F64, _F64]:
    """Solve the direct geodesic problem on WGS84.

    Parameters
    ----------
    lon, lat : float or array_like
        Start point(s), longitude and latitude in degrees.
    azimuth_deg : float or array_like
        Initial azimuth, degrees clockwise from north.
    distance_m : float or array_like
        Distance to travel along the geodesic, metres (negative goes backwards).

    Returns
    -------
    lon, lat : float or ndarray
        The point reached, longitude in [-180, 180] and latitude, degrees.

    Examples
    --------
    >>> lon, lat = forward(0.0, 0.0, 90.0, 111319.49079327357)
    >>> round(lon, 9), round(lat, 9)
    (1.0, 0.0)
    """
    scalar, shape, (a, b, c, d) = _broadcast(lon, lat, azimuth_deg, distance_m)
    lon2, lat2, _ = GEOD.fwd(a, b, c, d, inplace=True)
    if scalar:
        return float(lon2[0]), float(lat2[0])
    return (
        np.asarray(lon2, dtype=np.float64).reshape(shape),
        np.asarray(lat2, dtype=np.float64).reshape(shape),
    )


def _ring_area_m2(ring: Any) -> float:
    xy = np.asarray(ring.coords, dtype=np.float64)
    if len(xy) < 4:
        return 0.0
    area, _ = GEOD.polygon_area_perimeter(xy[:, 0], xy[:, 1])
    return abs(float(area))


def geodesic_area_m2(geometry: Any) -> float:
    """Return the geodesic area of a (multi)polygon on WGS84.

    Edges are geodesics between consecutive vertices; ring orientation does not
    matter (each ring counts by its absolute area, holes subtract).

    Parameters
    ----------
    geometry : shapely.Polygon or shapely.MultiPolygon
        Lon/lat degrees; longitudes may run continuously past ±180.

    Returns
    -------
    float
        Area, square metres (0 for empty, point or line geometries).

    Examples
    --------
    A one-degree cell on the equator, about 12,309 km²:

    >>> import shapely
    >>> round(geodesic_area_m2(shapely.box(0, 0, 1, 1)) / 1e6, 1)
    12308.8
    """
    total = 0.0
    for part in shapely.get_parts(geometry):
        if not isinstance(part, shapely.Polygon) or part.is_empty:
            continue
        total += _ring_area_m2(part.exterior)
        for hole in part.interiors:
            total -= _ring_area_m2(hole)
    return total
