"""The map's own basemap: land (with its coast) and land borders, as vectors.

Read from ``seeds/derived/basemap-land.geojson`` and
``seeds/derived/basemap-borders.geojson``, which ``python -m airmap.seeds.build``
derives from GSHHG (coast, LGPL-3.0-or-later) and OpenStreetMap (borders, ODbL
1.0). Both are simplified for display in nested boxes ("tiers"): full GSHHG detail
round the incident areas, about a kilometre in the regions the seeds cover, a coarse
outline elsewhere. The tolerance of each tier is in the files and here; use the
geometry to draw, never to decide membership (the zones do that).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import MultiLineString, MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from airmap.geo import SeedError

__all__ = ["BORDERS_FILE", "LAND_FILE", "Basemap", "BasemapTier", "basemap"]

#: The land file, under ``airmap.seeds.derived``.
LAND_FILE = "basemap-land.geojson"
#: The land-border file, under ``airmap.seeds.derived``.
BORDERS_FILE = "basemap-borders.geojson"

_REBUILD = "rebuild the base geography with `python -m airmap.seeds.build`"


@dataclass(frozen=True)
class BasemapTier:
    """A box of the basemap with its own level of detail.

    Examples
    --------
    >>> from airmap.layers import basemap
    >>> basemap().tiers[0]
    BasemapTier(name='dokdo-ulleungdo', bounds=(130.3, 36.9, 132.4, 37.9), tolerance_m=5.0)
    """

    #: Short name, e.g. ``"east-asia"``.
    name: str
    #: ``(min_lon, min_lat, max_lon, max_lat)``, degrees.
    bounds: tuple[float, float, float, float]
    #: The drawn coast lies within this of GSHHG's, and GSHHG's within this of
    #: the drawn one (geodesic metres), for the islands kept in the tier.
    tolerance_m: float

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.bounds
        if not all(math.isfinite(v) for v in self.bounds) or x0 >= x1 or y0 >= y1:
            raise ValueError(f"basemap tier {self.name}: bad bounds {self.bounds}")
        if not math.isfinite(self.tolerance_m) or self.tolerance_m < 0:
            raise ValueError(
                f"basemap tier {self.name}: bad tolerance_m {self.tolerance_m}"
            )

    def holds(self, lon: float, lat: float) -> bool:
        """Return whether a point (degrees) lies in the tier's box (edges included)."""
        x0, y0, x1, y1 = self.bounds
        return x0 <= lon <= x1 and y0 <= lat <= y1


@dataclass(frozen=True, eq=False)
class Basemap:
    """Land and land borders for display, with their provenance and tolerance.

    Get it with :func:`basemap`, which reads the files once.

    Examples
    --------
    >>> from airmap.layers import basemap
    >>> bm = basemap()
    >>> bm.land.geom_type, bm.borders.geom_type
    ('MultiPolygon', 'MultiLineString')
    >>> bm.tolerance_at(131.8694, 37.2407)  # Dongdo (Dokdo): full detail
    5.0
    >>> bm.tolerance_at(126.978, 37.5665)  # Seoul: the East Asia region
    1000.0
    """

    #: Land (GSHHG level 1 minus large lakes), lon/lat degrees, valid.
    land: MultiPolygon
    #: Land borders (OSM), lon/lat degrees, in the regions only.
    borders: MultiLineString
    #: What a map must show, e.g. ``"© OpenStreetMap contributors ..."``.
    attribution: tuple[str, ...]
    #: The largest tolerance anywhere (the coarse world outline), metres.
    tolerance_m: float
    #: Tiers in order: a point takes the first whose box holds it.
    tiers: tuple[BasemapTier, ...]
    #: The licences of the data, e.g. ``"LGPL-3.0-or-later"``.
    licences: tuple[str, ...]
    _land_text: str
    _borders_text: str

    @property
    def land_geojson(self) -> dict[str, Any]:
        """The land file as a GeoJSON FeatureCollection (a fresh copy each time)."""
        doc: dict[str, Any] = json.loads(self._land_text)
        return doc

    @property
    def borders_geojson(self) -> dict[str, Any]:
        """The border file as a GeoJSON FeatureCollection (a fresh copy each time)."""
        doc: dict[str, Any] = json.loads(self._borders_text)
        return doc

    def tolerance_at(self, lon: float, lat: float) -> float:
        """Return the display tolerance at a point, metres.

        Parameters
        ----------
        lon, lat : float
            Position, degrees (WGS84).

        Returns
        -------
        float
            Tolerance of the first tier whose box holds the point, metres.
        """
        for tier in self.tiers:
            if tier.holds(lon, lat):
                return tier.tolerance_m
        return self.tolerance_m


