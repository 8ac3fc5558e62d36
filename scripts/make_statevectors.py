"""Write a synthetic OpenSky-like state-vector Parquet file of N rows, in row groups.

For measuring ``airmap check`` on large inputs without holding them in memory:
each row group is generated, written and dropped, so this script's memory is
bounded by ``--row-group`` whatever N is. Positions are uniform over the box
118–140°E, 24–44°N (KADIZ, JADIZ, the East China Sea ADIZ, Korean and Japanese
territorial airspace); times run from 2019-07-23T00:00Z, ten rows per second.
Deterministic for a given ``--seed``.

Usage::

    python scripts/make_statevectors.py 10000000 /tmp/sv-1e7.parquet
    python scripts/make_statevectors.py 1e8 /tmp/sv-1e8.parquet --row-group 1000000
    python scripts/make_statevectors.py 1e6 /tmp/traffic.parquet --layout traffic

Layouts: ``opensky`` (``time`` Unix seconds, ``icao24``, ``callsign``, ``lat``,
``lon``, ``velocity``, ``heading``, ``baroaltitude``/``geoaltitude`` metres)
and ``traffic`` (``timestamp`` zone-aware UTC, ``icao24``, ``callsign``,
``latitude``, ``longitude``, ``altitude`` feet, ``geoaltitude`` feet).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

START_S = 1563840000  # 2019-07-23T00:00:00Z
AIRCRAFT = 5000
FT = 0.3048


def _rows(text: str) -> int:
    value = float(text)
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ 1")
    return int(value)


def group_table(first: int, n: int, seed: int, layout: str) -> pa.Table:
    """Rows ``first`` to ``first + n - 1`` of the synthetic file."""
    rng = np.random.default_rng([seed, first])
    row = np.arange(first, first + n, dtype=np.int64)
    plane = row % AIRCRAFT
    icao = pa.array(np.char.mod("%06x", 0x700000 + plane).astype(str))
    callsign = pa.array(np.char.mod("SYN%04d", plane).astype(str))
    lat = rng.uniform(24.0, 44.0, n)
    lon = rng.uniform(118.0, 140.0, n)
    alt_m = rng.uniform(0.0, 12_500.0, n)
    seconds = START_S + row // 10
    if layout == "opensky":
        return pa.table(
            {
                "time": pa.array(seconds, pa.int64()),
                "icao24": icao,
                "callsign": callsign,
                "lat": lat,
                "lon": lon,
                "velocity": rng.uniform(100.0, 260.0, n),
                "heading": rng.uniform(0.0, 360.0, n),
                "baroaltitude": alt_m,
                "geoaltitude": alt_m + rng.normal(0.0, 30.0, n),
            }
        )
    stamps = pa.array(seconds * 1_000_000, pa.timestamp("us", tz="UTC"))
    return pa.table(
        {
            "timestamp": stamps,
            "icao24": icao,
            "callsign": callsign,
            "latitude": lat,
            "longitude": lon,
            "altitude": alt_m / FT,
            "geoaltitude": (alt_m + rng.normal(0.0, 30.0, n)) / FT,
        }
    )


def main(argv: list[str] | None = None) -> int:
    """Write the file; print rows, row groups, size and seconds on stderr."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("rows", type=_rows, help="number of rows (1e7 is fine)")
    p.add_argument("output", help="the Parquet file to write")
    p.add_argument("--row-group", type=_rows, default=1_000_000, metavar="N")
    p.add_argument("--layout", choices=("opensky", "traffic"), default="opensky")
    p.add_argument("--seed", type=int, default=20190723)
    args = p.parse_args(argv)
    started = time.perf_counter()
    writer = None
    try:
        for first in range(0, args.rows, args.row_group):
            n = min(args.row_group, args.rows - first)
            table = group_table(first, n, args.seed, args.layout)
            if writer is None:
                writer = pq.ParquetWriter(args.output, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    meta = pq.ParquetFile(args.output).metadata
    print(
        f"{meta.num_rows:,} rows in {meta.num_row_groups} row groups → {args.output} "
        f"({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
