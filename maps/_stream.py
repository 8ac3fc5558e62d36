"""Streaming positions through the zone check: read, check and write in chunks.

One kernel, :func:`check_chunk`, turns a chunk of input rows into output rows;
the in-process engine (``airmap check FILE``) and the Dask engine
(:mod:`airmap.maps._dask`) both call it, so their outputs are the same byte for
byte. Memory is bounded by the chunk size, not by the file:

- CSV is read with pandas in chunks of text (line numbers stay exact for
  errors); Parquet with :meth:`pyarrow.parquet.ParquetFile.iter_batches`, only
  the columns used, typed (numbers are never turned into text and back);
- output is written chunk by chunk (CSV text, or one Parquet row group per
  chunk through :class:`pyarrow.parquet.ParquetWriter`) to a temporary file in
  the target directory, moved into place only when everything succeeded.

A chunk is a :class:`pandas.DataFrame` of the recognised columns whose index is
the 0-based data row in the file, so that errors name the CSV line or Parquet
row wherever the chunk was checked. Nothing here imports ``airmap.maps.cli``;
errors are :class:`StreamError` with the full one-line message.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from airmap.layers import ZoneCatalogue

__all__ = [
    "CHUNK_ROWS",
    "Layout",
    "Piece",
    "StreamError",
    "Tally",
    "ZoneFiles",
    "atomic_path",
    "check_chunk",
    "csv_chunks",
    "detect_layout",
    "open_parquet",
    "output_format",
    "parquet_chunks",
    "parquet_partitions",
    "read_partition",
    "render",
]

#: Rows per chunk by default; peak memory grows with this, not with the file.
CHUNK_ROWS = 500_000

#: Column names tried, in order, for each role (case-insensitive; the first wins).
LON_COLUMNS = ("lon", "longitude", "lng")
LAT_COLUMNS = ("lat", "latitude")
#: OpenSky state vectors: ``time`` (Unix seconds); traffic: ``timestamp``.
TIME_COLUMNS = ("time", "timestamp")
UNCERTAINTY_COLUMNS = ("uncertainty_m",)
#: Copied to the output unchanged when present (ids and altitudes of state vectors).
KEPT_COLUMNS = (
    "id",
    "track_id",
    "flight_id",
    "icao24",
    "callsign",
    "baroaltitude",
    "geoaltitude",
    "altitude",
    "altitude_m",
    "altitude_ft",
)

#: Output columns that list zones or states, ';'-joined.
JOINED = ("zones", "possibly_inside", "sovereign_holder", "sovereign_claimants")

#: A time ending in a zone designator (Z or an offset).
_TZ_RE = r"(?:[Zz]|[+-]\d{2}:?\d{2})$"
#: Unix seconds at or beyond this are a unit mistake (milliseconds?) or past 2286.
_MAX_UNIX_S = 1e10
_NS_PER_S = 1_000_000_000
#: Bytes read from a Parquet file at a time.
_READ_BUFFER = 1 << 20


class StreamError(ValueError):
    """A bad input row or file; ``str()`` is the whole one-line message."""


# ------------------------------------------------------------------ layout


@dataclasses.dataclass(frozen=True, slots=True)
class Layout:
    """Which input column plays which role; ``kept`` lists output columns in file order."""

    lon: str
    lat: str
    time: str | None
    uncertainty: str | None
    kept: tuple[str, ...]


def detect_layout(where: str, names: Sequence[str], *, has: str) -> Layout:
    """Find lon, lat, time and the other recognised columns among ``names``.

    Parameters
    ----------
    where : str
        Prefix of error messages (``"positions.csv:1"``).
    names : sequence of str
        The file's column names.
    has : str
        How to introduce the listing in messages (``"the header has"``).

    Raises
    ------
    StreamError
        A required column is missing (naming what was expected and what was
        found), or a recognised column appears twice.
    """
    clean = [str(n).strip() for n in names]
    listing = ", ".join(clean) or "nothing"
    seen: dict[str, str] = {}
    for n in clean:
        if n.lower() in seen:
            raise StreamError(f"{where}: {seen[n.lower()]}: column appears twice")
        seen[n.lower()] = n

    def find(candidates: Sequence[str]) -> str | None:
        return next((seen[c] for c in candidates if c in seen), None)

    found: dict[str, str | None] = {}
    for role, candidates in (("lon", LON_COLUMNS), ("lat", LAT_COLUMNS)):
        found[role] = find(candidates)
        if found[role] is None:
            raise StreamError(
                f"{where}: {role}: missing column: expected one of "
                f"{', '.join(candidates)} ({has}: {listing})"
            )
    time = find(TIME_COLUMNS)
    unc = find(UNCERTAINTY_COLUMNS)
    roles = {found["lon"], found["lat"], time, unc}
    known = {c for c in KEPT_COLUMNS if c in seen}
    kept = tuple(n for n in clean if n in roles or n.lower() in known)
    return Layout(str(found["lon"]), str(found["lat"]), time, unc, kept)


# ------------------------------------------------------------ zone files


@dataclasses.dataclass(frozen=True)
class ZoneFiles:
    """Users' zone files by content, so that workers load the same catalogue.

    ``keys`` are the zone-version keys the client loaded; a worker whose
    catalogue differs (another airmap version, other seeds) refuses to run.
    """

    files: tuple[tuple[str, bytes], ...]
    keys: tuple[str, ...]

    @property
    def digest(self) -> str:
        """A hash of the files' names and contents."""
        h = hashlib.sha256()
        for name, data in self.files:
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()

    @classmethod
    def read(cls, paths: Sequence[str | Path], catalogue: ZoneCatalogue) -> ZoneFiles:
        """The files at ``paths`` (already loaded as ``catalogue`` here)."""
        files = tuple((Path(p).name, Path(p).read_bytes()) for p in paths)
        spec = cls(files, tuple(v.key for v in catalogue.versions))
        _CATALOGUES[spec.digest] = catalogue
        return spec

    def catalogue(self) -> ZoneCatalogue:
        """The catalogue: the seeds plus these files (loaded once per process)."""
        from airmap.layers import ZoneCatalogue

        cat = _CATALOGUES.get(self.digest)
        if cat is None:
            if not self.files:
                cat = ZoneCatalogue.default()
            else:
                folder = tempfile.mkdtemp(prefix="airmap-zones-")
                try:
                    paths = []
                    for i, (name, data) in enumerate(self.files):
                        sub = Path(folder, str(i))
                        sub.mkdir()
                        (sub / name).write_bytes(data)
                        paths.append(sub / name)
                    cat = ZoneCatalogue.load(*paths)
                finally:
                    shutil.rmtree(folder, ignore_errors=True)
            _CATALOGUES[self.digest] = cat
        got = tuple(v.key for v in cat.versions)
        if got != self.keys:
            raise StreamError(
                "this process has other zones than the client "
                f"({len(got)} zone versions, expected {len(self.keys)}): "
                "install the same airmap version on every worker"
            )
        return cat


