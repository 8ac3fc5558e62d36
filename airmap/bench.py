"""Membership benchmark: the exact grid index against its peers, in one process.

``python -m airmap.bench membership --n 1e6 1e7 [--peers] [--points uniform|track|both]``

Every seeded area zone version (``ZoneCatalogue.default().versions``), the same
points for everyone: *uniform* over the East Asian zones' joint bounding box, or
*track*-ordered (synthetic flights, consecutive samples ~2.3 km apart). Times:

* ``airmap index``: :meth:`airmap.layers.ZoneCatalogue.index` ``.query`` (the
  covers bitmask of every zone version, numba kernel when installed);
* ``airmap numpy``: the same on the pure-NumPy path;
* ``airmap check``: ``ZoneCatalogue.check`` (status with the 1 m boundary band,
  exact distances only near edges);

and, with ``--peers``: shapely's prepared ``intersects_xy`` (covers, the predicate
ours answers) and ``contains_xy`` (the issue's baseline; it differs on edges
only), geopandas ``sjoin(predicate="intersects")`` and dask-geopandas ``sjoin``
with 2 partitions. Peers that are not installed are reported as skipped.

For each: points/s, peak traced memory per point (``tracemalloc``: NumPy
buffers and shapely objects, in a separate run), differing bits against ours
(0 means bit for bit the same answer) and ours' speed-up (peer time / ours).
``--peer-max N`` gives geopandas and dask only the first N points (their rate is
then per point of that subset, and the check covers that subset).
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

Matrix = Any  # bool (n_zones, n_points)


def uniform_points(
    n: int, bounds: tuple[float, float, float, float], seed: int
) -> tuple[Any, Any]:
    """``n`` points uniform in ``bounds`` (lon0, lat0, lon1, lat1), degrees."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


