"""Exact geodesic distance from points to a polygon boundary, vectorised.

The boundary is taken as geodesic segments between consecutive vertices (the
geometry is expected to be densified already, see :func:`densify`). Each query
runs in three steps, all vectorised over points:

1. *Bounds in 3-D.* Segments are grouped into runs of consecutive segments
   ("clusters") with a bounding sphere each, in Earth-centred Cartesian
   coordinates (ECEF). Since the chord between two surface points never
   exceeds their geodesic distance, ``|P - C| - r`` is a rigorous lower bound
   of the distance from ``P`` to anything in a cluster; the geodesic distance
   to a cluster's centre vertex is an upper bound of the distance to the
   boundary. Clusters whose lower bound exceeds that upper bound are dropped.
2. *Per segment.* For the surviving segments the 3-D distance to the straight
   chord ``AB`` ranks them; minus the chord's sagitta bound (``κ L² / 8``,
   with ``κ`` the ellipsoid's largest normal curvature) it is again a lower
   bound.
3. *Exact.* The nearest-ranked segment is solved exactly, then every other
   segment whose lower bound does not exceed that distance. The exact
   point-to-geodesic distance iterates on the along-track distance ``s`` from
   the segment start with ``Geod.fwd`` / ``Geod.inv`` (a Newton-like step from
   the spherical right triangle, ``tan Δs = tan d · cos ω``), clamped to the
   segment, until the step is below a micrometre.

No planar projection is involved, so zones at any latitude, across the
antimeridian (longitudes past ±180 are fine) and far-away points are all
handled the same way.
"""

from __future__ import annotations

import math
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

import shapely

from ._geodesy import GEOD
from ._membership import covers_xy

__all__ = ["BoundaryDistance", "lonlat_pad_deg", "reach_bucket_m", "signed_distance_m"]

_F64 = NDArray[np.float64]
_I64 = NDArray[np.int64]

_A: float = float(GEOD.a)
_B: float = float(GEOD.b)
_E2: float = float(GEOD.es)
#: Largest normal curvature of the ellipsoid (1/m), at the equator, meridian.
_KAPPA: float = _A / (_B * _B)
#: Sphere radius used for the along-track step (only speeds convergence).
_R_STEP: float = 6_371_008.8
#: Along-track convergence tolerance, metres.
_TOL_S: float = 1e-7
#: Slack added to every bound, metres (covers floating-point rounding).
_SLACK: float = 1e-6
_MAX_ITER = 40


def reach_bucket_m(reach_m: float) -> float:
    """Round a distance up to a power of two (metres), for caching per reach.

    >>> reach_bucket_m(1.0), reach_bucket_m(3000.0)
    (1.0, 4096.0)
    """
    return float(2.0 ** math.ceil(math.log2(max(reach_m, 1e-3))))


def lonlat_pad_deg(distance_m: float, max_abs_lat: float) -> float | None:
    """Planar lon/lat distance (degrees) that no geodesic of ``distance_m`` exceeds.

    For prefilters only (the decision is always geodesic): every point within
    ``distance_m`` metres of a feature whose latitudes stay within
    ``±max_abs_lat`` lies within the returned number of degrees of it in the
    (lon, lat) plane. On WGS84, ``ds² ≥ 110,574² (dφ² + cos²φ dλ²)`` with angles in
    degrees (110,574 m is the shortest degree of latitude, at the equator; a
    degree of longitude is never shorter than 110,574 m · cos φ), so a path of
    length ``s`` moves at most ``s / (110,574 · cos φmax)`` degrees. ``φmax``
    allows for the path's own reach. Returns ``None`` near the poles, where the
    bound degenerates.

    >>> round(lonlat_pad_deg(1852.0, 37.0), 6)
    0.021002
    """
    margin_deg = 2.0 * distance_m / 110_574.0 + 1e-6
    phi = max_abs_lat + margin_deg
    if phi >= 89.0:
        return None
    return distance_m / (110_574.0 * math.cos(math.radians(phi))) * 1.001 + 1e-9


