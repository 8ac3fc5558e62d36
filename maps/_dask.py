"""The Dask engine of ``airmap check``: the same kernel, one task per partition.

``airmap check FILE.parquet --engine dask [--scheduler ADDRESS] [--workers N]``
builds a :mod:`dask.dataframe` over the Parquet file, one partition per run of
row groups (about ``--chunk-rows`` rows), reads each with the reader the
in-process engine uses and maps :func:`airmap.maps._stream.check_chunk` over
them; each partition's output is rendered on its worker (CSV text or an Arrow
table) and the client appends the pieces in partition order to the same
temporary-then-renamed output. The output is therefore identical, byte for
byte, to the in-process engine's. At most two partitions per worker are in
flight, so neither the workers nor the client hold the whole file.

``--tracks`` with ``--engine dask`` reads the tracks on the client (all the
validation of :func:`airmap.incidents.read_tracks`), splits them into groups of
whole tracks in id order, analyses each group on a worker with
:func:`airmap.incidents.analyse_tracks` and concatenates the crossings in group
order: the same rows, in the same order, as in process.

Users' zone files travel with the tasks (as bytes); workers load them once per
process and refuse to run if their zone versions differ from the client's.

dask and distributed are optional: ``pip install 'airspace-incidents[dask]'``.
"""

from __future__ import annotations

import collections
import contextlib
import logging
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from ._stream import (
    CheckSpec,
    Piece,
    StreamError,
    ZoneFiles,
    check_chunk,
    empty_frame,
    parquet_partitions,
    read_partition,
    render,
)

if TYPE_CHECKING:
    import datetime as dt

    import pandas as pd

    from airmap.incidents import Track

__all__ = ["DaskUnavailable", "analyse_tracks", "check_pieces", "require"]

#: Worker processes of the local cluster started when no scheduler is given.
DEFAULT_WORKERS = 2
#: Partitions in flight per worker (bounds memory on workers and client).
IN_FLIGHT_PER_WORKER = 2
EXTRA = (
    "pip install 'airspace-incidents[dask]' (in a checkout: pip install -e '.[dask]')"
)


class DaskUnavailable(RuntimeError):
    """dask or distributed is not installed."""


def require() -> None:
    """Import dask, dask.dataframe and distributed, or say how to install them.

    Raises
    ------
    DaskUnavailable
        Naming the missing module and the ``dask`` extra.
    """
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        missing = exc.name or "dask"
        raise DaskUnavailable(
            f"--engine dask needs dask and distributed ({missing} is not "
            f"installed): {EXTRA}"
        ) from None


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A client of the cluster at ``scheduler``, or of a new local cluster."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise StreamError(
                f"--scheduler {scheduler}: cannot connect ({exc})"
            ) from None
        with client:
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or DEFAULT_WORKERS,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: never a clash with 8787
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def _describe(scheduler: str | None, workers: int | None) -> str:
    if scheduler:
        return f"dask, scheduler {scheduler}"
    n = workers or DEFAULT_WORKERS
    return f"dask, local cluster of {n} worker process{'es' if n > 1 else ''}"


