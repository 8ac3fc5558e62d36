"""Named test shapes and small builders shared by the tests.

Shapes are lon/lat rings (closed, GeoJSON order). ``zone_feature`` and
``write_user_zones`` turn them into user zone files in the documented format.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest


def run_cli(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """Run ``airmap`` in-process: exit code, stdout and stderr."""
    from airmap.maps.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def under_ci() -> bool:
    """Whether we run under CI, where a missing prerequisite must fail."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing_prerequisite(reason: str) -> None:
    """Skip locally, fail under CI (``CI=true``), with the same clear message."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: a missing prerequisite is a failure)")
    pytest.skip(reason)


#: A 1° × 1° square near Dokdo's latitude (about 88 km × 111 km).
SQUARE = [[130.0, 37.0], [131.0, 37.0], [131.0, 38.0], [130.0, 38.0], [130.0, 37.0]]
#: The square with a 0.4° square hole in the middle.
HOLE = [[130.3, 37.3], [130.3, 37.7], [130.7, 37.7], [130.7, 37.3], [130.3, 37.3]]
#: A zone across the antimeridian, longitudes kept continuous (175 → 185).
ANTIMERIDIAN = [
    [175.0, 50.0],
    [185.0, 50.0],
    [185.0, 54.0],
    [175.0, 54.0],
    [175.0, 50.0],
]

#: A source that user test files can define inline.
TEST_SOURCE = {
    "url": "https://example.org/test-zone",
    "title": "Synthetic test zone",
    "confidence": "high",
}


def zone_feature(
    zone_id: str,
    rings: list[list[list[float]]],
    *,
    version: str = "1",
    kind: str = "adiz",
    claimants: tuple[str, ...] = ("KOR",),
    holder: str | None = "KOR",
    valid_from: str | None = None,
    valid_to: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One GeoJSON Feature carrying one zone version in the user-file format."""
    props: dict[str, Any] = {
        "id": zone_id,
        "name": f"Test zone {zone_id}",
        "kind": kind,
        "declared_by": claimants[0],
        "claimants": list(claimants),
        "confidence": "high",
        "version": version,
        "edge_rule": "straight_lonlat",
        "derivation": "synthetic test geometry",
        "uncertainty_m": 0.0,
        "sources": ["test-source"],
    }
    if holder is not None:
        props["holder"] = holder
    if valid_from is not None:
        props["valid_from"] = valid_from
    if valid_to is not None:
        props["valid_to"] = valid_to
    props.update(extra)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": rings},
    }


def write_user_zones(path: Path, features: list[dict[str, Any]]) -> Path:
    """Write a user zone file (GeoJSON FeatureCollection with an inline source)."""
    doc = {
        "type": "FeatureCollection",
        "sources": {"test-source": TEST_SOURCE},
        "features": features,
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def resample_boundary(geometry: Any, step_m: float = 10.0) -> tuple[Any, Any]:
    """Lon and lat arrays of a polygon's boundary resampled every ``step_m`` metres.

    Each edge is taken as a geodesic (pyproj ``Geod.inv_intermediate``), so brute
    force distances built on it depend on pyproj alone, not on ``airmap.geo``.
    """
    import itertools

    import numpy as np

    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    lons: list[float] = []
    lats: list[float] = []
    for ring in [geometry.exterior, *geometry.interiors]:
        for (x1, y1), (x2, y2) in itertools.pairwise(np.asarray(ring.coords)):
            r = geod.inv_intermediate(
                x1,
                y1,
                x2,
                y2,
                del_s=step_m,
                initial_idx=0,
                terminus_idx=0,
                return_back_azimuth=True,
            )
            lons.extend(r.lons)
            lats.extend(r.lats)
    return np.asarray(lons), np.asarray(lats)