def _ecef(lon: _F64, lat: _F64) -> _F64:
    """Earth-centred Cartesian coordinates (metres) of surface points."""
    lam = np.radians(lon)
    phi = np.radians(lat)
    s = np.sin(phi)
    c = np.cos(phi)
    n = _A / np.sqrt(1.0 - _E2 * s * s)
    return np.stack(
        [n * c * np.cos(lam), n * c * np.sin(lam), n * (1.0 - _E2) * s], axis=-1
    )


def _rings(geometry: Any) -> list[_F64]:
    rings: list[_F64] = []
    for part in shapely.get_parts(geometry):
        if not isinstance(part, shapely.Polygon):
            raise TypeError(
                "BoundaryDistance needs a Polygon or MultiPolygon, got "
                f"{part.geom_type}"
            )
        if part.is_empty:
            continue
        for ring in (part.exterior, *part.interiors):
            rings.append(np.asarray(ring.coords, dtype=np.float64)[:, :2])
    return rings


def _flatten(
    lon: ArrayLike, lat: ArrayLike
) -> tuple[bool, tuple[int, ...], _F64, _F64]:
    x, y = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    return (
        x.ndim == 0,
        x.shape,
        np.ascontiguousarray(x, dtype=np.float64).ravel(),
        np.ascontiguousarray(y, dtype=np.float64).ravel(),
    )


