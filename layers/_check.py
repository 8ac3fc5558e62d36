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
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airmap.geo import (
    BoundaryDistance,
    GridIndex,
    Validity,
    covers_xy,
    lonlat_pad_deg,
    normalize_lon,
)

from ._model import ZoneKind, ZoneVersion

__all__ = [
    "CellGrid",
    "Membership",
    "MembershipArray",
    "Status",
    "check_arrays",
    "check_point",
]


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


#: Cell size of the membership grid, degrees.
CELL_DEG = 0.25
_NX = round(360 / CELL_DEG)
_NY = round(180 / CELL_DEG)
#: Cell classes: no point of the cell can be in the zone or within reach of its
#: edge; every point of the cell is inside and farther than reach from the edge;
#: anything else (the exact predicate decides).
CELL_OUT, CELL_DEEP, CELL_MIXED = 0, 1, 2


def cell_ids(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.int32]:
    """Index of each point's cell in the global grid (x in [-180, 180], y in [-90, 90])."""
    ix = np.minimum(((x + 180.0) * (1.0 / CELL_DEG)).astype(np.int32), _NX - 1)
    iy = np.minimum(((y + 90.0) * (1.0 / CELL_DEG)).astype(np.int32), _NY - 1)
    out: NDArray[np.int32] = iy * np.int32(_NX) + ix
    return out


class _Shift:
    """Coordinate transform adding ``dx`` degrees of longitude."""

    def __init__(self, dx: float) -> None:
        self.dx = np.array([dx, 0.0])

    def __call__(self, coords: NDArray[np.float64]) -> NDArray[np.float64]:
        out: NDArray[np.float64] = coords + self.dx
        return out


class CellGrid:
    """One zone version's classes on a global 0.25° grid, for one reach (metres).

    Exact by construction: a cell is ``CELL_DEEP`` only when its closed box, grown
    by a pad that no geodesic of ``reach_m`` can cross (:func:`lonlat_pad_deg`),
    lies in the zone's interior; ``CELL_OUT`` only when that grown box misses the
    zone. Points in other cells go through the exact predicate, so results stay
    bit for bit those of shapely on the zone geometry.
    """

    def __init__(self, geometry: Any, reach_m: float) -> None:
        import shapely

        table = np.zeros(_NX * _NY, dtype=np.uint8)
        minx, miny, maxx, maxy = geometry.bounds
        pad = lonlat_pad_deg(reach_m, max(abs(miny), abs(maxy)))
        shifts = (
            [0.0]
            + ([-360.0] if maxx > 180.0 else [])
            + ([360.0] if minx < -180.0 else [])
        )
        for shift in shifts:
            g = shapely.transform(geometry, _Shift(shift))
            shapely.prepare(g)
            gx0, gy0, gx1, gy1 = g.bounds
            p = 180.0 if pad is None else pad
            i0 = max(int(np.floor((gx0 - p + 180.0) / CELL_DEG)), 0)
            i1 = min(int(np.floor((gx1 + p + 180.0) / CELL_DEG)), _NX - 1)
            j0 = max(int(np.floor((gy0 - p + 90.0) / CELL_DEG)), 0)
            j1 = min(int(np.floor((gy1 + p + 90.0) / CELL_DEG)), _NY - 1)
            if i1 < i0 or j1 < j0:
                continue
            gi, gj = np.meshgrid(np.arange(i0, i1 + 1), np.arange(j0, j1 + 1))
            ii, jj = gi.ravel(), gj.ravel()
            bx0 = ii * CELL_DEG - 180.0
            by0 = jj * CELL_DEG - 90.0
            if pad is None:  # near a pole: no shortcut, every cell in range is mixed
                cls = np.full(ii.size, CELL_MIXED, dtype=np.uint8)
            else:
                boxes = shapely.box(
                    bx0 - pad, by0 - pad, bx0 + CELL_DEG + pad, by0 + CELL_DEG + pad
                )
                hit = shapely.intersects(g, boxes)
                deep = shapely.contains_properly(g, boxes)
                cls = np.where(
                    deep, CELL_DEEP, np.where(hit, CELL_MIXED, CELL_OUT)
                ).astype(np.uint8)
            flat = jj * _NX + ii
            # combine shifts: mixed beats deep beats out
            table[flat] = np.maximum(table[flat], cls)
        self.table = table