def track_points(
    n: int, bounds: tuple[float, float, float, float], seed: int, per_track: int = 2000
) -> tuple[Any, Any]:
    """``n`` track-ordered points: flights of ``per_track`` samples, in order.

    Each flight starts at a random point, flies ~2.3 km per sample (230 m/s,
    10 s) with a slowly wandering heading, and reflects off the box's sides.
    """
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = bounds
    k = -(-n // per_track)
    heading = rng.uniform(0, 2 * np.pi, (k, 1)) + np.cumsum(
        rng.normal(0.0, 0.02, (k, per_track)), axis=1
    )
    step = 2300.0 / 111_000.0
    lat_mid = np.radians((y0 + y1) / 2)
    dx = np.cumsum(step * np.sin(heading) / np.cos(lat_mid), axis=1)
    dy = np.cumsum(step * np.cos(heading), axis=1)
    sx = rng.uniform(x0, x1, (k, 1)) + dx - x0
    sy = rng.uniform(y0, y1, (k, 1)) + dy - y0
    w, h = x1 - x0, y1 - y0
    px = x0 + np.abs((sx % (2 * w)) - w)
    py = y0 + np.abs((sy % (2 * h)) - h)
    px = w + 2 * x0 - px  # keep the reflection inside [x0, x1]
    py = h + 2 * y0 - py
    return px.ravel()[:n].copy(), py.ravel()[:n].copy()


def _run(fn: Callable[[], Any], repeat: int) -> tuple[float, int, Any]:
    """Best wall time of ``repeat`` runs, peak traced bytes of one more, result."""
    best = float("inf")
    out: Any = None
    for _ in range(max(repeat, 1)):
        out = None
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    out_keep = out
    out = None
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, out_keep


def _pairs_matrix(m: int, n: int, point_idx: Any, zone_idx: Any) -> Matrix:
    out = np.zeros((m, n), dtype=np.bool_)
    out[np.asarray(zone_idx, dtype=np.int64), np.asarray(point_idx, dtype=np.int64)] = (
        True
    )
    return out


def _geopandas_peer(geoms: list[Any], x: Any, y: Any) -> Callable[[], Matrix] | None:
    try:
        import geopandas as gpd
    except ImportError:
        return None
    zones = gpd.GeoDataFrame({"zone": np.arange(len(geoms))}, geometry=geoms, crs=4326)

    def run() -> Matrix:
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
        j = gpd.sjoin(pts, zones, predicate="intersects", how="inner")
        return _pairs_matrix(len(geoms), len(x), j.index.to_numpy(), j["zone"])

    return run


def _dask_peer(geoms: list[Any], x: Any, y: Any) -> Callable[[], Matrix] | None:
    try:
        import dask
        import dask_geopandas  # type: ignore[import-untyped, unused-ignore]

        import geopandas as gpd
    except ImportError:
        return None
    zones = gpd.GeoDataFrame({"zone": np.arange(len(geoms))}, geometry=geoms, crs=4326)

    def run() -> Matrix:
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
        dpts = dask_geopandas.from_geopandas(pts, npartitions=2)
        with dask.config.set(scheduler="threads", num_workers=2):
            j = dask_geopandas.sjoin(dpts, zones, predicate="intersects").compute()
        return _pairs_matrix(len(geoms), len(x), j.index.to_numpy(), j["zone"])

    return run


def membership(
    sizes: Sequence[int],
    *,
    peers: bool = False,
    points: str = "uniform",
    repeat: int = 1,
    peer_max: int | None = None,
    seed: int = 20190723,
    check: bool = True,
) -> list[dict[str, Any]]:
    """Run the membership benchmark; print a table and return its rows."""
    import shapely

    from airmap.geo import numba_available
    from airmap.layers import ZoneCatalogue

    cat = ZoneCatalogue.default()
    versions = cat.versions
    geoms = [v.geometry for v in versions]
    for g in geoms:
        shapely.prepare(g)
    t0 = time.perf_counter()
    index = cat.index
    build = time.perf_counter() - t0
    engine = "numba" if numba_available() else "numpy"
    index.query(np.array([125.0]), np.array([33.0]))  # compile / load the kernel
    if check:
        cat.check(np.array([125.0]), np.array([33.0]))  # edge indexes, band grid
    east = [g for g in geoms if g.bounds[0] > 100]
    b = np.array([g.bounds for g in east])
    bounds = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    kinds = ["uniform", "track"] if points == "both" else [points]
    print(
        f"membership: {len(versions)} zone versions, index built in {build:.2f} s "
        f"({index.stats()['bytes'] / 1e6:.1f} MB, {index.stats()['edge_cells']:,} "
        f"cells on an edge); kernel: {engine}; points in lon {bounds[0]:.2f}.."
        f"{bounds[2]:.2f}, lat {bounds[1]:.2f}..{bounds[3]:.2f}",
        flush=True,
    )
    head = (
        f"{'points':>11} {'kind':>7}  {'method':<34} {'s':>8} {'points/s':>12} "
        f"{'B/pt':>7} {'diff bits':>10} {'ours ×':>8}"
    )
    print(head)
    rows: list[dict[str, Any]] = []
    for n in sizes:
        for kind in kinds:
            if kind == "uniform":
                x, y = uniform_points(n, bounds, seed)
            else:
                x, y = track_points(n, bounds, seed)
            t_ours, m_ours, res = _run(lambda x=x, y=y: index.query(x, y), repeat)
            ours = res.matrix()
            res = None
            rate = n / t_ours

            def emit(
                name: str,
                secs: float | None,
                peak: int | None,
                diff: int | None,
                npts: int,
                note: str = "",
                n: int = n,
                kind: str = kind,
                rate: float = rate,
            ) -> None:
                row = {
                    "points": n,
                    "kind": kind,
                    "method": name,
                    "seconds": secs,
                    "points_per_s": None if secs is None else npts / secs,
                    "bytes_per_point": None if peak is None else peak / npts,
                    "differing_bits": diff,
                    # peer time over ours for as many points
                    "speedup": None if secs is None else secs * rate / npts,
                    "peer_points": npts,
                }
                rows.append(row)
                if secs is None:
                    print(f"{n:>11,} {kind:>7}  {name:<34} skipped: {note}", flush=True)
                    return
                sp = (
                    "" if name.startswith("airmap index") else f"{row['speedup']:>8.1f}"
                )
                dstr = "" if diff is None else f"{diff:>10,}"
                print(
                    f"{n:>11,} {kind:>7}  {name:<34} {secs:>8.3f} {npts / secs:>12,.0f} "
                    f"{row['bytes_per_point']:>7.1f} {dstr:>10} {sp:>8}{note}",
                    flush=True,
                )

            emit(f"airmap index ({engine})", t_ours, m_ours, 0, n)
            if engine == "numba":
                t, pk, r = _run(
                    lambda x=x, y=y: index.query(x, y, engine="numpy"), repeat
                )
                emit("airmap index (numpy)", t, pk, int((r.matrix() != ours).sum()), n)
                r = None
            if check:
                t, pk, r = _run(lambda x=x, y=y: cat.check(x, y), repeat)
                emit(
                    "airmap check (status, 1 m band)",
                    t,
                    pk,
                    int((r.covers != ours).sum()),
                    n,
                )
                r = None
            if not peers:
                continue

            def sh_int(x: Any = x, y: Any = y) -> Matrix:
                return np.array([shapely.intersects_xy(g, x, y) for g in geoms])

            def sh_con(x: Any = x, y: Any = y) -> Matrix:
                return np.array([shapely.contains_xy(g, x, y) for g in geoms])

            for name, fn in (
                ("shapely intersects_xy (prepared)", sh_int),
                ("shapely contains_xy (prepared)", sh_con),
            ):
                t, pk, r = _run(fn, repeat)
                emit(name, t, pk, int((r != ours).sum()), n)
                r = None
            m = n if peer_max is None else min(n, peer_max)
            xs, ys = x[:m], y[:m]
            for name, maker in (
                ("geopandas sjoin intersects", _geopandas_peer),
                ("dask-geopandas sjoin, 2 partitions", _dask_peer),
            ):
                fn2 = maker(geoms, xs, ys)
                if fn2 is None:
                    emit(name, None, None, None, m, "not installed")
                    continue
                t, pk, r = _run(fn2, 1)
                note = "" if m == n else f"  (first {m:,} points)"
                emit(name, t, pk, int((r != ours[:, :m]).sum()), m, note)
                r = None
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    """Run a named benchmark."""
    p = argparse.ArgumentParser(
        prog="python -m airmap.bench", description=(__doc__ or "").splitlines()[0]
    )
    p.add_argument("name", choices=("membership",))
    p.add_argument(
        "--n",
        nargs="+",
        type=float,
        default=[1e6, 1e7],
        metavar="N",
        help="numbers of points (default 1e6 1e7)",
    )
    p.add_argument("--peers", action="store_true", help="also time the peers")
    p.add_argument(
        "--points",
        choices=("uniform", "track", "both"),
        default="both",
        help="point sets (default both)",
    )
    p.add_argument("--repeat", type=int, default=1, help="best of N timed runs")
    p.add_argument(
        "--peer-max",
        type=float,
        default=None,
        metavar="N",
        help="give geopandas and dask only the first N points",
    )
    p.add_argument(
        "--no-check", action="store_true", help="skip timing ZoneCatalogue.check"
    )
    args = p.parse_args(argv)
    membership(
        [int(s) for s in args.n],
        peers=args.peers,
        points=args.points,
        repeat=args.repeat,
        peer_max=None if args.peer_max is None else int(args.peer_max),
        check=not args.no_check,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
