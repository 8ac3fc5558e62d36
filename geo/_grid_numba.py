"""The compiled query kernel of :class:`airmap.geo.GridIndex` (optional: numba).

Imported only when numba is installed and the numba engine is used. It applies
exactly the rules of the NumPy path in ``_grid.py`` (cell lookup, then GEOS's
ray-crossing rules with the same floating-point orientation filter), one point
at a time, in parallel over points. No ``fastmath``: every floating-point
operation is the IEEE one the NumPy path does, in the same order.
"""

from __future__ import annotations

from typing import Any

import numba  # type: ignore[import-not-found, import-untyped, unused-ignore]
import numpy as np

__all__ = ["kernel", "kernel_serial", "make_kernel"]

#: GEOS's error-bound factor for the floating-point orientation filter.
_EPS = 1e-15


def make_kernel() -> tuple[Any, Any]:
    """The compiled kernels, parallel and serial (numba caches them on disk)."""
    return kernel, kernel_serial


def _kernel(
    x: Any,
    y: Any,
    check: bool,
    x0: float,
    y0: float,
    width: float,
    height: float,
    inv_f: float,
    logf: int,
    refine: int,
    nxc: int,
    coarse: Any,
    patterns: Any,
    fine: Any,
    rec_cov: Any,
    rec_near: Any,
    rec_e0: Any,
    rec_e1: Any,
    ent_zone: Any,
    ent_l0: Any,
    ent_cnt: Any,
    ent_state: Any,
    edges: Any,
    bits: Any,
    near: Any,
    flag: Any,
) -> int:
    n = x.shape[0]
    nb = bits.shape[1]
    has_near = near.shape[0] > 0
    mask = refine - 1
    ff = refine * refine
    count = 0
    for i in numba.prange(n):
        qx = x[i]
        qy = y[i]
        if check and not (qx >= -180.0 and qx < 180.0):
            flag[i] = 1
            count += 1
            continue
        u = qx - x0
        v = qy - y0
        if not (u >= 0.0 and u < width and v >= 0.0 and v < height):
            continue
        ix = np.int64(u * inv_f)
        iy = np.int64(v * inv_f)
        code = coarse[(iy >> logf) * nxc + (ix >> logf)]
        if code >= 0:
            for b in range(nb):
                bits[i, b] = patterns[code, b]
            continue
        slot = (-np.int64(code) - 1) * ff + (iy & mask) * refine + (ix & mask)
        fc = fine[slot]
        if fc >= 0:
            for b in range(nb):
                bits[i, b] = patterns[fc, b]
            continue
        r = -np.int64(fc) - 1
        for b in range(nb):
            bits[i, b] = rec_cov[r, b]
        if has_near:
            for b in range(nb):
                near[i, b] = rec_near[r, b]
        doubt_any = False
        for k in range(rec_e0[r], rec_e1[r]):
            crossings = 0
            on = False
            doubt = False
            e0 = ent_l0[k]
            for e in range(e0, e0 + ent_cnt[k]):
                x1 = edges[e, 0]
                y1 = edges[e, 1]
                x2 = edges[e, 2]
                y2 = edges[e, 3]
                if x1 < qx and x2 < qx:
                    continue
                if qx == x2 and qy == y2:
                    on = True
                    break
                if y1 == qy and y2 == qy:
                    lo = min(x1, x2)
                    hi = max(x1, x2)
                    if qx >= lo and qx <= hi:
                        on = True
                        break
                    continue
                if (y1 > qy and y2 <= qy) or (y2 > qy and y1 <= qy):
                    detleft = (x1 - qx) * (y2 - qy)
                    detright = (y1 - qy) * (x2 - qx)
                    det = detleft - detright
                    decided = False
                    detsum = 0.0
                    if detleft > 0.0:
                        if detright <= 0.0:
                            decided = True
                        else:
                            detsum = detleft + detright
                    elif detleft < 0.0:
                        if detright >= 0.0:
                            decided = True
                        else:
                            detsum = -detleft - detright
                    else:
                        decided = True
                    if not decided:
                        errbound = _EPS * detsum
                        if det >= errbound or -det >= errbound:
                            decided = True
                    if not decided:
                        doubt = True
                        continue
                    sign = 1 if det > 0.0 else (-1 if det < 0.0 else 0)
                    if sign == 0:
                        on = True
                        break
                    if y2 < y1:
                        sign = -sign
                    if sign > 0:
                        crossings += 1
            if on:
                z = ent_zone[k]
                bits[i, z >> 3] |= np.uint8(1 << (z & 7))
            elif doubt:
                doubt_any = True
            elif (crossings & 1) != ent_state[k]:
                z = ent_zone[k]
                bits[i, z >> 3] |= np.uint8(1 << (z & 7))
        if doubt_any:
            flag[i] = 2
            count += 1
    return count


#: Threads for large batches; one thread (no pool start-up) for small ones.
kernel = numba.njit(cache=True, nogil=True, parallel=True)(_kernel)
kernel_serial = numba.njit(cache=True, nogil=True)(_kernel)
