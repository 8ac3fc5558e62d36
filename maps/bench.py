"""Benchmarks that print a ratio against a peer measured in the same run.

``python -m airmap.maps.bench membership [--sizes 1e6 1e7] [--repeat 3]``
``python -m airmap.maps.bench tracks [--samples 1e6] [--tracks 1000] [--peer-tracks 20]``

*membership* times :meth:`airmap.layers.ZoneCatalogue.check` (status for every zone
version, with the default 1 m boundary band, distances only near edges) against
shapely's prepared ``contains_xy`` on the same geometries and the same random points,
and reports peak memory per point (``tracemalloc``, which sees NumPy's buffers).

*tracks* times :func:`airmap.incidents.analyse_tracks` (entry/exit instants, time
inside, depth, closest approach, for every seeded area zone) on synthetic flights
given as one DataFrame, against movingpandas (``TrajectoryCollection(...).clip``
with each zone polygon) on the same samples; movingpandas runs on a stated subset
of the tracks and its time is extrapolated per sample.

The ratio is ours / peer (in time): below 1 means we are faster.
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


def synthetic_tracks(
    n_tracks: int, n_samples: int, seed: int = 20190723, step_s: float = 10.0
) -> Any:
    """A DataFrame of random flights over the East Asian seeded zones.

    Each flight starts at a random point in lon 120–135°E, lat 28–40°N at a
    random instant of 2019, flies at about 230 m/s, straight (half of them) or
    in a steady turn of up to 0.3°/s, sampled every ``step_s`` seconds, and
    turns back where it would leave that box. Columns ``track_id``, ``time``
    (UTC), ``lon``, ``lat``, sorted by track then time.
    """
    import pandas as pd

    from airmap.geo import GEOD

    rng = np.random.default_rng(seed)
    lon = rng.uniform(120.0, 135.0, n_tracks)
    lat = rng.uniform(28.0, 40.0, n_tracks)
    heading = rng.uniform(0.0, 360.0, n_tracks)
    speed = rng.normal(230.0, 15.0, n_tracks)
    turn = np.where(rng.random(n_tracks) < 0.5, 0.0, rng.uniform(-0.3, 0.3, n_tracks))
    xs = np.empty((n_tracks, n_samples))
    ys = np.empty((n_tracks, n_samples))
    xs[:, 0], ys[:, 0] = lon, lat
    for j in range(1, n_samples):
        x2, y2, back = GEOD.fwd(lon, lat, heading, speed * step_s)
        out = (x2 < 120.0) | (x2 > 135.0) | (y2 < 28.0) | (y2 > 40.0)
        heading = np.where(
            out, heading + 180.0, np.asarray(back) + 180.0 + turn * step_s
        )
        lon = np.where(out, lon, x2)
        lat = np.where(out, lat, y2)
        xs[:, j], ys[:, j] = lon, lat
    start = np.datetime64("2019-01-01T00:00:00", "ns") + (
        rng.uniform(0.0, 364 * 86400.0, n_tracks).round() * 1e9
    ).astype("int64").astype("timedelta64[ns]")
    offsets = (
        (np.arange(n_samples) * step_s * 1e9).astype("int64").astype("timedelta64[ns]")
    )
    times = (start[:, None] + offsets[None, :]).ravel()
    return pd.DataFrame(
        {
            "track_id": np.repeat([f"t{k:05d}" for k in range(n_tracks)], n_samples),
            "time": pd.DatetimeIndex(times).tz_localize("UTC"),
            "lon": xs.ravel(),
            "lat": ys.ravel(),
        }
    )


def tracks(
    samples: int = 1_000_000,
    n_tracks: int = 1000,
    peer_tracks: int = 20,
    repeat: int = 1,
    seed: int = 20190723,
) -> dict[str, float]:
    """Time ``analyse_tracks`` against movingpandas' clip; print and return figures."""
    import warnings

    from airmap.incidents import analyse_tracks, crossings_frame
    from airmap.layers import ZoneCatalogue

    cat = ZoneCatalogue.default()
    versions = cat.versions
    per_track = max(samples // n_tracks, 2)
    df = synthetic_tracks(n_tracks, per_track, seed=seed)
    n = len(df)
    print(
        f"tracks: {n:,} samples in {n_tracks:,} synthetic flights (~230 m/s, 10 s "
        f"samples, lon 120–135, lat 28–40, 2019) against {len(versions)} seeded "
        "area zone versions",
        flush=True,
    )
    gc.collect()
    t0 = time.perf_counter()
    result = analyse_tracks(df, cat)
    cold = time.perf_counter() - t0
    warm = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = analyse_tracks(df, cat)
        warm = min(warm, time.perf_counter() - t0)
    frame = crossings_frame(result)
    print(
        f"  airmap analyse_tracks: {warm:.2f} s warm ({n / warm:,.0f} samples/s), "
        f"{cold:.2f} s first run (builds the per-zone edge cells and distance "
        f"lattices); {len(frame):,} intervals, "
        f"{sum(len(a.zones) for a in result):,} zone results",
        flush=True,
    )
    with warnings.catch_warnings():  # movingpandas warns about optional extras
        warnings.simplefilter("ignore")
        try:
            import movingpandas as mpd  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            print("  movingpandas is not installed: no peer figure")
            return {"samples": n, "airmap_s": warm, "airmap_cold_s": cold}
    ids = df["track_id"].unique()[: min(peer_tracks, n_tracks)]
    sub = df[df["track_id"].isin(ids)].assign(
        time=lambda d: d["time"].dt.tz_localize(None)
    )
    polygons = [v.geometry for v in versions]
    crossings = 0
    with warnings.catch_warnings():  # the peer's own pandas deprecation warnings
        warnings.simplefilter("ignore")
        gc.collect()
        t0 = time.perf_counter()
        tc = mpd.TrajectoryCollection(sub, "track_id", t="time", x="lon", y="lat")
        for poly in polygons:
            crossings += len(tc.clip(poly))
        peer = time.perf_counter() - t0
    m = len(sub)
    peer_rate = m / peer
    peer_all = n / peer_rate
    print(
        f"  movingpandas {mpd.__version__} TrajectoryCollection.clip x "
        f"{len(polygons)} polygons: {peer:.2f} s for {len(ids)} tracks "
        f"({m:,} samples, {crossings:,} clipped segments) = {peer_rate:,.0f} "
        f"samples/s; extrapolated per sample to all {n:,}: {peer_all:,.0f} s",
        flush=True,
    )
    ratio = warm / peer_all
    print(
        f"  ratio airmap / movingpandas (time): {ratio:.4f} "
        f"(airmap {1 / ratio:,.0f}x faster; it also measures depth and approach, "
        "and interpolates on the geodesic rather than in the lon/lat plane)",
        flush=True,
    )
    return {
        "samples": n,
        "airmap_s": warm,
        "airmap_cold_s": cold,
        "peer_s_subset": peer,
        "peer_samples": m,
        "peer_s_extrapolated": peer_all,
        "ratio": ratio,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run a named benchmark."""
    p = argparse.ArgumentParser(
        prog="python -m airmap.maps.bench", description=__doc__.splitlines()[0]
    )
    p.add_argument("name", choices=("membership", "tracks"))
    p.add_argument(
        "--sizes",
        nargs="+",
        type=float,
        default=[1e6, 1e7],
        metavar="N",
        help="membership: numbers of points",
    )
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument(
        "--samples", type=float, default=1e6, help="tracks: samples in all (1e6)"
    )
    p.add_argument(
        "--tracks", type=int, default=1000, help="tracks: number of flights (1000)"
    )
    p.add_argument(
        "--peer-tracks",
        type=int,
        default=20,
        help="tracks: flights given to movingpandas (its time is extrapolated)",
    )
    args = p.parse_args(argv)
    if args.name == "membership":
        membership(
            [int(s) for s in args.sizes],
            repeat=3 if args.repeat is None else args.repeat,
        )
    else:
        tracks(
            int(args.samples),
            args.tracks,
            peer_tracks=args.peer_tracks,
            repeat=1 if args.repeat is None else args.repeat,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