_CATALOGUES: dict[str, ZoneCatalogue] = {}


# ------------------------------------------------------------------- kernel


@dataclasses.dataclass(frozen=True)
class CheckSpec:
    """Everything :func:`check_chunk` needs besides the rows (picklable)."""

    source: str  # the input file as named in messages
    unit: str  # "line" (CSV, header = line 1) or "row" (Parquet, 1-based)
    layout: Layout
    zones: ZoneFiles
    when: dt.datetime | None
    tolerance_m: float
    distances: bool

    def where(self, i: int) -> str:
        """The message prefix for 0-based data row ``i``."""
        if self.unit == "line":
            return f"{self.source}:{i + 2}"
        return f"{self.source}: row {i + 1}"


def check_chunk(frame: pd.DataFrame, spec: CheckSpec) -> pd.DataFrame:
    """Validate one chunk, check it against every zone version, build its output.

    Parameters
    ----------
    frame : pandas.DataFrame
        The recognised columns (``spec.layout.kept``), as text (CSV) or typed
        (Parquet); its index is the 0-based data row in the file.
    spec : CheckSpec
        File name for messages, column roles, zones and options.

    Returns
    -------
    pandas.DataFrame
        One row per input row, in order: the kept columns unchanged, then
        ``zones``, ``possibly_inside``, ``sovereign_holder``,
        ``sovereign_claimants``, ``status:<key>`` per zone version and, with
        distances, ``distance_m:<key>`` (metres, negative inside).

    Raises
    ------
    StreamError
        The first bad value in file order, naming line (CSV) or row (Parquet)
        and column.
    """
    import pandas as pd

    from airmap.layers import Status

    cat = spec.zones.catalogue()
    lay = spec.layout
    n = len(frame)
    first = int(frame.index[0]) if n else 0
    errors: list[tuple[int, int, str]] = []  # (row in chunk, column order, message)
    lon = _numbers(frame[lay.lon], "lon", 0, -180.0, 180.0, "-180..180", errors)
    lat = _numbers(frame[lay.lat], "lat", 1, -90.0, 90.0, "-90..90", errors)
    if lay.uncertainty is not None:
        unc = _numbers(
            frame[lay.uncertainty],
            lay.uncertainty,
            2,
            0.0,
            None,
            "0 m and up (it is a radius)",
            errors,
        )
    else:
        unc = np.zeros(n)
    times: Any = None
    if lay.time is not None:
        times = _times(frame[lay.time], lay.time, errors)
    elif spec.when is not None:
        times = np.full(n, np.datetime64(spec.when.replace(tzinfo=None), "ns"))
    if errors:
        i, _, msg = min(errors)
        raise StreamError(f"{spec.where(first + i)}: {msg}")

    versions = cat.versions
    keys = [v.key for v in versions]
    labels = [s.label for s in sorted(Status)]  # index: code + 1
    if n:
        res = cat.check(
            lon, lat, times, uncertainty_m=unc, tolerance_m=spec.tolerance_m
        )
        status = res.status
        inside = res.inside
    else:
        status = np.zeros((len(keys), 0), np.int8)
        inside = np.zeros((len(keys), 0), bool)
    sov = [i for i, v in enumerate(versions) if v.zone.kind.sovereign]
    cols: dict[str, Any] = {c: frame[c] for c in lay.kept}
    joined = {
        "zones": _join(keys, inside),
        "possibly_inside": _join(keys, status == Status.POSSIBLY_INSIDE),
        "sovereign_holder": _join(
            [versions[i].zone.holder or "" for i in sov], inside[sov]
        ),
        "sovereign_claimants": _join(
            [";".join(versions[i].zone.claimants) for i in sov], inside[sov]
        ),
    }
    cols.update(joined)
    categories = pd.Index(labels)
    for r, key in enumerate(keys):
        cols[f"status:{key}"] = pd.Categorical.from_codes(
            status[r].astype(np.int64) + 1, categories=categories
        )
    if spec.distances:
        dist = res.distance_m if n else np.zeros((len(keys), 0))
        for r, key in enumerate(keys):
            cols[f"distance_m:{key}"] = np.round(dist[r], 1)
    return pd.DataFrame(cols, index=frame.index)