class BoundaryDistance:
    """A polygon's boundary prepared once for many geodesic distance queries.

    Parameters
    ----------
    geometry : shapely.Polygon or shapely.MultiPolygon
        The zone, WGS84 lon/lat degrees, already densified (edges between
        consecutive vertices are taken as geodesics). Longitudes may run
        continuously past ±180° for zones that cross the antimeridian.

    Raises
    ------
    TypeError
        If ``geometry`` holds anything but polygons.
    ValueError
        If ``geometry`` is empty.

    Notes
    -----
    Build one object per zone and pass arrays: preparation costs one
    ``Geod.inv`` per boundary segment, and each query point then costs a few
    ``Geod`` calls: 10⁵ points around a 240-segment zone take about 1 s.
    Results agree with a brute-force minimum over a boundary
    densified to 10 m to better than a millimetre plus the brute force's own
    sampling error.

    Examples
    --------
    A 1°×1° cell. The point 0.5° east of its eastern edge is a little closer
    to that (geodesic) edge than to the edge point on its own parallel:

    >>> import shapely
    >>> from airmap.geo import distance_m
    >>> bd = BoundaryDistance(shapely.box(127.0, 37.0, 128.0, 38.0))
    >>> round(bd.distance_m(128.5, 37.5), 1)
    44212.5
    >>> round(distance_m(128.5, 37.5, 128.0, 37.5), 1)
    44212.7

    The centre is inside (negative), nearest to the western and eastern edges:

    >>> bd.signed_distance_m([127.5, 129.0], [37.5, 37.5]).round(1)
    array([-44212.5,  88423.8])
    """

    def __init__(self, geometry: Any) -> None:
        if geometry is None or shapely.is_empty(geometry):
            raise ValueError("BoundaryDistance needs a non-empty polygon")
        rings = _rings(geometry)
        if not rings:
            raise ValueError("BoundaryDistance needs a non-empty polygon")
        #: The zone as given (lon/lat degrees).
        self.geometry = geometry
        shapely.prepare(geometry)
        a_list: list[_F64] = []
        b_list: list[_F64] = []
        ring_of: list[_I64] = []
        for i, ring in enumerate(rings):
            a, b = ring[:-1], ring[1:]
            keep = (a != b).any(axis=1)
            if not keep.any():  # a degenerate ring: keep one point
                keep[:1] = True
            a_list.append(a[keep])
            b_list.append(b[keep])
            ring_of.append(np.full(int(keep.sum()), i, dtype=np.int64))
        a = np.concatenate(a_list)
        b = np.concatenate(b_list)
        self._alon = np.ascontiguousarray(a[:, 0])
        self._alat = np.ascontiguousarray(a[:, 1])
        az, _, length = GEOD.inv(self._alon, self._alat, b[:, 0].copy(), b[:, 1].copy())
        self._az = np.asarray(az, dtype=np.float64)
        self._len = np.asarray(length, dtype=np.float64)
        self._pa = _ecef(self._alon, self._alat)
        self._pb = _ecef(b[:, 0], b[:, 1])
        ab = self._pb - self._pa
        self._ab = ab
        self._ab2 = np.einsum("ij,ij->i", ab, ab)
        # Largest distance of the geodesic arc from its chord (sagitta bound).
        self._sag = _KAPPA * self._len**2 / 8.0 * 1.001 + _SLACK
        self._build_clusters(np.concatenate(ring_of))
        self._bands: dict[float, Any] = {}

    def _build_clusters(self, ring_of: _I64) -> None:
        nseg = len(ring_of)
        k = max(8, math.isqrt(nseg))
        starts: list[int] = []
        counts: list[int] = []
        for r in np.unique(ring_of):
            idx = np.flatnonzero(ring_of == r)
            lo, hi = int(idx[0]), int(idx[-1]) + 1
            for s in range(lo, hi, k):
                starts.append(s)
                counts.append(min(k, hi - s))
        self._cstart = np.asarray(starts, dtype=np.int64)
        self._ccount = np.asarray(counts, dtype=np.int64)
        centre = self._cstart + self._ccount // 2
        self._clon = self._alon[centre]
        self._clat = self._alat[centre]
        self._cxyz = self._pa[centre]
        seg_cluster = np.repeat(np.arange(len(starts)), self._ccount)
        c = self._cxyz[seg_cluster]
        reach = (
            np.maximum(
                np.linalg.norm(self._pa - c, axis=1),
                np.linalg.norm(self._pb - c, axis=1),
            )
            + self._sag
        )
        self._crad = np.full(len(starts), -np.inf)
        np.maximum.at(self._crad, seg_cluster, reach)
        self._crad += _SLACK

    # ------------------------------------------------------------------ queries

    def _pairs(self, p: _F64, keep: NDArray[np.bool_]) -> tuple[_I64, _I64]:
        """Expand a point × cluster mask into (point, segment) index pairs."""
        pc, cc = np.nonzero(keep)
        counts = self._ccount[cc]
        total = int(counts.sum())
        pt = np.repeat(pc, counts)
        offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        seg = np.repeat(self._cstart[cc], counts) + offs
        return pt.astype(np.int64), seg.astype(np.int64)

    def _chord_dist(self, p: _F64, pt: _I64, seg: _I64) -> tuple[_F64, _F64]:
        """3-D distance from points to segment chords, and the chord fraction."""
        ap = p[pt] - self._pa[seg]
        ab = self._ab[seg]
        ab2 = self._ab2[seg]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.einsum("ij,ij->i", ap, ab) / ab2
        t = np.clip(np.nan_to_num(t, nan=0.0), 0.0, 1.0)
        d = np.linalg.norm(ap - t[:, None] * ab, axis=1)
        return d, t

    def _exact(self, lon: _F64, lat: _F64, seg: _I64, t0: _F64) -> _F64:
        """Exact geodesic distance (m) from each point to its paired segment."""
        alon, alat, az, length = (
            self._alon[seg],
            self._alat[seg],
            self._az[seg],
            self._len[seg],
        )
        s = t0 * length
        dist = np.full(len(seg), np.nan)
        active = np.arange(len(seg))
        for _ in range(_MAX_ITER):
            if active.size == 0:
                break
            sa = s[active]
            flon, flat, baz = GEOD.fwd(alon[active], alat[active], az[active], sa)
            az_fp, _, d = GEOD.inv(flon, flat, lon[active], lat[active])
            d = np.asarray(d, dtype=np.float64)
            dist[active] = d
            omega = np.radians(np.asarray(az_fp) - (np.asarray(baz) + 180.0))
            q = d / _R_STEP
            step = _R_STEP * np.arctan2(np.sin(q) * np.cos(omega), np.cos(q))
            s_new = np.clip(sa + step, 0.0, length[active])
            moved = np.abs(s_new - sa)
            s[active] = s_new
            active = active[moved > _TOL_S]
        if active.size:  # not converged (should not happen): finish the update
            flon, flat, _ = GEOD.fwd(alon[active], alat[active], az[active], s[active])
            dist[active] = GEOD.inv(flon, flat, lon[active], lat[active])[2]
        return dist

    def _distance_flat(self, lon: _F64, lat: _F64) -> _F64:
        n = lon.size
        out = np.full(n, np.nan)
        ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0))
        nclu = len(self._cstart)
        chunk = int(max(64, min(8192, 1_000_000 // max(nclu, 1))))
        for i in range(0, ok.size, chunk):
            idx = ok[i : i + chunk]
            out[idx] = self._distance_chunk(lon[idx], lat[idx])
        return out

    def _distance_chunk(self, lon: _F64, lat: _F64) -> _F64:
        n = lon.size
        p = _ecef(lon, lat)
        dc = np.linalg.norm(p[:, None, :] - self._cxyz[None, :, :], axis=2)
        best = np.argmin(dc, axis=1)
        upper = np.asarray(
            GEOD.inv(self._clon[best], self._clat[best], lon.copy(), lat.copy())[2],
            dtype=np.float64,
        )
        keep = (dc - self._crad[None, :]) <= upper[:, None] + _SLACK
        result = upper.copy()
        # Limit memory: split the points so each batch has at most ~2e6 pairs.
        per_point = keep.astype(np.int64) @ self._ccount
        cum = np.cumsum(per_point)
        budget = 2_000_000
        lo = 0
        while lo < n:
            base = cum[lo - 1] if lo else 0
            hi = int(np.searchsorted(cum, base + budget, side="right"))
            hi = max(hi, lo + 1)
            sl = slice(lo, hi)
            result[sl] = self._refine(lon[sl], lat[sl], p[sl], keep[sl], upper[sl])
            lo = hi
        return result

    def _refine(
        self,
        lon: _F64,
        lat: _F64,
        p: _F64,
        keep: NDArray[np.bool_],
        upper: _F64,
    ) -> _F64:
        pt, seg = self._pairs(p, keep)
        dch, t = self._chord_dist(p, pt, seg)
        lower = dch - self._sag[seg]
        ok = lower <= upper[pt] + _SLACK
        pt, seg, dch, t, lower = pt[ok], seg[ok], dch[ok], t[ok], lower[ok]
        # Nearest-ranked segment per point first.
        order = np.lexsort((dch, pt))
        pt, seg, t, lower = pt[order], seg[order], t[order], lower[order]
        first = np.r_[True, pt[1:] != pt[:-1]]
        best = np.full(lon.size, np.inf)
        d1 = self._exact(lon[pt[first]], lat[pt[first]], seg[first], t[first])
        best[pt[first]] = d1
        rest = ~first & (lower <= best[pt] + _SLACK)
        if rest.any():
            d2 = self._exact(lon[pt[rest]], lat[pt[rest]], seg[rest], t[rest])
            np.minimum.at(best, pt[rest], d2)
        return np.asarray(np.minimum(best, upper), dtype=np.float64)

    @overload
    def distance_m(self, lon: float, lat: float) -> float: ...
    @overload
    def distance_m(self, lon: ArrayLike, lat: ArrayLike) -> _F64: ...
    def distance_m(self, lon: ArrayLike, lat: ArrayLike) -> float | _F64:
        """Return the unsigned geodesic distance from each point to the boundary.

        Parameters
        ----------
        lon, lat : float or array_like
            Query points, WGS84 longitude (any value) and latitude, degrees;
            broadcast together.

        Returns
        -------
        float or ndarray
            Distance to the nearest boundary point, metres; ``nan`` for
            non-finite input. Float for scalar input, otherwise an array of
            the broadcast shape.
        """
        scalar, shape, x, y = _flatten(lon, lat)
        d = self._distance_flat(x, y)
        return float(d[0]) if scalar else d.reshape(shape)

    @overload
    def signed_distance_m(self, lon: float, lat: float) -> float: ...
    @overload
    def signed_distance_m(self, lon: ArrayLike, lat: ArrayLike) -> _F64: ...
    def signed_distance_m(self, lon: ArrayLike, lat: ArrayLike) -> float | _F64:
        """Return the signed geodesic distance to the boundary.

        Parameters
        ----------
        lon, lat : float or array_like
            Query points, WGS84 longitude (any value) and latitude, degrees.

        Returns
        -------
        float or ndarray
            Metres: negative inside or on the polygon (``covers``, judged on the
            lon/lat polygon as :func:`covers_xy` does), positive outside.

        Notes
        -----
        A point on the boundary gives ``-0.0`` (or minus a few nanometres).
        """
        scalar, shape, x, y = _flatten(lon, lat)
        d = self._distance_flat(x, y)
        inside = np.asarray(covers_xy(self.geometry, x, y), dtype=np.bool_)
        d = np.where(inside, -d, d)
        return float(d[0]) if scalar else d.reshape(shape)

    @overload
    def candidates_within(self, lon: float, lat: float, distance_m: float) -> bool: ...
    @overload
    def candidates_within(
        self, lon: ArrayLike, lat: ArrayLike, distance_m: ArrayLike
    ) -> NDArray[np.bool_]: ...
    def candidates_within(
        self, lon: ArrayLike, lat: ArrayLike, distance_m: ArrayLike
    ) -> bool | NDArray[np.bool_]:
        """Return a cheap, conservative mask of points possibly near the boundary.

        Parameters
        ----------
        lon, lat : float or array_like
            Query points, WGS84 longitude and latitude, degrees.
        distance_m : float or array_like
            Distance from the boundary, metres; broadcast with the points.

        Returns
        -------
        bool or ndarray of bool
            ``False`` only where the point is surely farther than
            ``distance_m`` from the boundary; ``True`` may include points
            somewhat farther. Uses no ``Geod`` call: only chord lower bounds.

        Examples
        --------
        >>> import shapely
        >>> bd = BoundaryDistance(shapely.box(127.0, 37.0, 128.0, 38.0))
        >>> bd.candidates_within([128.01, 128.5, 127.5], 37.5, 1000.0)
        array([ True, False, False])
        """
        x, y, dd = np.broadcast_arrays(
            np.asarray(lon, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            np.asarray(distance_m, dtype=np.float64),
        )
        scalar = x.ndim == 0
        shape = x.shape
        xf = np.ascontiguousarray(x).ravel()
        yf = np.ascontiguousarray(y).ravel()
        df = np.ascontiguousarray(dd).ravel()
        out = np.zeros(xf.size, dtype=np.bool_)
        # Stage 0: a planar band round the boundary that provably holds every
        # point within the largest distance asked (see _band); cheap for millions.
        reach = float(np.nanmax(df)) if df.size else 0.0
        band = self._band(reach) if np.isfinite(reach) else None
        if band is not None:
            todo = np.flatnonzero(covers_xy(band, xf, yf))
        else:
            todo = np.arange(xf.size)
        nclu = len(self._cstart)
        chunk = int(max(64, min(8192, 1_000_000 // max(nclu, 1))))
        for i in range(0, todo.size, chunk):
            sel = todo[i : i + chunk]
            out[sel] = self._candidates_chunk(xf[sel], yf[sel], df[sel])
        return bool(out[0]) if scalar else out.reshape(shape)

    def _band(self, reach_m: float) -> Any:
        """A lon/lat polygon holding every point within ``reach_m`` of the boundary.

        Only a prefilter: it is a *superset* (never misses a point), and the
        decision is taken by the exact bounds after it. Why it is a superset: on
        WGS84 a geodesic of length ``s`` changes (lat, lon) in degrees by a planar
        amount of at most ``s / (110,574 m · cos φmax)``, because the metric obeys
        ``ds² ≥ 110,574² (dφ² + cos²φ dλ²)`` (110,574 m is the shortest degree
        of latitude, at the equator; a degree of longitude is never shorter than
        110,574 m · cos φ). The round joins of the planar buffer are polygons
        inscribed in arcs, so the pad is divided by ``cos(π / (4 · quad_segs))``.
        Returns ``None`` near the poles, where the bound degenerates. Cached per
        power-of-two bucket of ``reach_m``.
        """
        bucket = reach_bucket_m(reach_m)
        if bucket in self._bands:
            return self._bands[bucket]
        _, miny, _, maxy = self.geometry.bounds
        pad = lonlat_pad_deg(bucket, max(abs(miny), abs(maxy)))
        band: Any = None
        if pad is not None:
            quad_segs = 8
            pad = pad / math.cos(math.pi / (4 * quad_segs))
            band = shapely.buffer(
                shapely.boundary(self.geometry), pad, quad_segs=quad_segs
            )
            shapely.prepare(band)
        self._bands[bucket] = band
        return band

    def _candidates_chunk(self, lon: _F64, lat: _F64, dist: _F64) -> NDArray[np.bool_]:
        p = _ecef(lon, lat)
        reach = dist + _SLACK
        dc = np.linalg.norm(p[:, None, :] - self._cxyz[None, :, :], axis=2)
        keep = (dc - self._crad[None, :]) <= reach[:, None]
        out = np.zeros(lon.size, dtype=np.bool_)
        rows = np.flatnonzero(keep.any(axis=1))
        if rows.size == 0:
            return out
        per_point = keep[rows].astype(np.int64) @ self._ccount
        cum = np.cumsum(per_point)
        lo = 0
        while lo < rows.size:
            base = cum[lo - 1] if lo else 0
            hi = max(int(np.searchsorted(cum, base + 2_000_000, side="right")), lo + 1)
            r = rows[lo:hi]
            pt, seg = self._pairs(p[r], keep[r])
            dch, _ = self._chord_dist(p[r], pt, seg)
            near = dch - self._sag[seg] <= reach[r][pt]
            hit = np.zeros(r.size, dtype=np.bool_)
            hit[pt[near]] = True
            out[r] = hit
            lo = hi
        return out


@overload
def signed_distance_m(geometry: Any, lon: float, lat: float) -> float: ...
@overload
def signed_distance_m(geometry: Any, lon: ArrayLike, lat: ArrayLike) -> _F64: ...
def signed_distance_m(geometry: Any, lon: ArrayLike, lat: ArrayLike) -> float | _F64:
    """Return the signed geodesic distance from points to the boundary of ``geometry``.

    Parameters
    ----------
    geometry : shapely.Polygon or shapely.MultiPolygon
        The zone, WGS84 lon/lat degrees, densified.
    lon, lat : float or array_like
        Query points, degrees.

    Returns
    -------
    float or ndarray
        Metres: negative inside or on (``covers``), positive outside.

    Notes
    -----
    Prepares the boundary on every call; for repeated queries keep a
    :class:`BoundaryDistance`.

    Examples
    --------
    >>> import shapely
    >>> round(signed_distance_m(shapely.box(0, 0, 1, 1), 0.5, 0.0), 6)
    -0.0
    """
    return BoundaryDistance(geometry).signed_distance_m(lon, lat)
