"""An exact grid index: which of many polygons cover each of many points.

:class:`GridIndex` answers shapely's ``intersects_xy(zone, lon, lat)`` (for a
polygon: *covers*) for every zone at once, bit for bit, as a per-point bitmask.
Most points answer from a lookup table; only points in the few grid cells that
a zone's edge may touch run an exact crossing-number test on a short list of
that zone's edges.

How it stays exact
------------------
* The grid is two-level: coarse cells of ``cell_deg`` (a power of two) and, where
  any zone's edge passes, ``refine × refine`` fine cells. Cell sizes and the grid
  origin are powers of two and multiples of them, so a point's cell comes from
  one rounding (``lon - x0``) and coarse and fine cells always agree.
* A fine cell is *on the edge* of a zone when the zone's edge comes within
  ``pad`` (1e-9°, far above any rounding in locating a point) of the closed cell.
  Edges are clipped to each row of fine cells to find the cells they touch, with
  the same pad, so the marking is a superset of the truth. Every other cell is
  wholly inside or wholly outside the zone; runs of such cells along a row share
  one state, read once from shapely at a cell centre (never on an edge).
* For a point in a cell on the edge, the horizontal ray to the right is split at
  the left side ``x_end`` of the first cell to the right that is off the edge. The
  crossings beyond ``x_end`` have the parity of that cell's state; the crossings
  before it come from the zone's edges that touch the row between the point's
  cell and ``x_end`` (stored per run of cells on the edge, longest reach first).
  Each edge is tested with the rules of GEOS's ``RayCrossingCounter``: segments
  wholly left are skipped, a point equal to a vertex or on a horizontal segment is
  on the boundary, other segments count when they straddle the ray half-open in
  y and the orientation of (p1, p2, point) says the crossing is to the right; an
  orientation of exactly zero puts the point on the boundary.
* The orientation uses the floating-point determinant and error filter that GEOS
  applies before its double-double fallback. Where that filter cannot decide the
  sign (the point is within about 1e-15 relative of the edge's line), the point
  is handed to shapely itself, so no answer depends on our arithmetic there.
* Longitudes in [-180, 180) are used as given; others are wrapped with
  :func:`normalize_lon`. Like :func:`covers_xy`, each point is also tried at the
  ±360° multiples that reach a zone whose ring runs past ±180°. (``covers_xy``
  wraps every longitude, which can move an in-range one by an ulp; the index
  does not, so it equals plain shapely for in-range points.)

An invalid geometry (where GEOS's answer depends on its algorithm) is answered by
:func:`covers_xy` for every point; so is every zone when ``exact="shapely"``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

import shapely

from ._membership import covers_xy, normalize_lon

__all__ = ["GridIndex", "GridResult", "numba_available"]

#: Pad round every edge when marking the cells it touches, degrees. Locating a
#: point in its cell rounds by < 1e-13°; the clipped x-ranges err by less still.
_PAD_DEG = 1e-9
#: GEOS's error-bound factor for the floating-point orientation filter.
_DP_SAFE_EPSILON = 1e-15
#: Points per chunk in the NumPy path (bounds its temporaries).
_CHUNK = 1 << 20
#: Batches smaller than this run the numba kernel on one thread.
_PARALLEL_MIN = 1 << 14

_U8 = NDArray[np.uint8]
_I64 = NDArray[np.int64]
_I32 = NDArray[np.int32]
_F64 = NDArray[np.float64]
Engine = Literal["auto", "numba", "numpy"]


def _power_of_two(value: float, what: str) -> int:
    """The exponent e with value == 2**e, or a ValueError naming ``what``."""
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{what} must be a positive power of two, got {value!r}")
    m, e = math.frexp(value)
    if m != 0.5:
        raise ValueError(f"{what} must be a power of two (e.g. 1/16), got {value!r}")
    return e - 1


@dataclass(frozen=True, eq=False)
class GridResult:
    """Which zones cover each point, as a bitmask per point.

    Bit ``j % 8`` of byte ``j // 8`` of row ``i`` of :attr:`bits` is set when zone
    ``j`` covers point ``i`` (little-endian bit order, as
    ``numpy.unpackbits(..., bitorder="little")`` reads it).
    """

    #: uint8 array (n_points, n_bytes): the covers bitmask, one row per point.
    bits: _U8
    #: The zones in bit order (the names given to :meth:`GridIndex.build`).
    zones: tuple[Any, ...]
    #: Same layout: zones whose edge may pass within the index's reach of the
    #: point (``None`` when the index was built without reach).
    near: _U8 | None = None

    def __len__(self) -> int:
        return int(self.bits.shape[0])

    def _unpack(self, words: _U8) -> NDArray[np.bool_]:
        m = len(self.zones)
        cols = np.unpackbits(words, axis=1, count=m, bitorder="little")
        out: NDArray[np.bool_] = cols.T.astype(np.bool_)
        return out

    def matrix(self) -> NDArray[np.bool_]:
        """Boolean matrix (n_zones, n_points): zone ``j`` covers point ``i``."""
        return self._unpack(self.bits)

    def near_matrix(self) -> NDArray[np.bool_]:
        """Boolean matrix (n_zones, n_points) of :attr:`near` (needs a reach)."""
        if self.near is None:
            raise ValueError("this index was built without reach_deg: no near bits")
        return self._unpack(self.near)

    def pairs(self) -> tuple[_I64, _I64]:
        """Long form: ``(point_index, zone_index)`` for every covering pair.

        Sorted by point, then zone, like ``STRtree.query`` index pairs.
        """
        zone_idx, point_idx = np.nonzero(self.matrix())
        order = np.lexsort((zone_idx, point_idx))
        return point_idx[order].astype(np.int64), zone_idx[order].astype(np.int64)


# --------------------------------------------------------------------- build
def _edges(geometry: Any) -> _F64:
    """Every ring segment (x1, y1, x2, y2), shape (n, 4), in ring order."""
    polys = shapely.get_parts(geometry)
    rings = shapely.get_rings(polys)
    segs = []
    for ring in rings:
        c = shapely.get_coordinates(ring)
        if len(c) >= 2:
            segs.append(np.concatenate([c[:-1], c[1:]], axis=1))
    if not segs:
        return np.zeros((0, 4))
    return np.ascontiguousarray(np.concatenate(segs), dtype=np.float64)


def _row_intervals(
    e: _F64, pad: float, gx0: float, gy0: float, inv_f: float
) -> tuple[_I64, _I64, _I64, _I64]:
    """Fine cells each edge touches, per row: (edge, row, first col, last col).

    A superset: every cell whose closed box grown by ``pad`` meets the edge.
    """
    x1, y1, x2, y2 = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
    ymin, ymax = np.minimum(y1, y2), np.maximum(y1, y2)
    r0 = np.floor((ymin - pad - gy0) * inv_f).astype(np.int64)
    r1 = np.floor((ymax + pad - gy0) * inv_f).astype(np.int64)
    cnt = r1 - r0 + 1
    eid = np.repeat(np.arange(len(e), dtype=np.int64), cnt)
    first = np.repeat(np.cumsum(cnt) - cnt, cnt)
    row = r0[eid] + (np.arange(eid.size, dtype=np.int64) - first)
    f = 1.0 / inv_f
    lo = np.clip(gy0 + row * f - pad, ymin[eid], ymax[eid])
    hi = np.clip(gy0 + (row + 1) * f + pad, ymin[eid], ymax[eid])
    ex1, ey1, ex2, ey2 = x1[eid], y1[eid], x2[eid], y2[eid]
    flat = ey1 == ey2
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (ex2 - ex1) / (ey2 - ey1)
        xa = np.where(flat, np.minimum(ex1, ex2), ex1 + (lo - ey1) * slope)
        xb = np.where(flat, np.maximum(ex1, ex2), ex1 + (hi - ey1) * slope)
    cmin, cmax = np.minimum(xa, xb), np.maximum(xa, xb)
    c0 = np.floor((cmin - pad - gx0) * inv_f).astype(np.int64)
    c1 = np.floor((cmax + pad - gx0) * inv_f).astype(np.int64)
    return eid, row, c0, c1


def _mark(rows: _I64, c0: _I64, c1: _I64, shape: tuple[int, int]) -> NDArray[np.bool_]:
    """Boolean (ny, nx) mask of the cells in the row intervals [c0, c1]."""
    ny, nx = shape
    w = nx + 1
    size = ny * w
    diff = np.bincount(rows * w + c0, minlength=size).astype(np.int64)
    diff -= np.bincount(rows * w + c1 + 1, minlength=size)
    out: NDArray[np.bool_] = np.cumsum(diff.reshape(ny, w), axis=1)[:, :nx] > 0
    return out


def _run_starts(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    prev = np.zeros_like(mask)
    prev[:, 1:] = mask[:, :-1]
    out: NDArray[np.bool_] = mask & ~prev
    return out


@dataclass
class _ZoneCells:
    """One zone's classification on its window of fine cells."""

    wx0: int  # window origin, fine cells (a multiple of refine)
    wy0: int
    inside: NDArray[np.bool_]  # (ny, nx): off the edge and inside
    edge: NDArray[np.bool_]  # (ny, nx): the edge may touch the cell
    near: NDArray[np.bool_] | None  # (ny, nx): within reach of the edge
    # per cell on the edge, in flat (row-major) order of ``edge``:
    list_start: _I64  # offset into the zone's edge list
    list_count: _I64  # number of edges to test
    end_state: NDArray[np.bool_]  # state beyond the run
    edge_list: _F64  # (k, 4) edge coordinates, runs in order