def _is_text(s: pd.Series) -> bool:
    import pandas as pd

    if pd.api.types.is_object_dtype(s.dtype):
        return True
    if isinstance(s.dtype, pd.ArrowDtype):
        import pyarrow as pa

        t = s.dtype.pyarrow_dtype
        return bool(pa.types.is_string(t) or pa.types.is_large_string(t))
    return pd.api.types.is_string_dtype(s.dtype)


def _text(s: pd.Series) -> pd.Series:
    """Text values stripped, nulls as empty text."""
    import pandas as pd

    if isinstance(s.dtype, pd.ArrowDtype):
        s = s.astype(object)
    return s.fillna("").astype(str).str.strip()


def _shown(value: float) -> str:
    """A number as a user would write it: 181 not 181.0, 132.0019 exactly."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _numbers(
    s: pd.Series,
    field: str,
    order: int,
    lo: float | None,
    hi: float | None,
    what: str,
    errors: list[tuple[int, int, str]],
) -> Any:
    """``s`` as float64, noting its first empty, unreadable or out-of-range value."""
    import pandas as pd

    if _is_text(s):
        raw = _text(s)
        vals = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64)

        def shown(i: int) -> str:
            return str(raw.iloc[i])

        def missing(i: int) -> bool:
            return bool(raw.iloc[i] == "")
    else:
        nulls = s.isna().to_numpy(dtype=bool)
        vals = s.to_numpy(dtype=np.float64, na_value=np.nan)

        def shown(i: int) -> str:
            return _shown(float(vals[i]))

        def missing(i: int) -> bool:
            return bool(nulls[i])

    bad = np.flatnonzero(~np.isfinite(vals))
    if bad.size:
        i = int(bad[0])
        msg = "is empty" if missing(i) else f"{shown(i)!r} is not a number"
        errors.append((i, order, f"{field}: {msg}"))
    out_of = np.zeros(len(vals), bool)
    if lo is not None:
        out_of |= vals < lo
    if hi is not None:
        out_of |= vals > hi
    bad = np.flatnonzero(out_of)
    if bad.size:
        i = int(bad[0])
        errors.append((i, order, f"{field}: {shown(i)} is outside {what}"))
    return vals


def _epoch(
    secs: Any, shown: Any, field: str, errors: list[tuple[int, int, str]]
) -> Any:
    """Unix seconds (float64, NaN for none) as datetime64[ns]; huge values are errors."""
    out = np.full(len(secs), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = np.isfinite(secs)
    big = ok & (np.abs(np.where(ok, secs, 0.0)) >= _MAX_UNIX_S)
    if big.any():
        i = int(np.flatnonzero(big)[0])
        errors.append(
            (
                i,
                3,
                f"{field}: {shown(i)} is too large for Unix seconds "
                "(milliseconds? divide by 1000)",
            )
        )
        ok &= ~big
    out[ok] = (secs[ok] * _NS_PER_S).astype("int64").astype("datetime64[ns]")
    return out


def _times(s: pd.Series, field: str, errors: list[tuple[int, int, str]]) -> Any:
    """Per-row UTC instants (datetime64[ns]) from text, numbers or timestamps."""
    import pandas as pd

    if _is_text(s):
        return _text_times(_text(s), field, errors)
    nulls = s.isna().to_numpy(dtype=bool)
    if nulls.any():
        errors.append((int(np.flatnonzero(nulls)[0]), 3, f"{field}: is empty"))
    kind = s.dtype.pyarrow_dtype if isinstance(s.dtype, pd.ArrowDtype) else None
    is_ts = (
        kind is not None and str(kind).startswith("timestamp")
    ) or pd.api.types.is_datetime64_any_dtype(s.dtype)
    if is_ts:
        tz = (
            getattr(kind, "tz", None)
            if kind is not None
            else getattr(s.dtype, "tz", None)
        )
        if tz is None:
            ok = np.flatnonzero(~nulls)
            if ok.size:
                i = int(ok[0])
                errors.append(
                    (
                        i,
                        3,
                        f"{field}: '{s.iloc[i]}' has no time zone; store the column "
                        "with a time zone (e.g. UTC)",
                    )
                )
            return np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
        utc = s.astype("datetime64[ns, UTC]").dt.tz_localize(None)
        return utc.to_numpy(dtype="datetime64[ns]")
    try:
        secs = s.to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        errors.append((0, 3, f"{field}: a column of {s.dtype} is not a time"))
        return np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
    return _epoch(secs, lambda i: _shown(float(secs[i])), field, errors)


def _text_times(raw: pd.Series, field: str, errors: list[tuple[int, int, str]]) -> Any:
    import pandas as pd

    numeric = pd.to_numeric(raw, errors="coerce")
    is_epoch = numeric.notna().to_numpy()
    out = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")
    if is_epoch.any():
        idx = np.flatnonzero(is_epoch)
        secs = numeric.to_numpy(dtype=np.float64)[idx]
        sub: list[tuple[int, int, str]] = []
        out[idx] = _epoch(secs, lambda j: str(raw.iloc[idx[j]]), field, sub)
        errors.extend((int(idx[j]), o, m) for j, o, m in sub)
    text_idx = np.flatnonzero(~is_epoch)
    if text_idx.size:
        texts = raw.iloc[text_idx]
        has_tz = texts.str.contains(_TZ_RE, regex=True).to_numpy(dtype=bool)
        empty = (texts == "").to_numpy(dtype=bool)
        naive = np.flatnonzero(~has_tz)
        if naive.size:
            j = int(naive[0])
            msg = (
                "is empty"
                if empty[j]
                else f"{texts.iloc[j]!r} has no time zone; add Z for UTC or an "
                "offset like +09:00"
            )
            errors.append((int(text_idx[j]), 3, f"{field}: {msg}"))
        ok = np.flatnonzero(has_tz)
        if ok.size:
            parsed = pd.to_datetime(
                texts.iloc[ok], utc=True, errors="coerce", format="ISO8601"
            )
            bad = np.flatnonzero(parsed.isna().to_numpy())
            if bad.size:
                j = int(ok[bad[0]])
                errors.append(
                    (
                        int(text_idx[j]),
                        3,
                        f"{field}: {texts.iloc[j]!r} is not an ISO 8601 date-time",
                    )
                )
            vals = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            out[text_idx[ok]] = vals
    return out


def _join(labels: list[str], mask: Any) -> Any:
    """Per column of ``mask`` (rows × points), the labels of its true rows, ';'-joined.

    A label may itself list several names (``"KOR;JPN"``); each name appears
    once per point, in order of first appearance. The result is categorical:
    one code per point, one string per combination that occurs.
    """
    import pandas as pd

    names: dict[str, Any] = {}
    for r, label in enumerate(labels):
        for name in filter(None, label.split(";")):
            names[name] = names[name] | mask[r] if name in names else mask[r].copy()
    n = mask.shape[1]
    order = list(names)
    if len(order) > 62:  # more names than bits: join name by name
        out = np.full(n, "", dtype=object)
        for name, hit in names.items():
            if hit.any():
                cur = out[hit]
                out[hit] = np.where(cur == "", name, cur + ";" + name)
        return pd.Categorical(out)
    bits = np.zeros(n, np.int64)
    for b, name in enumerate(order):
        bits |= names[name].astype(np.int64) << b
    if len(order) <= 16:  # count every possible combination: no sort
        present = np.flatnonzero(np.bincount(bits, minlength=1 << len(order)))
        lut = np.zeros(1 << len(order), np.int64)
        lut[present] = np.arange(present.size)
        combos, codes = present, lut[bits]
    else:
        combos, codes = np.unique(bits, return_inverse=True)
    texts = [
        ";".join(nm for b, nm in enumerate(order) if (int(c) >> b) & 1) for c in combos
    ]
    return pd.Categorical.from_codes(
        codes.reshape(-1), categories=pd.Index(texts, dtype=object)
    )


# ------------------------------------------------------------------- readers


def csv_layout(path: Path) -> Layout:
    """The layout of a CSV file of positions, from its header (and first row)."""
    import csv

    try:
        if path.stat().st_size == 0:
            raise StreamError(
                f"{path}: file is empty (expected a header line with lon,lat)"
            )
    except FileNotFoundError:
        raise StreamError(f"{path}: no such file") from None
    except PermissionError:
        raise StreamError(f"{path}: cannot read: permission denied") from None
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = csv.reader(fh, skipinitialspace=True)
            header = next(rows, None)
            first = next(rows, None)
    except UnicodeDecodeError:
        raise StreamError(f"{path}: not UTF-8 text") from None
    except PermissionError:
        raise StreamError(f"{path}: cannot read: permission denied") from None
    if header is None:
        raise StreamError(
            f"{path}: file is empty (expected a header line with lon,lat)"
        )
    layout = detect_layout(f"{path}:1", header, has="the header has")
    # pandas would take an extra leading field for a row label (or drop it)
    if first is not None and len(first) > len(header):
        raise StreamError(
            f"{path}:2: row has {len(first)} fields but the header has {len(header)}"
        )
    if first is None:
        raise StreamError(f"{path}: no data rows after the header")
    return layout


def csv_chunks(
    path: Path, layout: Layout, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """The kept columns of a CSV file as text, ``chunk_rows`` rows at a time."""
    import pandas as pd

    try:
        with pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            chunksize=chunk_rows,
            skipinitialspace=True,
            index_col=False,
            encoding="utf-8-sig",
        ) as reader:
            start = 0
            for chunk in reader:
                if chunk.empty:
                    continue
                chunk.columns = [str(c).strip() for c in chunk.columns]
                part = chunk[list(layout.kept)]
                part.index = pd.RangeIndex(start, start + len(part))
                start += len(part)
                yield part
            if not start:
                raise StreamError(f"{path}: no data rows after the header")
    except pd.errors.EmptyDataError:
        raise StreamError(
            f"{path}: file is empty (expected a header line with lon,lat)"
        ) from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise StreamError(
                f"{path}:{m.group(2)}: row has {m.group(3)} fields but the header "
                f"has {m.group(1)}"
            ) from None
        raise StreamError(f"{path}: not a readable CSV file: {exc}") from None
    except UnicodeDecodeError:
        raise StreamError(f"{path}: not UTF-8 text") from None


def open_parquet(path: Path) -> tuple[Any, Layout]:
    """The :class:`pyarrow.parquet.ParquetFile` and its layout."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        raise StreamError(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow)"
        ) from None
    try:
        # no pre-buffering: it reads whole row groups ahead (hundreds of MB)
        pf = pq.ParquetFile(path, pre_buffer=False, buffer_size=_READ_BUFFER)
    except FileNotFoundError:
        raise StreamError(f"{path}: no such file") from None
    except PermissionError:
        raise StreamError(f"{path}: cannot read: permission denied") from None
    except Exception as exc:  # pyarrow raises ArrowInvalid and others
        raise StreamError(f"{path}: not a readable Parquet file: {exc}") from None
    layout = detect_layout(str(path), pf.schema_arrow.names, has="the file has")
    if pf.metadata.num_rows == 0:
        raise StreamError(f"{path}: no data rows")
    return pf, layout