def _read(name: str) -> tuple[str, dict[str, Any], str]:
    where = f"seeds/derived/{name}"
    entry = resources.files("airmap.seeds").joinpath("derived", name)
    try:
        text = entry.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedError(where, f"basemap file missing; {_REBUILD}") from None
    try:
        doc = json.loads(text)
        features = doc["features"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SeedError(
            where, f"not a GeoJSON FeatureCollection ({exc}); {_REBUILD}"
        ) from None
    if not isinstance(features, list) or len(features) != 1:
        raise SeedError(where, f"expected exactly one feature; {_REBUILD}")
    feature = features[0]
    if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
        raise SeedError(where, "feature without properties", field="properties")
    return text, feature, where


def _geometry(feature: dict[str, Any], where: str, kinds: tuple[str, ...]) -> Any:
    try:
        geom: BaseGeometry = shape(feature["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SeedError(where, f"bad geometry ({exc})", field="geometry") from None
    if geom.geom_type not in kinds:
        raise SeedError(
            where,
            f"geometry is {geom.geom_type}, expected one of {', '.join(kinds)}",
            field="geometry",
        )
    if not geom.is_valid:
        raise SeedError(
            where,
            f"invalid geometry ({shapely.is_valid_reason(geom)})",
            field="geometry",
        )
    return geom


def _tiers(props: dict[str, Any], where: str) -> tuple[BasemapTier, ...]:
    try:
        return tuple(
            BasemapTier(
                str(t["name"]),
                (
                    float(t["box"][0]),
                    float(t["box"][1]),
                    float(t["box"][2]),
                    float(t["box"][3]),
                ),
                float(t["tolerance_m"]),
            )
            for t in props["tiers"]
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SeedError(where, f"bad tiers ({exc})", field="tiers") from None


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@functools.cache
def basemap() -> Basemap:
    """Return the shipped basemap (read once, then cached).

    Returns
    -------
    Basemap
        Land and land borders in lon/lat degrees (WGS84), with attribution,
        licences and display tolerance in metres.

    Raises
    ------
    airmap.geo.SeedError
        When a basemap file is missing or malformed (the message names the file
        and says how to rebuild it).

    Notes
    -----
    Reading and validating both files takes a fraction of a second, once per
    process.
    """
    land_text, land_f, land_where = _read(LAND_FILE)
    borders_text, borders_f, borders_where = _read(BORDERS_FILE)
    land = _geometry(land_f, land_where, ("Polygon", "MultiPolygon"))
    if isinstance(land, Polygon):
        land = MultiPolygon([land])
    borders = _geometry(borders_f, borders_where, ("LineString", "MultiLineString"))
    if not isinstance(borders, MultiLineString):
        borders = MultiLineString([borders])
    props = land_f["properties"]
    tiers = _tiers(props, land_where)
    try:
        tolerance_m = float(props["tolerance_m"])
    except (KeyError, TypeError, ValueError):
        raise SeedError(
            land_where, "missing or bad tolerance_m", field="tolerance_m"
        ) from None
    attribution: list[str] = []
    licences: list[str] = []
    for f, where in ((land_f, land_where), (borders_f, borders_where)):
        lines = f["properties"].get("attribution")
        if not isinstance(lines, list) or not lines:
            raise SeedError(where, "no attribution", field="attribution")
        attribution.extend(str(a) for a in lines)
        licences.extend(
            part.strip()
            for part in str(f["properties"].get("licence", "")).split(" AND ")
        )
    return Basemap(
        land=land,
        borders=borders,
        attribution=_unique(attribution),
        tolerance_m=tolerance_m,
        tiers=tiers,
        licences=_unique([lic for lic in licences if lic]),
        _land_text=land_text,
        _borders_text=borders_text,
    )