def _classify(
    geometry: Any,
    edges: _F64,
    *,
    gx0: float,
    gy0: float,
    inv_f: float,
    refine: int,
    margin: int,
    near_pad: float | None,
) -> _ZoneCells:
    """Classify one zone's fine cells (edge / inside / outside, and near)."""
    f = 1.0 / inv_f
    minx, miny, maxx, maxy = shapely.bounds(geometry)
    # window in fine cells, aligned to coarse cells, ``margin`` coarse cells wide
    wx0 = (math.floor((minx - gx0) * inv_f) // refine - margin) * refine
    wy0 = (math.floor((miny - gy0) * inv_f) // refine - margin) * refine
    wx1 = (math.floor((maxx - gx0) * inv_f) // refine + margin + 1) * refine
    wy1 = (math.floor((maxy - gy0) * inv_f) // refine + margin + 1) * refine
    nx, ny = wx1 - wx0, wy1 - wy0
    eid, row, c0, c1 = _row_intervals(edges, _PAD_DEG, gx0, gy0, inv_f)
    row = row - wy0
    c0 = c0 - wx0
    c1 = c1 - wx0
    edge = _mark(row, c0, c1, (ny, nx))
    near = None
    if near_pad is not None:
        _, nrow, n0, n1 = _row_intervals(edges, near_pad + _PAD_DEG, gx0, gy0, inv_f)
        near = _mark(nrow - wy0, n0 - wx0, n1 - wx0, (ny, nx)) | edge
    # runs of cells off the edge share a state: one shapely test per run
    off = ~edge
    ostart = _run_starts(off).ravel()
    reps = np.flatnonzero(ostart)
    ry, rx = np.divmod(reps, nx)
    cx = gx0 + (wx0 + rx + 0.5) * f
    cy = gy0 + (wy0 + ry + 0.5) * f
    shapely.prepare(geometry)
    rep_state = shapely.contains_xy(geometry, cx, cy)
    run_of = np.cumsum(ostart, dtype=np.int32) - 1
    state = np.zeros(ny * nx, dtype=np.bool_)
    offf = off.ravel()
    state[offf] = rep_state[run_of[offf]]
    inside = state.reshape(ny, nx)
    # runs of cells on the edge: each ends before a cell off the edge
    estart = _run_starts(edge).ravel()
    edgef = edge.ravel()
    nxt = np.zeros_like(edge)
    nxt[:, :-1] = edge[:, 1:]
    eend = np.flatnonzero((edge & ~nxt).ravel())
    run_end_state = state[eend + 1]  # the margin keeps eend + 1 in the row
    erun = np.cumsum(estart, dtype=np.int64) - 1
    cells = np.flatnonzero(edgef)
    # each (edge, row) interval lies in one run: the run of its first cell
    irun = erun[row * nx + c0]
    order = np.lexsort((-c1, irun))
    irun_s, c1_s = irun[order], c1[order]
    edge_list = np.ascontiguousarray(edges[eid[order]])
    nruns = eend.size
    run_first = np.searchsorted(irun_s, np.arange(nruns), side="left")
    big = nx + 2
    keys = irun_s * big + (big - 1 - c1_s)
    crun = erun[cells]
    ccol = cells % nx
    stop = np.searchsorted(keys, crun * big + (big - 1 - ccol), side="right")
    start = run_first[crun]
    return _ZoneCells(
        wx0=wx0,
        wy0=wy0,
        inside=inside,
        edge=edge,
        near=near,
        list_start=start.astype(np.int64),
        list_count=(stop - start).astype(np.int64),
        end_state=run_end_state[crun],
        edge_list=edge_list,
    )


def _unique_rows(words: _U8) -> tuple[_U8, _I64]:
    """Distinct rows of a uint8 matrix and each row's index among them."""
    n, nb = words.shape
    k = (nb + 7) // 8
    padded = np.zeros((n, k * 8), dtype=np.uint8)
    padded[:, :nb] = words
    keys = padded.view(np.uint64)
    if k == 1:
        # most cells cover nothing: keep the zero row out of the sort
        col = keys[:, 0]
        nz = np.flatnonzero(col)
        uniq, sub = np.unique(col[nz], return_inverse=True)
        uniq = np.concatenate([np.zeros(1, np.uint64), uniq])
        inv = np.zeros(n, dtype=np.int64)
        inv[nz] = np.ravel(sub) + 1
        first = uniq.view(np.uint8).reshape(-1, 8)[:, :nb]
    else:
        u2, inv = np.unique(keys, axis=0, return_inverse=True)
        first = np.ascontiguousarray(u2).view(np.uint8).reshape(-1, k * 8)[:, :nb]
    return np.ascontiguousarray(first), np.ravel(inv).astype(np.int64)


class GridIndex:
    """An exact two-level grid over many zone geometries; build with :meth:`build`.

    ``query(lon, lat)`` gives, for every point, which zones cover it (a point on
    an edge or vertex is covered, a point in a hole is not): bit for bit
    shapely's ``intersects_xy`` on each zone, across ±180° like :func:`covers_xy`.

    Examples
    --------
    >>> import shapely
    >>> idx = GridIndex.build(
    ...     [shapely.box(130, 37, 131, 38), shapely.box(130.5, 37.5, 132, 39)],
    ...     names=["a", "b"],
    ... )
    >>> res = idx.query([130.2, 130.7, 131.0, 135.0], [37.2, 37.7, 37.5, 37.5])
    >>> res.matrix()
    array([[ True,  True,  True, False],
           [False,  True,  True, False]])
    >>> res.pairs()
    (array([0, 1, 1, 2, 2]), array([0, 0, 1, 0, 1]))
    >>> idx.query(130.2, 37.2).matrix()[:, 0].tolist()
    [True, False]
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # attributes set from the state dict (typed for mypy)
    zones: tuple[Any, ...]
    geometries: tuple[Any, ...]
    n_bytes: int
    cell_deg: float
    refine: int
    x0: float
    y0: float
    width: float
    height: float
    shifts: tuple[int, ...]
    fallback: tuple[int, ...]
    has_near: bool
    coarse: _I32
    patterns: _U8
    fine: _I32
    rec_cov: _U8
    rec_near: _U8
    rec_e0: _I64
    rec_e1: _I64
    ent_zone: _I64
    ent_l0: _I64
    ent_cnt: _I64
    ent_state: _U8
    edges: _F64

    @classmethod
    def build(
        cls,
        geometries: Sequence[Any],
        *,
        names: Sequence[Any] | None = None,
        cell_deg: float = 1 / 16,
        refine: int = 16,
        reach_deg: Sequence[float | None] | float | None = None,
    ) -> GridIndex:
        """Index polygonal geometries (lon/lat degrees) for :meth:`query`.

        Parameters
        ----------
        geometries : sequence of shapely (Multi)Polygon
            The zones, in bit order. Rings may run past ±180° (continuous
            longitudes), as :func:`covers_xy` accepts. Empty geometries cover
            nothing.
        names : sequence, optional
            A label per zone, returned as :attr:`GridResult.zones`; default
            ``0 … n-1``.
        cell_deg : float
            Coarse cell size, degrees; a power of two (default 1/16°).
        refine : int
            Fine cells per coarse cell side where an edge passes; a power of
            two (default 16, i.e. fine cells of 1/256°, about 430 m).
        reach_deg : float or sequence of float or None, optional
            Per zone, a planar lon/lat distance in degrees: points whose fine
            cell lies within it of the zone's edge get the zone's
            :attr:`GridResult.near` bit (a superset, for callers that then
            measure exact distances). ``None`` for a zone: never near.

        Returns
        -------
        GridIndex
            The index; build once, query many times.

        Raises
        ------
        ValueError
            If a size is not a power of two, ``names`` has the wrong length, or
            a reach is negative.
        TypeError
            If a geometry is not polygonal.
        """
        geoms = tuple(geometries)
        m = len(geoms)
        zones = tuple(range(m)) if names is None else tuple(names)
        if len(zones) != m:
            raise ValueError(f"names has {len(zones)} labels for {m} geometries")
        _power_of_two(cell_deg, "cell_deg")
        q = _power_of_two(float(refine), "refine")
        if q < 0:
            raise ValueError(f"refine must be a power of two ≥ 1, got {refine!r}")
        if reach_deg is None or isinstance(reach_deg, (int, float)):
            reaches: list[float | None] = [reach_deg] * m
        else:
            reaches = list(reach_deg)
            if len(reaches) != m:
                raise ValueError(f"reach_deg has {len(reaches)} values for {m} zones")
        for r in reaches:
            if r is not None and not (r >= 0 and math.isfinite(r)):
                raise ValueError(f"reach_deg must be finite and ≥ 0, got {r!r}")
        has_near = any(r is not None for r in reaches)
        fine_deg = cell_deg / refine
        inv_f = 1.0 / fine_deg
        n_bytes = max(1, (m + 7) // 8)
        exact: list[int] = []
        fallback: list[int] = []
        bounds = []
        for j, g in enumerate(geoms):
            if g is None or shapely.is_empty(g):
                continue
            if shapely.get_type_id(g) not in (3, 6):
                raise TypeError(
                    f"geometry {zones[j]!r} is a {g.geom_type}; GridIndex takes "
                    "Polygon or MultiPolygon"
                )
            bounds.append(shapely.bounds(g))
            (exact if shapely.is_valid(g) else fallback).append(j)
        maxpad = max([r for r in reaches if r is not None] + [0.0])
        margin = 1 + math.ceil((maxpad + _PAD_DEG) / cell_deg)
        if bounds:
            b = np.asarray(bounds)
            x0 = (math.floor(b[:, 0].min() / cell_deg) - margin - 1) * cell_deg
            y0 = (math.floor(b[:, 1].min() / cell_deg) - margin - 1) * cell_deg
            x1 = (math.floor(b[:, 2].max() / cell_deg) + margin + 2) * cell_deg
            y1 = (math.floor(b[:, 3].max() / cell_deg) + margin + 2) * cell_deg
            kmin = math.ceil((b[:, 0].min() - 180.0) / 360.0)
            kmax = math.floor((b[:, 2].max() + 180.0) / 360.0)
            shifts = tuple(sorted(range(kmin, kmax + 1), key=abs))
        else:
            x0 = y0 = 0.0
            x1 = y1 = cell_deg
            shifts = (0,)
        nxc = round((x1 - x0) / cell_deg)
        nyc = round((y1 - y0) / cell_deg)
        ff = refine * refine
        per_zone: dict[int, _ZoneCells] = {}
        mixed = np.zeros(nyc * nxc, dtype=np.bool_)
        for j in exact:
            g = geoms[j]
            zc = _classify(
                g,
                _edges(g),
                gx0=x0,
                gy0=y0,
                inv_f=inv_f,
                refine=refine,
                margin=margin,
                near_pad=reaches[j],
            )
            per_zone[j] = zc
            mark = zc.edge if zc.near is None else zc.near
            ny, nx = mark.shape
            blk = mark.reshape(ny // refine, refine, nx // refine, refine).any(
                axis=(1, 3)
            )
            by, bx = np.nonzero(blk)
            mixed[(by + zc.wy0 // refine) * nxc + (bx + zc.wx0 // refine)] = True
        block_of = np.full(nyc * nxc, -1, dtype=np.int64)
        mixed_ids = np.flatnonzero(mixed)
        block_of[mixed_ids] = np.arange(mixed_ids.size)
        nblk = mixed_ids.size
        cwords = np.zeros((nyc * nxc, n_bytes), dtype=np.uint8)
        fwords = np.zeros((nblk * ff, n_bytes), dtype=np.uint8)
        nwords = np.zeros((nblk * ff, n_bytes), dtype=np.uint8)
        special = np.zeros(nblk * ff, dtype=np.bool_)
        ent_slot, ent_zone, ent_l0, ent_cnt, ent_state, lists = [], [], [], [], [], []
        offset = 0
        for j, zc in per_zone.items():
            byte, bit = divmod(j, 8)
            val = np.uint8(1 << bit)
            ny, nx = zc.inside.shape
            cy0, cx0 = zc.wy0 // refine, zc.wx0 // refine
            nyw, nxw = ny // refine, nx // refine
            # coarse cells wholly inside (their first fine cell tells; only
            # cells that are not mixed use this)
            cin = zc.inside[::refine, ::refine]
            cy, cx = np.nonzero(cin)
            cwords[(cy + cy0) * nxc + (cx + cx0), byte] |= val
            # fine cells of the mixed coarse cells in this window
            cidx = (np.arange(nyw)[:, None] + cy0) * nxc + (np.arange(nxw) + cx0)
            blocks = block_of[cidx]
            sel_y, sel_x = np.nonzero(blocks >= 0)
            if sel_y.size == 0:
                continue
            bsel = blocks[sel_y, sel_x]

            def tiles(
                a: NDArray[Any],
                sy: Any = sel_y,
                sx: Any = sel_x,
                nyw: int = nyw,
                nxw: int = nxw,
            ) -> Any:
                t = a.reshape(nyw, refine, nxw, refine).transpose(0, 2, 1, 3)
                return t[sy, sx].reshape(-1)

            slots = (bsel[:, None] * ff + np.arange(ff)).reshape(-1)
            fin = tiles(zc.inside)
            fwords[slots[fin], byte] |= val
            fedge = tiles(zc.edge)
            special[slots[fedge]] = True
            if zc.near is not None:
                fnear = tiles(zc.near)
                nwords[slots[fnear], byte] |= val
                special[slots[fnear]] = True
            # entries for the cells on the edge: global slot of each
            ey, ex = np.divmod(np.flatnonzero(zc.edge.ravel()), nx)
            gy, gx = ey + zc.wy0, ex + zc.wx0
            blk_id = block_of[(gy // refine) * nxc + gx // refine]
            slot = blk_id * ff + (gy % refine) * refine + (gx % refine)
            ent_slot.append(slot)
            ent_zone.append(np.full(slot.size, j, dtype=np.int64))
            ent_l0.append(zc.list_start + offset)
            ent_cnt.append(zc.list_count)
            ent_state.append(zc.end_state.astype(np.uint8))
            lists.append(zc.edge_list)
            offset += len(zc.edge_list)
        # fine codes: pattern ids for plain cells, -(record + 1) for the others
        rec_slots = np.flatnonzero(special)
        pure_c = ~mixed
        pure_f = ~special
        allw = np.concatenate([cwords[pure_c], fwords[pure_f]])
        if allw.shape[0]:
            patterns, inv = _unique_rows(allw)
        else:
            patterns = np.zeros((1, n_bytes), dtype=np.uint8)
            inv = np.zeros(0, dtype=np.int64)
        coarse = np.empty(nyc * nxc, dtype=np.int32)
        npc = int(pure_c.sum())
        coarse[pure_c] = inv[:npc]
        coarse[mixed_ids] = -(np.arange(nblk, dtype=np.int32) + 1)
        fine = np.empty(nblk * ff, dtype=np.int32)
        fine[pure_f] = inv[npc:]
        fine[rec_slots] = -(np.arange(rec_slots.size, dtype=np.int32) + 1)
        if ent_slot:
            es = np.concatenate(ent_slot)
            ez = np.concatenate(ent_zone)
            order = np.lexsort((ez, es))
            es = es[order]
            erec = np.searchsorted(rec_slots, es)
            rec_e0 = np.searchsorted(erec, np.arange(rec_slots.size), side="left")
            rec_e1 = np.searchsorted(erec, np.arange(rec_slots.size), side="right")
            ents = (
                ez[order],
                np.concatenate(ent_l0)[order],
                np.concatenate(ent_cnt)[order],
                np.concatenate(ent_state)[order],
            )
            edges = np.ascontiguousarray(np.concatenate(lists))
        else:
            rec_e0 = rec_e1 = np.zeros(rec_slots.size, dtype=np.int64)
            z = np.zeros(0, dtype=np.int64)
            ents = (z, z, z, np.zeros(0, dtype=np.uint8))
            edges = np.zeros((0, 4))
        state = {
            "zones": zones,
            "geometries": geoms,
            "n_bytes": n_bytes,
            "cell_deg": float(cell_deg),
            "refine": int(refine),
            "x0": float(x0),
            "y0": float(y0),
            "width": float(nxc * cell_deg),
            "height": float(nyc * cell_deg),
            "shifts": shifts,
            "fallback": tuple(fallback),
            "has_near": has_near,
            "coarse": coarse,
            "patterns": np.ascontiguousarray(patterns, dtype=np.uint8),
            "fine": fine,
            "rec_cov": np.ascontiguousarray(fwords[rec_slots]),
            "rec_near": np.ascontiguousarray(nwords[rec_slots]),
            "rec_e0": rec_e0.astype(np.int64),
            "rec_e1": rec_e1.astype(np.int64),
            "ent_zone": ents[0].astype(np.int64),
            "ent_l0": ents[1].astype(np.int64),
            "ent_cnt": ents[2].astype(np.int64),
            "ent_state": ents[3].astype(np.uint8),
            "edges": edges,
            "_nxc": nxc,
            "_logf": q,
            "_inv_f": inv_f,
        }
        return cls(state)

    # ------------------------------------------------------------- describe
    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays, bytes."""
        return sum(
            int(a.nbytes) for a in self.__dict__.values() if isinstance(a, np.ndarray)
        )

    def stats(self) -> dict[str, int]:
        """Sizes: coarse cells, refined blocks, cells on an edge, edge entries."""
        return {
            "coarse_cells": int(self.coarse.size),
            "refined_blocks": int(self.fine.size // (self.refine * self.refine)),
            "edge_cells": int(self.rec_e0.size),
            "zone_entries": int(self.ent_zone.size),
            "edge_list": int(self.edges.shape[0]),
            "patterns": int(self.patterns.shape[0]),
            "bytes": self.nbytes,
        }

    def __repr__(self) -> str:
        s = self.stats()
        return (
            f"<GridIndex {len(self.zones)} zones, {self.cell_deg:g}° / "
            f"{self.refine}, {s['edge_cells']:,} cells on an edge, "
            f"{s['bytes'] / 1e6:.1f} MB>"
        )

    # ---------------------------------------------------------------- query
    def query(
        self,
        lon: ArrayLike,
        lat: ArrayLike,
        *,
        engine: Engine = "auto",
    ) -> GridResult:
        """Which zones cover each point (covers: on an edge counts as inside).

        Parameters
        ----------
        lon, lat : float or array_like
            WGS84 longitude (any value; compared modulo 360°) and latitude,
            degrees; broadcast together and flattened.
        engine : {"auto", "numba", "numpy"}
            The kernel: numba's compiled loop (when installed; "auto" picks it)
            or the pure-NumPy path. Both give the same bits.

        Returns
        -------
        GridResult
            ``bits`` (n_points, n_bytes) and, with a reach, ``near``.

        Notes
        -----
        Build the index once and pass arrays: the lookup is a few memory reads
        per point; only points in cells that an edge may touch test edges.
        """
        x, y = np.broadcast_arrays(
            np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        )
        xf = np.ascontiguousarray(x).ravel()
        yf = np.ascontiguousarray(y).ravel()
        n = xf.size
        bits = np.zeros((n, self.n_bytes), dtype=np.uint8)
        near = np.zeros((n, self.n_bytes), dtype=np.uint8) if self.has_near else None
        run = self._run_numba if _pick_engine(engine) else self._run_numpy
        wrap, unsure = run(xf, yf, bits, near, check=True)
        if unsure.size:
            self._settle(xf[unsure], yf[unsure], bits, unsure)
        others = [k for k in self.shifts if k != 0]
        if wrap.size or others:
            # longitudes outside [-180, 180), and frames past ±180° (as covers_xy)
            xn = normalize_lon(xf[wrap])
            ok = (xn >= -180.0) & (xn < 180.0)
            self._frame(xn[ok], yf[wrap[ok]], wrap[ok], bits, near, run)
            if others:
                xall = xf.copy()
                xall[wrap] = xn
                for k in others:
                    xs = xall + 360.0 * k
                    rows = np.flatnonzero((xs >= self.x0) & (xs < self.x0 + self.width))
                    self._frame(xs[rows], yf[rows], rows, bits, near, run)
        for j in self.fallback:
            byte, bit = divmod(j, 8)
            hit = covers_xy(self.geometries[j], xf, yf)
            bits[:, byte] |= hit.astype(np.uint8) << np.uint8(bit)
        return GridResult(bits, self.zones, near)

    def _frame(
        self,
        xs: _F64,
        ys: _F64,
        rows: _I64,
        bits: _U8,
        near: _U8 | None,
        run: Any,
    ) -> None:
        """OR in the answers for points already in the frame of the grid."""
        if rows.size == 0:
            return
        sub_bits = np.zeros((rows.size, self.n_bytes), dtype=np.uint8)
        sub_near = None if near is None else np.zeros_like(sub_bits)
        _, unsure = run(xs, ys, sub_bits, sub_near, check=False)
        if unsure.size:
            self._settle(xs[unsure], ys[unsure], sub_bits, unsure)
        bits[rows] |= sub_bits
        if near is not None and sub_near is not None:
            near[rows] |= sub_near

    def _settle(self, x: _F64, y: _F64, bits: _U8, rows: _I64) -> None:
        """Answer points the orientation filter could not decide with shapely."""
        for j in range(len(self.zones)):
            if j in self.fallback:
                continue
            g = self.geometries[j]
            if g is None or shapely.is_empty(g):
                continue
            byte, bit = divmod(j, 8)
            hit = shapely.intersects_xy(g, x, y)
            cur = bits[rows, byte] & np.uint8(~(1 << bit) & 0xFF)
            bits[rows, byte] = cur | (hit.astype(np.uint8) << np.uint8(bit))

    def _args(self) -> tuple[Any, ...]:
        return (
            self.x0,
            self.y0,
            self.width,
            self.height,
            self.__dict__["_inv_f"],
            self.__dict__["_logf"],
            self.refine,
            self.__dict__["_nxc"],
            self.coarse,
            self.patterns,
            self.fine,
            self.rec_cov,
            self.rec_near,
            self.rec_e0,
            self.rec_e1,
            self.ent_zone,
            self.ent_l0,
            self.ent_cnt,
            self.ent_state,
            self.edges,
        )

    def _run_numba(
        self, x: _F64, y: _F64, bits: _U8, near: _U8 | None, *, check: bool
    ) -> tuple[_I64, _I64]:
        """Numba kernel: fill ``bits``; return the rows to wrap and the unsure."""
        par, serial = _numba_kernel()
        kernel = par if x.size >= _PARALLEL_MIN else serial
        flag = np.zeros(x.size, dtype=np.uint8)
        near_arr = near if near is not None else np.zeros((0, self.n_bytes), np.uint8)
        count = kernel(x, y, check, *self._args(), bits, near_arr, flag)
        if not count:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return (
            np.flatnonzero(flag == 1).astype(np.int64),
            np.flatnonzero(flag == 2).astype(np.int64),
        )

    def _run_numpy(
        self, x: _F64, y: _F64, bits: _U8, near: _U8 | None, *, check: bool
    ) -> tuple[_I64, _I64]:
        """NumPy kernel, in chunks: fill ``bits``; return rows to wrap, unsure."""
        wrap: list[_I64] = [np.zeros(0, np.int64)]
        unsure: list[_I64] = [np.zeros(0, np.int64)]
        for s in range(0, x.size, _CHUNK):
            sl = slice(s, s + _CHUNK)
            args: tuple[Any, ...] = (
                x[sl],
                y[sl],
                check,
                *self._args(),
                bits[sl],
                None if near is None else near[sl],
            )
            w, u = _numpy_chunk(*args)
            wrap.append(w + s)
            unsure.append(u + s)
        return np.concatenate(wrap), np.concatenate(unsure)


# ------------------------------------------------------------ numpy kernel
def _orient_certain(
    x1: _F64, y1: _F64, x2: _F64, y2: _F64, qx: _F64, qy: _F64
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """Sign of orientation (p1, p2, q) and whether GEOS's filter decides it."""
    detleft = (x1 - qx) * (y2 - qy)
    detright = (y1 - qy) * (x2 - qx)
    det = detleft - detright
    sign = np.sign(det).astype(np.int8)
    pos = detleft > 0.0
    neg = detleft < 0.0
    direct = (pos & (detright <= 0.0)) | (neg & (detright >= 0.0)) | ~(pos | neg)
    detsum = np.where(pos, detleft + detright, -detleft - detright)
    errbound = _DP_SAFE_EPSILON * detsum
    certain = direct | (det >= errbound) | (-det >= errbound)
    return sign, certain


def _numpy_chunk(
    x: _F64,
    y: _F64,
    check: bool,
    x0: float,
    y0: float,
    width: float,
    height: float,
    inv_f: float,
    logf: int,
    refine: int,
    nxc: int,
    coarse: _I32,
    patterns: _U8,
    fine: _I32,
    rec_cov: _U8,
    rec_near: _U8,
    rec_e0: _I64,
    rec_e1: _I64,
    ent_zone: _I64,
    ent_l0: _I64,
    ent_cnt: _I64,
    ent_state: _U8,
    edges: _F64,
    bits: _U8,
    near: _U8 | None,
) -> tuple[_I64, _I64]:
    """One chunk: fill ``bits`` (and ``near``); return (to wrap, unsure) rows."""
    if check:
        wrap = np.flatnonzero(~((x >= -180.0) & (x < 180.0)))
    else:
        wrap = np.zeros(0, dtype=np.int64)
    u = x - x0
    v = y - y0
    ok = (u >= 0.0) & (u < width) & (v >= 0.0) & (v < height)
    ok[wrap] = False
    pts = np.flatnonzero(ok)
    if pts.size == 0:
        return wrap.astype(np.int64), np.zeros(0, np.int64)
    ix = (u[pts] * inv_f).astype(np.int64)
    iy = (v[pts] * inv_f).astype(np.int64)
    code = coarse[(iy >> logf) * nxc + (ix >> logf)]
    plain = code >= 0
    bits[pts[plain]] = patterns[code[plain]]
    mixed = np.flatnonzero(~plain)
    if mixed.size == 0:
        return wrap.astype(np.int64), np.zeros(0, np.int64)
    mask = refine - 1
    slot = (-code[mixed].astype(np.int64) - 1) * (refine * refine) + (
        (iy[mixed] & mask) * refine + (ix[mixed] & mask)
    )
    fc = fine[slot]
    fplain = fc >= 0
    bits[pts[mixed[fplain]]] = patterns[fc[fplain]]
    rsel = np.flatnonzero(~fplain)
    if rsel.size == 0:
        return wrap.astype(np.int64), np.zeros(0, np.int64)
    rp = pts[mixed[rsel]]
    rec = -fc[rsel].astype(np.int64) - 1
    bits[rp] = rec_cov[rec]
    if near is not None:
        near[rp] = rec_near[rec]
    # (point, zone entry) pairs
    ne = rec_e1[rec] - rec_e0[rec]
    pe_pt = np.repeat(rp, ne)
    first = np.repeat(np.cumsum(ne) - ne, ne)
    pe_ent = np.repeat(rec_e0[rec], ne) + (np.arange(pe_pt.size) - first)
    # (pair, edge) expansion
    cnt = ent_cnt[pe_ent]
    pair = np.repeat(np.arange(pe_pt.size), cnt)
    first = np.repeat(np.cumsum(cnt) - cnt, cnt)
    eidx = np.repeat(ent_l0[pe_ent], cnt) + (np.arange(pair.size) - first)
    qx = x[pe_pt][pair]
    qy = y[pe_pt][pair]
    e = edges[eidx]
    x1, y1, x2, y2 = e[:, 0], e[:, 1], e[:, 2], e[:, 3]
    right = ~((x1 < qx) & (x2 < qx))
    on = right & (qx == x2) & (qy == y2)
    on |= (
        right
        & (y1 == qy)
        & (y2 == qy)
        & (qx >= np.minimum(x1, x2))
        & (qx <= np.maximum(x1, x2))
    )
    straddle = right & (((y1 > qy) & (y2 <= qy)) | ((y2 > qy) & (y1 <= qy)))
    sign, certain = _orient_certain(x1, y1, x2, y2, qx, qy)
    on |= straddle & certain & (sign == 0)
    sign = np.where(y2 < y1, -sign, sign)
    cross = straddle & certain & (sign > 0)
    doubt = straddle & ~certain
    npair = pe_pt.size
    n_on = np.bincount(pair, weights=on, minlength=npair) > 0
    n_cross = np.bincount(pair, weights=cross, minlength=npair).astype(np.int64)
    n_doubt = np.bincount(pair, weights=doubt, minlength=npair) > 0
    inside = n_on | (((n_cross & 1) == 1) ^ (ent_state[pe_ent] == 1))
    z = ent_zone[pe_ent]
    hit = inside & ~(n_doubt & ~n_on)
    hb = pe_pt[hit]
    zb = z[hit]
    np.bitwise_or.at(bits, (hb, zb >> 3), (1 << (zb & 7)).astype(np.uint8))
    unsure = np.unique(pe_pt[n_doubt & ~n_on])
    return wrap.astype(np.int64), unsure.astype(np.int64)


# ------------------------------------------------------------ numba kernel
_KERNEL: Any = None


def numba_available() -> bool:
    """Whether the optional numba kernel can be used (``pip install numba``)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _pick_engine(engine: str) -> bool:
    if engine not in ("auto", "numba", "numpy"):
        raise ValueError(
            f"unknown engine {engine!r}; expected one of: auto, numba, numpy"
        )
    if engine == "numpy":
        return False
    ok = numba_available()
    if engine == "numba" and not ok:
        raise ImportError("engine='numba' needs numba: pip install numba")
    return ok


def _numba_kernel() -> Any:
    """Compile (or load from numba's cache) the query kernel, once."""
    global _KERNEL
    if _KERNEL is None:
        from ._grid_numba import make_kernel

        _KERNEL = make_kernel()
    return _KERNEL