def _arrow_frame(table: Any, start: int) -> pd.DataFrame:
    """A pyarrow table or batch as pandas with Arrow types (lossless both ways)."""
    import pandas as pd

    frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
    frame.index = pd.RangeIndex(start, start + len(frame))
    return frame


def parquet_chunks(
    pf: Any, layout: Layout, chunk_rows: int = CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """The kept columns of a Parquet file, typed, ``chunk_rows`` rows at a time."""
    start = 0
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=list(layout.kept)):
        if batch.num_rows:
            yield _arrow_frame(batch, start)
            start += batch.num_rows


def parquet_partitions(pf: Any, chunk_rows: int) -> list[tuple[tuple[int, ...], int]]:
    """Consecutive row groups of about ``chunk_rows`` rows: (groups, first row)."""
    meta = pf.metadata
    parts: list[tuple[tuple[int, ...], int]] = []
    groups: list[int] = []
    rows = start = 0
    for g in range(meta.num_row_groups):
        n = meta.row_group(g).num_rows
        if groups and rows + n > chunk_rows:
            parts.append((tuple(groups), start))
            start += rows
            groups, rows = [], 0
        groups.append(g)
        rows += n
    if groups:
        parts.append((tuple(groups), start))
    return parts


def read_partition(
    part: tuple[tuple[int, ...], int], path: str, columns: tuple[str, ...]
) -> pd.DataFrame:
    """Row groups ``part[0]`` of the Parquet file, as :func:`parquet_chunks` gives them."""
    import pyarrow.parquet as pq

    groups, start = part
    pf = pq.ParquetFile(path, pre_buffer=False, buffer_size=_READ_BUFFER)
    table = pf.read_row_groups(list(groups), columns=list(columns))
    return _arrow_frame(table, start)