def _times_mask(
    validity: Validity, when: NDArray[np.datetime64], n: int
) -> NDArray[np.bool_]:
    """Which instants fall in a validity interval (NaT: none)."""
    ok = ~np.isnat(when)
    if validity.start is not None:
        ok &= when >= np.datetime64(validity.start.replace(tzinfo=None), "ns")
    if validity.end is not None:
        ok &= when < np.datetime64(validity.end.replace(tzinfo=None), "ns")
    return ok


def check_arrays(
    versions: Sequence[ZoneVersion],
    indexes: Sequence[BoundaryDistance],
    grid: GridIndex,
    lon: ArrayLike,
    lat: ArrayLike,
    when: NDArray[np.datetime64] | None,
    *,
    uncertainty_m: ArrayLike = 0.0,
    tolerance_m: float = 1.0,
    always_near: Sequence[bool] = (),
) -> MembershipArray:
    """Vectorised kernel behind :meth:`ZoneCatalogue.check` for arrays.

    ``grid`` is the exact :class:`~airmap.geo.GridIndex` over ``versions`` (bit
    ``j`` is ``versions[j]``); when a boundary band or uncertainty is asked for,
    it must have been built with a per-version reach of at least
    ``max(uncertainty_m, tolerance_m)`` (its ``near`` bits then hold every point
    within that reach of an edge). ``always_near[j]`` marks versions whose reach
    could not be bounded in degrees (near the poles): every point is a candidate.
    ``when`` is ``None`` (every version applies) or UTC ``datetime64[ns]`` per
    point.
    """
    x = np.ravel(np.asarray(lon, dtype=np.float64))
    if (x >= 180.0).any() or (x < -180.0).any():
        x = normalize_lon(x)
    y = np.ravel(np.asarray(lat, dtype=np.float64))
    n = x.size
    unc_in = np.asarray(uncertainty_m, dtype=np.float64)
    scalar_unc = unc_in.ndim == 0
    unc = np.broadcast_to(unc_in, (n,))
    reach = max(float(unc_in.max()) if unc_in.size else 0.0, tolerance_m) if n else 0.0
    m = len(versions)
    status = np.zeros((m, n), dtype=np.int8)
    covers = np.zeros((m, n), dtype=bool)
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0))
    known: list[tuple[NDArray[np.intp], NDArray[np.float64]]] = [empty] * m
    res = grid.query(x, y)
    if reach > 0 and res.near is None:
        raise ValueError("check_arrays: the grid index was built without a reach")
    for row, (v, index) in enumerate(zip(versions, indexes, strict=True)):
        byte, bit = divmod(row, 8)
        cov = ((res.bits[:, byte] >> np.uint8(bit)) & np.uint8(1)).view(np.bool_)
        active = None if when is None else _times_mask(v.validity, when, n)
        if active is not None:
            cov = cov & active
        covers[row] = cov
        status[row] = cov  # Status.INSIDE == 1, OUTSIDE == 0
        if reach > 0 and res.near is not None:
            if row < len(always_near) and always_near[row]:
                near = np.ones(n, dtype=np.bool_)
            else:
                near = ((res.near[:, byte] >> np.uint8(bit)) & np.uint8(1)).view(
                    np.bool_
                )
            if active is not None:
                near = near & active
            idx = np.flatnonzero(near)
            if idx.size:
                xs, ys = x[idx], y[idx]
                band = np.maximum(unc_in if scalar_unc else unc[idx], tolerance_m)
                cand = index.candidates_within(xs, ys, band)
                if cand.any():
                    ci = np.flatnonzero(cand)
                    d = index.distance_m(xs[ci], ys[ci])
                    cov_ci = covers[row, idx[ci]]
                    known[row] = (idx[ci], np.where(cov_ci, -d, d))
                    ui = unc[idx[ci]]
                    near_tol = (d <= tolerance_m) & (tolerance_m > 0)
                    near_unc = (~near_tol) & (d < ui)
                    sub = status[row, idx[ci]]
                    sub[near_tol] = Status.BOUNDARY
                    sub[near_unc] = Status.POSSIBLY_INSIDE
                    status[row, idx[ci]] = sub
        if active is not None:
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
