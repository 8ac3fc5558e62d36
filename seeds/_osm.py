"""Read OSM country polygons from npm ``@osm_borders/maritime_1m``.

Build-time only. The package holds one GeoJSON FeatureCollection
(``borders.geo.json``, OSM admin level 2 as of April 2022, simplified to 1 m):
one Feature per country with ``isoA3`` (and usually ``isoA2``) properties and a
GeometryCollection of Polygons that include the country's sea out to OSM's
territorial-sea line. ODbL 1.0, © OpenStreetMap contributors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from ._gshhg import MissingInputError, sha256_file

__all__ = ["DEFAULT_PATH", "NPM_INSTALL", "PACKAGE", "OsmBorders"]

Box = tuple[float, float, float, float]

PACKAGE = "@osm_borders/maritime_1m"
PINNED_VERSION = "1.1.0"
#: Where ``npm ci`` (run at the repository root) puts the data file.
DEFAULT_PATH = Path("node_modules") / PACKAGE / "borders.geo.json"
NPM_INSTALL = "npm ci (at the repository root; package.json pins " + (
    f"{PACKAGE} {PINNED_VERSION})"
)


class OsmBorders:
    """OSM country polygons by ISO 3166-1 alpha-3 code.

    Parameters
    ----------
    path : pathlib.Path
        The package's ``borders.geo.json``.

    Raises
    ------
    MissingInputError
        When the file is missing.
    """

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise MissingInputError(
                f"OSM borders: {path} not found; npm package {PACKAGE} is not "
                f"installed (install it with: {NPM_INSTALL}, or pass --osm PATH)"
            )
        self.path = path
        pkg_json = path.parent / "package.json"
        self.version = PINNED_VERSION
        if pkg_json.is_file():
            self.version = str(json.loads(pkg_json.read_text("utf-8"))["version"])
        with path.open("rb") as f:
            self._data: dict[str, Any] = json.load(f)
        self._features: dict[str, dict[str, Any]] = {}
        for feature in self._data["features"]:
            code = feature["properties"].get("isoA3")
            if code:
                self._features[str(code)] = feature
        self._cache: dict[str, MultiPolygon] = {}
        self._shapes: dict[str, BaseGeometry] = {}

    def file_hashes(self) -> dict[str, str]:
        """Return sha256 of the data file read, keyed by package path."""
        return {"borders.geo.json": sha256_file(self.path)}

    def codes(self) -> list[dict[str, str]]:
        """Return ``[{"alpha3": ..., "alpha2": ...}]`` for every feature, sorted."""
        out = []
        for code in sorted(self._features):
            props = self._features[code]["properties"]
            row = {"alpha3": code}
            if props.get("isoA2"):
                row["alpha2"] = str(props["isoA2"])
            out.append(row)
        return out

    def country(self, alpha3: str) -> MultiPolygon:
        """Return one country's polygons (land and OSM sea) as a MultiPolygon."""
        if alpha3 not in self._cache:
            try:
                feature = self._features[alpha3]
            except KeyError:
                raise KeyError(f"no country {alpha3!r} in {self.path}") from None
            geom = shape(feature["geometry"])
            polys: list[Polygon] = []
            for part in getattr(geom, "geoms", [geom]):
                if not part.is_valid:
                    part = shapely.make_valid(part)
                for p in getattr(part, "geoms", [part]):
                    if isinstance(p, Polygon) and not p.is_empty:
                        polys.append(p)
            merged = shapely.union_all(polys)
            if isinstance(merged, Polygon):
                self._cache[alpha3] = MultiPolygon([merged])
            elif isinstance(merged, MultiPolygon):
                self._cache[alpha3] = merged
            else:
                raise ValueError(f"{self.path}: {alpha3} has no polygons")
        return self._cache[alpha3]

    def _shape(self, alpha3: str) -> BaseGeometry:
        if alpha3 not in self._shapes:
            try:
                feature = self._features[alpha3]
            except KeyError:
                raise KeyError(f"no country {alpha3!r} in {self.path}") from None
            self._shapes[alpha3] = shape(feature["geometry"])
        return self._shapes[alpha3]

    def codes_in(self, box: Box) -> list[str]:
        """Return the sorted alpha-3 codes of countries whose extent meets a box.

        Parameters
        ----------
        box : tuple of float
            ``(min_lon, min_lat, max_lon, max_lat)``, degrees.
        """
        minx, miny, maxx, maxy = box
        out = []
        for code in sorted(self._features):
            x0, y0, x1, y1 = self._shape(code).bounds
            if x0 <= maxx and x1 >= minx and y0 <= maxy and y1 >= miny:
                out.append(code)
        return out

    def country_in(self, alpha3: str, box: Box) -> MultiPolygon:
        """Return one country's polygons clipped to a lon/lat box (may be empty).

        Cheaper than :meth:`country` for large countries: only the parts that
        meet the box are repaired and merged.
        """
        minx, miny, maxx, maxy = box
        polys: list[Polygon] = []
        for part in getattr(self._shape(alpha3), "geoms", []):
            x0, y0, x1, y1 = part.bounds
            if x0 > maxx or x1 < minx or y0 > maxy or y1 < miny:
                continue
            if not part.is_valid:
                part = shapely.make_valid(part)
            clipped = shapely.clip_by_rect(part, minx, miny, maxx, maxy)
            for p in getattr(clipped, "geoms", [clipped]):
                if isinstance(p, Polygon) and not p.is_empty:
                    polys.append(p)
        merged = shapely.union_all(polys) if polys else MultiPolygon()
        if isinstance(merged, Polygon):
            return MultiPolygon([merged])
        if isinstance(merged, MultiPolygon):
            return merged
        return MultiPolygon(
            [p for p in getattr(merged, "geoms", []) if isinstance(p, Polygon)]
        )
