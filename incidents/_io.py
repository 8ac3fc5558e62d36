"""Read tracks from CSV, Parquet and OGC Moving Features JSON; write MF-JSON.

:func:`read_tracks` turns a file of timed positions into validated
:class:`~airmap.incidents.Track` objects, one per aircraft, and
:func:`write_mfjson` writes tracks as an OGC Moving Features JSON
(OGC 19-045r3) FeatureCollection of ``MovingPoint`` features.

Every problem raises :class:`airmap.geo.InputError` naming the file, where in
it (CSV line, Parquet row, MF-JSON feature) and the column or member. Nothing
is sorted, merged or dropped behind the caller's back.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import os
import re
import tempfile
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from airmap.geo import (
    FT,
    CRSMismatchError,
    InputError,
    ParamEnum,
    replace_keeping_mode,
)

from ._track import Track, _fmt

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TrackFormat", "TrackSet", "read_tracks", "write_mfjson"]

#: Rows converted at a time; memory while reading scales with this, not the file.
CHUNK_ROWS = 500_000

#: Column names tried, in order, for each role (matched case-insensitively).
ID_COLUMNS = ("track_id", "flight_id", "icao24", "callsign")
TIME_COLUMNS = ("time", "timestamp")
LAT_COLUMNS = ("lat", "latitude")
LON_COLUMNS = ("lon", "longitude", "lng")
#: Altitude columns in order of preference, with the factor that gives metres.
ALTITUDE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("altitude_m", 1.0),
    ("baroaltitude", 1.0),  # OpenSky state vectors: metres
    ("geoaltitude", 1.0),  # OpenSky state vectors: metres
    ("altitude", FT),  # traffic: feet
    ("altitude_ft", FT),
)
UNCERTAINTY_COLUMNS = ("uncertainty_m",)

#: Keys accepted by ``read_tracks(columns=...)``.
COLUMN_ROLES = (
    "id",
    "time",
    "lat",
    "lon",
    "altitude_m",
    "altitude_ft",
    "uncertainty_m",
)

#: A time of day followed by a zone designator: Z or an offset.
_TZ_RE = (
    r"[T\s]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
)
_NAIVE = "has no time zone; add Z for UTC or an offset like +09:00"
_NS_PER_S = 1_000_000_000
#: Text read as a number (Unix seconds) in a time column.
_NUMBER_RE = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
#: The coarsest of these that loses nothing is used for MF-JSON datetimes.
_TIME_UNITS: tuple[tuple[Literal["s", "ms", "us"], int], ...] = (
    ("s", _NS_PER_S),
    ("ms", 1_000_000),
    ("us", 1_000),
)
#: Unix seconds at or beyond this (year 5138) are taken for a unit mistake.
_MAX_UNIX_S = 1e11
_SKIP_HINT = (
    "to skip rows without a position pass skip_missing_positions=True "
    "(airmap check: --skip-missing-positions)"
)

#: MF-JSON ``form`` codes (UN/CEFACT Rec. 20, UCUM, words) read as metres or feet.
_METRE_FORMS = frozenset({"mtr", "m", "metre", "meter", "metres", "meters"})
_FOOT_FORMS = frozenset({"fot", "ft", "[ft_i]", "foot", "feet"})
#: MF-JSON temporal properties read as altitude, in order of preference.
_MF_ALTITUDE = ("altitude_m", "baroaltitude", "geoaltitude", "altitude", "altitude_ft")
#: CRS names that mean WGS84 longitude, latitude (GeoJSON axis order).
_LONLAT_CRS = re.compile(r"(CRS84h?|EPSG(?::+|/0/)(?:4326|4979))$", re.IGNORECASE)


class TrackFormat(ParamEnum):
    """File formats :func:`read_tracks` reads."""

    CSV = "csv"
    PARQUET = "parquet"
    MFJSON = "mfjson"

    @classmethod
    def _what(cls) -> str:
        return "track format"

    @classmethod
    def _normalise(cls, text: str) -> str:
        return text.strip().lower().lstrip(".")

    @classmethod
    def _aliases(cls) -> dict[str, str]:
        return {"txt": "csv", "pq": "parquet", "json": "mfjson", "geojson": "mfjson"}

    @classmethod
    def from_path(cls, path: Path) -> TrackFormat:
        """The format that a file name's suffix implies."""
        suffix = path.suffix.lower().lstrip(".")
        try:
            return cls.parse(suffix)
        except ValueError:
            raise InputError(
                str(path),
                f"cannot tell the format from the suffix {path.suffix!r}; "
                "give format='csv', 'parquet' or 'mfjson'",
            ) from None


