"""Point membership: which zone versions a position is in, and how sure we are.

The boundary rule (one predicate everywhere):

* **covers**: a point on a zone's edge or vertex counts as inside; a point in a
  hole is outside. The raw predicate is shapely's ``intersects_xy`` on the zone
  polygon (for a point, identical to ``covers``), evaluated on the zone geometry
  exactly as loaded (edges densified per the zone's edge rule).
* **boundary**: a point whose geodesic distance to the edge is at most
  ``tolerance_m`` is reported as ``boundary`` whichever side it is on
  (``tolerance_m=0`` turns the band off: the status is then exactly the predicate).
* **possibly_inside**: a position with ``uncertainty_m`` whose uncertainty disc
  straddles the edge (distance to the edge below ``uncertainty_m``) is reported as
  ``possibly_inside``, whichever side its centre is on; the signed distance says
  which.

Distances are geodesic metres on WGS84, negative inside.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airmap.geo import BoundaryDistance, Validity, covers_xy, normalize_lon

from ._model import ZoneKind, ZoneVersion

__all__ = ["Membership", "MembershipArray", "Status", "check_arrays", "check_point"]


class Status(enum.IntEnum):
    """Membership of one position in one zone version."""

    #: The zone version is not in force at the position's time.
    NOT_IN_FORCE = -1
    OUTSIDE = 0
    INSIDE = 1
    #: Within ``tolerance_m`` of the edge.
    BOUNDARY = 2
    #: The position's uncertainty disc straddles the edge.
    POSSIBLY_INSIDE = 3

    @property
    def label(self) -> str:
        """Lower-case name as printed (``"possibly_inside"``)."""
        return self.name.lower()


#: Status labels indexed by code + 1.
STATUS_LABELS: tuple[str, ...] = tuple(s.label for s in sorted(Status))


@dataclass(frozen=True, slots=True)
class Membership:
    """The answer for one position and one zone version."""

    #: The zone version.
    zone_version: ZoneVersion = field(repr=False)
    #: inside / outside / boundary / possibly_inside.
    status: Status
    #: Signed geodesic distance to the edge, metres (negative inside).
    distance_to_edge_m: float

    @property
    def zone_id(self) -> str:
        """The zone's id."""
        return self.zone_version.zone_id

    @property
    def version(self) -> str:
        """The version's label."""
        return self.zone_version.version

    @property
    def kind(self) -> ZoneKind:
        """The zone's kind."""
        return self.zone_version.zone.kind

    @property
    def holder(self) -> str | None:
        """State in de-facto control (ISO alpha-3) or None."""
        return self.zone_version.zone.holder

    @property
    def claimants(self) -> tuple[str, ...]:
        """Every state that claims the zone."""
        return self.zone_version.zone.claimants

    @property
    def validity(self) -> Validity:
        """When the version is in force."""
        return self.zone_version.validity

    @property
    def inside(self) -> bool:
        """Whether the position is inside or on the edge (covers)."""
        return self.distance_to_edge_m <= 0.0

    def __repr__(self) -> str:
        return (
            f"Membership({self.zone_version.key}, {self.status.label}, "
            f"{self.distance_to_edge_m:.0f} m)"
        )


class MembershipArray:
    """Membership of n positions in m zone versions, as arrays (no per-point objects).

    Attributes
    ----------
    versions : tuple of ZoneVersion
        The m zone versions, in the order of the rows.
    status : numpy.ndarray of int8, shape (m, n)
        :class:`Status` codes.
    covers : numpy.ndarray of bool, shape (m, n)
        The raw predicate (inside or on the edge), ``False`` where not in force.
    """

    def __init__(
        self,
        versions: tuple[ZoneVersion, ...],
        status: NDArray[np.int8],
        covers: NDArray[np.bool_],
        lon: NDArray[np.float64],
        lat: NDArray[np.float64],
        known: list[tuple[NDArray[np.intp], NDArray[np.float64]]],
        indexes: Sequence[BoundaryDistance],
    ) -> None:
        self.versions = versions
        self.status = status
        self.covers = covers
        self._lon = lon
        self._lat = lat
        self._known = known
        self._indexes = indexes
        self._distance: NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.status.shape[1])

    @property
    def keys(self) -> tuple[str, ...]:
        """``zone@version`` for each row."""
        return tuple(v.key for v in self.versions)

    @property
    def inside(self) -> NDArray[np.bool_]:
        """(m, n) bool: status inside or boundary."""
        inside: NDArray[np.bool_] = (self.status == Status.INSIDE) | (
            self.status == Status.BOUNDARY
        )
        return inside

    @property
    def distance_m(self) -> NDArray[np.float64]:
        """(m, n) signed geodesic distance to each edge, metres; NaN if not in force.

        Computed on first access (exact geodesic work for every point), then kept.
        """
        if self._distance is None:
            m, n = self.status.shape
            out = np.full((m, n), np.nan)
            for row, index in enumerate(self._indexes):
                idx, values = self._known[row]
                out[row, idx] = values
                todo = np.isnan(out[row]) & (self.status[row] != Status.NOT_IN_FORCE)
                if todo.any():
                    d = index.distance_m(self._lon[todo], self._lat[todo])
                    out[row, todo] = np.where(self.covers[row, todo], -d, d)
            self._distance = out
        return self._distance

    def row(self, key: str) -> int:
        """Row index of ``zone@version`` (or of a zone id with one version)."""
        for i, v in enumerate(self.versions):
            if key in (v.key, v.zone_id):
                return i
        raise KeyError(f"no row for {key!r}; rows: {', '.join(self.keys)}")