def empty_frame(pf: Any, layout: Layout) -> pd.DataFrame:
    """A zero-row input chunk with the file's column types (Dask's ``meta``)."""
    schema = pf.schema_arrow
    fields = [schema.field(c) for c in layout.kept]
    import pyarrow as pa

    return _arrow_frame(pa.schema(fields).empty_table(), 0)


# ------------------------------------------------------------------- writers


def output_format(path: str | None, explicit: str | None) -> str:
    """``"csv"`` or ``"parquet"``: as asked, else from the suffix of ``path``."""
    if explicit:
        return explicit
    if path and Path(path).suffix.lower() in (".parquet", ".pq"):
        return "parquet"
    return "csv"


@dataclasses.dataclass(frozen=True, slots=True)
class Piece:
    """A rendered chunk: CSV text or a pyarrow table, its row count, inside counts."""

    payload: Any
    rows: int
    inside: Any  # int64 per zone version


def render(out: pd.DataFrame, fmt: str) -> Piece:
    """Turn :func:`check_chunk` output into what the writer appends (header-less)."""
    import io

    from airmap.layers import Status

    status = [c for c in out.columns if c.startswith("status:")]
    hit = (Status.INSIDE + 1, Status.BOUNDARY + 1)
    counts = np.array(
        [np.isin(out[c].cat.codes.to_numpy(), hit).sum() for c in status], np.int64
    )
    if fmt == "csv":
        buf = io.StringIO()
        out.to_csv(buf, header=False, index=False, lineterminator="\n")
        return Piece(buf.getvalue(), len(out), counts)
    import pyarrow as pa
    import pyarrow.compute as pc

    table = pa.Table.from_pandas(out, preserve_index=False).replace_schema_metadata()
    for name in JOINED:  # plain strings in the file: their categories vary by chunk
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.cast(table.column(i), pa.string()))
    return Piece(table, len(out), counts)