class TrackSet(list[Track]):
    """The tracks read from one file, in order of first appearance.

    A plain :class:`list` of :class:`~airmap.incidents.Track` that also says
    where the tracks came from and how many input rows were skipped.

    Parameters
    ----------
    tracks : iterable of Track
        The tracks.
    path : str or None
        The file they were read from.
    skipped_rows : int
        Input rows left out because they had no position (only with
        ``skip_missing_positions=True``; otherwise such rows are errors).
    """

    __slots__ = ("path", "skipped_rows")

    def __init__(
        self,
        tracks: Iterable[Track] = (),
        *,
        path: str | None = None,
        skipped_rows: int = 0,
    ) -> None:
        super().__init__(tracks)
        self.path = path
        self.skipped_rows = skipped_rows

    @property
    def samples(self) -> int:
        """Number of samples over all tracks."""
        return sum(len(t) for t in self)

    def __repr__(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        skipped = (
            f", {n(self.skipped_rows, 'row')} skipped" if self.skipped_rows else ""
        )
        return (
            f"TrackSet({n(len(self), 'track')}, {n(self.samples, 'sample')}"
            f"{skipped}, path={self.path!r})"
        )


def read_tracks(
    path: str | os.PathLike[str],
    *,
    format: str | TrackFormat | None = None,
    columns: Mapping[str, str | None] | None = None,
    skip_missing_positions: bool = False,
) -> TrackSet:
    r"""Read the tracks in a CSV, Parquet or OGC Moving Features JSON file.

    Parameters
    ----------
    path : str or path-like
        The file.
    format : {'csv', 'parquet', 'mfjson'} or None
        Default: from the suffix (``.csv``/``.txt``, ``.parquet``/``.pq``,
        ``.json``/``.mfjson``/``.geojson``).
    columns : mapping or None
        CSV and Parquet only: column names that override the detection below,
        for any of the keys ``id``, ``time``, ``lat``, ``lon``, ``altitude_m``,
        ``altitude_ft`` (feet, converted to metres) and ``uncertainty_m``
        (horizontal radius, metres). ``None`` for an optional key means "do not
        read it", e.g. ``{"altitude_m": None}``.
    skip_missing_positions : bool
        Leave out rows whose latitude or longitude is empty (OpenSky state
        vectors carry many); their count is :attr:`TrackSet.skipped_rows`.
        By default such a row is an error.

    Returns
    -------
    TrackSet
        A list of :class:`~airmap.incidents.Track` in order of each track's
        first row, with ``path`` and ``skipped_rows``. Times are UTC, lon/lat
        WGS84 degrees, altitude metres.

    Raises
    ------
    airmap.geo.InputError
        Naming the file, the 1-based line (CSV, header = line 1), row (Parquet)
        or feature (MF-JSON), and the column or member: a missing column (the
        message lists the columns found), an empty or unreadable value, a time
        without a time zone, a latitude or longitude out of range, a position
        missing, or duplicate or unsorted times within a track (naming both
        rows). The first problem in file order is reported.
    FileNotFoundError
        The file does not exist.

    Notes
    -----
    **Columns** (CSV and Parquet) are matched case-insensitively; the first
    name found wins:

    - track id: ``track_id``, ``flight_id``, ``icao24``, ``callsign``;
    - time: ``time`` (OpenSky state vectors: Unix seconds, UTC), ``timestamp``
      (traffic: zone-aware date-times). A time may be a number (Unix seconds),
      ISO 8601 text with ``Z`` or an offset, or, in Parquet, a zone-aware
      timestamp column. Naive times are refused, never guessed;
    - latitude: ``lat``, ``latitude``; longitude: ``lon``, ``longitude``,
      ``lng`` (WGS84 degrees);
    - altitude, optional: ``altitude_m`` (metres), OpenSky ``baroaltitude``
      then ``geoaltitude`` (metres), traffic ``altitude`` (**feet**), then
      ``altitude_ft``; stored in metres, empty values as NaN;
    - ``uncertainty_m``, optional: horizontal radius in metres.

    Other columns are ignored. Parquet files are read column-wise, only the
    columns needed.

    **Rows of one track need not be contiguous**: OpenSky dumps interleave
    aircraft. Rows are grouped by id keeping their order in the file, and each
    track's rows must be in strictly increasing time order; a repeated or
    earlier time is an error naming the track and both lines (rows).

    **MF-JSON**: a ``Feature`` or ``FeatureCollection`` (also the draft's
    ``MovingFeature``/``MovingFeatureCollection``) whose features carry a
    ``temporalGeometry`` of type ``MovingPoint`` with ``datetimes`` (ISO 8601
    text with ``Z`` or an offset) and ``coordinates`` ``[lon, lat]`` or
    ``[lon, lat, alt]``. The track id is the feature's ``id``, else
    ``properties.track_id`` (or ``flight_id``, ``icao24``, ``callsign``,
    ``name``), else ``<file stem>-<n>``. Altitude comes from a
    ``temporalProperties`` Measure named ``altitude_m``, ``baroaltitude``,
    ``geoaltitude``, ``altitude`` or ``altitude_ft`` whose ``form`` gives the
    unit (``MTR``/``m`` or ``FOT``/``ft``; ``altitude`` needs one), else from
    the third coordinate, taken as metres. ``properties.hypothesis`` and
    ``properties.sources`` are kept. Other temporal geometry types and a
    ``crs`` other than WGS84 longitude/latitude are refused.

    Memory: CSV and Parquet are converted in chunks of :data:`CHUNK_ROWS` rows
    into NumPy arrays (no Python object per sample); the tracks share them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "states.csv").write_text(
    ...     "time,icao24,lat,lon,baroaltitude\n"
    ...     "1563840540,71c123,37.41,132.0019,7000\n"
    ...     "1563840540,0d1234,36.00,131.0000,\n"
    ...     "1563840720,71c123,37.07,132.0019,7010\n"
    ... )
    >>> tracks = read_tracks(folder / "states.csv")
    >>> tracks
    TrackSet(2 tracks, 3 samples, path='...states.csv')
    >>> tracks[0]
    Track('71c123', 2 samples, 2019-07-23 00:09:00 UTC – 2019-07-23 00:12:00 UTC)
    >>> tracks[0].altitude_m
    array([7000., 7010.])
    """
    p = Path(path)
    fmt = TrackFormat.from_path(p) if format is None else TrackFormat.parse(format)
    if columns is not None and fmt is TrackFormat.MFJSON:
        raise ValueError("columns= applies to CSV and Parquet files, not MF-JSON")
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(str(p), "is a directory, not a file of tracks")
    if fmt is TrackFormat.MFJSON:
        return _read_mfjson(p, skip_missing_positions)
    overrides = _check_overrides(columns)
    where = _Where(str(p), "line" if fmt is TrackFormat.CSV else "row")
    if fmt is TrackFormat.CSV:
        names = _csv_header(p)
        plan = _plan(where, names, overrides)
        chunks: Generator[pd.DataFrame, None, None] = _csv_chunks(p, plan)
    else:
        names, pf = _parquet_schema(p)
        plan = _plan(where, names, overrides)
        chunks = _parquet_chunks(pf, plan)
    return _assemble(where, plan, chunks, skip_missing_positions)


# -------------------------------------------------------------- where and plan


@dataclass(frozen=True, slots=True)
class _Where:
    """Turns a 0-based data-row index into the file's own way of pointing at it."""

    path: str
    unit: str  # "line" (CSV: header is line 1) or "row" (Parquet: 1-based)

    def number(self, i: int) -> int:
        return i + 2 if self.unit == "line" else i + 1

    def label(self, i: int) -> str:
        return f"{self.unit} {self.number(i)}"

    def error(
        self, i: int | None, reason: str, field: str | None, track: str | None = None
    ) -> InputError:
        rec = None if track is None else f"track {track!r}"
        if i is None:
            return InputError(self.path, reason, record=rec, field=field)
        if self.unit == "line":
            return InputError(
                self.path, reason, line=self.number(i), record=rec, field=field
            )
        row = self.label(i) + ("" if rec is None else f", {rec}")
        return InputError(self.path, reason, record=row, field=field)

    def header_error(self, reason: str, field: str | None) -> InputError:
        line = 1 if self.unit == "line" else None
        return InputError(self.path, reason, line=line, field=field)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Which file column (name, position) plays which role."""

    names: tuple[str, ...]
    roles: dict[str, tuple[str, int]]  # role -> (column name, position)
    altitude_scale: float  # to metres

    def column(self, role: str) -> str:
        return self.roles[role][0]


def _check_overrides(columns: Mapping[str, str | None] | None) -> dict[str, str | None]:
    if columns is None:
        return {}
    out = dict(columns)
    unknown = sorted(set(out) - set(COLUMN_ROLES))
    if unknown:
        raise ValueError(
            f"columns: unknown key {unknown[0]!r}; expected some of: "
            + ", ".join(COLUMN_ROLES)
        )
    if out.get("altitude_m") is not None and out.get("altitude_ft") is not None:
        raise ValueError("columns: give altitude_m or altitude_ft, not both")
    for key in ("id", "time", "lat", "lon"):
        if key in out and not isinstance(out[key], str):
            raise ValueError(f"columns: {key} must be a column name, got {out[key]!r}")
    return out


def _plan(
    where: _Where, names: Sequence[str], overrides: dict[str, str | None]
) -> _Plan:
    clean = [n.strip() for n in names]
    lower: dict[str, list[int]] = {}
    for i, n in enumerate(clean):
        lower.setdefault(n.lower(), []).append(i)
    listing = ", ".join(clean) or "nothing"
    has = "the header has" if where.unit == "line" else "the file has"

    def find(name: str, *, named: bool = False) -> tuple[str, int] | None:
        """The column called ``name``; one the caller named may match exactly."""
        exact = [i for i, n in enumerate(clean) if n == name]
        hits = exact if named and exact else lower.get(name.lower(), [])
        if len(hits) > 1:
            raise where.header_error("column appears twice", clean[hits[0]])
        return (clean[hits[0]], hits[0]) if hits else None

    def need(name: str) -> tuple[str, int]:
        """The column the caller named, which must exist."""
        found = find(name, named=True)
        if found is None:
            raise where.header_error(f"missing column ({has}: {listing})", name)
        return found

    roles: dict[str, tuple[str, int]] = {}
    found: tuple[str, int] | None
    required = (
        ("id", ID_COLUMNS),
        ("time", TIME_COLUMNS),
        ("lat", LAT_COLUMNS),
        ("lon", LON_COLUMNS),
    )
    for role, candidates in required:
        if role in overrides:
            found = need(str(overrides[role]))
        else:
            found = next((f for f in map(find, candidates) if f is not None), None)
            if found is None:
                raise where.header_error(
                    f"missing column: none of {', '.join(candidates)} ({has}: "
                    f"{listing}); rename the column, or pass columns={{'{role}': ...}} to read_tracks",
                    role,
                )
        roles[role] = found
    scale = 1.0
    alt_keys = ("altitude_m", "altitude_ft")
    if any(k in overrides for k in alt_keys):
        for key, factor in (("altitude_m", 1.0), ("altitude_ft", FT)):
            name = overrides.get(key)
            if name is None:
                continue
            roles["altitude"], scale = need(name), factor
    else:
        for name, factor in ALTITUDE_COLUMNS:
            found = find(name)
            if found is not None:
                roles["altitude"], scale = found, factor
                break
    if "uncertainty_m" in overrides:
        name = overrides["uncertainty_m"]
        if name is not None:
            roles["uncertainty"] = need(name)
    else:
        found = find(UNCERTAINTY_COLUMNS[0])
        if found is not None:
            roles["uncertainty"] = found
    return _Plan(tuple(clean), roles, scale)


# ------------------------------------------------------------------------- CSV


def _csv_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = csv.reader(fh, skipinitialspace=True)
            header = next(rows, None)
            first = next(rows, None)
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    if header is None:
        raise InputError(str(path), "file is empty (expected a header line)")
    if first is not None and len(first) > len(header):
        # pandas would take the extra leading field for a row label: refuse
        raise InputError(
            str(path),
            f"row has {len(first)} fields but the header has {len(header)}",
            line=2,
        )
    return header


def _csv_chunks(path: Path, plan: _Plan) -> Generator[pd.DataFrame, None, None]:
    """Chunks of the needed columns, as stripped text, indexed by 0-based data row.

    Blank lines are read as empty rows and dropped afterwards, so that line
    numbers stay exact.
    """
    import pandas as pd

    wanted = sorted(plan.roles.values(), key=lambda rc: rc[1])
    try:
        with pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            skip_blank_lines=False,
            index_col=False,
            encoding="utf-8-sig",
            chunksize=CHUNK_ROWS,
        ) as reader:
            start = 0
            for chunk in reader:
                n = len(chunk)
                blank = (chunk.iloc[:, 0].str.strip() == "").to_numpy(
                    dtype=bool, copy=True
                )
                for col in range(1, chunk.shape[1]):
                    if not blank.any():
                        break
                    blank[blank] = (chunk.iloc[blank, col].str.strip() == "").to_numpy()
                part = pd.DataFrame(
                    {name: chunk.iloc[:, pos].str.strip() for name, pos in wanted}
                )
                part.index = pd.RangeIndex(start, start + n)
                yield part[~blank]
                start += n
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise InputError(
                str(path),
                f"row has {m.group(3)} fields but the header has {m.group(1)}",
                line=int(m.group(2)),
            ) from None
        raise InputError(str(path), f"not a readable CSV file: {exc}") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None


# --------------------------------------------------------------------- Parquet


def _parquet_schema(path: Path) -> tuple[list[str], Any]:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a declared extra
        raise InputError(
            str(path), "reading Parquet needs pyarrow (pip install pyarrow)"
        ) from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError(str(path), f"not a readable Parquet file: {exc}") from None
    return list(pf.schema_arrow.names), pf


def _parquet_chunks(pf: Any, plan: _Plan) -> Generator[pd.DataFrame, None, None]:
    """Batches of only the needed columns, indexed by 0-based row."""
    import pandas as pd

    names = list(dict.fromkeys(name for name, _ in plan.roles.values()))
    start = 0
    for batch in pf.iter_batches(batch_size=CHUNK_ROWS, columns=names):
        n = batch.num_rows
        frame = pd.DataFrame(
            {name: _arrow_to_series(batch.column(i)) for i, name in enumerate(names)}
        )
        frame.index = pd.RangeIndex(start, start + n)
        yield frame
        start += n


def _arrow_to_series(array: Any) -> pd.Series:
    import pandas as pd
    import pyarrow as pa

    t = array.type
    if pa.types.is_timestamp(t):
        return pd.Series(array.to_pandas())
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        # nulls become NaN; int64 → float64 is exact below 2**53 (Unix seconds are)
        values = array.cast(pa.float64()).to_numpy(zero_copy_only=False)
        return pd.Series(values)
    if pa.types.is_dictionary(t):
        array = array.cast(t.value_type)
    return pd.Series(array.to_pandas())


# ---------------------------------------------------- shared row validation


@dataclass(slots=True)
class _Rows:
    """One chunk's problems: (row index, column order, field, reason)."""

    found: list[tuple[int, int, str, str]]

    def add(self, i: int, order: int, field: str, reason: str) -> None:
        self.found.append((i, order, field, reason))

    def raise_first(self, where: _Where) -> None:
        if self.found:
            i, _, field, reason = min(self.found)
            raise where.error(i, reason, field)


def _is_text(s: pd.Series) -> bool:
    import pandas as pd

    if s.dtype == object:
        return pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
    return bool(pd.api.types.is_string_dtype(s.dtype))


def _text_to_float(text: pd.Series) -> NDArray[np.float64]:
    """Numbers written as text; NaN where empty or not a number."""
    import pandas as pd

    try:  # Arrow's parser is an order of magnitude faster than pandas'
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(text.array if text.dtype != object else text, from_pandas=True)
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        out: NDArray[np.float64] = pc.cast(arr, pa.float64()).to_numpy(
            zero_copy_only=False
        )
        return out
    except ImportError:  # pragma: no cover - pyarrow is optional
        pass
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass  # some text is not a number: pandas finds which
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)


