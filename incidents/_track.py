"""Timed tracks: ordered samples of one aircraft (or one hypothesis of its path)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airmap.geo import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Track", "to_utc_datetime64"]


def to_utc_datetime64(
    values: Any, *, where: str | None = None, field_name: str = "time"
) -> NDArray[np.datetime64]:
    """Instants as ``datetime64[ns]`` in UTC; naive text, datetimes or pandas refused.

    NumPy ``datetime64`` arrays carry no zone and are taken as UTC (the
    convention of :meth:`airmap.layers.ZoneCatalogue.check`). Aware Python
    datetimes, zone-aware pandas values and ISO 8601 strings with ``Z`` or an
    offset are converted. Anything naive raises :class:`~airmap.geo.InputError`
    naming ``where`` and ``field_name``.

    >>> to_utc_datetime64(["2019-07-23T09:09+09:00"])
    array(['2019-07-23T00:09:00.000000000'], dtype='datetime64[ns]')
    """
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[ns]").ravel()
    import pandas as pd

    if isinstance(values, (pd.Series, pd.Index)):
        seq: Any = values
    else:
        seq = list(np.ravel(np.asarray(values, dtype=object)))
    if isinstance(values, (pd.Series, pd.Index)) and isinstance(
        values.dtype, pd.DatetimeTZDtype
    ):
        idx = pd.DatetimeIndex(values)
    elif isinstance(values, (pd.Series, pd.Index)) and pd.api.types.is_datetime64_dtype(
        values.dtype
    ):
        raise InputError(
            where,
            "timestamps have no time zone; localise them (e.g. "
            "tz_localize('UTC')) or give a numpy datetime64 array, taken as UTC",
            field=field_name,
        )
    else:
        for i, v in enumerate(seq):
            naive = (isinstance(v, dt.datetime) and v.tzinfo is None) or (
                isinstance(v, str) and _naive_text(v)
            )
            if naive:
                raise InputError(
                    where,
                    f"value {i + 1} ({v!s}) has no time zone; add Z or an offset",
                    field=field_name,
                )
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(seq, utc=True, format="ISO8601"))
        except (TypeError, ValueError) as exc:
            raise InputError(
                where, f"cannot read the values as date-times ({exc})", field=field_name
            ) from None
    if idx.tz is None:  # pragma: no cover - every naive path raised above
        raise InputError(where, "timestamps have no time zone", field=field_name)
    out: NDArray[np.datetime64] = (
        idx.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]")
    )
    return out


def _naive_text(text: str) -> bool:
    t = text.strip()
    if not t or t.endswith(("Z", "z")):
        return False
    if "T" not in t and " " not in t:
        return True  # a bare date
    tail = t.split("T", 1)[-1] if "T" in t else t.split(" ", 1)[-1]
    return "+" not in tail and "-" not in tail


@dataclass(frozen=True, eq=False, slots=True)
class Track:
    """Ordered, timed samples of one path.

    Parameters
    ----------
    id : str
        Track id (an ICAO 24-bit address, a callsign, ``"a50-hypothesis-1"``).
    time : numpy.ndarray of datetime64[ns]
        Sample instants in UTC, strictly increasing. Build from other forms with
        :meth:`from_arrays`.
    lon, lat : numpy.ndarray of float64
        WGS84 degrees.
    altitude_m : numpy.ndarray of float64 or None
        Altitude above mean sea level, metres (NaN where unknown).
    uncertainty_m : numpy.ndarray of float64 or None
        Horizontal uncertainty radius of each sample, metres.
    hypothesis : str
        Empty for observed tracks. For a reconstruction: its assumptions, in
        words (a track built from published figures is a hypothesis, never data).
    sources : tuple of str
        Source ids behind the samples or the reconstruction.

    Raises
    ------
    airmap.geo.InputError
        Arrays of different lengths, a coordinate out of range or not finite,
        a missing (NaT) time, or duplicate or unsorted timestamps (named by
        sample number and instant; nothing is dropped or re-ordered).

    Examples
    --------
    >>> t = Track.from_arrays(
    ...     "demo",
    ...     ["2019-07-23T00:09Z", "2019-07-23T00:12Z"],
    ...     [132.0019, 132.0019],
    ...     [37.41, 37.07],
    ... )
    >>> len(t), t.duration_s
    (2, 180.0)
    """

    id: str
    time: NDArray[np.datetime64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    altitude_m: NDArray[np.float64] | None = None
    uncertainty_m: NDArray[np.float64] | None = None
    hypothesis: str = ""
    sources: tuple[str, ...] = ()
    #: Where the samples came from (a file name), for error messages.
    origin: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        where = self.origin
        rec = f"track {self.id!r}"
        if not isinstance(self.id, str) or not self.id:
            raise InputError(
                where, f"track id must be a non-empty string, got {self.id!r}"
            )
        time = np.asarray(self.time)
        if not np.issubdtype(time.dtype, np.datetime64):
            raise InputError(
                where,
                f"time must be datetime64 (use Track.from_arrays), got {time.dtype}",
                record=rec,
                field="time",
            )
        arrays: dict[str, NDArray[Any]] = {"time": time.astype("datetime64[ns]")}
        for name in ("lon", "lat", "altitude_m", "uncertainty_m"):
            value = getattr(self, name)
            if value is None:
                continue
            arr = np.asarray(value, dtype=np.float64).ravel()
            arrays[name] = arr
        n = arrays["time"].size
        for name, arr in arrays.items():
            if arr.size != n:
                raise InputError(
                    where,
                    f"{arr.size} values for {n} sample times",
                    record=rec,
                    field=name,
                )
        nat = np.isnat(arrays["time"])
        if nat.any():
            i = int(np.argmax(nat))
            raise InputError(
                where, f"sample {i + 1} has no time", record=rec, field="time"
            )
        for name, lo, hi in (("lon", -180.0, 180.0), ("lat", -90.0, 90.0)):
            arr = arrays[name]
            bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
            if bad.any():
                i = int(np.argmax(bad))
                raise InputError(
                    where,
                    f"sample {i + 1}: {arr[i]!r} is not in [{lo:g}, {hi:g}]",
                    record=rec,
                    field=name,
                )
        unc = arrays.get("uncertainty_m")
        if unc is not None and (np.any(~np.isfinite(unc)) or np.any(unc < 0)):
            i = int(np.argmax(~np.isfinite(unc) | (unc < 0)))
            raise InputError(
                where,
                f"sample {i + 1}: {unc[i]!r} is not a finite radius ≥ 0",
                record=rec,
                field="uncertainty_m",
            )
        t = arrays["time"]
        if n > 1:
            step = np.diff(t)
            zero = step == np.timedelta64(0, "ns")
            if zero.any():
                i = int(np.argmax(zero))
                raise InputError(
                    where,
                    f"samples {i + 1} and {i + 2} have the same time "
                    f"{_fmt(t[i])}; duplicate timestamps are not dropped — "
                    "remove or merge them first",
                    record=rec,
                    field="time",
                )
            back = step < np.timedelta64(0, "ns")
            if back.any():
                i = int(np.argmax(back))
                raise InputError(
                    where,
                    f"sample {i + 2} ({_fmt(t[i + 1])}) is earlier than sample "
                    f"{i + 1} ({_fmt(t[i])}); sort the samples by time first",
                    record=rec,
                    field="time",
                )
        for name, arr in arrays.items():
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "sources", tuple(self.sources))

    # ------------------------------------------------------------ builders
    @classmethod
    def from_arrays(
        cls,
        id: str,
        time: Any,
        lon: ArrayLike,
        lat: ArrayLike,
        altitude_m: ArrayLike | None = None,
        uncertainty_m: ArrayLike | None = None,
        *,
        hypothesis: str = "",
        sources: tuple[str, ...] = (),
        origin: str | None = None,
    ) -> Track:
        """Build a track from any array-like inputs; ``time`` must be zone-aware.

        ``time`` may be a ``datetime64`` array (UTC), aware datetimes, a
        zone-aware pandas Series or ISO 8601 strings with ``Z`` or an offset.
        """
        return cls(
            id,
            to_utc_datetime64(time, where=origin),
            np.asarray(lon, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            None if altitude_m is None else np.asarray(altitude_m, dtype=np.float64),
            None
            if uncertainty_m is None
            else np.asarray(uncertainty_m, dtype=np.float64),
            hypothesis=hypothesis,
            sources=sources,
            origin=origin,
        )

    # ---------------------------------------------------------- properties
    def __len__(self) -> int:
        return int(self.time.size)

    def __repr__(self) -> str:
        span = f"{_fmt(self.time[0])} – {_fmt(self.time[-1])}" if len(self) else "empty"
        kind = ", hypothesis" if self.hypothesis else ""
        return f"Track({self.id!r}, {len(self)} samples, {span}{kind})"

    @property
    def start(self) -> dt.datetime:
        """First sample instant (aware UTC)."""
        return _to_datetime(self.time[0])

    @property
    def end(self) -> dt.datetime:
        """Last sample instant (aware UTC)."""
        return _to_datetime(self.time[-1])

    @property
    def duration_s(self) -> float:
        """Seconds from the first sample to the last."""
        if len(self) < 2:
            return 0.0
        return float((self.time[-1] - self.time[0]) / np.timedelta64(1, "s"))

    @property
    def seconds(self) -> NDArray[np.float64]:
        """Sample times as float seconds since the first sample."""
        out: NDArray[np.float64] = (self.time - self.time[0]) / np.timedelta64(1, "s")
        return out

    def to_dataframe(self) -> pd.DataFrame:
        """Samples as a DataFrame: ``track_id``, ``time`` (UTC), ``lon``, ``lat``, …."""
        import pandas as pd

        data: dict[str, Any] = {
            "track_id": np.full(len(self), self.id, dtype=object),
            "time": pd.DatetimeIndex(self.time).tz_localize("UTC"),
            "lon": self.lon,
            "lat": self.lat,
        }
        if self.altitude_m is not None:
            data["altitude_m"] = self.altitude_m
        if self.uncertainty_m is not None:
            data["uncertainty_m"] = self.uncertainty_m
        return pd.DataFrame(data)

    @property
    def __geo_interface__(self) -> Mapping[str, Any]:
        """A GeoJSON Feature: LineString (Point for one sample) with ISO times."""
        coords = [[float(x), float(y)] for x, y in zip(self.lon, self.lat, strict=True)]
        geometry = (
            {"type": "Point", "coordinates": coords[0]}
            if len(coords) == 1
            else {"type": "LineString", "coordinates": coords}
        )
        props: dict[str, Any] = {
            "id": self.id,
            "times": [_fmt_iso(t) for t in self.time],
        }
        if self.hypothesis:
            props["hypothesis"] = self.hypothesis
        if self.sources:
            props["sources"] = list(self.sources)
        return {"type": "Feature", "geometry": geometry, "properties": props}


def _to_datetime(t: np.datetime64) -> dt.datetime:
    us = int(t.astype("datetime64[us]").astype(np.int64))
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


def _fmt(t: np.datetime64) -> str:
    return _to_datetime(t).strftime("%Y-%m-%d %H:%M:%S UTC")


def _fmt_iso(t: np.datetime64) -> str:
    text = str(np.datetime_as_string(t, unit="ms"))
    return text + "Z"