def _bbox_mask(
    bounds: tuple[float, float, float, float],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    pad_deg_lat: float,
    pad_deg_lon: float,
) -> NDArray[np.bool_]:
    minx, miny, maxx, maxy = bounds
    ymask = (y >= miny - pad_deg_lat) & (y <= maxy + pad_deg_lat)
    x0, x1 = minx - pad_deg_lon, maxx + pad_deg_lon
    xmask = (x >= x0) & (x <= x1)
    if x1 > 180.0:
        xmask |= (x + 360.0 >= x0) & (x + 360.0 <= x1)
    if x0 < -180.0:
        xmask |= (x - 360.0 >= x0) & (x - 360.0 <= x1)
    return ymask & xmask


def _pad_degrees(
    bounds: tuple[float, float, float, float], metres: float
) -> tuple[float, float]:
    """Conservative lat/lon padding (degrees) that covers ``metres`` on the ellipsoid."""
    if metres <= 0:
        return 0.0, 0.0
    lat_pad = metres / 110_574.0 * 1.01  # metres per degree of latitude ≥ 110,574
    far = min(89.0, max(abs(bounds[1]), abs(bounds[3])) + lat_pad + 0.5)
    lon_pad = metres / (111_320.0 * np.cos(np.radians(far))) * 1.01
    return lat_pad, float(min(lon_pad, 360.0))


def _times_mask(
    validity: Validity, when: NDArray[np.datetime64] | None, n: int
) -> NDArray[np.bool_]:
    ok = np.ones(n, dtype=bool)
    if when is None:
        return ok
    if validity.start is not None:
        ok &= when >= np.datetime64(validity.start.replace(tzinfo=None), "ns")
    if validity.end is not None:
        ok &= when < np.datetime64(validity.end.replace(tzinfo=None), "ns")
    return ok & ~np.isnat(when)


def check_arrays(
    versions: Sequence[ZoneVersion],
    indexes: Sequence[BoundaryDistance],
    lon: ArrayLike,
    lat: ArrayLike,
    when: NDArray[np.datetime64] | None,
    *,
    uncertainty_m: ArrayLike = 0.0,
    tolerance_m: float = 1.0,
) -> MembershipArray:
    """Vectorised kernel behind :meth:`ZoneCatalogue.check` for arrays.

    ``when`` is ``None`` (every version applies) or UTC ``datetime64[ns]`` per point.
    """
    x = normalize_lon(np.ravel(np.asarray(lon, dtype=np.float64)))
    y = np.ravel(np.asarray(lat, dtype=np.float64))
    n = x.size
    unc = np.broadcast_to(np.asarray(uncertainty_m, dtype=np.float64), (n,))
    band = np.maximum(unc, tolerance_m)
    reach = float(band.max()) if n else 0.0
    m = len(versions)
    status = np.zeros((m, n), dtype=np.int8)
    covers = np.zeros((m, n), dtype=bool)
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0))
    known: list[tuple[NDArray[np.intp], NDArray[np.float64]]] = [empty] * m
    for row, (v, index) in enumerate(zip(versions, indexes, strict=True)):
        active = _times_mask(v.validity, when, n)
        bounds = v.geometry.bounds
        lat_pad, lon_pad = _pad_degrees(bounds, reach)
        near_box = active & _bbox_mask(bounds, x, y, lat_pad, lon_pad)
        idx = np.flatnonzero(near_box)
        if idx.size:
            xs, ys = x[idx], y[idx]
            cov = covers_xy(v.geometry, xs, ys)
            covers[row, idx] = cov
            st = np.where(cov, Status.INSIDE, Status.OUTSIDE).astype(np.int8)
            if reach > 0:
                cand = index.candidates_within(xs, ys, band[idx])
                if cand.any():
                    ci = np.flatnonzero(cand)
                    d = index.distance_m(xs[ci], ys[ci])
                    signed = np.where(cov[ci], -d, d)
                    known[row] = (idx[ci], signed)
                    ui = unc[idx][ci]
                    near_tol = (d <= tolerance_m) & (tolerance_m > 0)
                    near_unc = (~near_tol) & (d < ui)
                    sub = st[ci]
                    sub[near_tol] = Status.BOUNDARY
                    sub[near_unc] = Status.POSSIBLY_INSIDE
                    st[ci] = sub
            status[row, idx] = st
        if when is not None:
            status[row, ~active] = Status.NOT_IN_FORCE
    return MembershipArray(tuple(versions), status, covers, x, y, known, indexes)


def check_point(
    versions: Sequence[ZoneVersion],
    indexes: Sequence[BoundaryDistance],
    lon: float,
    lat: float,
    when: dt.datetime | None,
    *,
    uncertainty_m: float = 0.0,
    tolerance_m: float = 1.0,
) -> list[Membership]:
    """Scalar path: one :class:`Membership` per version in force, nearest first."""
    out = []
    x = float(normalize_lon(lon))
    for v, index in zip(versions, indexes, strict=True):
        if when is not None and not v.validity.contains(when):
            continue
        cov = bool(covers_xy(v.geometry, np.array([x]), np.array([lat]))[0])
        d = float(index.distance_m(np.array([x]), np.array([lat]))[0])
        if tolerance_m > 0 and d <= tolerance_m:
            st = Status.BOUNDARY
        elif d < uncertainty_m:
            st = Status.POSSIBLY_INSIDE
        else:
            st = Status.INSIDE if cov else Status.OUTSIDE
        out.append(Membership(v, st, -d if cov else d))
    out.sort(key=lambda mb: (mb.status == Status.OUTSIDE, mb.distance_to_edge_m))
    return out