def _shown(s: pd.Series, j: int) -> str:
    v = s.iloc[j]
    return str(v) if _is_text(s) else repr(float(v))


def _numbers(
    s: pd.Series, rows: _Rows, order: int, field: str
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Float values and a mask of empty ones; text that is not a number is a problem."""
    import pandas as pd

    idx = s.index.to_numpy()
    if _is_text(s):
        text = s.fillna("")
        empty = (text == "").to_numpy()
        vals = _text_to_float(text)
        bad = np.flatnonzero(np.isnan(vals) & ~empty)
        if bad.size:
            j = int(bad[0])
            rows.add(int(idx[j]), order, field, f"{text.iloc[j]!r} is not a number")
        return vals, empty
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(
        s.dtype
    ):
        rows.add(
            int(idx[0]) if len(idx) else 0,
            order,
            field,
            f"column of {s.dtype} values is not numeric",
        )
        return np.full(len(s), np.nan), np.zeros(len(s), dtype=bool)
    vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
    return vals, np.isnan(vals)


def _check_range(
    s: pd.Series,
    vals: NDArray[np.float64],
    rows: _Rows,
    order: int,
    field: str,
    lo: float | None,
    hi: float | None,
    what: str,
) -> None:
    with np.errstate(invalid="ignore"):
        bad = np.isinf(vals)
        if lo is not None:
            bad |= vals < lo
        if hi is not None:
            bad |= vals > hi
    hits = np.flatnonzero(bad)
    if hits.size:
        j = int(hits[0])
        problem = "is not finite" if np.isinf(vals[j]) else f"is outside {what}"
        rows.add(int(s.index[j]), order, field, f"{_shown(s, j)} {problem}")


def _instants(
    s: pd.Series, rows: _Rows, order: int, field: str, where: _Where
) -> NDArray[np.int64]:
    """UTC nanoseconds since 1970 (int64); problems are recorded in ``rows``."""
    import pandas as pd

    n = len(s)
    out = np.zeros(n, dtype=np.int64)
    idx = s.index.to_numpy()
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        utc = s.dt.tz_convert("UTC").dt.tz_localize(None)
        nat = utc.isna().to_numpy()
        if nat.any():
            rows.add(int(idx[np.argmax(nat)]), order, field, "is empty")
        out[:] = utc.to_numpy(dtype="datetime64[ns]").view(np.int64)
        return out
    if pd.api.types.is_datetime64_dtype(s.dtype):
        raise where.error(
            None,
            "the column holds date-times without a time zone; store them "
            "zone-aware (e.g. UTC) — a naive time is never guessed",
            field,
        )
    if _is_text(s):
        text = s.fillna("")
        empty = (text == "").to_numpy()
        is_num = text.str.fullmatch(_NUMBER_RE).to_numpy(dtype=bool)
        numeric = np.full(n, np.nan)
        if is_num.any():
            numeric[is_num] = _text_to_float(text[is_num])
        _unix_seconds(numeric, is_num, text, idx, rows, order, field, out)
        texts = np.flatnonzero(~is_num & ~empty)
        hole = np.flatnonzero(empty)
        if hole.size:
            rows.add(int(idx[hole[0]]), order, field, "is empty")
        if texts.size:
            ns, unreadable, naive = _iso_text(text.iloc[texts])
            for mask, problem in (
                (unreadable, "is not an ISO 8601 date-time"),
                (naive, _NAIVE),
            ):
                hits = np.flatnonzero(mask)
                if hits.size:
                    j = int(texts[hits[0]])
                    rows.add(int(idx[j]), order, field, f"{text.iloc[j]!r} {problem}")
            out[texts] = ns
        return out
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(
        s.dtype
    ):
        vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
        present = ~np.isnan(vals)
        if not present.all():
            rows.add(int(idx[np.argmax(~present)]), order, field, "is empty")
        _unix_seconds(vals, present, s, idx, rows, order, field, out)
        return out
    raise where.error(
        None, f"a column of {s.dtype} values cannot be read as times", field
    )


def _unix_seconds(
    vals: NDArray[np.float64],
    use: NDArray[np.bool_],
    shown: pd.Series,
    idx: NDArray[Any],
    rows: _Rows,
    order: int,
    field: str,
    out: NDArray[np.int64],
) -> None:
    """Write Unix seconds ``vals[use]`` into ``out`` as nanoseconds, exactly for integers."""
    if not use.any():
        return
    secs = vals[use]
    bad = np.flatnonzero(~np.isfinite(secs) | (secs < 0) | (secs >= _MAX_UNIX_S))
    if bad.size:
        j = int(np.flatnonzero(use)[bad[0]])
        text = shown.iloc[j]
        rows.add(
            int(idx[j]),
            order,
            field,
            f"{text} is not a time in Unix seconds (0 to 10^11; milliseconds "
            "must be divided by 1000)",
        )
        secs = np.where(np.isfinite(secs), np.clip(secs, 0, _MAX_UNIX_S - 1), 0.0)
    whole = np.floor(secs)
    frac_ns = np.round((secs - whole) * _NS_PER_S).astype(np.int64)
    out[use] = whole.astype(np.int64) * _NS_PER_S + frac_ns


def _ids(s: pd.Series, rows: _Rows, order: int, field: str) -> pd.Series:
    """Track ids as text; empty ones are a problem."""
    import pandas as pd

    text = s.astype(str).where(s.notna(), "")
    if _is_text(s):
        text = s.fillna("").astype(str)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        vals = s.to_numpy(dtype=np.float64, na_value=np.nan)
        if not np.isnan(vals).any() and np.all(vals == np.round(vals)):
            # integer ids that nulls turned into floats: 4.0 -> "4"
            text = pd.Series(vals.astype(np.int64).astype(str), index=s.index)
    empty = np.flatnonzero((text == "").to_numpy())
    if empty.size:
        rows.add(int(s.index[empty[0]]), order, field, "track id is empty")
    return text


# ------------------------------------------------------------- assembling


def _assemble(
    where: _Where,
    plan: _Plan,
    chunks: Generator[pd.DataFrame, None, None],
    skip: bool,
) -> TrackSet:
    import pandas as pd

    id_col, time_col = plan.column("id"), plan.column("time")
    lat_col, lon_col = plan.column("lat"), plan.column("lon")
    alt_col = plan.column("altitude") if "altitude" in plan.roles else None
    unc_col = plan.column("uncertainty") if "uncertainty" in plan.roles else None
    ids_seen: dict[str, int] = {}
    parts: dict[str, list[NDArray[Any]]] = {
        k: [] for k in ("code", "row", "t", "lon", "lat", "alt", "unc")
    }
    skipped = 0
    with contextlib.closing(chunks) as it:
        for frame in it:
            if frame.empty:
                continue
            rows = _Rows([])
            ids = _ids(frame[id_col], rows, 0, id_col)
            t = _instants(frame[time_col], rows, 1, time_col, where)
            lat, lat_empty = _numbers(frame[lat_col], rows, 2, lat_col)
            lon, lon_empty = _numbers(frame[lon_col], rows, 3, lon_col)
            _check_range(frame[lat_col], lat, rows, 2, lat_col, -90.0, 90.0, "-90..90")
            _check_range(
                frame[lon_col], lon, rows, 3, lon_col, -180.0, 180.0, "-180..180"
            )
            missing = lat_empty | lon_empty
            if missing.any() and not skip:
                j = int(np.argmax(missing))
                rank, field = (2, lat_col) if lat_empty[j] else (3, lon_col)
                rows.add(int(frame.index[j]), rank, field, f"is empty; {_SKIP_HINT}")
            alt = unc = None
            if alt_col is not None:
                alt, _ = _numbers(frame[alt_col], rows, 4, alt_col)
                # no bounds on altitude (below sea level happens); only ±inf is refused
                _check_range(frame[alt_col], alt, rows, 4, alt_col, None, None, "")
                alt = alt * plan.altitude_scale
            if unc_col is not None:
                unc, unc_empty = _numbers(frame[unc_col], rows, 5, unc_col)
                if unc_empty.any():
                    j = int(np.argmax(unc_empty))
                    rows.add(int(frame.index[j]), 5, unc_col, "is empty")
                _check_range(
                    frame[unc_col],
                    unc,
                    rows,
                    5,
                    unc_col,
                    0.0,
                    None,
                    "0 m and up (it is a radius)",
                )
            if skip and missing.any():
                # a skipped row's other problems do not matter
                dropped = set(frame.index[missing].tolist())
                rows.found = [p for p in rows.found if p[0] not in dropped]
            rows.raise_first(where)
            keep = ~missing
            skipped += int(missing.sum())
            codes, uniques = pd.factorize(ids[keep])
            gid = np.array(
                [ids_seen.setdefault(str(u), len(ids_seen)) for u in uniques],
                dtype=np.int64,
            )
            parts["code"].append(gid[codes] if codes.size else codes.astype(np.int64))
            parts["row"].append(frame.index.to_numpy()[keep].astype(np.int64))
            parts["t"].append(t[keep])
            parts["lon"].append(lon[keep])
            parts["lat"].append(lat[keep])
            if alt is not None:
                parts["alt"].append(alt[keep])
            if unc is not None:
                parts["unc"].append(unc[keep])
    out = TrackSet(path=where.path, skipped_rows=skipped)
    if not ids_seen:
        return out
    cat = {k: np.concatenate(v) for k, v in parts.items() if v}
    order = np.argsort(cat["code"], kind="stable")
    code = cat["code"][order]
    t = cat["t"][order]
    names = list(ids_seen)
    _check_order(where, code, cat["row"][order], t, names, time_col)
    cuts = np.flatnonzero(code[1:] != code[:-1]) + 1
    bounds = np.concatenate(([0], cuts, [code.size]))
    vals = {k: cat[k][order] for k in ("lon", "lat", "alt", "unc") if k in cat}
    times = t.view("datetime64[ns]")
    for a, b in itertools.pairwise(bounds):
        out.append(
            Track(
                names[int(code[a])],
                times[a:b],
                vals["lon"][a:b],
                vals["lat"][a:b],
                vals["alt"][a:b] if "alt" in vals else None,
                vals["unc"][a:b] if "unc" in vals else None,
                origin=where.path,
            )
        )
    return out


def _check_order(
    where: _Where,
    code: NDArray[np.int64],
    row: NDArray[np.int64],
    t: NDArray[np.int64],
    names: list[str],
    field: str,
) -> None:
    """Refuse a repeated or earlier time within a track, naming both rows."""
    if code.size < 2:
        return
    same = code[1:] == code[:-1]
    bad = np.flatnonzero(same & (t[1:] <= t[:-1]))
    if not bad.size:
        return
    k = int(bad[np.argmin(row[bad + 1])])  # the first offending row in the file
    a, b = int(row[k]), int(row[k + 1])
    ta, tb = t[k : k + 2].view("datetime64[ns]")
    track = names[int(code[k])]
    if t[k] == t[k + 1]:
        reason = (
            f"same time as {where.label(a)} ({_fmt(tb)}); duplicate times are not "
            "dropped — remove or merge one of the two rows"
        )
    else:
        reason = (
            f"{_fmt(tb)} is earlier than {where.label(a)} ({_fmt(ta)}); a track's "
            "rows must be in time order — sort them by time first"
        )
    raise where.error(b, reason, field, track)


# ---------------------------------------------------------------- MF-JSON


def _read_mfjson(path: Path, skip: bool) -> TrackSet:
    where = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(where, "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            where, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    if not isinstance(doc, dict):
        raise InputError(
            where, "expected a JSON object (a Feature or FeatureCollection)"
        )
    kind = doc.get("type")
    if kind in ("FeatureCollection", "MovingFeatureCollection"):
        features = doc.get("features")
        if not isinstance(features, list):
            raise InputError(where, "must be an array of features", field="features")
        single = False
    elif kind in ("Feature", "MovingFeature"):
        features, single = [doc], True
    else:
        raise InputError(
            where,
            f"expected a Feature or FeatureCollection of MovingPoint features, got {kind!r}",
            field="type",
        )
    _check_crs(where, doc, None)
    out = TrackSet(path=where)
    used: dict[str, str] = {}
    for k, feature in enumerate(features):
        rec = "feature" if single else f"features[{k}]"
        track, skipped = _mf_feature(path, rec, k, feature, single, skip)
        if track.id in used:
            raise InputError(
                where,
                f"track id {track.id!r} is already used by {used[track.id]}",
                record=rec,
                field="id",
            )
        used[track.id] = rec
        out.append(track)
        out.skipped_rows += skipped
    return out


def _check_crs(where: str, obj: Mapping[str, Any], rec: str | None) -> None:
    crs = obj.get("crs")
    if crs is None:
        return
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = (props.get("name") or props.get("href")) if isinstance(props, dict) else None
    if not isinstance(name, str) or not _LONLAT_CRS.search(name.strip()):
        shown = name if isinstance(name, str) else json.dumps(crs)[:80]
        raise CRSMismatchError(
            f"{where}: {rec + ': ' if rec else ''}crs: {shown} is not WGS84 "
            "longitude/latitude (CRS84); reproject the file first"
        )


def _mf_feature(
    path: Path, rec: str, k: int, feature: Any, single: bool, skip: bool
) -> tuple[Track, int]:
    where = str(path)

    def err(reason: str, field: str | None = None) -> InputError:
        return InputError(where, reason, record=rec, field=field)

    if not isinstance(feature, dict):
        raise err("expected a JSON object")
    _check_crs(where, feature, rec)
    geom = feature.get("temporalGeometry")
    if not isinstance(geom, dict):
        raise err("missing (expected a MovingPoint)", "temporalGeometry")
    if geom.get("type") != "MovingPoint":
        raise err(
            f"type {geom.get('type')!r} is not read; only MovingPoint tracks are",
            "temporalGeometry.type",
        )
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise err("must be an object", "properties")
    track_id = _mf_id(feature, props, path, k, single)
    dts = geom.get("datetimes")
    coords = geom.get("coordinates")
    if not isinstance(dts, list):
        raise err("missing or not an array", "temporalGeometry.datetimes")
    if not isinstance(coords, list):
        raise err("missing or not an array", "temporalGeometry.coordinates")
    if len(coords) != len(dts):
        raise err(
            f"{len(coords)} coordinates for {len(dts)} datetimes",
            "temporalGeometry.coordinates",
        )
    times = _mf_times(dts, err, "temporalGeometry.datetimes")
    xyz = _mf_coordinates(coords, err)
    lon, lat = xyz[:, 0], xyz[:, 1]
    missing = np.isnan(lon) | np.isnan(lat)
    for name, vals, lim in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        bad = np.flatnonzero(~missing & ((np.abs(vals) > lim) | np.isinf(vals)))
        if bad.size:
            j = int(bad[0])
            raise err(
                f"{name} {float(vals[j])!r} is outside {-lim:g}..{lim:g}",
                f"temporalGeometry.coordinates[{j}]",
            )
    if missing.any() and not skip:
        j = int(np.argmax(missing))
        raise err(
            f"has no position; {_SKIP_HINT}", f"temporalGeometry.coordinates[{j}]"
        )
    altitude = _mf_measure(feature, times, err, _MF_ALTITUDE, altitude=True)
    if altitude is None and xyz.shape[1] >= 3:
        altitude = xyz[:, 2]
    unc = _mf_measure(feature, times, err, ("uncertainty_m",), altitude=False)
    diffs = np.diff(times.view(np.int64)[~missing])
    back = np.flatnonzero(diffs <= 0)
    if back.size:
        kept = np.flatnonzero(~missing)
        a, b = int(kept[back[0]]), int(kept[back[0] + 1])
        ta, tb = times[a], times[b]
        if ta == tb:
            reason = (
                f"same time as datetimes[{a}] ({_fmt(tb)}); duplicate times are "
                "not dropped"
            )
        else:
            reason = (
                f"{_fmt(tb)} is earlier than datetimes[{a}] ({_fmt(ta)}); "
                "datetimes must increase"
            )
        raise err(reason, f"temporalGeometry.datetimes[{b}]")
    hypothesis = props.get("hypothesis", "") or ""
    if not isinstance(hypothesis, str):
        raise err("must be text", "properties.hypothesis")
    sources = props.get("sources", []) or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise err("must be an array of source ids", "properties.sources")
    keep = ~missing
    track = Track(
        track_id,
        times[keep],
        lon[keep],
        lat[keep],
        None if altitude is None else altitude[keep],
        None if unc is None else unc[keep],
        hypothesis=hypothesis,
        sources=tuple(sources),
        origin=where,
    )
    return track, int(missing.sum())


def _mf_id(
    feature: Mapping[str, Any],
    props: Mapping[str, Any],
    path: Path,
    k: int,
    single: bool,
) -> str:
    for value in (
        feature.get("id"),
        *(props.get(key) for key in (*ID_COLUMNS, "id", "name")),
    ):
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    return path.stem if single else f"{path.stem}-{k + 1}"


def _mf_times(values: list[Any], err: Any, field: str) -> NDArray[np.datetime64]:
    import pandas as pd

    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise err(
                f'{v!r} is not ISO 8601 text (give e.g. "2019-07-23T00:09:00Z")',
                f"{field}[{i}]",
            )
    ns, unreadable, naive = _iso_text(pd.Series(values, dtype=str))
    for mask, problem in (
        (unreadable, "is not an ISO 8601 date-time"),
        (naive, _NAIVE),
    ):
        if mask.any():
            i = int(np.argmax(mask))
            raise err(f"{values[i]!r} {problem}", f"{field}[{i}]")
    return ns.view("datetime64[ns]")


def _iso_text(
    text: pd.Series,
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]:
    """UTC nanoseconds of ISO 8601 texts, and masks of unreadable and naive ones."""
    import pandas as pd

    parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    unreadable = parsed.isna().to_numpy()
    zoned = text.str.strip().str.contains(_TZ_RE, regex=True).to_numpy(dtype=bool)
    values = parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    ns = np.where(unreadable, 0, values.view(np.int64))
    return ns, unreadable, ~unreadable & ~zoned


def _mf_coordinates(coords: list[Any], err: Any) -> NDArray[np.float64]:
    width = None
    for i, c in enumerate(coords):
        ok = (
            isinstance(c, list)
            and len(c) in (2, 3)
            and all(
                v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
                for v in c
            )
        )
        if not ok:
            raise err(
                f"{json.dumps(c)[:60]} is not [lon, lat] or [lon, lat, altitude]",
                f"temporalGeometry.coordinates[{i}]",
            )
        if width is None:
            width = len(c)
        elif len(c) != width:
            raise err(
                f"has {len(c)} values where earlier coordinates have {width}",
                f"temporalGeometry.coordinates[{i}]",
            )
    arr = np.array(coords, dtype=np.float64) if coords else np.empty((0, 2))
    return arr


def _mf_measure(
    feature: Mapping[str, Any],
    times: NDArray[np.datetime64],
    err: Any,
    names: tuple[str, ...],
    *,
    altitude: bool,
) -> NDArray[np.float64] | None:
    """The first temporal property named in ``names``, per sample, in metres."""
    groups = feature.get("temporalProperties")
    if groups is None:
        return None
    if not isinstance(groups, list):
        raise err("must be an array", "temporalProperties")
    found: list[tuple[int, int, str, Any]] = []
    for g, group in enumerate(groups):
        if not isinstance(group, dict):
            raise err("must be an object", f"temporalProperties[{g}]")
        for key, value in group.items():
            if key.lower() in names:
                found.append((names.index(key.lower()), g, key, value))
    if not found:
        return None
    _, g, key, measure = min(found, key=lambda f: (f[0], f[1]))
    field = f"temporalProperties[{g}].{key}"
    group = groups[g]
    dts = group.get("datetimes")
    if not isinstance(dts, list):
        raise err("missing or not an array", f"temporalProperties[{g}].datetimes")
    own = _mf_times(dts, err, f"temporalProperties[{g}].datetimes")
    if own.shape != times.shape or not np.array_equal(own, times):
        raise err(
            "datetimes differ from temporalGeometry.datetimes (values are not resampled)",
            f"temporalProperties[{g}].datetimes",
        )
    if not isinstance(measure, dict) or not isinstance(measure.get("values"), list):
        raise err("expected a Measure object with values", field)
    values = measure["values"]
    if len(values) != times.size:
        raise err(f"{len(values)} values for {times.size} datetimes", f"{field}.values")
    for i, v in enumerate(values):
        if not (v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))):
            raise err(f"{v!r} is not a number", f"{field}.values[{i}]")
    arr = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    form = measure.get("form")
    lname = key.lower()
    if form is None:
        if lname == "altitude":
            raise err(
                'no unit: give "form": "MTR" (metres) or "FOT" (feet)', f"{field}.form"
            )
        scale = FT if lname == "altitude_ft" else 1.0
    else:
        code = str(form).strip().lower().rstrip("/").rsplit("/", 1)[-1]
        if code in _METRE_FORMS:
            scale = 1.0
        elif code in _FOOT_FORMS and altitude:
            scale = FT
        else:
            allowed = '"MTR" (metres) or "FOT" (feet)' if altitude else '"MTR" (metres)'
            raise err(f"unit {form!r} is not read; give {allowed}", f"{field}.form")
    return arr * scale


# ------------------------------------------------------------------ writing


def write_mfjson(tracks: Iterable[Track], path: str | os.PathLike[str]) -> Path:
    """Write tracks as an OGC Moving Features JSON FeatureCollection.

    Each track becomes one feature with ``id`` (the track id), a GeoJSON
    ``geometry`` (the path as a LineString, for plain GeoJSON viewers), a
    ``temporalGeometry`` of type ``MovingPoint`` (``datetimes`` in ISO 8601 UTC
    with ``Z``, ``coordinates`` as ``[lon, lat]``, ``"interpolation":
    "Linear"``), ``temporalProperties`` with ``altitude_m`` and
    ``uncertainty_m`` Measures (``"form": "MTR"``, metres; ``null`` where
    unknown) when the track has them, and ``properties`` with ``hypothesis``
    and ``sources`` when set. Times keep their full precision (seconds,
    milliseconds, … as needed), so :func:`read_tracks` gives the same tracks
    back. No ``crs``/``trs`` member is written: the MF-JSON defaults (WGS84
    longitude/latitude, UTC Gregorian) are what we use.

    The file is written to a temporary file in the same folder and moved into
    place, so a failure never leaves a half-written file.

    Parameters
    ----------
    tracks : iterable of Track
        The tracks; their ids must be unique.
    path : str or path-like
        Output file (``.json`` or ``.mfjson``).

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> t = Track.from_arrays(
    ...     "a50",
    ...     ["2019-07-23T00:09Z", "2019-07-23T00:12Z"],
    ...     [132.0, 132.0],
    ...     [37.4, 37.1],
    ... )
    >>> out = write_mfjson([t], pathlib.Path(tempfile.mkdtemp()) / "tracks.json")
    >>> read_tracks(out)[0]
    Track('a50', 2 samples, 2019-07-23 00:09:00 UTC – 2019-07-23 00:12:00 UTC)
    """
    target = Path(path)
    lines: list[str] = []
    seen: set[str] = set()
    for track in tracks:
        if not isinstance(track, Track):
            raise TypeError(
                f"write_mfjson takes Track objects, got {type(track).__name__}"
            )
        if track.id in seen:
            raise ValueError(f"two tracks have the id {track.id!r}; ids must be unique")
        seen.add(track.id)
        lines.append(
            json.dumps(
                _mf_feature_doc(track),
                ensure_ascii=False,
                allow_nan=False,
                separators=(",", ":"),
            )
        )
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        replace_keeping_mode(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def _iso_times(t: NDArray[np.datetime64]) -> list[str]:
    ns = t.astype("datetime64[ns]").view(np.int64)
    unit: Literal["s", "ms", "us", "ns"] = next(
        (u for u, step in _TIME_UNITS if not np.any(ns % step)), "ns"
    )
    text = np.datetime_as_string(t.astype("datetime64[ns]"), unit=unit)
    return [f"{s}Z" for s in text.tolist()]


def _nullable(values: NDArray[np.float64]) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]


def _mf_feature_doc(track: Track) -> dict[str, Any]:
    times = _iso_times(track.time)
    coords = np.column_stack([track.lon, track.lat]).tolist()
    if len(coords) == 0:
        geometry: dict[str, Any] | None = None
    elif len(coords) == 1:
        geometry = {"type": "Point", "coordinates": coords[0]}
    else:
        geometry = {"type": "LineString", "coordinates": coords}
    doc: dict[str, Any] = {
        "type": "Feature",
        "id": track.id,
        "geometry": geometry,
        "properties": {},
        "temporalGeometry": {
            "type": "MovingPoint",
            "datetimes": times,
            "coordinates": coords,
            "interpolation": "Linear",
        },
    }
    if track.hypothesis:
        doc["properties"]["hypothesis"] = track.hypothesis
    if track.sources:
        doc["properties"]["sources"] = list(track.sources)
    measures: dict[str, Any] = {}
    for name, values in (
        ("altitude_m", track.altitude_m),
        ("uncertainty_m", track.uncertainty_m),
    ):
        if values is not None:
            measures[name] = {
                "type": "Measure",
                "form": "MTR",
                "values": _nullable(values),
                "interpolation": "Linear",
            }
    if measures:
        doc["temporalProperties"] = [{"datetimes": times, **measures}]
    return doc
