"""Benchmarks that print a ratio against a peer measured in the same run.

``python -m airmap.maps.bench membership [--sizes 1e6 1e7] [--repeat 3]``

*membership* times :meth:`airmap.layers.ZoneCatalogue.check` (status for every zone
version, with the default 1 m boundary band, distances only near edges) against
shapely's prepared ``contains_xy`` on the same geometries and the same random points,
and reports peak memory per point (``tracemalloc``, which sees NumPy's buffers).
The ratio is ours / peer: below 1 means we are faster.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np


def _points(
    n: int, bounds: tuple[float, float, float, float], seed: int
) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = bounds
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, int]:
    """Best wall time over ``repeat`` runs, and the peak traced memory of one run."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak


def membership(
    sizes: Sequence[int], repeat: int = 3, seed: int = 20190723
) -> list[dict[str, float]]:
    """Time ``check`` against prepared ``contains_xy``; print and return the figures."""
    import shapely

    from airmap.layers import ZoneCatalogue

    cat = ZoneCatalogue.default()
    versions = cat.versions
    geoms = [v.geometry for v in versions]
    for g in geoms:
        shapely.prepare(g)
    # East Asian zones: points spread over their joint bounding box
    east = [g for g in geoms if g.bounds[0] > 100]
    b = np.array([g.bounds for g in east])
    bounds = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    cat.check(np.array([125.0]), np.array([33.0]))  # warm: build edge indexes once
    rows = []
    print(
        f"membership: {len(versions)} zone versions; points uniform in lon "
        f"{bounds[0]:.1f}..{bounds[2]:.1f}, lat {bounds[1]:.1f}..{bounds[3]:.1f}",
        file=sys.stdout,
    )
    print(
        f"{'points':>10} {'airmap s':>10} {'shapely s':>10} {'ratio':>7} "
        f"{'airmap B/pt':>12} {'shapely B/pt':>13}"
    )
    for n in sizes:
        x, y = _points(n, bounds, seed)
        reps = repeat if n <= 2_000_000 else 1

        def ours(x: Any = x, y: Any = y) -> Any:
            return cat.check(x, y).status

        def peer(x: Any = x, y: Any = y) -> Any:
            return [shapely.contains_xy(g, x, y) for g in geoms]

        t_ours, m_ours = _timed(ours, reps)
        t_peer, m_peer = _timed(peer, reps)
        row = {
            "points": n,
            "airmap_s": t_ours,
            "shapely_s": t_peer,
            "ratio": t_ours / t_peer,
            "airmap_bytes_per_point": m_ours / n,
            "shapely_bytes_per_point": m_peer / n,
        }
        rows.append(row)
        print(
            f"{n:>10,} {t_ours:>10.3f} {t_peer:>10.3f} {row['ratio']:>7.2f} "
            f"{row['airmap_bytes_per_point']:>12.1f} {row['shapely_bytes_per_point']:>13.1f}",
            flush=True,
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run a named benchmark."""
    p = argparse.ArgumentParser(
        prog="python -m airmap.maps.bench", description=__doc__.splitlines()[0]
    )
    p.add_argument("name", choices=("membership",))
    p.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7], metavar="N")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    membership([int(s) for s in args.sizes], repeat=args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
