"""Track-versus-zone analysis: entry and exit instants, time inside, depth, approach.

How a track is read
-------------------
Between two consecutive samples the aircraft is taken to fly the geodesic at
constant speed: the position at a fraction *f* of the time between the samples
is the point at fraction *f* of the geodesic distance between them, and the
altitude is interpolated linearly in time. Everything below follows from that
one model of the path.

What is computed, per track and zone version
--------------------------------------------
* **Membership at the samples**: one vectorised
  :meth:`~airmap.layers.ZoneCatalogue.check` call for every sample of every
  track (the ``covers`` predicate: a point on the edge counts as inside).
* **Crossings between samples**: each pair of consecutive samples is tested,
  as a chord in the lon/lat plane, against the zone's edges (a per-zone grid
  of cells lists the edges near each cell, so only pairs close to an edge cost
  anything). That finds the ordinary crossings and also the corner clips and
  short excursions that leave both samples on the same side. Each crossing is
  then located on the geodesic path by bisection on the same ``covers``
  predicate to 0.1 ms, vectorised over every crossing of every track.
* **Altitude**: where a version's band limits anything (``lower_ft > 0`` or a
  finite ``upper_ft``) and the track has altitudes, a position is inside only
  when it is also within the band; the instant an interpolated altitude
  crosses a limit is solved exactly.
* **Validity**: with ``when=None`` each sample is judged against the versions
  in force at its own time, and an interval is cut where a version starts or
  ends (the instant is the validity bound itself).
* **Depth and approach**: the largest geodesic distance from the edge while
  inside (per interval) and the smallest distance while outside (per zone
  version, horizontal, 0 at the first crossing of the edge). A lattice of
  exact distances over each zone ranks the samples; from the best two local
  optima of that estimate a walk with exact distances
  (:meth:`~airmap.layers.ZoneCatalogue.boundary`) climbs to the best sample,
  galloping along monotone stretches, and Brent's method then refines the
  extremum on the geodesic path between the neighbouring samples.

Costs: the membership call and the chord tests are cheap; nearly all the time
goes into exact distances for depth and approach (a few tens per interval).
The per-zone edge cells and distance lattices are built on first use and kept
for the life of the zone version.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

import shapely

from airmap.geo import (
    FT,
    GEOD,
    InputError,
    UnknownZoneError,
    as_utc,
    covers_xy,
    lonlat_pad_deg,
    reach_bucket_m,
)
from airmap.layers import ZoneCatalogue, ZoneVersion

from ._track import Track, to_utc_datetime64

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CAUSES",
    "CROSSING_COLUMNS",
    "Gap",
    "Interval",
    "TrackAnalysis",
    "ZoneResult",
    "analyse_track",
    "analyse_tracks",
    "crossings_frame",
]

_F64 = NDArray[np.float64]
_I64 = NDArray[np.int64]
_BOOL = NDArray[np.bool_]

#: Why an interval starts or ends.
CAUSES: tuple[str, ...] = (
    "edge",
    "altitude",
    "version_start",
    "version_end",
    "track_start",
    "track_end",
)

#: Columns of :func:`crossings_frame`, in order.
CROSSING_COLUMNS: tuple[str, ...] = (
    "track_id",
    "zone_id",
    "version",
    "kind",
    "holder",
    "claimants",
    "entry_time",
    "entry_lon",
    "entry_lat",
    "entry_cause",
    "entry_uncertainty_s",
    "exit_time",
    "exit_lon",
    "exit_lat",
    "exit_cause",
    "exit_uncertainty_s",
    "duration_s",
    "max_depth_m",
    "max_depth_time",
    "max_depth_lon",
    "max_depth_lat",
    "vertical",
)

#: Entry and exit instants are bisected until the bracket is this short (s).
_BISECT_S = 1e-4
#: The depth and approach search stops when the deepest (closest) point is
#: located to this distance along the path (m), or to this fraction of the
#: distance itself where that is longer.
_XTOL_M = 0.2
_XTOL_REL = 1e-5
#: Local optima of the estimate climbed from, per interval or approach.
_RANK_K = 2
#: Problems with at most this many knots are measured at every knot.
_SMALL = 8
#: Up to this many points per zone are measured exactly instead of estimated.
_GRID_MIN = 600
#: Lattice nodes of a zone's distance estimate (one exact distance each).
_GRID_NODES = 6400
#: Pairs longer than this (degrees, planar) are split along the geodesic first.
_LONG_DEG = 0.25
#: Component codes of a toggle (sorted so that a validity bound comes last).
_EDGE, _LOWER, _UPPER, _VALIDITY = 0, 1, 2, 3


# ------------------------------------------------------------------ results
@dataclass(frozen=True, slots=True)
class Gap:
    """Two consecutive samples farther apart in time than ``max_gap_s``."""

    #: Time of the sample before the gap (aware UTC).
    start: dt.datetime
    #: Time of the sample after the gap (aware UTC).
    end: dt.datetime
    #: Seconds between the two samples.
    duration_s: float

    def __repr__(self) -> str:
        return f"Gap({_hms(self.start)} – {_hms(self.end)}, {self.duration_s:g} s)"


@dataclass(frozen=True, slots=True)
class Interval:
    """One continuous stay of a track inside one zone version.

    Instants are aware UTC datetimes; positions are WGS84 degrees. ``entry`` is
    ``None`` when the track is already inside at its first sample (cause
    ``track_start``) and ``exit`` is ``None`` when it is still inside at its last
    (``track_end``); ``start`` and ``end`` are always set (the crossing, or
    else that first or last sample), as are the entry and exit positions.
    """

    #: Id of the track.
    track_id: str
    #: Id of the zone.
    zone_id: str
    #: Label of the zone version.
    version: str
    #: Instant of entry, or ``None`` if inside at the first sample.
    entry: dt.datetime | None
    #: Instant of exit, or ``None`` if still inside at the last sample.
    exit: dt.datetime | None
    #: First instant inside: ``entry``, or the first sample's time.
    start: dt.datetime
    #: Last instant inside: ``exit``, or the last sample's time.
    end: dt.datetime
    #: Where the interval starts, degrees.
    entry_lon: float
    entry_lat: float
    #: Where the interval ends, degrees.
    exit_lon: float
    exit_lat: float
    #: Why the interval starts (one of :data:`CAUSES`).
    entry_cause: str
    #: Why the interval ends (one of :data:`CAUSES`).
    exit_cause: str
    #: How far the entry instant may be off, seconds: 0 unless the bracketing
    #: samples are more than ``max_gap_s`` apart, then their whole span.
    entry_uncertainty_s: float
    #: The same for the exit instant.
    exit_uncertainty_s: float
    #: Whether the entry falls in a gap between samples.
    entry_in_gap: bool
    #: Whether the exit falls in a gap between samples.
    exit_in_gap: bool
    #: ``end - start``, seconds.
    duration_s: float
    #: Largest geodesic distance from the zone's edge during the interval, metres.
    max_depth_m: float
    #: When and where that depth is reached.
    max_depth_time: dt.datetime
    max_depth_lon: float
    max_depth_lat: float

    @property
    def key(self) -> str:
        """``"<zone id>@<version>"``."""
        return f"{self.zone_id}@{self.version}"

    def __repr__(self) -> str:
        a = "…" if self.entry is None else ""
        b = "…" if self.exit is None else ""
        return (
            f"Interval({self.track_id!r}, {self.key}, {a}{_hms(self.start)} – "
            f"{_hms(self.end)}{b}, {self.duration_s:.2f} s, "
            f"max depth {self.max_depth_m:,.0f} m)"
        )


@dataclass(frozen=True, slots=True)
class ZoneResult:
    """What one track did relative to one zone version."""

    #: Id of the zone.
    zone_id: str
    #: Label of the version.
    version: str
    #: ``"<zone id>@<version>"``.
    key: str
    #: The zone's kind (``"territorial_airspace"``, ``"adiz"`` …).
    kind: str
    #: State in de-facto control (ISO 3166-1 alpha-3), or ``None``.
    holder: str | None
    #: Every state that claims the zone.
    claimants: tuple[str, ...]
    #: ``"3-D"`` or ``"2-D only: <reason>"``: whether altitude was taken into account.
    vertical: str
    #: The stays inside, in time order.
    intervals: tuple[Interval, ...]
    #: Seconds inside, summed over every interval.
    total_inside_s: float
    #: Largest depth over all intervals, metres (``None`` if never inside).
    max_depth_m: float | None
    #: When and where that depth is reached.
    max_depth_time: dt.datetime | None
    max_depth_lon: float | None
    max_depth_lat: float | None
    #: Smallest horizontal geodesic distance to the edge while outside, metres:
    #: ``0.0`` at the first crossing of the edge if the track crosses it, and
    #: ``None`` when the track never comes within ``approach_within_m`` (or is
    #: never outside).
    closest_approach_m: float | None
    #: When and where the closest approach happens.
    closest_approach_time: dt.datetime | None
    closest_approach_lon: float | None
    closest_approach_lat: float | None
    #: The zone version itself.
    zone_version: ZoneVersion = field(repr=False, compare=False)

    @property
    def entered(self) -> bool:
        """Whether the track was inside at some instant."""
        return bool(self.intervals)

    def __repr__(self) -> str:
        parts = [f"{len(self.intervals)} interval(s)"]
        if self.intervals:
            parts.append(f"{self.total_inside_s:.2f} s inside")
            parts.append(f"max depth {self.max_depth_m:,.0f} m")
        if self.closest_approach_m is not None and not self.intervals:
            parts.append(f"closest approach {self.closest_approach_m:,.0f} m")
        return f"<ZoneResult {self.key}: {', '.join(parts)}; {self.vertical}>"


@dataclass(frozen=True, eq=False)
class TrackAnalysis:
    """The analysis of one track against a catalogue's zone versions.

    ``zones`` holds only the versions in force during the track that the track
    entered or came within ``approach_within_m`` of, sorted by key.
    """

    #: The track analysed.
    track: Track
    #: One result per zone version entered or approached, sorted by key.
    zones: tuple[ZoneResult, ...]
    #: Consecutive samples farther apart than ``max_gap_s``.
    gaps: tuple[Gap, ...]
    #: ``(key, reason)`` of each selected version that could not be analysed.
    skipped: tuple[tuple[str, str], ...]
    #: Keys of every zone version that was analysed (entered or not).
    analysed: tuple[str, ...]
    #: The fixed instant the versions were taken at, or ``None`` (each sample's own).
    when: dt.datetime | None
    #: The gap threshold used, seconds.
    max_gap_s: float
    #: The approach threshold used, metres.
    approach_within_m: float

    @property
    def track_id(self) -> str:
        """The track's id."""
        return self.track.id

    @property
    def intervals(self) -> tuple[Interval, ...]:
        """Every interval of every zone version, by zone key then time."""
        return tuple(i for z in self.zones for i in z.intervals)

    def result(self, key: str) -> ZoneResult:
        """The result for a zone version key (``"kadiz@2013"``) or a zone id.

        Raises
        ------
        KeyError
            If nothing matches, or a zone id matches several versions (the
            message lists their keys).
        """
        exact = [z for z in self.zones if z.key == key]
        if exact:
            return exact[0]
        by_zone = [z for z in self.zones if z.zone_id == key]
        if len(by_zone) == 1:
            return by_zone[0]
        if by_zone:
            keys = ", ".join(z.key for z in by_zone)
            raise KeyError(f"zone {key!r} has several results ({keys}); give a key")
        self._check_known(key)
        raise KeyError(
            f"track {self.track_id!r} neither entered nor came within "
            f"{self.approach_within_m:,.0f} m of {key!r}"
        )

    def total_inside_s(self, zone_id: str) -> float:
        """Seconds inside a zone (all its versions) or one version (by key)."""
        self._check_known(zone_id)
        return float(
            sum(z.total_inside_s for z in self.zones if zone_id in (z.key, z.zone_id))
        )

    def _check_known(self, key: str) -> None:
        ids = {k.split("@", 1)[0] for k in self.analysed}
        if key not in ids and key not in self.analysed:
            raise UnknownZoneError(key, sorted(ids | set(self.analysed)))

    def to_frame(self) -> pd.DataFrame:
        """One row per zone version entered or approached (a summary table).

        Columns: ``track_id``, ``zone_id``, ``version``, ``kind``, ``holder``,
        ``claimants`` (";"-joined), ``vertical``, ``intervals`` (count),
        ``total_inside_s``, ``first_entry``, ``last_exit``, ``max_depth_m``,
        ``max_depth_time``, ``max_depth_lon``, ``max_depth_lat``,
        ``closest_approach_m``, ``closest_approach_time``,
        ``closest_approach_lon``, ``closest_approach_lat``. Times are zone-aware
        UTC (``NaT`` where there is none). For one row per interval use
        :func:`crossings_frame`.
        """
        import pandas as pd

        rows = []
        for z in self.zones:
            rows.append(
                {
                    "track_id": self.track_id,
                    "zone_id": z.zone_id,
                    "version": z.version,
                    "kind": z.kind,
                    "holder": z.holder,
                    "claimants": ";".join(z.claimants),
                    "vertical": z.vertical,
                    "intervals": len(z.intervals),
                    "total_inside_s": z.total_inside_s,
                    "first_entry": z.intervals[0].start if z.intervals else None,
                    "last_exit": z.intervals[-1].end if z.intervals else None,
                    "max_depth_m": z.max_depth_m,
                    "max_depth_time": z.max_depth_time,
                    "max_depth_lon": z.max_depth_lon,
                    "max_depth_lat": z.max_depth_lat,
                    "closest_approach_m": z.closest_approach_m,
                    "closest_approach_time": z.closest_approach_time,
                    "closest_approach_lon": z.closest_approach_lon,
                    "closest_approach_lat": z.closest_approach_lat,
                }
            )
        columns = [
            "track_id",
            "zone_id",
            "version",
            "kind",
            "holder",
            "claimants",
            "vertical",
            "intervals",
            "total_inside_s",
            "first_entry",
            "last_exit",
            "max_depth_m",
            "max_depth_time",
            "max_depth_lon",
            "max_depth_lat",
            "closest_approach_m",
            "closest_approach_time",
            "closest_approach_lon",
            "closest_approach_lat",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        for col in (
            "first_entry",
            "last_exit",
            "max_depth_time",
            "closest_approach_time",
        ):
            frame[col] = _utc_column(frame[col])
        for col in ("max_depth_m", "max_depth_lon", "max_depth_lat"):
            frame[col] = frame[col].astype("float64")
        for col in (
            "closest_approach_m",
            "closest_approach_lon",
            "closest_approach_lat",
        ):
            frame[col] = frame[col].astype("float64")
        return frame

    def __repr__(self) -> str:
        tr = self.track
        span = f"{_hms(tr.start)} – {_hms(tr.end)}" if len(tr) else "no samples"
        gaps = f", {len(self.gaps)} gap(s)" if self.gaps else ""
        lines = [f"<TrackAnalysis {tr.id!r}: {len(tr)} samples, {span}{gaps}"]
        for z in self.zones:
            claim = ", ".join(z.claimants)
            if z.intervals:
                what = (
                    f"{len(z.intervals)} interval(s), {z.total_inside_s:.2f} s inside, "
                    f"max depth {z.max_depth_m:,.0f} m"
                )
            else:
                what = f"not entered, closest approach {z.closest_approach_m:,.0f} m"
            lines.append(
                f"  {z.key} ({z.kind}; claimed by {claim}): {what}; {z.vertical}"
            )
        if not self.zones:
            lines.append("  no zone entered or approached")
        for key, reason in self.skipped:
            lines.append(f"  skipped {key}: {reason}")
        return "\n".join(lines) + ">"


# --------------------------------------------------------------- public API
def analyse_track(
    track: Track,
    catalogue: ZoneCatalogue,
    *,
    when: dt.datetime | None = None,
    max_gap_s: float = 60.0,
    zones: Iterable[str] | None = None,
    approach_within_m: float = 100_000.0,
) -> TrackAnalysis:
    """Find when a track was inside which zone versions, how deep, and how close.

    Parameters
    ----------
    track : Track
        Timed samples (UTC), WGS84 degrees, optional altitude in metres above
        mean sea level.
    catalogue : ZoneCatalogue
        The zones, e.g. :meth:`ZoneCatalogue.default`.
    when : datetime or None
        ``None`` (default): each sample is judged against the versions in force
        at its own time, and intervals are cut where a version starts or ends.
        An aware datetime: every sample is judged against the versions in force
        then (a naive datetime raises ``ValueError``).
    max_gap_s : float
        Consecutive samples farther apart than this, seconds, form a
        :class:`Gap`; an entry or exit inside a gap is uncertain by the gap's span.
    zones : iterable of str or None
        Zone ids or ``"id@version"`` keys to analyse (default: all). An unknown
        one raises :class:`~airmap.geo.UnknownZoneError`. Zones known only as a
        line are skipped and listed in :attr:`TrackAnalysis.skipped`.
    approach_within_m : float
        A version the track does not enter is reported if the track comes
        within this geodesic distance of it, metres.

    Returns
    -------
    TrackAnalysis
        Per zone version: intervals with entry and exit instants (interpolated
        along the geodesic between the bracketing samples), time inside, maximum
        depth, closest approach; plus the track's gaps.

    Raises
    ------
    airmap.geo.UnknownZoneError
        For an unknown zone id or key in ``zones``.
    ValueError
        For a naive ``when`` or a bad threshold.

    Notes
    -----
    Entry and exit instants are resolved to 0.1 ms on the geodesic path model;
    how far that model is from the real path depends on the sampling, which is
    why gaps are reported. Depths and approaches are horizontal. The deepest
    point (and the closest approach) is searched from the best two local optima
    of a lattice estimate, climbing sample by sample with exact distances, then
    refined between samples (to about 0.2 m along the path, or 1e-5 of the
    depth where that is more). Two separate deep stretches of one interval
    whose depths differ by less than the estimate's error (hundreds of metres
    in an FIR-size zone, metres in a territorial sea) may be confused; the
    depth reported is then still a real depth of the track. To analyse many
    tracks pass them all to :func:`analyse_tracks`: the work is vectorised over
    every sample of every track.

    Examples
    --------
    A straight southbound pass 12 km east of Dokdo's centre at 750 km/h (a
    synthetic track, samples every 10 s):

    >>> import numpy as np
    >>> from airmap.geo import GEOD
    >>> from airmap.layers import ZoneCatalogue
    >>> cat = ZoneCatalogue.default()
    >>> secs = np.arange(0, 301, 10)
    >>> lon, lat, _ = GEOD.fwd(
    ...     np.full(secs.size, 132.0019),
    ...     np.full(secs.size, 37.52),
    ...     np.full(secs.size, 180.0),
    ...     secs * 750 / 3.6,
    ... )
    >>> times = np.datetime64("2019-07-23T00:08:00", "ns") + secs * np.timedelta64(
    ...     1, "s"
    ... )
    >>> track = Track("a50", times, lon, lat)
    >>> result = analyse_track(track, cat).result("ta-dokdo")
    >>> [
    ...     (i.entry.strftime("%H:%M:%S.%f")[:-4], i.exit.strftime("%H:%M:%S.%f")[:-4])
    ...     for i in result.intervals
    ... ]
    [('00:08:58.14', '00:11:59.73')]
    >>> round(result.total_inside_s, 2), round(result.max_depth_m)
    (181.59, 10481)
    >>> result.intervals[0].entry_cause, result.vertical
    ('edge', '2-D only: zone is surface to unlimited')
    """
    return analyse_tracks(
        [track],
        catalogue,
        when=when,
        max_gap_s=max_gap_s,
        zones=zones,
        approach_within_m=approach_within_m,
    )[0]


def analyse_tracks(
    tracks: Track | Iterable[Track] | pd.DataFrame,
    catalogue: ZoneCatalogue,
    *,
    id_column: str = "track_id",
    time_column: str = "time",
    lon_column: str = "lon",
    lat_column: str = "lat",
    altitude_column: str | None = None,
    when: dt.datetime | None = None,
    max_gap_s: float = 60.0,
    zones: Iterable[str] | None = None,
    approach_within_m: float = 100_000.0,
) -> list[TrackAnalysis]:
    """Analyse many tracks at once (see :func:`analyse_track` for the results).

    Parameters
    ----------
    tracks : Track, iterable of Track, or pandas.DataFrame
        Tracks, or a table of samples with one row per sample: ``id_column``
        (the track id), ``time_column`` (zone-aware times; naive ones are
        refused), ``lon_column``/``lat_column`` (WGS84 degrees) and, if given,
        ``altitude_column`` (metres above mean sea level). Rows of one track
        must already be in time order: duplicate or unsorted times raise
        :class:`~airmap.geo.InputError` naming the track (nothing is sorted or
        dropped).
    catalogue : ZoneCatalogue
        The zones.
    id_column, time_column, lon_column, lat_column, altitude_column : str
        Column names for a DataFrame.
    when, max_gap_s, zones, approach_within_m
        As for :func:`analyse_track`.

    Returns
    -------
    list of TrackAnalysis
        One per track, in order of first appearance.

    Notes
    -----
    One membership call covers every sample of every track; transitions,
    crossings and extremes are then found with array operations across all
    tracks, so 10⁶ samples in a thousand tracks take seconds, not minutes.
    """
    track_list = _as_tracks(
        tracks,
        id_column=id_column,
        time_column=time_column,
        lon_column=lon_column,
        lat_column=lat_column,
        altitude_column=altitude_column,
    )
    if not (isinstance(max_gap_s, (int, float)) and math.isfinite(max_gap_s)) or (
        max_gap_s <= 0
    ):
        raise ValueError(f"max_gap_s must be a finite number > 0, got {max_gap_s!r}")
    if not (
        isinstance(approach_within_m, (int, float)) and math.isfinite(approach_within_m)
    ) or (approach_within_m < 0):
        raise ValueError(
            f"approach_within_m must be a finite number ≥ 0, got {approach_within_m!r}"
        )
    when_utc = as_utc(when, what="when") if when is not None else None
    return _Analysis(
        track_list,
        catalogue,
        when_utc,
        float(max_gap_s),
        zones,
        float(approach_within_m),
    ).run()


def crossings_frame(analyses: Iterable[TrackAnalysis]) -> pd.DataFrame:
    """One row per (track, zone version, interval), in a deterministic order.

    Parameters
    ----------
    analyses : iterable of TrackAnalysis
        Results of :func:`analyse_track` or :func:`analyse_tracks`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CROSSING_COLUMNS`: times are zone-aware UTC timestamps
        (``NaT`` where the track starts or ends inside), positions WGS84
        degrees, depths metres, uncertainties seconds, ``claimants`` the
        ";"-joined ISO codes. Sorted by track id, zone key and start.

    Examples
    --------
    >>> crossings_frame([]).columns[:6].tolist()
    ['track_id', 'zone_id', 'version', 'kind', 'holder', 'claimants']
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for a in analyses:
        for z in a.zones:
            for iv in z.intervals:
                rows.append(
                    {
                        "track_id": iv.track_id,
                        "zone_id": iv.zone_id,
                        "version": iv.version,
                        "kind": z.kind,
                        "holder": z.holder,
                        "claimants": ";".join(z.claimants),
                        "entry_time": iv.entry,
                        "entry_lon": iv.entry_lon,
                        "entry_lat": iv.entry_lat,
                        "entry_cause": iv.entry_cause,
                        "entry_uncertainty_s": iv.entry_uncertainty_s,
                        "exit_time": iv.exit,
                        "exit_lon": iv.exit_lon,
                        "exit_lat": iv.exit_lat,
                        "exit_cause": iv.exit_cause,
                        "exit_uncertainty_s": iv.exit_uncertainty_s,
                        "duration_s": iv.duration_s,
                        "max_depth_m": iv.max_depth_m,
                        "max_depth_time": iv.max_depth_time,
                        "max_depth_lon": iv.max_depth_lon,
                        "max_depth_lat": iv.max_depth_lat,
                        "vertical": z.vertical,
                        "_key": z.key,
                        "_start": iv.start,
                    }
                )
    rows.sort(key=lambda r: (r["track_id"], r["_key"], r["_start"]))
    frame = pd.DataFrame(rows, columns=[*CROSSING_COLUMNS])
    for col in ("entry_time", "exit_time", "max_depth_time"):
        frame[col] = _utc_column(frame[col])
    float_cols = [
        "entry_lon",
        "entry_lat",
        "entry_uncertainty_s",
        "exit_lon",
        "exit_lat",
        "exit_uncertainty_s",
        "duration_s",
        "max_depth_m",
        "max_depth_lon",
        "max_depth_lat",
    ]
    for col in float_cols:
        frame[col] = frame[col].astype("float64")
    return frame.reset_index(drop=True)


# ------------------------------------------------------------- input tables
def _as_tracks(
    tracks: Any,
    *,
    id_column: str,
    time_column: str,
    lon_column: str,
    lat_column: str,
    altitude_column: str | None,
) -> list[Track]:
    if isinstance(tracks, Track):
        return [tracks]
    pd = sys.modules.get("pandas")  # no DataFrame can exist before pandas is loaded
    if pd is not None and isinstance(tracks, pd.DataFrame):
        return _tracks_from_frame(
            tracks, id_column, time_column, lon_column, lat_column, altitude_column
        )
    out = list(tracks)
    for i, t in enumerate(out):
        if not isinstance(t, Track):
            raise TypeError(
                f"tracks must be Track objects or a DataFrame; item {i} is "
                f"{type(t).__name__}"
            )
    return out


def _tracks_from_frame(
    df: pd.DataFrame,
    id_column: str,
    time_column: str,
    lon_column: str,
    lat_column: str,
    altitude_column: str | None,
) -> list[Track]:
    import pandas as pd

    wanted = [id_column, time_column, lon_column, lat_column]
    if altitude_column is not None:
        wanted.append(altitude_column)
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputError(
            None,
            f"no column {', '.join(map(repr, missing))}; columns are "
            f"{', '.join(map(str, df.columns))}",
            field=missing[0],
        )
    ids = df[id_column]
    if ids.isna().any():
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise InputError(None, f"row {row + 1} has no track id", field=id_column)
    times = to_utc_datetime64(df[time_column], field_name=time_column)
    lon = pd.to_numeric(df[lon_column], errors="coerce").to_numpy(dtype=np.float64)
    lat = pd.to_numeric(df[lat_column], errors="coerce").to_numpy(dtype=np.float64)
    alt = (
        None
        if altitude_column is None
        else pd.to_numeric(df[altitude_column], errors="coerce").to_numpy(
            dtype=np.float64
        )
    )
    codes, uniques = pd.factorize(ids, sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    out = []
    for k, name in enumerate(uniques):
        rows = order[bounds[k] : bounds[k + 1]]
        out.append(
            Track(
                str(name),
                times[rows],
                lon[rows],
                lat[rows],
                None if alt is None else alt[rows],
            )
        )
    return out


# ------------------------------------------------------------ the analysis
class _Analysis:
    """One run: flat arrays over every sample of every track, then results."""

    def __init__(
        self,
        tracks: list[Track],
        catalogue: ZoneCatalogue,
        when: dt.datetime | None,
        max_gap_s: float,
        zones: Iterable[str] | None,
        approach_within_m: float,
    ) -> None:
        self.tracks = tracks
        self.cat = catalogue
        self.when = when
        self.max_gap_s = max_gap_s
        self.approach_m = approach_within_m
        chosen, self.skipped = _select_versions(catalogue, zones)
        self.restricted = zones is not None
        if when is not None:
            chosen = tuple(v for v in chosen if v.validity.contains(when))
        self.versions: tuple[ZoneVersion, ...] = chosen
        self.analysed_keys = tuple(sorted(v.key for v in chosen))

    # ................................................................ samples
    def _build_samples(self) -> None:
        tracks = self.tracks
        sizes = np.array([len(t) for t in tracks], dtype=np.int64)
        n0 = int(sizes.sum())
        k_count = len(tracks)
        self.k_count = k_count
        if n0:
            t = np.concatenate([tr.time.astype("datetime64[ns]") for tr in tracks])
            t_ns = t.view(np.int64).copy()
            x = np.concatenate([tr.lon for tr in tracks]).astype(np.float64)
            y = np.concatenate([tr.lat for tr in tracks]).astype(np.float64)
            alt = np.concatenate(
                [
                    tr.altitude_m
                    if tr.altitude_m is not None
                    else np.full(len(tr), np.nan)
                    for tr in tracks
                ]
            ).astype(np.float64)
        else:
            t_ns = np.zeros(0, dtype=np.int64)
            x = y = alt = np.zeros(0)
        off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        has_alt = np.zeros(k_count, dtype=np.bool_)
        self.filled = np.zeros(k_count, dtype=np.int64)
        for k, tr in enumerate(tracks):
            a = tr.altitude_m
            if a is None or not np.isfinite(a).any():
                continue
            has_alt[k] = True
            known = np.isfinite(a)
            if not known.all():
                self.filled[k] = int((~known).sum())
                secs = (tr.time - tr.time[0]) / np.timedelta64(1, "s")
                alt[off[k] : off[k + 1]] = np.interp(secs, secs[known], a[known])
        self.has_alt = has_alt
        real = np.ones(n0, dtype=np.bool_)
        tk = np.repeat(np.arange(k_count), sizes)
        if self.when is None and n0:
            t_ns, x, y, alt, real, tk, off = _insert_bounds(
                self.versions, t_ns, x, y, alt, real, tk, off
            )
        self.t_ns, self.x, self.y, self.alt = t_ns, x, y, alt
        self.real, self.tk, self.off = real, tk, off
        n = t_ns.size
        self.n = n
        self.epoch = int(t_ns.min()) if n else 0
        self.ts = (t_ns - self.epoch).astype(np.float64) / 1e9
        same = tk[:-1] == tk[1:] if n > 1 else np.zeros(0, dtype=np.bool_)
        self.pa = np.flatnonzero(same).astype(np.int64)
        self.pb = self.pa + 1
        npairs = self.pa.size
        self.npairs = npairs
        self.pdt = self.ts[self.pb] - self.ts[self.pa]
        idx = np.arange(n)
        last_real = np.maximum.accumulate(np.where(real, idx, -1)) if n else idx
        next_real = (
            np.minimum.accumulate(np.where(real, idx, n)[::-1])[::-1] if n else idx
        )
        self.pspan = self.ts[next_real[self.pb]] - self.ts[last_real[self.pa]]
        self.pgap = self.pspan > self.max_gap_s
        self.pair_of_start = np.full(n, -1, dtype=np.int64)
        self.pair_of_start[self.pa] = np.arange(npairs)
        self.paz = np.full(npairs, np.nan)
        self.plen = np.full(npairs, np.nan)

    def _geodesics(self, pairs: _I64) -> None:
        need = pairs[np.isnan(self.paz[pairs])]
        if need.size:
            need = np.unique(need)
            a, b = self.pa[need], self.pb[need]
            az, _, d = GEOD.inv(self.x[a], self.y[a], self.x[b], self.y[b])
            self.paz[need] = np.asarray(az, dtype=np.float64)
            self.plen[need] = np.asarray(d, dtype=np.float64)

    def point(self, pairs: _I64, f: _F64) -> tuple[_F64, _F64]:
        """Position at fraction ``f`` of the time (= geodesic distance) of each pair."""
        pairs = np.asarray(pairs, dtype=np.int64)
        f = np.asarray(f, dtype=np.float64)
        if pairs.size == 0:
            return np.zeros(0), np.zeros(0)
        self._geodesics(pairs)
        a = self.pa[pairs]
        lon, lat, _ = GEOD.fwd(
            self.x[a],
            self.y[a],
            self.paz[pairs],
            np.clip(f, 0.0, 1.0) * self.plen[pairs],
        )
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        at_a = f <= 0.0
        at_b = f >= 1.0
        lon[at_a], lat[at_a] = self.x[a[at_a]], self.y[a[at_a]]
        b = self.pb[pairs]
        lon[at_b], lat[at_b] = self.x[b[at_b]], self.y[b[at_b]]
        return lon, lat

    def time_ns(self, pairs: _I64, f: _F64) -> _I64:
        a, b = self.pa[pairs], self.pb[pairs]
        step = (self.t_ns[b] - self.t_ns[a]).astype(np.float64)
        out = self.t_ns[a] + np.rint(np.clip(f, 0.0, 1.0) * step).astype(np.int64)
        return np.asarray(out, dtype=np.int64)

    # ............................................................ membership
    def _states(self) -> None:
        versions = self.versions
        m = len(versions)
        n = self.n
        if m and n:
            source = self.cat
            if self.restricted:
                source = self.cat.select(ids=sorted({v.zone_id for v in versions}))
            ma = source.check(self.x, self.y, tolerance_m=0.0)
            where = {id(v): i for i, v in enumerate(ma.versions)}
            self.H = ma.covers[[where[id(v)] for v in versions]]
        else:
            self.H = np.zeros((m, n), dtype=np.bool_)
        self.F = np.ones((m, n), dtype=np.bool_)
        if self.when is None:
            for r, v in enumerate(versions):
                if v.validity.start is not None:
                    self.F[r] &= self.t_ns >= _ns(v.validity.start)
                if v.validity.end is not None:
                    self.F[r] &= self.t_ns < _ns(v.validity.end)
        self.G = np.ones((m, n), dtype=np.bool_)
        self.U = np.ones((m, n), dtype=np.bool_)
        self.band = np.zeros((m, 2))
        self.limiting = np.zeros(m, dtype=np.bool_)
        sample_alt = self.has_alt[self.tk] if n else np.zeros(0, dtype=np.bool_)
        for r, v in enumerate(versions):
            band = v.vertical
            if band is None or (band.lower_ft <= 0 and math.isinf(band.upper_ft)):
                continue
            self.limiting[r] = True
            lo, hi = band.lower_ft * FT, band.upper_ft * FT
            self.band[r] = lo, hi
            self.G[r] = ~sample_alt | (self.alt >= lo)
            self.U[r] = ~sample_alt | (self.alt <= hi)
        self.S = self.F & self.H & self.G & self.U

    # .............................................................. toggles
    def _pieces(self) -> None:
        """Chords of every pair in a continuous longitude frame (long ones split)."""
        pa, pb = self.pa, self.pb
        x0, y0 = self.x[pa], self.y[pa]
        x1 = x0 + _wrap(self.x[pb] - x0)
        y1 = self.y[pb]
        ext = np.maximum(np.abs(x1 - x0), np.abs(y1 - y0))
        nsplit = np.maximum(np.ceil(ext / _LONG_DEG), 1).astype(np.int64)
        pair = np.repeat(np.arange(self.npairs), nsplit)
        first = np.repeat(np.cumsum(nsplit) - nsplit, nsplit)
        j = np.arange(pair.size) - first
        m = nsplit[pair]
        f0 = j / m
        f1 = (j + 1) / m
        px0 = np.repeat(x0, nsplit)
        py0 = np.repeat(y0, nsplit)
        px1 = np.repeat(x1, nsplit)
        py1 = np.repeat(y1, nsplit)
        long_ = np.flatnonzero(m > 1)
        if long_.size:
            # geodesic points at the piece ends, unwrapped next to the pair start
            for arr_x, arr_y, frac in ((px0, py0, f0), (px1, py1, f1)):
                inner = long_[(frac[long_] > 0) & (frac[long_] < 1)]
                lon, lat = self.point(pair[inner], frac[inner])
                base = self.x[pa[pair[inner]]]
                arr_x[inner] = base + _wrap(lon - base)
                arr_y[inner] = lat
        self.pc = (pair, f0, f1, px0, py0, px1, py1)

    def _edge_toggles(self) -> tuple[_I64, _I64, _F64]:
        """Every crossing of a zone edge, as (row, pair, fraction), sorted."""
        rows_l: list[_I64] = []
        pairs_l: list[_I64] = []
        lo_l: list[_F64] = []
        hi_l: list[_F64] = []
        for r, v in enumerate(self.versions):
            rel = self.F[r, self.pa]
            if not rel.any():
                continue
            hint_pair, hint_f = _chord_crossings(
                _edge_cells(v), self.pc, rel, v.geometry.bounds
            )
            differ = np.flatnonzero(rel & (self.H[r, self.pa] != self.H[r, self.pb]))
            brackets = self._brackets(r, v, differ, hint_pair, hint_f)
            if brackets[0].size:
                rows_l.append(np.full(brackets[0].size, r, dtype=np.int64))
                pairs_l.append(brackets[0])
                lo_l.append(brackets[1])
                hi_l.append(brackets[2])
        if not rows_l:
            e = np.zeros(0, dtype=np.int64)
            return e, e, np.zeros(0)
        rows = np.concatenate(rows_l)
        pairs = np.concatenate(pairs_l)
        lo = np.concatenate(lo_l)
        hi = np.concatenate(hi_l)
        f = self._bisect(rows, pairs, lo, hi)
        return rows, pairs, f

    def _brackets(
        self,
        r: int,
        v: ZoneVersion,
        differ: _I64,
        hint_pair: _I64,
        hint_f: _F64,
    ) -> tuple[_I64, _F64, _F64]:
        """Brackets [lo, hi] (pair fractions) that each hold one edge crossing.

        Probes between consecutive chord crossings tell on which side each
        stretch of the geodesic lies; a bracket is a stretch between two probes
        on different sides.
        """
        pairs = np.unique(np.concatenate([differ, hint_pair]))
        if pairs.size == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, np.zeros(0), np.zeros(0)
        # per pair: 0, the hints, 1, then probes in between consecutive values
        order = np.lexsort((hint_f, hint_pair))
        hp, hf = hint_pair[order], hint_f[order]
        dup = np.r_[False, (hp[1:] == hp[:-1]) & (np.abs(hf[1:] - hf[:-1]) < 1e-12)]
        hp, hf = hp[~dup], hf[~dup]
        kp = np.concatenate([pairs, hp, pairs])
        kf = np.concatenate([np.zeros(pairs.size), hf, np.ones(pairs.size)])
        kind = np.concatenate(
            [np.zeros(pairs.size), np.ones(hp.size), np.full(pairs.size, 2.0)]
        )
        order = np.lexsort((kind, kf, kp))
        kp, kf = kp[order], kf[order]
        # a probe between each consecutive pair of values of the same pair
        same = kp[1:] == kp[:-1]
        probe_pair = kp[:-1][same]
        probe_f = 0.5 * (kf[:-1][same] + kf[1:][same])
        # sides at the probes; the stretch before the first hint is side H_a …
        lon, lat = self.point(probe_pair, probe_f)
        side = covers_xy(v.geometry, lon, lat)
        # sides at the bracket ends: pair start, probes…, pair end
        ends_pair = np.concatenate([probe_pair, pairs, pairs])
        ends_f = np.concatenate([probe_f, np.zeros(pairs.size), np.ones(pairs.size)])
        ends_side = np.concatenate(
            [side, self.H[r, self.pa[pairs]], self.H[r, self.pb[pairs]]]
        )
        ends_kind = np.concatenate(
            [np.ones(probe_pair.size), np.zeros(pairs.size), np.full(pairs.size, 2.0)]
        )
        # probes strictly inside (0, 1) only; drop probes that sit at 0 or 1
        keep = ~((ends_kind == 1) & ((ends_f <= 0.0) | (ends_f >= 1.0)))
        ends_pair, ends_f, ends_side, ends_kind = (
            ends_pair[keep],
            ends_f[keep],
            ends_side[keep],
            ends_kind[keep],
        )
        order = np.lexsort((ends_kind, ends_f, ends_pair))
        ep, ef, es = ends_pair[order], ends_f[order], ends_side[order]
        consecutive = ep[1:] == ep[:-1]
        flip = consecutive & (es[1:] != es[:-1])
        return ep[:-1][flip], ef[:-1][flip], ef[1:][flip]

    def _bisect(self, rows: _I64, pairs: _I64, lo: _F64, hi: _F64) -> _F64:
        """Locate each crossing on the geodesic path to ``_BISECT_S``."""
        lo = lo.copy()
        hi = hi.copy()
        span = self.pdt[pairs]
        side_lo = self._side_at(rows, pairs, lo)
        active = np.flatnonzero((hi - lo) * span > _BISECT_S)
        while active.size:
            mid = 0.5 * (lo[active] + hi[active])
            s = self._side_at(rows[active], pairs[active], mid)
            same = s == side_lo[active]
            lo[active[same]] = mid[same]
            hi[active[~same]] = mid[~same]
            active = active[(hi[active] - lo[active]) * span[active] > _BISECT_S]
        return 0.5 * (lo + hi)

    def _side_at(self, rows: _I64, pairs: _I64, f: _F64) -> _BOOL:
        out = np.zeros(rows.size, dtype=np.bool_)
        at_a = f <= 0.0
        at_b = f >= 1.0
        out[at_a] = self.H[rows[at_a], self.pa[pairs[at_a]]]
        out[at_b] = self.H[rows[at_b], self.pb[pairs[at_b]]]
        mid = np.flatnonzero(~at_a & ~at_b)
        if mid.size:
            lon, lat = self.point(pairs[mid], f[mid])
            for r in np.unique(rows[mid]):
                sel = rows[mid] == r
                out[mid[sel]] = covers_xy(self.versions[r].geometry, lon[sel], lat[sel])
        return out

    def _altitude_toggles(self) -> tuple[_I64, _I64, _F64, _I64]:
        rows_l, pairs_l, f_l, comp_l = [], [], [], []
        pair_alt = self.has_alt[self.tk[self.pa]] if self.npairs else np.zeros(0, bool)
        for r in np.flatnonzero(self.limiting):
            rel = self.F[r, self.pa] & pair_alt
            a_alt, b_alt = self.alt[self.pa], self.alt[self.pb]
            for comp, state, limit in (
                (_LOWER, self.G[r], self.band[r, 0]),
                (_UPPER, self.U[r], self.band[r, 1]),
            ):
                p = np.flatnonzero(rel & (state[self.pa] != state[self.pb]))
                if not p.size:
                    continue
                with np.errstate(divide="ignore", invalid="ignore"):
                    f = (limit - a_alt[p]) / (b_alt[p] - a_alt[p])
                rows_l.append(np.full(p.size, r, dtype=np.int64))
                pairs_l.append(p)
                f_l.append(np.clip(np.nan_to_num(f, nan=0.5), 0.0, 1.0))
                comp_l.append(np.full(p.size, comp, dtype=np.int64))
        return _cat_i(rows_l), _cat_i(pairs_l), _cat_f(f_l), _cat_i(comp_l)

    def _validity_toggles(self) -> tuple[_I64, _I64]:
        rows_l, pairs_l = [], []
        if self.when is None:
            for r in range(len(self.versions)):
                p = np.flatnonzero(self.F[r, self.pa] != self.F[r, self.pb])
                rows_l.append(np.full(p.size, r, dtype=np.int64))
                pairs_l.append(p)
        return _cat_i(rows_l), _cat_i(pairs_l)

    # ............................................................. intervals
    def _events(self) -> None:
        er, ep, ef = self._edge_toggles()
        self.h_rows, self.h_pairs, self.h_f = er, ep, ef
        ar, ap, af, ac = self._altitude_toggles()
        vr, vp = self._validity_toggles()
        rows = np.concatenate([er, ar, vr])
        pairs = np.concatenate([ep, ap, vp])
        f = np.concatenate([ef, af, np.ones(vr.size)])
        comp = np.concatenate(
            [np.full(er.size, _EDGE), ac, np.full(vr.size, _VALIDITY)]
        )
        order = np.lexsort((comp, f, pairs, rows))
        rows, pairs, f, comp = rows[order], pairs[order], f[order], comp[order]
        a, b = self.pa[pairs], self.pb[pairs]
        f_a = self.F[rows, a]
        src = np.where(f_a, a, b)  # a stretch not in force: only the bound matters
        init = {
            _EDGE: self.H[rows, src],
            _LOWER: self.G[rows, src],
            _UPPER: self.U[rows, src],
            _VALIDITY: f_a,
        }
        key = rows * max(self.npairs, 1) + pairs
        first = np.r_[True, key[1:] != key[:-1]] if key.size else np.zeros(0, bool)
        gid = np.cumsum(first) - 1
        first_idx = np.flatnonzero(first)
        after = np.ones(rows.size, dtype=np.bool_)
        start_state = np.ones(rows.size, dtype=np.bool_)
        for c, s0 in init.items():
            is_c = (comp == c).astype(np.int64)
            incl = np.cumsum(is_c)
            before_group = (incl - is_c)[first_idx][gid] if rows.size else incl
            within = incl - before_group
            after &= s0 ^ (within % 2 == 1)
            start_state &= s0
        before = np.r_[True, after[:-1]] if rows.size else after
        before = np.where(first, start_state, before)
        change = before != after
        rows, pairs, f, comp = rows[change], pairs[change], f[change], comp[change]
        entry = after[change]
        t_ns = self.time_ns(pairs, f)
        lon, lat = self.point(pairs, f)
        unc = np.where((comp != _VALIDITY) & self.pgap[pairs], self.pspan[pairs], 0.0)
        cause = np.where(
            comp == _EDGE,
            0,
            np.where(comp == _VALIDITY, np.where(entry, 2, 3), 1),
        )
        self.ev = {
            "row": rows,
            "pair": pairs,
            "f": f,
            "entry": entry,
            "t_ns": t_ns,
            "lon": lon,
            "lat": lat,
            "unc": unc,
            "gap": (comp != _VALIDITY) & self.pgap[pairs],
            "cause": cause,
            "track": self.tk[self.pa[pairs]],
        }

    def _intervals(self) -> dict[str, Any]:
        ev = self.ev
        m = len(self.versions)
        nonempty = np.flatnonzero(np.diff(self.off) > 0)
        first_s = self.off[nonempty]
        last_s = self.off[nonempty + 1] - 1
        rr = np.repeat(np.arange(m), nonempty.size)  # every (row, track) pair
        kk = np.tile(np.arange(nonempty.size), m)
        s_first = self.S[rr, first_s[kk]] if rr.size else np.zeros(0, bool)
        s_last = self.S[rr, last_s[kk]] if rr.size else np.zeros(0, bool)
        # opens: entries and track starts; closes: exits and track ends
        en = ev["entry"]
        o_row = np.concatenate([ev["row"][en], rr[s_first]])
        o_trk = np.concatenate([ev["track"][en], nonempty[kk[s_first]]])
        o_sample = np.concatenate([first_s[kk[s_first]]])
        o_t = np.concatenate([ev["t_ns"][en], self.t_ns[o_sample]])
        o_kind = np.concatenate([np.ones(int(en.sum())), np.zeros(o_sample.size)])
        o_idx = np.concatenate([np.flatnonzero(en), np.full(o_sample.size, -1)])
        o_i0 = np.concatenate(
            [
                np.where(
                    ev["f"][en] > 0, self.pb[ev["pair"][en]], self.pa[ev["pair"][en]]
                ),
                o_sample,
            ]
        )
        ex = ~en
        c_sample = last_s[kk[s_last]]
        c_row = np.concatenate([ev["row"][ex], rr[s_last]])
        c_trk = np.concatenate([ev["track"][ex], nonempty[kk[s_last]]])
        c_t = np.concatenate([ev["t_ns"][ex], self.t_ns[c_sample]])
        c_kind = np.concatenate([np.zeros(int(ex.sum())), np.ones(c_sample.size)])
        c_idx = np.concatenate([np.flatnonzero(ex), np.full(c_sample.size, -1)])
        c_i1 = np.concatenate([self.pa[ev["pair"][ex]], c_sample])
        oo = np.lexsort((o_kind, o_t, o_trk, o_row))
        co = np.lexsort((c_kind, c_t, c_trk, c_row))
        if oo.size != co.size or not (
            np.array_equal(o_row[oo], c_row[co])
            and np.array_equal(o_trk[oo], c_trk[co])
        ):  # pragma: no cover - the toggles are complete by construction
            raise RuntimeError("internal error: entries and exits do not pair up")
        return {
            "row": o_row[oo],
            "track": o_trk[oo],
            "open": o_idx[oo],
            "close": c_idx[co],
            "t0": o_t[oo],
            "t1": c_t[co],
            "i0": o_i0[oo],
            "i1": c_i1[co],
        }

    # ............................................................... extremes
    def _depths(self, iv: dict[str, Any]) -> tuple[_F64, _F64, _F64, _F64]:
        """Maximum depth of every interval: value (m), time (s), lon, lat."""
        ev = self.ev
        nint = iv["row"].size
        if nint == 0:
            z = np.zeros(0)
            return z, z, z, z
        op, cl = iv["open"], iv["close"]
        # an entry at the very end of a pair (a version start) is the next
        # sample itself, an exit at the very start of one the previous sample
        fe = np.r_[ev["f"], 0.5]  # index -1 (track start or end) reads 0.5
        has_open = (op >= 0) & (fe[op] < 1.0)
        has_close = (cl >= 0) & (fe[cl] > 0.0)
        i0, i1 = iv["i0"], iv["i1"]
        nsamp = np.maximum(i1 - i0 + 1, 0)
        counts = nsamp + has_open + has_close
        prob = np.repeat(np.arange(nint), counts)
        pos = np.arange(prob.size) - np.repeat(np.cumsum(counts) - counts, counts)
        is_open = has_open[prob] & (pos == 0)
        is_close = has_close[prob] & (pos == counts[prob] - 1)
        sample = i0[prob] + pos - has_open[prob]
        sample = np.where(is_open | is_close, -1, sample)
        kt = np.zeros(prob.size)
        kx = np.zeros(prob.size)
        ky = np.zeros(prob.size)
        val = np.full(prob.size, np.nan)
        nxt = np.full(prob.size, -1, dtype=np.int64)
        s_ok = sample >= 0
        kt[s_ok] = self.ts[sample[s_ok]]
        kx[s_ok] = self.x[sample[s_ok]]
        ky[s_ok] = self.y[sample[s_ok]]
        nxt[s_ok] = self.pair_of_start[sample[s_ok]]
        for mask, ids in ((is_open, op), (is_close, cl)):
            e = ids[prob[mask]]
            kt[mask] = (
                self.ts[self.pa[ev["pair"][e]]] + ev["f"][e] * self.pdt[ev["pair"][e]]
            )
            kx[mask] = ev["lon"][e]
            ky[mask] = ev["lat"][e]
            val[mask] = np.where(ev["cause"][e] == 0, 0.0, np.nan)
            nxt[mask] = ev["pair"][e]
        has_prev = pos > 0
        has_next = pos < counts[prob] - 1
        return self._extremum(
            iv["row"], prob, kt, kx, ky, val, nxt, has_prev, has_next, maximise=True
        )

    def _approaches(self) -> dict[tuple[int, int], tuple[float, float, float, float]]:
        """Closest approach per (row, track) the track is in force for but never enters."""
        out: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        m = len(self.versions)
        if not m or not self.n:
            return out
        # tracks that cross an edge (in force): closest approach 0 at the first crossing
        hr, hp, hf = self.h_rows, self.h_pairs, self.h_f
        crossed = np.zeros((m, self.k_count), dtype=np.bool_)
        if hr.size:
            hk = self.tk[self.pa[hp]]
            order = np.lexsort((hf, hp, hk, hr))
            hr, hp, hf, hk = hr[order], hp[order], hf[order], hk[order]
            firsts = np.r_[True, (hr[1:] != hr[:-1]) | (hk[1:] != hk[:-1])]
            lon, lat = self.point(hp[firsts], hf[firsts])
            tt = self.ts[self.pa[hp[firsts]]] + hf[firsts] * self.pdt[hp[firsts]]
            for r, k, t, x, y in zip(hr[firsts], hk[firsts], tt, lon, lat, strict=True):
                out[(int(r), int(k))] = (0.0, float(t), float(x), float(y))
                crossed[r, k] = True
        inside_any = np.zeros((m, self.k_count), dtype=np.bool_)
        for r in range(m):
            hit = self.F[r] & self.H[r]
            if hit.any():
                inside_any[r] = np.bincount(self.tk[hit], minlength=self.k_count) > 0
        rows_l, prob_l, samp_l, est_l, val_l = [], [], [], [], []
        problems: list[tuple[int, int]] = []
        for r, v in enumerate(self.versions):
            skip_track = crossed[r] | inside_any[r]
            cand = self.F[r] & ~skip_track[self.tk]
            idx = np.flatnonzero(cand)
            # only samples in the zone's box grown by the approach distance can
            # come that close (a rigorous lon/lat pad)
            idx = idx[
                _in_box(v.geometry.bounds, self.approach_m, self.x[idx], self.y[idx])
            ]
            if not idx.size:
                continue
            est, err, exact = self._estimate(r, self.x[idx], self.y[idx])
            near = est - err <= self.approach_m
            if not near.any():
                continue
            mask = np.zeros(self.n, dtype=np.bool_)
            mask[idx[near]] = True
            estimate = np.full(self.n, np.inf)
            estimate[idx] = est
            known = np.full(self.n, np.nan)
            if exact:
                known[idx] = est
            # add the neighbours (same track, in force) so brackets exist
            grow = mask.copy()
            same_next = np.r_[self.tk[1:] == self.tk[:-1], False]
            same_prev = np.r_[False, self.tk[1:] == self.tk[:-1]]
            grow[:-1] |= mask[1:] & same_next[:-1]
            grow[1:] |= mask[:-1] & same_prev[1:]
            grow &= self.F[r]
            s = np.flatnonzero(grow)
            tracks = self.tk[s]
            ukeys, inv = np.unique(tracks, return_inverse=True)
            base = len(problems)
            problems.extend((r, int(k)) for k in ukeys)
            rows_l.append(np.full(ukeys.size, r, dtype=np.int64))
            prob_l.append(base + inv)
            samp_l.append(s)
            est_l.append(estimate[s])
            val_l.append(known[s])
        if not problems:
            return out
        prow = np.concatenate(rows_l)
        prob = np.concatenate(prob_l)
        samp = np.concatenate(samp_l)
        est = np.concatenate(est_l)
        known = np.concatenate(val_l)
        order = np.lexsort((samp, prob))
        prob, samp, est, known = prob[order], samp[order], est[order], known[order]
        has_prev = np.r_[False, (prob[1:] == prob[:-1]) & (samp[1:] == samp[:-1] + 1)]
        has_next = np.r_[(prob[1:] == prob[:-1]) & (samp[1:] == samp[:-1] + 1), False]
        val, t, x, y = self._extremum(
            prow,
            prob,
            self.ts[samp],
            self.x[samp],
            self.y[samp],
            known,
            self.pair_of_start[samp],
            has_prev,
            has_next,
            maximise=False,
            estimate=est,
        )
        for p, (r, k) in enumerate(problems):
            if np.isfinite(val[p]) and val[p] <= self.approach_m:
                out[(r, k)] = (float(val[p]), float(t[p]), float(x[p]), float(y[p]))
        return out

    def _estimate(self, r: int, lon: _F64, lat: _F64) -> tuple[_F64, float, bool]:
        """Signed distance to row r's edge: (estimate, error bound, exact?).

        Few points are measured exactly; many are interpolated on the zone's
        distance lattice (built once per zone, on first need).
        """
        v = self.versions[r]
        if lon.size <= _GRID_MIN:
            d = self.cat.boundary(v).signed_distance_m(lon, lat)
            return np.asarray(d, dtype=np.float64), 0.0, True
        g = _distance_grid(self.cat, v, self.approach_m)
        est, _ = g.estimate(lon, lat)
        return est, g.err_m, False

    def _exact(self, rows: _I64, lon: _F64, lat: _F64) -> _F64:
        out = np.full(rows.size, np.nan)
        for r in np.unique(rows):
            sel = rows == r
            out[sel] = self.cat.boundary(self.versions[r]).distance_m(
                lon[sel], lat[sel]
            )
        return out

    def _extremum(
        self,
        prob_row: _I64,
        prob: _I64,
        kt: _F64,
        kx: _F64,
        ky: _F64,
        val: _F64,
        next_pair: _I64,
        has_prev: _BOOL,
        has_next: _BOOL,
        *,
        maximise: bool,
        estimate: _F64 | None = None,
    ) -> tuple[_F64, _F64, _F64, _F64]:
        """Largest (or smallest) distance to the edge along each problem's path.

        Knots (positions at known times) come grouped by problem in path order;
        ``next_pair`` is the sample pair holding the stretch from a knot to the
        next. Returns value, time (seconds since the epoch), lon, lat per problem.
        """
        nprob = prob_row.size
        sign = -1.0 if maximise else 1.0
        krow = prob_row[prob]
        obj = sign * val  # known knots (entry/exit on an edge: 0)
        counts = np.bincount(prob, minlength=nprob)
        small = counts[prob] <= _SMALL

        def measure(sel: _I64) -> None:
            sel = sel[np.isnan(obj[sel])]
            if sel.size:
                obj[sel] = sign * self._exact(krow[sel], kx[sel], ky[sel])

        measure(np.flatnonzero(small))
        big = np.flatnonzero(~small)
        seeds = np.zeros(0, dtype=np.int64)
        if big.size:
            est = np.full(prob.size, np.inf)
            if estimate is not None:
                est[big] = estimate[big]
            else:
                for r in np.unique(krow[big]):
                    sel = big[krow[big] == r]
                    e, _, exact = self._estimate(int(r), kx[sel], ky[sel])
                    est[sel] = e
                    if exact:  # signed distance = -depth inside, = distance outside
                        obj[sel] = np.where(np.isnan(obj[sel]), e, obj[sel])
            # The signed estimate is negative inside, so it ranks both the
            # depth objective (-d) and the approach objective (d). Seeds: the
            # best few local optima of the estimate along each path.
            est = np.where(np.isnan(obj), est, obj)
            prev_e = np.where(has_prev, np.r_[np.inf, est[:-1]], np.inf)
            next_e = np.where(has_next, np.r_[est[1:], np.inf], np.inf)
            peak = ~small & np.isfinite(est) & (est <= prev_e) & (est <= next_e)
            cand = np.flatnonzero(peak)
            cand = cand[np.lexsort((est[cand], prob[cand]))]
            seeds = cand[_rank_in_group(prob[cand]) < _RANK_K]
        # hill-climb from every seed (small problems are measured throughout)
        run = np.cumsum(~has_prev) - 1
        run_first = np.flatnonzero(~has_prev)
        run_last = np.flatnonzero(~has_next)
        _climb(seeds, run_first[run[seeds]], run_last[run[seeds]], obj, measure)
        centre = _group_argmin(np.where(np.isnan(obj), np.inf, obj), prob, nprob)
        valid = centre >= 0
        res_v = np.full(nprob, np.nan)
        res_t = np.full(nprob, np.nan)
        res_x = np.full(nprob, np.nan)
        res_y = np.full(nprob, np.nan)
        pv = np.flatnonzero(valid)
        c = centre[pv]
        res_v[pv] = sign * obj[c]
        res_t[pv], res_x[pv], res_y[pv] = kt[c], kx[c], ky[c]
        # refine on the two stretches around the centre
        left_ok = has_prev[c]
        right_ok = has_next[c]
        refine = left_ok | right_ok
        pv, c = pv[refine], c[refine]
        if pv.size:
            a = np.where(has_prev[c], kt[np.maximum(c - 1, 0)], kt[c])
            b = np.where(has_next[c], kt[np.minimum(c + 1, kt.size - 1)], kt[c])
            lpair = np.where(has_prev[c], next_pair[np.maximum(c - 1, 0)], -1)
            rpair = np.where(has_next[c], next_pair[c], -1)
            tc = kt[c]
            rows = krow[c]

            def objective(sel: _I64, u: _F64) -> tuple[_F64, _F64, _F64]:
                pair = np.where(u <= tc[sel], lpair[sel], rpair[sel])
                pair = np.where(pair < 0, np.maximum(lpair[sel], rpair[sel]), pair)
                frac = (u - self.ts[self.pa[pair]]) / np.where(
                    self.pdt[pair] > 0, self.pdt[pair], 1.0
                )
                lon, lat = self.point(pair, np.clip(frac, 0.0, 1.0))
                return sign * self._exact(rows[sel], lon, lat), lon, lat

            fa = np.where(has_prev[c], obj[np.maximum(c - 1, 0)], np.nan)
            fz = np.where(has_next[c], obj[np.minimum(c + 1, kt.size - 1)], np.nan)
            self._geodesics(np.concatenate([lpair[lpair >= 0], rpair[rpair >= 0]]))
            speed = np.maximum(
                _speed(self.plen, self.pdt, lpair), _speed(self.plen, self.pdt, rpair)
            )
            # locate to 0.2 m, or to 1e-5 of the distance for deep points
            xtol = np.maximum(_XTOL_M, _XTOL_REL * np.abs(obj[c])) / np.maximum(
                speed, 1.0
            )
            xb, fb, lonb, latb = _brent(
                objective, a, b, tc, obj[c], kx[c], ky[c], fa, fz, xtol
            )
            better = fb < sign * res_v[pv]
            res_v[pv[better]] = sign * fb[better]
            res_t[pv[better]] = xb[better]
            res_x[pv[better]] = lonb[better]
            res_y[pv[better]] = latb[better]
        return res_v, res_t, res_x, res_y

    # ................................................................ results
    def run(self) -> list[TrackAnalysis]:
        self._build_samples()
        self._states()
        self._pieces()
        self._events()
        iv = self._intervals()
        depth_v, depth_t, depth_x, depth_y = self._depths(iv)
        approach = self._approaches()
        gaps = self._gaps()
        ev = self.ev
        versions = self.versions
        per: dict[tuple[int, int], list[Interval]] = {}
        for j in range(iv["row"].size):
            r, k = int(iv["row"][j]), int(iv["track"][j])
            v = versions[r]
            o, c = int(iv["open"][j]), int(iv["close"][j])
            t0, t1 = int(iv["t0"][j]), int(iv["t1"][j])
            if o >= 0:
                e_lon, e_lat = float(ev["lon"][o]), float(ev["lat"][o])
                e_cause = CAUSES[int(ev["cause"][o])]
                e_unc, e_gap = float(ev["unc"][o]), bool(ev["gap"][o])
            else:
                s = int(iv["i0"][j])
                e_lon, e_lat = float(self.x[s]), float(self.y[s])
                e_cause, e_unc, e_gap = "track_start", 0.0, False
            if c >= 0:
                x_lon, x_lat = float(ev["lon"][c]), float(ev["lat"][c])
                x_cause = CAUSES[int(ev["cause"][c])]
                x_unc, x_gap = float(ev["unc"][c]), bool(ev["gap"][c])
            else:
                s = int(iv["i1"][j])
                x_lon, x_lat = float(self.x[s]), float(self.y[s])
                x_cause, x_unc, x_gap = "track_end", 0.0, False
            if not np.isfinite(depth_v[j]):  # pragma: no cover - defensive
                depth_v[j], depth_t[j] = 0.0, (t0 - self.epoch) / 1e9
                depth_x[j], depth_y[j] = e_lon, e_lat
            per.setdefault((r, k), []).append(
                Interval(
                    track_id=self.tracks[k].id,
                    zone_id=v.zone_id,
                    version=v.version,
                    entry=_dt(t0) if o >= 0 else None,
                    exit=_dt(t1) if c >= 0 else None,
                    start=_dt(t0),
                    end=_dt(t1),
                    entry_lon=e_lon,
                    entry_lat=e_lat,
                    exit_lon=x_lon,
                    exit_lat=x_lat,
                    entry_cause=e_cause,
                    exit_cause=x_cause,
                    entry_uncertainty_s=e_unc,
                    exit_uncertainty_s=x_unc,
                    entry_in_gap=e_gap,
                    exit_in_gap=x_gap,
                    duration_s=(t1 - t0) / 1e9,
                    max_depth_m=float(depth_v[j]),
                    max_depth_time=self._dt_s(float(depth_t[j])),
                    max_depth_lon=float(depth_x[j]),
                    max_depth_lat=float(depth_y[j]),
                )
            )
        in_force = np.zeros((len(versions), self.k_count), dtype=np.bool_)
        for r in range(len(versions)):
            if self.n:
                in_force[r] = (
                    np.bincount(self.tk[self.F[r]], minlength=self.k_count) > 0
                )
        out = []
        for k, tr in enumerate(self.tracks):
            results = []
            for r, v in enumerate(versions):
                if not in_force[r, k]:
                    continue
                ivs = tuple(per.get((r, k), ()))
                appr = approach.get((r, k))
                if not ivs and appr is None:
                    continue
                results.append(self._zone_result(v, r, k, ivs, appr))
            results.sort(key=lambda z: z.key)
            out.append(
                TrackAnalysis(
                    track=tr,
                    zones=tuple(results),
                    gaps=gaps.get(k, ()),
                    skipped=self.skipped,
                    analysed=self.analysed_keys,
                    when=self.when,
                    max_gap_s=self.max_gap_s,
                    approach_within_m=self.approach_m,
                )
            )
        return out

    def _zone_result(
        self,
        v: ZoneVersion,
        r: int,
        k: int,
        ivs: tuple[Interval, ...],
        appr: tuple[float, float, float, float] | None,
    ) -> ZoneResult:
        deepest = max(ivs, key=lambda i: i.max_depth_m) if ivs else None
        zone = v.zone
        return ZoneResult(
            zone_id=v.zone_id,
            version=v.version,
            key=v.key,
            kind=zone.kind.value if zone is not None else "",
            holder=zone.holder if zone is not None else None,
            claimants=tuple(zone.claimants) if zone is not None else (),
            vertical=self._vertical(r, k),
            intervals=ivs,
            total_inside_s=float(sum(i.duration_s for i in ivs)),
            max_depth_m=deepest.max_depth_m if deepest else None,
            max_depth_time=deepest.max_depth_time if deepest else None,
            max_depth_lon=deepest.max_depth_lon if deepest else None,
            max_depth_lat=deepest.max_depth_lat if deepest else None,
            closest_approach_m=appr[0] if appr else None,
            closest_approach_time=self._dt_s(appr[1]) if appr else None,
            closest_approach_lon=appr[2] if appr else None,
            closest_approach_lat=appr[3] if appr else None,
            zone_version=v,
        )

    def _vertical(self, r: int, k: int) -> str:
        band = self.versions[r].vertical
        if band is None:
            return "2-D only: zone has no vertical limits recorded"
        if not self.limiting[r]:
            return "2-D only: zone is surface to unlimited"
        if not self.has_alt[k]:
            return "2-D only: track has no altitudes"
        if self.filled[k]:
            n = len(self.tracks[k])
            return f"3-D (altitude interpolated at {self.filled[k]} of {n} samples)"
        return "3-D"

    def _gaps(self) -> dict[int, tuple[Gap, ...]]:
        out: dict[int, tuple[Gap, ...]] = {}
        for k, tr in enumerate(self.tracks):
            if len(tr) < 2:
                continue
            step = np.diff(tr.time) / np.timedelta64(1, "s")
            big = np.flatnonzero(step > self.max_gap_s)
            if big.size:
                out[k] = tuple(
                    Gap(_dt64(tr.time[i]), _dt64(tr.time[i + 1]), float(step[i]))
                    for i in big
                )
        return out

    def _dt_s(self, seconds: float) -> dt.datetime:
        return _dt(self.epoch + round(seconds * 1e9))


# ------------------------------------------------------------------ helpers
def _select_versions(
    catalogue: ZoneCatalogue, zones: Iterable[str] | None
) -> tuple[tuple[ZoneVersion, ...], tuple[tuple[str, str], ...]]:
    everything = [v for z in catalogue for v in z.versions]
    if zones is None:
        chosen = everything
    else:
        items = [zones] if isinstance(zones, str) else list(zones)
        chosen = []
        for item in items:
            if "@" in item:
                zid, _, label = item.partition("@")
                zone = catalogue.get(zid)
                match = [v for v in zone.versions if v.version == label]
                if not match:
                    raise UnknownZoneError(item, [v.key for v in everything])
                chosen.extend(match)
            else:
                chosen.extend(catalogue.get(item).versions)
        chosen = list({id(v): v for v in chosen}.values())  # first mention wins
    areas = tuple(v for v in chosen if v.is_area)
    skipped = tuple(
        (
            v.key,
            f"known only as a line ({v.geometry.geom_type}"
            f"{', partial' if v.partial else ''}); inside/outside cannot be computed",
        )
        for v in chosen
        if not v.is_area
    )
    return areas, skipped


def _insert_bounds(
    versions: tuple[ZoneVersion, ...],
    t_ns: _I64,
    x: _F64,
    y: _F64,
    alt: _F64,
    real: _BOOL,
    tk: _I64,
    off: _I64,
) -> tuple[_I64, _F64, _F64, _F64, _BOOL, _I64, _I64]:
    """Add a virtual sample wherever a version starts or ends inside a track."""
    bounds = sorted(
        {
            _ns(b)
            for v in versions
            for b in (v.validity.start, v.validity.end)
            if b is not None
        }
    )
    if not bounds:
        return t_ns, x, y, alt, real, tk, off
    k_count = off.size - 1
    nonempty = np.diff(off) > 0
    t_first = np.where(nonempty, t_ns[np.minimum(off[:-1], t_ns.size - 1)], 0)
    t_last = np.where(nonempty, t_ns[np.maximum(off[1:] - 1, 0)], 0)
    pos_l, val_l, trk_l = [], [], []
    for T in bounds:
        inside = nonempty & (t_first < T) & (T < t_last)
        if not inside.any():
            continue
        c = np.concatenate([[0], np.cumsum(t_ns < T)])
        before = c[off[1:]] - c[off[:-1]]
        ks = np.flatnonzero(inside)
        pos = off[ks] + before[ks]
        fresh = t_ns[pos] != T
        pos_l.append(pos[fresh])
        val_l.append(np.full(int(fresh.sum()), T, dtype=np.int64))
        trk_l.append(ks[fresh])
    if not pos_l:
        return t_ns, x, y, alt, real, tk, off
    pos = np.concatenate(pos_l)
    tv = np.concatenate(val_l)
    trk = np.concatenate(trk_l)
    order = np.lexsort((tv, pos))
    pos, tv, trk = pos[order], tv[order], trk[order]
    a, b = pos - 1, pos
    frac = (tv - t_ns[a]) / (t_ns[b] - t_ns[a]).astype(np.float64)
    az, _, dist = GEOD.inv(x[a], y[a], x[b], y[b])
    lon, lat, _ = GEOD.fwd(x[a], y[a], az, frac * np.asarray(dist))
    av = alt[a] + frac * (alt[b] - alt[a])
    added = np.bincount(trk, minlength=k_count)
    new_off = off + np.concatenate([[0], np.cumsum(added)])
    return (
        np.insert(t_ns, pos, tv),
        np.insert(x, pos, np.asarray(lon, dtype=np.float64)),
        np.insert(y, pos, np.asarray(lat, dtype=np.float64)),
        np.insert(alt, pos, av),
        np.insert(real, pos, False),
        np.insert(tk, pos, trk),
        new_off.astype(np.int64),
    )


class _EdgeCells:
    """A zone's edges listed by lon/lat grid cell, for chord-crossing tests.

    Every edge is registered in each cell within two cells of a point of it
    (points spaced at most half a cell along the edge), so a chord no longer
    than half a cell in either axis meets only edges registered in the cell of
    its start point.
    """

    def __init__(self, geometry: Any) -> None:
        rings = [
            np.asarray(ring.coords, dtype=np.float64)[:, :2]
            for part in shapely.get_parts(geometry)
            for ring in (part.exterior, *part.interiors)
        ]
        a = np.concatenate([r[:-1] for r in rings])
        b = np.concatenate([r[1:] for r in rings])
        keep = (a != b).any(axis=1)
        a, b = a[keep], b[keep]
        self.ax, self.ay = a[:, 0].copy(), a[:, 1].copy()
        self.bx, self.by = b[:, 0].copy(), b[:, 1].copy()
        ext = np.maximum(np.abs(self.bx - self.ax), np.abs(self.by - self.ay))
        minx, miny, maxx, maxy = geometry.bounds
        # about four edges per cell, with caps on the table and on the lists
        cell = float(np.clip(4.0 * np.median(ext), 0.01, 0.1))
        cell = max(
            cell,
            math.sqrt((maxx - minx + 1.0) * (maxy - miny + 1.0) / 4e6),
            2.0 * float(ext.sum()) / 2e5,
        )
        self.cell = cell
        self.x0 = minx - 4 * cell
        self.y0 = miny - 4 * cell
        self.nx = math.ceil((maxx + 4 * cell - self.x0) / cell) + 1
        self.ny = math.ceil((maxy + 4 * cell - self.y0) / cell) + 1
        steps = np.maximum(np.ceil(ext / (0.5 * cell)), 1).astype(np.int64)
        edge = np.repeat(np.arange(ext.size), steps + 1)
        start = np.repeat(np.cumsum(steps + 1) - (steps + 1), steps + 1)
        t = (np.arange(edge.size) - start) / steps[edge]
        px = self.ax[edge] + t * (self.bx[edge] - self.ax[edge])
        py = self.ay[edge] + t * (self.by[edge] - self.ay[edge])
        ix = np.floor((px - self.x0) / cell).astype(np.int64)
        iy = np.floor((py - self.y0) / cell).astype(np.int64)
        keys = []
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                keys.append((iy + dy) * self.nx + (ix + dx))
        ncell = self.nx * self.ny
        allk = np.concatenate(keys) * ext.size + np.tile(edge, 25)
        allk = np.unique(allk)
        cells, edges = np.divmod(allk, ext.size)
        self.edges = edges.astype(np.int64)
        self.start = np.searchsorted(cells, np.arange(ncell + 1)).astype(np.int64)

    def crossings(
        self, sx0: _F64, sy0: _F64, sx1: _F64, sy1: _F64
    ) -> tuple[_I64, _F64]:
        """(chord index, fraction along it) of each chord/edge crossing.

        Chords must be at most half a cell long in each axis. A crossing at
        the chord's end point is left to the next chord; an edge's end vertex
        to the next edge.
        """
        cell = self.cell
        ix = np.floor((sx0 - self.x0) / cell).astype(np.int64)
        iy = np.floor((sy0 - self.y0) / cell).astype(np.int64)
        ok = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        idx = np.flatnonzero(ok)
        c = iy[idx] * self.nx + ix[idx]
        cnt = self.start[c + 1] - self.start[c]
        nz = cnt > 0
        idx, c, cnt = idx[nz], c[nz], cnt[nz]
        out_i: list[_I64] = []
        out_u: list[_F64] = []
        # at most ~2e6 chord/edge candidates at a time
        cum = np.cumsum(cnt)
        lo = 0
        while lo < idx.size:
            base = cum[lo - 1] if lo else 0
            hi = max(int(np.searchsorted(cum, base + 2_000_000, side="right")), lo + 1)
            i_, c_, n_ = idx[lo:hi], c[lo:hi], cnt[lo:hi]
            lo = hi
            total = int(n_.sum())
            q = np.repeat(i_, n_)
            offs = np.arange(total) - np.repeat(np.cumsum(n_) - n_, n_)
            e = self.edges[np.repeat(self.start[c_], n_) + offs]
            ax, ay = sx0[q], sy0[q]
            rx, ry = sx1[q] - ax, sy1[q] - ay
            ex, ey = self.bx[e] - self.ax[e], self.by[e] - self.ay[e]
            qx, qy = self.ax[e] - ax, self.ay[e] - ay
            den = rx * ey - ry * ex
            with np.errstate(divide="ignore", invalid="ignore"):
                u = (qx * ey - qy * ex) / den
                w = (qx * ry - qy * rx) / den
            hit = (den != 0) & (u >= 0) & (u < 1) & (w >= 0) & (w < 1)
            out_i.append(q[hit])
            out_u.append(u[hit])
        return _cat_i(out_i), _cat_f(out_u)


def _chord_crossings(
    cells: _EdgeCells,
    pieces: tuple[Any, ...],
    relevant: _BOOL,
    bounds: tuple[float, float, float, float],
) -> tuple[_I64, _F64]:
    """(pair, fraction) of each place where a pair's chord crosses a zone edge."""
    pair, f0, f1, px0, py0, px1, py1 = pieces
    minx, miny, maxx, maxy = bounds
    pad = 2 * cells.cell
    out_p: list[_I64] = []
    out_f: list[_F64] = []
    rel = relevant[pair]
    lo_x = min(float(px0.min()), float(px1.min())) if pair.size else 0.0
    hi_x = max(float(px0.max()), float(px1.max())) if pair.size else 0.0
    for k in range(
        math.ceil((minx - pad - hi_x) / 360.0),
        math.floor((maxx + pad - lo_x) / 360.0) + 1,
    ):
        sx0, sx1 = px0 + 360.0 * k, px1 + 360.0 * k
        near = (
            rel
            & (np.maximum(sx0, sx1) >= minx - pad)
            & (np.minimum(sx0, sx1) <= maxx + pad)
            & (np.maximum(py0, py1) >= miny - pad)
            & (np.minimum(py0, py1) <= maxy + pad)
        )
        pc = np.flatnonzero(near)
        if not pc.size:
            continue
        x0, y0, x1, y1 = sx0[pc], py0[pc], sx1[pc], py1[pc]
        ext = np.maximum(np.abs(x1 - x0), np.abs(y1 - y0))
        nsub = np.maximum(np.ceil(ext / (0.5 * cells.cell)), 1).astype(np.int64)
        owner = np.repeat(np.arange(pc.size), nsub)
        j = np.arange(owner.size) - np.repeat(np.cumsum(nsub) - nsub, nsub)
        t0 = j / nsub[owner]
        t1 = (j + 1) / nsub[owner]
        dx, dy = x1 - x0, y1 - y0
        cx0 = x0[owner] + t0 * dx[owner]
        cy0 = y0[owner] + t0 * dy[owner]
        cx1 = x0[owner] + t1 * dx[owner]
        cy1 = y0[owner] + t1 * dy[owner]
        last = j == nsub[owner] - 1
        cx1[last], cy1[last] = x1[owner[last]], y1[owner[last]]
        ci, u = cells.crossings(cx0, cy0, cx1, cy1)
        if not ci.size:
            continue
        o = owner[ci]
        g = t0[ci] + u * (t1[ci] - t0[ci])
        piece = pc[o]
        out_p.append(pair[piece])
        out_f.append(f0[piece] + g * (f1[piece] - f0[piece]))
    return _cat_i(out_p), _cat_f(out_f)


class _DistanceGrid:
    """Signed distances to a zone's edge on a lon/lat lattice, to rank candidates.

    Bilinear interpolation of a 1-Lipschitz function is within the longest
    geodesic distance from a point to its cell's corners of the true value;
    ``err_m`` bounds that (the cell diagonal where cells are widest).
    """

    def __init__(
        self, index: Any, bounds: tuple[float, float, float, float], pad_deg: float
    ) -> None:
        minx, miny, maxx, maxy = bounds
        x0, x1 = minx - pad_deg, maxx + pad_deg
        y0 = max(miny - pad_deg, -89.0)
        y1 = min(maxy + pad_deg, 89.0)
        step = max(math.sqrt((x1 - x0) * (y1 - y0) / _GRID_NODES), 0.004)
        self.nx = math.ceil((x1 - x0) / step) + 1
        self.ny = math.ceil((y1 - y0) / step) + 1
        self.x0, self.y0, self.step = x0, y0, step
        gx = x0 + np.arange(self.nx) * step
        gy = y0 + np.arange(self.ny) * step
        xx, yy = np.meshgrid(gx, gy)
        self.values = np.asarray(
            index.signed_distance_m(xx.ravel(), yy.ravel()), dtype=np.float64
        ).reshape(self.ny, self.nx)
        lat_w = min(abs(y0), abs(gy[-1])) if y0 * gy[-1] > 0 else 0.0
        diag = GEOD.inv(0.0, lat_w, step, lat_w + math.copysign(step, lat_w or 1.0))[2]
        self.err_m = float(diag) * 1.01 + 1.0
        self.minx, self.maxx = x0, gx[-1]

    def estimate(self, lon: _F64, lat: _F64) -> tuple[_F64, _BOOL]:
        x = np.asarray(lon, dtype=np.float64).copy()
        y = np.asarray(lat, dtype=np.float64)
        for k in (-1, 1):
            shifted = x + 360.0 * k
            move = (x < self.minx) | (x > self.maxx)
            move &= (shifted >= self.minx) & (shifted <= self.maxx)
            x[move] = shifted[move]
        fx = (x - self.x0) / self.step
        fy = (y - self.y0) / self.step
        ok = (fx >= 0) & (fx <= self.nx - 1) & (fy >= 0) & (fy <= self.ny - 1)
        ix = np.clip(np.floor(fx).astype(np.int64), 0, self.nx - 2)
        iy = np.clip(np.floor(fy).astype(np.int64), 0, self.ny - 2)
        tx = np.clip(fx - ix, 0.0, 1.0)
        ty = np.clip(fy - iy, 0.0, 1.0)
        v = self.values
        est = (
            v[iy, ix] * (1 - tx) * (1 - ty)
            + v[iy, ix + 1] * tx * (1 - ty)
            + v[iy + 1, ix] * (1 - tx) * ty
            + v[iy + 1, ix + 1] * tx * ty
        )
        return np.where(ok, est, np.inf), ok


_EDGE_CACHE: weakref.WeakKeyDictionary[ZoneVersion, _EdgeCells] = (
    weakref.WeakKeyDictionary()
)
_GRID_CACHE: weakref.WeakKeyDictionary[ZoneVersion, dict[float, _DistanceGrid]] = (
    weakref.WeakKeyDictionary()
)


def _in_box(
    bounds: tuple[float, float, float, float], reach_m: float, lon: _F64, lat: _F64
) -> _BOOL:
    """Points within the box of ``bounds`` grown to hold everything within reach_m."""
    minx, miny, maxx, maxy = bounds
    pad = lonlat_pad_deg(reach_m, max(abs(miny), abs(maxy)))
    if pad is None:
        return np.ones(lon.size, dtype=np.bool_)
    ok = (lat >= miny - pad) & (lat <= maxy + pad)
    inside = np.zeros(lon.size, dtype=np.bool_)
    for k in (-1, 0, 1):
        x = lon + 360.0 * k
        inside |= (x >= minx - pad) & (x <= maxx + pad)
    return inside & ok


def _edge_cells(v: ZoneVersion) -> _EdgeCells:
    cells = _EDGE_CACHE.get(v)
    if cells is None:
        cells = _EdgeCells(v.geometry)
        _EDGE_CACHE[v] = cells
    return cells


def _distance_grid(cat: ZoneCatalogue, v: ZoneVersion, reach_m: float) -> _DistanceGrid:
    bucket = reach_bucket_m(max(reach_m, 1000.0))
    grids = _GRID_CACHE.setdefault(v, {})
    grid = grids.get(bucket)
    if grid is None:
        _, miny, _, maxy = v.geometry.bounds
        pad = lonlat_pad_deg(bucket, max(abs(miny), abs(maxy)))
        grid = _DistanceGrid(
            cat.boundary(v), v.geometry.bounds, 10.0 if pad is None else pad
        )
        grids[bucket] = grid
    return grid


def _brent(
    fn: Callable[[_I64, _F64], tuple[_F64, _F64, _F64]],
    a: _F64,
    b: _F64,
    x0: _F64,
    f0: _F64,
    lon0: _F64,
    lat0: _F64,
    fa: _F64,
    fb: _F64,
    xtol: _F64,
) -> tuple[_F64, _F64, _F64, _F64]:
    """Minimise each ``fn`` on [a, b] from its best known point ``x0`` (Brent).

    Golden-section steps with parabolic acceleration (Brent 1973), vectorised:
    each element stops once its best point is located to about ``xtol``.
    ``fa``/``fb``, the values at ``a``/``b`` where known (NaN otherwise), seed
    the first parabola. Returns the best point, its value and its position.
    """
    cg = 0.3819660112501051
    a, b = a.copy(), b.copy()
    x, fx = x0.copy(), f0.copy()
    known_a, known_b = np.isfinite(fa), np.isfinite(fb)
    w, fw = np.where(known_a, a, x0), np.where(known_a, fa, f0)
    v, fv = np.where(known_b, b, x0), np.where(known_b, fb, f0)
    swap = fv < fw
    w, v = np.where(swap, v, w), np.where(swap, w, v)
    fw, fv = np.where(swap, fv, fw), np.where(swap, fw, fv)
    bx, by = lon0.copy(), lat0.copy()
    d = np.zeros_like(a)
    e = np.where(known_a & known_b, b - a, 0.0)
    active = np.flatnonzero(b - a > 2 * xtol)
    for _ in range(80):
        if not active.size:
            break
        i = active
        xm = 0.5 * (a[i] + b[i])
        tol1 = xtol[i]
        tol2 = 2.0 * tol1
        done = np.abs(x[i] - xm) <= tol2 - 0.5 * (b[i] - a[i])
        i, xm, tol1, tol2 = i[~done], xm[~done], tol1[~done], tol2[~done]
        if not i.size:
            break
        xi, wi, vi = x[i], w[i], v[i]
        r = (xi - wi) * (fx[i] - fv[i])
        q = (xi - vi) * (fx[i] - fw[i])
        p = (xi - vi) * q - (xi - wi) * r
        q = 2.0 * (q - r)
        p = np.where(q > 0, -p, p)
        q = np.abs(q)
        e_old = e[i]
        para = (
            (np.abs(e_old) > tol1)
            & (q != 0)
            & (np.abs(p) < np.abs(0.5 * q * e_old))
            & (p > q * (a[i] - xi))
            & (p < q * (b[i] - xi))
        )
        step_p = np.where(para, p / np.where(q != 0, q, 1.0), 0.0)
        golden_e = np.where(xi >= xm, a[i] - xi, b[i] - xi)
        e[i] = np.where(para, d[i], golden_e)
        d_new = np.where(para, step_p, cg * golden_e)
        u_try = xi + d_new
        close = para & ((u_try - a[i] < tol2) | (b[i] - u_try < tol2))
        d_new = np.where(close, np.copysign(tol1, xm - xi), d_new)
        d[i] = d_new
        u = np.where(np.abs(d_new) >= tol1, xi + d_new, xi + np.copysign(tol1, d_new))
        fu, lon, lat = fn(i, u)
        better = fu <= fx[i]
        right = u >= xi
        a[i] = np.where(better, np.where(right, xi, a[i]), np.where(right, a[i], u))
        b[i] = np.where(better, np.where(right, b[i], xi), np.where(right, u, b[i]))
        fwi, fvi = fw[i], fv[i]
        to_w = ~better & ((fu <= fwi) | (wi == xi))
        to_v = ~better & ~to_w & ((fu <= fvi) | (vi == xi) | (vi == wi))
        v[i] = np.where(better | to_w, wi, np.where(to_v, u, vi))
        fv[i] = np.where(better | to_w, fwi, np.where(to_v, fu, fvi))
        w[i] = np.where(better, xi, np.where(to_w, u, wi))
        fw[i] = np.where(better, fx[i], np.where(to_w, fu, fwi))
        x[i] = np.where(better, u, xi)
        fx[i] = np.where(better, fu, fx[i])
        bx[i] = np.where(better, lon, bx[i])
        by[i] = np.where(better, lat, by[i])
        active = i
    return x, fx, bx, by


def _climb(
    c: _I64, first: _I64, last: _I64, obj: _F64, measure: Callable[[_I64], None]
) -> None:
    """Walk each start knot to a local minimum of ``obj`` within [first, last].

    Knot values are measured on demand (``measure`` fills ``obj``). From each
    start the walk gallops downhill with doubling steps, then shrinks the
    bracket it found by halving, so a long monotone stretch costs about
    2 log2(n) measurements rather than n.
    """
    c = c.copy()
    if not c.size:
        return
    measure(np.concatenate([c, np.maximum(c - 1, first), np.minimum(c + 1, last)]))
    right = (c < last) & (obj[np.minimum(c + 1, last)] < obj[c])
    left = ~right & (c > first) & (obj[np.maximum(c - 1, first)] < obj[c])
    step = np.where(right, 1, np.where(left, -1, 0))
    lo = np.maximum(c - 1, first)
    hi = np.minimum(c + 1, last)
    active = np.flatnonzero(step != 0)
    while active.size:  # gallop: c moves while it improves, steps double
        i = active
        cand = np.clip(c[i] + step[i], first[i], last[i])
        measure(cand)
        better = obj[cand] < obj[c[i]]
        up = i[better]
        lo[up] = np.where(step[up] > 0, c[up], lo[up])
        hi[up] = np.where(step[up] < 0, c[up], hi[up])
        c[up] = cand[better]
        step[up] *= 2
        stop = i[~better]
        hi[stop] = np.where(step[stop] > 0, cand[~better], hi[stop])
        lo[stop] = np.where(step[stop] < 0, cand[~better], lo[stop])
        ended = np.zeros(c.size, dtype=np.bool_)
        ended[stop] = True
        ended[up] = (c[up] == first[up]) | (c[up] == last[up])
        hi[up] = np.where(ended[up] & (step[up] > 0), c[up], hi[up])
        lo[up] = np.where(ended[up] & (step[up] < 0), c[up], lo[up])
        active = i[~ended[i]]
    active = np.flatnonzero(hi - lo > 2)
    while active.size:  # shrink the bracket round c
        i = active
        wide_left = (c[i] - lo[i]) > (hi[i] - c[i])
        m = np.where(wide_left, (lo[i] + c[i]) // 2, (c[i] + hi[i] + 1) // 2)
        measure(m)
        better = obj[m] < obj[c[i]]
        left_m = m < c[i]
        hi[i] = np.where(better & left_m, c[i], np.where(~better & ~left_m, m, hi[i]))
        lo[i] = np.where(better & ~left_m, c[i], np.where(~better & left_m, m, lo[i]))
        c[i] = np.where(better, m, c[i])
        active = i[hi[i] - lo[i] > 2]  # m lies strictly inside: always progress
    measure(np.concatenate([np.maximum(c - 1, first), np.minimum(c + 1, last)]))


def _group_argmin(values: _F64, group: _I64, ngroups: int) -> _I64:
    """Index of the smallest finite value of each group (-1 if none)."""
    out = np.full(ngroups, -1, dtype=np.int64)
    fin = np.flatnonzero(np.isfinite(values))
    if fin.size:
        order = fin[np.lexsort((values[fin], group[fin]))]
        g = group[order]
        first = np.r_[True, g[1:] != g[:-1]]
        out[g[first]] = order[first]
    return out


def _speed(length: _F64, duration: _F64, pairs: _I64) -> _F64:
    """Ground speed (m/s) over each pair, 0 where the pair index is -1."""
    ok = pairs >= 0
    p = np.where(ok, pairs, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(duration[p] > 0, length[p] / duration[p], 0.0)
    return np.where(ok & np.isfinite(v), v, 0.0)


def _rank_in_group(group: _I64) -> _I64:
    """0, 1, 2 … within each run of equal (sorted) group ids."""
    if not group.size:
        return np.zeros(0, dtype=np.int64)
    first = np.r_[True, group[1:] != group[:-1]]
    starts = np.flatnonzero(first)
    run = np.cumsum(first) - 1
    return np.asarray(np.arange(group.size) - starts[run], dtype=np.int64)


def _wrap(dx: _F64) -> _F64:
    """Longitude differences into [-180, 180)."""
    return np.asarray((dx + 180.0) % 360.0 - 180.0, dtype=np.float64)


def _cat_i(parts: list[Any]) -> _I64:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


def _cat_f(parts: list[Any]) -> _F64:
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros(0)


def _ns(when: dt.datetime) -> int:
    return int(
        np.datetime64(when.astimezone(dt.UTC).replace(tzinfo=None), "ns").view(np.int64)
    )


def _dt(ns: int) -> dt.datetime:
    us = round(ns / 1000)
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=us)


def _dt64(t: np.datetime64) -> dt.datetime:
    return _dt(int(np.asarray(t).astype("datetime64[ns]").astype(np.int64)))


def _hms(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-4] + " UTC"


def _utc_column(values: Any) -> Any:
    import pandas as pd

    return pd.to_datetime(pd.Series(values, dtype=object), utc=True)