def csv_header(out: pd.DataFrame) -> str:
    """The CSV header line of :func:`check_chunk` output."""
    import io

    buf = io.StringIO()
    out.iloc[:0].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


class BinaryOut(Protocol):
    """Where a :class:`Sink` writes (an open binary file, or stdout's buffer)."""

    def write(self, data: bytes, /) -> int:
        """Write ``data``."""
        ...


class Sink:
    """Appends rendered pieces to an open binary file, as CSV or Parquet."""

    def __init__(self, fh: BinaryOut, fmt: str) -> None:
        self.fh = fh
        self.fmt = fmt
        self.rows = 0
        self._writer: Any = None
        self._schema: Any = None
        self._header_done = False

    def write(self, piece: Piece, header: str = "") -> None:
        """Append one piece (``header`` is written before the first CSV piece)."""
        if self.fmt == "csv":
            if not self._header_done:
                self.fh.write(header.encode("utf-8"))
                self._header_done = True
            self.fh.write(piece.payload.encode("utf-8"))
        else:
            import pyarrow.parquet as pq

            table = piece.payload
            if self._writer is None:
                self._schema = table.schema
                self._writer = pq.ParquetWriter(self.fh, self._schema)
            elif not table.schema.equals(self._schema):
                table = table.cast(self._schema)
            self._writer.write_table(table)
        self.rows += piece.rows

    def close(self) -> None:
        """Finish the file (a Parquet footer); the caller closes ``fh``."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def abort(self) -> None:
        """Let go of the file after an error (it is about to be removed)."""
        with contextlib.suppress(Exception):
            self.close()


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[IO[bytes]]:
    """A binary temporary file beside ``target``, moved into place on success.

    On any error (also Ctrl-C) the temporary file is removed and ``target`` is
    left as it was (:func:`airmap.geo.atomic_path`).
    """
    from airmap.geo import OutputPathError
    from airmap.geo import atomic_path as atomic

    try:
        with atomic(target) as tmp, open(tmp, "wb") as fh:
            yield fh
    except OutputPathError as exc:
        raise StreamError(str(exc)) from None


# ------------------------------------------------------------------- summary


@dataclasses.dataclass
class Tally:
    """Rows read and written, and rows inside each zone version, over a run."""

    keys: tuple[str, ...]
    rows_read: int = 0
    rows_written: int = 0
    inside: Any = None

    def add(self, piece: Piece) -> None:
        """Count one piece."""
        self.rows_read += piece.rows
        if self.inside is None:
            self.inside = np.zeros(len(self.keys), np.int64)
        self.inside += piece.inside

    def lines(self, elapsed_s: float, target: str, engine: str) -> list[str]:
        """The summary printed at the end of a run."""
        rate = self.rows_read / elapsed_s if elapsed_s > 0 else float("inf")
        inside = self.inside if self.inside is not None else np.zeros(len(self.keys))
        width = max((len(k) for k in self.keys), default=10)
        out = [
            f"{self.rows_read:,} rows read, {self.rows_written:,} rows written → "
            f"{target}; {len(self.keys)} zone versions; {elapsed_s:.2f} s, "
            f"{rate:,.0f} rows/s ({engine})",
            "rows inside (or on the edge of) each zone version:",
        ]
        out += [
            f"  {k:<{width}}  {int(c):>14,}"
            for k, c in zip(self.keys, inside, strict=True)
        ]
        return out