def _worker_count(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


# ---------------------------------------------------------------- positions


def check_pieces(
    pf: Any,
    path: str,
    spec: CheckSpec,
    fmt: str,
    chunk_rows: int,
    scheduler: str | None,
    workers: int | None,
) -> tuple[Iterator[Piece], str]:
    """Rendered output pieces of a Parquet file, in file order, checked on a cluster.

    Parameters
    ----------
    pf : pyarrow.parquet.ParquetFile
        The input (its metadata gives the partitions).
    path : str
        Its path, as the workers will open it (shared storage on a real cluster).
    spec : CheckSpec
        As for :func:`~airmap.maps._stream.check_chunk`.
    fmt : {'csv', 'parquet'}
        What each piece holds.
    chunk_rows : int
        Rows per partition, about (whole row groups are never split).
    scheduler, workers
        A scheduler address, or the size of a local cluster.

    Returns
    -------
    iterator of Piece, str
        The pieces (the cluster lives while the iterator is consumed) and a
        description of the engine for the summary.
    """
    require()
    parts = parquet_partitions(pf, chunk_rows)
    meta_in = empty_frame(pf, spec.layout)
    meta_out = check_chunk(meta_in, spec)
    pieces = _pieces(path, parts, spec, fmt, meta_in, meta_out, scheduler, workers)
    return pieces, _describe(scheduler, workers)


def _pieces(
    path: str,
    parts: list[tuple[tuple[int, ...], int]],
    spec: CheckSpec,
    fmt: str,
    meta_in: pd.DataFrame,
    meta_out: pd.DataFrame,
    scheduler: str | None,
    workers: int | None,
) -> Iterator[Piece]:
    import dask
    import dask.dataframe as dd
    from dask.delayed import delayed

    with _client(scheduler, workers) as client:
        with dask.config.set({"dataframe.convert-string": False}):
            frames = dd.from_map(  # type: ignore[no-untyped-call]
                read_partition,
                parts,
                path=path,
                columns=spec.layout.kept,
                meta=meta_in,
                enforce_metadata=False,
            )
            checked = frames.map_partitions(
                check_chunk, spec=spec, meta=meta_out, enforce_metadata=False
            )
            parts_out = checked.to_delayed()
        render_task = delayed(render, pure=True)
        todo = iter([render_task(d, fmt) for d in parts_out])
        window = IN_FLIGHT_PER_WORKER * _worker_count(client)
        running = collections.deque(client.compute(d) for d in islice(todo, window))
        try:
            while running:
                piece = running.popleft().result()
                nxt = next(todo, None)
                if nxt is not None:
                    running.append(client.compute(nxt))
                yield piece
        finally:
            for future in running:
                future.cancel()


# ------------------------------------------------------------------- tracks


def _analyse_group(
    tracks: list[Track],
    zones: ZoneFiles,
    when: dt.datetime | None,
    max_gap_s: float,
    zone_ids: tuple[str, ...],
) -> tuple[pd.DataFrame, int]:
    """Crossings and gap count of one group of tracks (runs on a worker)."""
    from airmap.incidents import analyse_tracks as analyse
    from airmap.incidents import crossings_frame

    analyses = analyse(
        tracks,
        zones.catalogue(),
        when=when,
        max_gap_s=max_gap_s,
        zones=zone_ids or None,
    )
    return crossings_frame(analyses), sum(len(a.gaps) for a in analyses)


def _groups(tracks: Sequence[Track], k: int) -> list[list[Track]]:
    """Tracks in id order, cut into at most ``k`` runs of about equal samples."""
    ordered = sorted(tracks, key=lambda t: t.id)
    total = sum(len(t) for t in ordered)
    groups: list[list[Track]] = [[]]
    done = 0
    for t in ordered:
        if groups[-1] and done >= total * len(groups) / k:
            groups.append([])
        groups[-1].append(t)
        done += len(t)
    return groups


def analyse_tracks(
    tracks: Sequence[Track],
    zones: ZoneFiles,
    *,
    when: dt.datetime | None,
    max_gap_s: float,
    zones_only: tuple[str, ...] = (),
    scheduler: str | None = None,
    workers: int | None = None,
) -> tuple[pd.DataFrame, int, str]:
    """Crossings of ``tracks`` analysed per group of tracks on a cluster.

    Returns
    -------
    pandas.DataFrame, int, str
        The crossings (as :func:`airmap.incidents.crossings_frame` gives them
        for all tracks at once), the number of gaps, and the engine described.
    """
    import pandas as pd

    from airmap.incidents import crossings_frame

    require()
    with _client(scheduler, workers) as client:
        k = IN_FLIGHT_PER_WORKER * _worker_count(client)
        groups = [g for g in _groups(tracks, k) if g]
        data = client.scatter(groups)
        futures = client.map(
            _analyse_group,
            data,
            zones=zones,
            when=when,
            max_gap_s=max_gap_s,
            zone_ids=zones_only,
            pure=False,
        )
        results = client.gather(futures)
    frames = [f for f, _ in results if len(f)]
    frame = pd.concat(frames, ignore_index=True) if frames else crossings_frame([])
    return frame, sum(g for _, g in results), _describe(scheduler, workers)
