"""``airmap export``: formats, selections, one-line errors and no stray files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from airmap.maps.cli import ExitStatus
from tests.common import ANTIMERIDIAN, SQUARE, write_user_zones, zone_feature
from tests.common import run_cli as run

DOKDO = "2019-07-23-dokdo"


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_default_gpkg_export_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "all.gpkg"
    code, stdout, err = run(["export", "-o", str(out)], capsys)
    assert code == ExitStatus.OK
    assert stdout == ""
    assert err.count("\n") == 1
    assert err.startswith(f"{out}: 12 zones, 1 zone_lines, 3 reference_lines, ")
    assert f"{out.stat().st_size:,} bytes (gpkg)" in err
    layers = pyogrio.list_layers(out)[:, 0].tolist()
    assert layers[:3] == ["zones", "zone_lines", "reference_lines"]
    assert "incidents" in layers
    assert "positions" in layers
    zones = pyogrio.read_dataframe(out, layer="zones").set_index("id")
    assert str(zones.loc["kadiz@1951", "valid_to"]) == "2013-12-15 05:00:00+00:00"
    assert json.loads(zones.loc["ta-dokdo@1978", "claimants"]) == ["KOR", "JPN"]
    assert listing(tmp_path) == ["all.gpkg"]


def test_selection_options_geojson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dokdo.json"
    code, _, err = run(
        [
            "export",
            "-o",
            str(out),
            "--incident",
            DOKDO,
            "--when",
            "2019-07-23T09:09+09:00",
            "--kind",
            "territorial_airspace",
            "--kind",
            "adiz",
            "--bbox",
            "129,36,133,38.5",
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    props = [f["properties"] for f in doc["features"]]
    families = {p["family"] for p in props}
    assert "reference_lines" not in families  # --kind without reference_line
    zones = {p["id"] for p in props if p["family"] == "zones"}
    assert {"kadiz@2013", "ta-dokdo@1978", "ta-ulleungdo@1978"} <= zones
    assert "kadiz@1951" not in zones
    assert "taiwan-adiz@current" not in zones
    assert {p["kind"] for p in props if p["family"] == "zones"} <= {
        "adiz",
        "territorial_airspace",
    }
    assert {p["incident_id"] for p in props if "incident_id" in p} == {DOKDO}
    assert err.startswith(f"{out}: ")
    assert "(geojson)" in err


def test_format_option_overrides_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "layers.dat"
    code, _, err = run(
        ["export", "-o", str(out), "--format", "kml", "--incident", DOKDO], capsys
    )
    assert code == ExitStatus.OK, err
    assert out.read_bytes().startswith(b"<?xml")
    assert "(kml)" in err


def test_user_files_without_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zones = write_user_zones(
        tmp_path / "zones.geojson",
        [zone_feature("am", [ANTIMERIDIAN]), zone_feature("sq", [SQUARE])],
    )
    incidents = tmp_path / "incidents.json"
    incidents.write_text(json.dumps({"incident": []}), encoding="utf-8")
    out = tmp_path / "user.geojson"
    code, _, err = run(
        [
            "export",
            "-o",
            str(out),
            "--zones",
            str(zones),
            "--incidents",
            str(incidents),
            "--no-seeds",
            "--bbox=-180,45,-170,60",
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    doc = json.loads(out.read_text(encoding="utf-8"))
    ids = [f["properties"]["id"] for f in doc["features"]]
    assert ids == ["am@1"]  # only the antimeridian zone reaches west of -170
    assert doc["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--format", "shp"], ExitStatus.USAGE, "--format: unknown format 'shp'"),
        (["--incident", "2019-07-23-dokdoo"], ExitStatus.DATA_ERROR, "did you mean"),
        (
            ["--bbox", "133,36,129,38"],
            ExitStatus.USAGE,
            "--bbox: MINLON 133 is not less than MAXLON 129",
        ),
        (
            ["--bbox", "129,36,133,91"],
            ExitStatus.USAGE,
            r"--bbox: MAXLAT 91 is outside -90\.\.90",
        ),
        (
            ["--bbox", "129,36,133"],
            ExitStatus.USAGE,
            "--bbox: .*expected 4 numbers .*, got 3",
        ),
        (["--bbox", "129,north,133,38"], ExitStatus.USAGE, "--bbox: MINLAT 'north'"),
        (["--kind", "adzi"], ExitStatus.USAGE, "--kind: unknown zone kind 'adzi'"),
        (["--when", "2019-07-23T00:09"], ExitStatus.USAGE, "--when: .* no time zone"),
        (["--bbox", "0,0,1,1", "--kind", "fir"], ExitStatus.DATA_ERROR, "nothing"),
    ],
)
def test_bad_arguments_one_line_no_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: ExitStatus,
    message: str,
) -> None:
    import re

    out = tmp_path / "out.kml"
    code, stdout, err = run(["export", "-o", str(out), *args], capsys)
    assert code == status
    assert stdout == ""
    assert err.count("\n") == 1, err
    assert err.startswith("airmap: error: "), err
    assert re.search(message, err), err
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/out.kml", "directory .*missing does not exist"),
        ("afile/out.kml", "directory .*afile is not a directory"),
        ("adir", "unknown suffix|no suffix"),
        ("out.shp", r"out\.shp: unknown suffix '\.shp'"),
    ],
)
def test_bad_outputs_one_line_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str
) -> None:
    import re

    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "adir").mkdir()
    before = listing(tmp_path)
    code, _, err = run(["export", "-o", str(tmp_path / target)], capsys)
    assert code != ExitStatus.OK
    assert err.count("\n") == 1, err
    assert err.startswith("airmap: error: "), err
    assert re.search(message, err), err
    assert listing(tmp_path) == before
    assert listing(tmp_path / "adir") == []


def test_directory_target_with_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["export", "-o", str(tmp_path), "--format", "gpkg"], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {tmp_path}: cannot write: is a directory\n"
    assert listing(tmp_path) == []


def test_missing_output_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["export"], capsys)
    assert code == ExitStatus.USAGE
    assert err == "airmap: error: -o/--output FILE is required\n"


def test_error_keeps_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "keep.geojson"
    out.write_text("old", encoding="utf-8")
    code, _, _ = run(["export", "-o", str(out), "--incident", "nope"], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out.read_text(encoding="utf-8") == "old"
    assert listing(tmp_path) == ["keep.geojson"]


def test_export_loads_no_map_or_figure_libraries(tmp_path: Path) -> None:
    code = (
        "import sys, json; from airmap.maps.cli import main; "
        f"rc = main(['export', '-o', {str(tmp_path / 'x.kml')!r}, "
        f"'--incident', {DOKDO!r}]); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('folium', 'branca', 'jinja2', 'matplotlib')); "
        "print(json.dumps([rc, heavy]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    rc, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    assert rc == 0
    assert heavy == []
    assert (tmp_path / "x.kml").is_file()
