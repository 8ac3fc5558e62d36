"""The zone catalogue: every loaded zone, by id and by time, with membership checks."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airmap.geo import (
    BoundaryDistance,
    GridIndex,
    Source,
    UnknownZoneError,
    as_utc,
    lonlat_pad_deg,
    reach_bucket_m,
)

from ._check import Membership, MembershipArray, check_arrays, check_point
from ._load import LoadResult, load_files, load_seeds
from ._model import ReferenceLine, Zone, ZoneKind, ZoneVersion

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["ZoneCatalogue"]

DEFAULT_TOLERANCE_M = 1.0


def _to_datetime64(when: Any, n: int) -> NDArray[np.datetime64] | None:
    """Per-point UTC instants as ``datetime64[ns]``.

    NumPy ``datetime64`` arrays carry no zone and are taken as UTC; pandas values
    and Python datetimes must be zone-aware (naive ones are refused).
    """
    if when is None:
        return None
    if isinstance(when, dt.datetime):
        return np.full(n, np.datetime64(as_utc(when).replace(tzinfo=None), "ns"))
    if isinstance(when, np.ndarray) and np.issubdtype(when.dtype, np.datetime64):
        out = when.astype("datetime64[ns]").ravel()
    else:
        import pandas as pd

        values = (
            when if isinstance(when, (pd.Series, pd.Index)) else list(np.ravel(when))
        )
        try:
            idx = pd.DatetimeIndex(values)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"when: cannot read the instants as date-times ({exc})"
            ) from None
        if idx.tz is None and len(idx) and not idx.isna().all():
            raise ValueError(
                "when has naive timestamps: give zone-aware instants "
                "(or a numpy datetime64 array, which is taken as UTC)"
            )
        if idx.tz is not None:
            idx = idx.tz_convert("UTC").tz_localize(None)
        out = idx.to_numpy(dtype="datetime64[ns]")
    if out.size != n:
        raise ValueError(f"when has {out.size} instants for {n} positions")
    return out


class ZoneCatalogue:
    """The loaded zones: look them up by id, by time, by kind or state, and check points.

    Load it once (:meth:`default` is cached) and pass arrays to :meth:`check`.

    Examples
    --------
    >>> from airmap.layers import ZoneCatalogue
    >>> cat = ZoneCatalogue.default()
    >>> cat.get("ta-dokdo").claimants
    ('KOR', 'JPN')
    >>> [v.key for v in cat.get("kadiz").versions]
    ['kadiz@1951', 'kadiz@2013']
    """

    def __init__(
        self,
        zones: Iterable[Zone],
        reference_lines: Iterable[ReferenceLine] = (),
        sources: dict[str, Source] | None = None,
    ) -> None:
        self._zones: dict[str, Zone] = {z.id: z for z in zones}
        self._lines: dict[str, ReferenceLine] = {ln.id: ln for ln in reference_lines}
        self.sources: dict[str, Source] = dict(sources or {})
        self._areas: tuple[ZoneVersion, ...] = tuple(
            v for z in self._zones.values() for v in z.versions if v.is_area
        )
        self._index_cache: dict[int, BoundaryDistance] = {}
        # exact grid indexes over self._areas, per reach bucket (None: no reach)
        self._grid_cache: dict[float | None, tuple[GridIndex, tuple[bool, ...]]] = {}

    # ----------------------------------------------------------------- loading
    @classmethod
    def default(cls) -> ZoneCatalogue:
        """The shipped zones (loaded and validated once per process)."""
        return _default_catalogue()

    @classmethod
    def from_result(cls, result: LoadResult) -> ZoneCatalogue:
        """Build from a :class:`LoadResult`, raising if it holds problems."""
        result.raise_for_problems()
        return cls(result.zones, result.reference_lines, result.sources)

    @classmethod
    def load(cls, *paths: str | Path, with_seeds: bool = True) -> ZoneCatalogue:
        """The shipped zones plus users' zone files (TOML, JSON or GeoJSON).

        Raises
        ------
        airmap.geo.ValidationError
            Listing every problem in the files, each with file, record and field.
        """
        if not paths and with_seeds:
            return cls.default()
        return cls.from_result(load_files(paths, with_seeds=with_seeds))

    # ------------------------------------------------------------ mapping API
    def get(self, zone_id: str) -> Zone:
        """The zone with this id; an unknown id raises an error suggesting close ids."""
        try:
            return self._zones[zone_id]
        except KeyError:
            raise UnknownZoneError(zone_id, [*self._zones, *self._lines]) from None

    def reference_line(self, line_id: str) -> ReferenceLine:
        """The reference line with this id."""
        try:
            return self._lines[line_id]
        except KeyError:
            raise UnknownZoneError(line_id, [*self._zones, *self._lines]) from None

    @property
    def reference_lines(self) -> tuple[ReferenceLine, ...]:
        """Lines that are not areas (median lines, shelf boundaries, baselines)."""
        return tuple(self._lines.values())

    @property
    def versions(self) -> tuple[ZoneVersion, ...]:
        """Every version of every zone that is an area (membership is computable)."""
        return self._areas

    def __getitem__(self, zone_id: str) -> Zone:
        return self.get(zone_id)

    def __iter__(self) -> Iterator[Zone]:
        return iter(self._zones.values())

    def __len__(self) -> int:
        return len(self._zones)

    def __contains__(self, zone_id: object) -> bool:
        return zone_id in self._zones

    def __repr__(self) -> str:
        return (
            f"<ZoneCatalogue {len(self._zones)} zones, {len(self._areas)} area versions, "
            f"{len(self._lines)} reference lines>"
        )

    def at(self, when: dt.datetime) -> tuple[ZoneVersion, ...]:
        """The versions in force at the instant ``when`` (aware; naive is refused).

        >>> import datetime as dt
        >>> cat = ZoneCatalogue.default()
        >>> [
        ...     v.key
        ...     for v in cat.at(dt.datetime(2013, 12, 1, tzinfo=dt.UTC))
        ...     if v.zone_id == "kadiz"
        ... ]
        ['kadiz@1951']
        """
        when = as_utc(when, what="when")
        return tuple(
            v
            for z in self._zones.values()
            for v in z.versions
            if v.validity.contains(when)
        )

    def select(
        self,
        *,
        kind: str | ZoneKind | Iterable[str | ZoneKind] | None = None,
        state: str | Iterable[str] | None = None,
        ids: Iterable[str] | None = None,
    ) -> ZoneCatalogue:
        """A catalogue restricted by kind, by state (declaring, holding or claiming) or ids.

        >>> cat = ZoneCatalogue.default()
        >>> sorted(z.id for z in cat.select(kind="adiz", state="KOR"))
        ['kadiz']
        """
        zones = list(self._zones.values())
        if kind is not None:
            kinds = [kind] if isinstance(kind, (str, ZoneKind)) else list(kind)
            wanted = {ZoneKind.parse(k) for k in kinds}
            zones = [z for z in zones if z.kind in wanted]
        if state is not None:
            states = {state} if isinstance(state, str) else set(state)
            zones = [
                z
                for z in zones
                if z.declared_by in states
                or z.holder in states
                or states & set(z.claimants)
            ]
        if ids is not None:
            wanted_ids = list(ids)
            for zid in wanted_ids:
                self.get(zid)  # raises with suggestions
            zones = [z for z in zones if z.id in set(wanted_ids)]
        sub = ZoneCatalogue(zones, self._lines.values(), self.sources)
        sub._index_cache = self._index_cache
        return sub

    # --------------------------------------------------------------- indexes
    def boundary(self, version: ZoneVersion | str) -> BoundaryDistance:
        """The exact geodesic distance index of a zone version's edge (built once).

        ``version`` is a :class:`ZoneVersion` of this catalogue or its key
        (``"kadiz@2013"``). Track analysis uses it to place entry and exit
        instants and to measure penetration depth.

        >>> cat = ZoneCatalogue.default()
        >>> round(cat.boundary("ta-dokdo@1978").signed_distance_m(132.0019, 37.2416))
        -10480
        """
        if isinstance(version, str):
            matches = [v for v in self.versions if v.key == version]
            if not matches:
                raise UnknownZoneError(version, [v.key for v in self.versions])
            version = matches[0]
        return self._index(version)

    def _index(self, version: ZoneVersion) -> BoundaryDistance:
        key = id(version)
        index = self._index_cache.get(key)
        if index is None:
            index = BoundaryDistance(version.geometry)
            self._index_cache[key] = index
        return index

    @property
    def index(self) -> GridIndex:
        """The exact grid index over :attr:`versions` (built once, on first use).

        ``cat.index.query(lon, lat)`` answers the raw covers predicate for every
        zone version at once as a per-point bitmask (bit ``j`` is
        ``cat.versions[j]``; :attr:`~airmap.geo.GridResult.zones` holds their
        keys), bit for bit shapely's ``intersects_xy`` on each geometry, with no
        validity, boundary band or distances.

        >>> cat = ZoneCatalogue.default()
        >>> res = cat.index.query(132.0019, 37.2416)
        >>> [k for k, hit in zip(res.zones, res.matrix()[:, 0], strict=True) if hit]
        ['incheon-fir@aip-2018-07-18', 'kadiz@1951', 'kadiz@2013', 'ta-dokdo@1978']
        """
        return self._grid(None)[0]

    def covering(
        self, lon: float, lat: float, when: dt.datetime | None = None
    ) -> tuple[ZoneVersion, ...]:
        """The area versions whose closed geometry covers one point, fast.

        The single-point path of the grid index (about 25 µs after the first call):
        exactly shapely's covers on each version's geometry, filtered to the
        versions in force at ``when`` (aware; ``None``: every version). No
        boundary band, no uncertainty, no distances: use :meth:`check` for those.

        >>> import datetime as dt
        >>> cat = ZoneCatalogue.default()
        >>> t = dt.datetime(2019, 7, 23, 0, 9, tzinfo=dt.UTC)
        >>> [v.key for v in cat.covering(132.0019, 37.2416, t)]
        ['incheon-fir@aip-2018-07-18', 'kadiz@2013', 'ta-dokdo@1978']
        """
        if when is not None and when.tzinfo is None:
            raise ValueError(
                "when must be timezone-aware (add tzinfo=datetime.UTC, or a UTC offset)"
            )
        res = self.index.query(lon, lat)
        hits = np.flatnonzero(np.unpackbits(res.bits[0], bitorder="little"))
        out = []
        for j in hits.tolist():
            if j >= len(self._areas):
                break
            v = self._areas[j]
            if when is None or v.validity.contains(when):
                out.append(v)
        return tuple(out)

    def _grid(self, reach_m: float | None) -> tuple[GridIndex, tuple[bool, ...]]:
        """Grid index with near bits for ``reach_m`` (bucketed), and always-near flags."""
        key = None if reach_m is None or reach_m <= 0 else reach_bucket_m(reach_m)
        hit = self._grid_cache.get(key)
        if hit is None:
            versions = self._areas
            pads: list[float | None] | None = None
            always = tuple(False for _ in versions)
            if key is not None:
                pads = []
                for v in versions:
                    _, miny, _, maxy = v.geometry.bounds
                    pads.append(lonlat_pad_deg(key, max(abs(miny), abs(maxy))))
                always = tuple(p is None for p in pads)
                pads = [0.0 if p is None else p for p in pads]
            index = GridIndex.build(
                [v.geometry for v in versions],
                names=[v.key for v in versions],
                reach_deg=pads,
            )
            hit = (index, always)
            self._grid_cache[key] = hit
        return hit

    # ----------------------------------------------------------------- check
    @overload
    def check(
        self,
        lon: float,
        lat: float,
        when: dt.datetime | None = ...,
        *,
        uncertainty_m: float = ...,
        tolerance_m: float = ...,
    ) -> list[Membership]: ...

    @overload
    def check(
        self,
        lon: ArrayLike,
        lat: ArrayLike,
        when: Any = ...,
        *,
        uncertainty_m: ArrayLike = ...,
        tolerance_m: float = ...,
    ) -> MembershipArray: ...

    def check(
        self,
        lon: Any,
        lat: Any,
        when: Any = None,
        *,
        uncertainty_m: Any = 0.0,
        tolerance_m: float = DEFAULT_TOLERANCE_M,
    ) -> list[Membership] | MembershipArray:
        """Which zone versions contain a position (scalar) or many positions (arrays).

        Parameters
        ----------
        lon, lat : float or array_like
            WGS84 longitude and latitude, degrees. Scalars give a list of
            :class:`Membership` (one per version in force, inside first, then
            nearest); arrays give a :class:`MembershipArray` (no object per point).
        when : datetime, array_like or None
            An aware instant, or one instant per position: aware datetimes, a
            zone-aware pandas Series, or a NumPy ``datetime64`` array (taken as
            UTC). Versions not in force then are left out (scalar) or marked
            ``not_in_force`` (arrays). ``None``: every version is checked, each
            answer carries its validity.
        uncertainty_m : float or array_like
            Radius of each position's uncertainty disc, metres; a disc that
            straddles an edge gives ``possibly_inside``.
        tolerance_m : float
            Half-width of the ``boundary`` band around each edge, metres
            (default 1 m; 0 turns it off, leaving the covers predicate alone).

        Returns
        -------
        list of Membership or MembershipArray
            Status and signed geodesic distance to the edge, metres (negative inside).

        Notes
        -----
        Load the catalogue once and pass arrays: the covers predicate of every
        version comes from one exact grid index (:attr:`index`, built on first
        use, bit for bit shapely's), and exact geodesic distances are
        computed only for points near an edge (all distances on first access of
        :attr:`MembershipArray.distance_m`).

        Examples
        --------
        A-50 pass 1 of 2019-07-23, 12 km east of Dokdo (derived position):

        >>> import datetime as dt
        >>> cat = ZoneCatalogue.default()
        >>> when = dt.datetime(2019, 7, 23, 0, 9, tzinfo=dt.UTC)
        >>> for m in cat.check(132.0019, 37.2416, when):
        ...     if m.inside:
        ...         print(
        ...             m.zone_id,
        ...             m.status.label,
        ...             m.claimants,
        ...             round(m.distance_to_edge_m),
        ...         )
        kadiz inside ('KOR',) -43053
        incheon-fir inside ('KOR',) -37073
        ta-dokdo inside ('KOR', 'JPN') -10480

        A point exactly 25 km north of Dokdo's centre, where Russia said its
        aircraft stayed, with a 3 km uncertainty disc:

        >>> [
        ...     (m.zone_id, m.status.label, round(m.distance_to_edge_m))
        ...     for m in cat.check(131.8667, 37.4669, uncertainty_m=3000)
        ...     if m.zone_id == "ta-dokdo"
        ... ]
        [('ta-dokdo', 'possibly_inside', 2756)]
        """
        if tolerance_m < 0 or not np.isfinite(tolerance_m):
            raise ValueError(
                f"tolerance_m must be a finite number ≥ 0, got {tolerance_m!r}"
            )
        versions = self._areas
        indexes = [self._index(v) for v in versions]
        if (
            np.ndim(lon) == 0
            and np.ndim(lat) == 0
            and np.ndim(uncertainty_m) == 0
            and (when is None or isinstance(when, dt.datetime))
        ):
            lon_f, lat_f = float(lon), float(lat)
            _check_range(np.array([lon_f]), np.array([lat_f]))
            unc = float(uncertainty_m)
            if not np.isfinite(unc) or unc < 0:
                raise ValueError(
                    f"uncertainty_m must be a finite number ≥ 0, got {uncertainty_m!r}"
                )
            w = as_utc(when, what="when") if when is not None else None
            return check_point(
                versions,
                indexes,
                lon_f,
                lat_f,
                w,
                uncertainty_m=unc,
                tolerance_m=tolerance_m,
            )
        x = np.ravel(np.asarray(lon, dtype=np.float64))
        y = np.ravel(np.asarray(lat, dtype=np.float64))
        if x.shape != y.shape:
            raise ValueError(f"lon has {x.size} values but lat has {y.size}")
        _check_range(x, y)
        unc_arr = np.asarray(uncertainty_m, dtype=np.float64)
        if unc_arr.ndim and unc_arr.size != x.size:
            raise ValueError(
                f"uncertainty_m has {unc_arr.size} values for {x.size} positions"
            )
        if np.any(~np.isfinite(unc_arr)) or np.any(unc_arr < 0):
            raise ValueError("uncertainty_m must be finite and ≥ 0")
        times = _to_datetime64(when, x.size)
        reach = max(float(unc_arr.max()) if unc_arr.size else 0.0, tolerance_m)
        grid, always_near = self._grid(reach)
        return check_arrays(
            versions,
            indexes,
            grid,
            x,
            y,
            times,
            uncertainty_m=unc_arr,
            tolerance_m=tolerance_m,
            always_near=always_near,
        )

    # ------------------------------------------------------------- exports
    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """One row per zone version (areas and partial lines), EPSG:4326, with provenance."""
        import geopandas as gpd

        rows = [
            v.properties() | {"geometry": v.geometry}
            for z in self._zones.values()
            for v in z.versions
        ]
        for row in rows:
            row["claimants"] = ",".join(row["claimants"])
            row["sources"] = ",".join(row["sources"])
        return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """All zone versions as a GeoJSON FeatureCollection (RFC 7946 order lon, lat)."""
        return {
            "type": "FeatureCollection",
            "features": [
                v.__geo_interface__ for z in self._zones.values() for v in z.versions
            ],
        }


def _check_range(x: NDArray[np.float64], y: NDArray[np.float64]) -> None:
    bad_lat = ~((y >= -90.0) & (y <= 90.0))
    if bad_lat.any():
        i = int(np.flatnonzero(bad_lat)[0])
        raise ValueError(f"lat {y[i]!r} (position {i}) is outside -90..90")
    bad_lon = ~((x >= -180.0) & (x <= 180.0))
    if bad_lon.any():
        i = int(np.flatnonzero(bad_lon)[0])
        raise ValueError(f"lon {x[i]!r} (position {i}) is outside -180..180")


@functools.cache
def _default_catalogue() -> ZoneCatalogue:
    return ZoneCatalogue.from_result(load_seeds())
