"""``airmap zones``: list, show, validate; ``--zones`` user files in ``check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airmap.maps.cli import ExitStatus
from tests.common import SQUARE, write_user_zones, zone_feature
from tests.common import run_cli as run


def test_list_shows_versions_validity_claimants(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["zones"], capsys)
    assert code == ExitStatus.OK
    lines = {
        line.split()[0]: line
        for line in out.splitlines()[1:]
        if line.strip() and "@" in line.split()[0]
    }
    assert "2013-12-15 05:00" in lines["kadiz@1951"]  # valid until
    assert "2013-12-15 05:00" in lines["kadiz@2013"]  # valid from
    assert any("KOR,JPN" in v for k, v in lines.items() if k.startswith("ta-dokdo@"))
    assert any("partial" in v for k, v in lines.items() if k.startswith("jadiz@"))


def test_list_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["zones", "--format", "json"], capsys)
    assert code == ExitStatus.OK
    doc = json.loads(out)
    kadiz = [z for z in doc["zones"] if z["id"] == "kadiz"]
    assert [z["version"] for z in kadiz] == ["1951", "2013"]
    assert kadiz[0]["valid_to"] == kadiz[1]["valid_from"] == "2013-12-15T05:00:00+00:00"


def test_show_prints_vertices_with_printed_forms_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["zones", "show", "kadiz"], capsys)
    assert code == ExitStatus.OK
    assert "3900N 12330E" in out  # 2013 vertex 1 as printed
    assert "39.000000" in out
    assert "123.500000" in out
    assert "DIFFERS" in out  # NewDaily's 122°25′E typo kept side by side
    assert "version 1951" in out
    assert "version 2013" in out


def test_show_unknown_zone_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["zones", "show", "kadis"], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err.startswith(
        "airmap: error: no zone with id 'kadis'; did you mean 'kadiz'"
    )


def test_validate_reports_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = zone_feature("bad-one", [SQUARE[:-1]], kind="adz", claimants=("KOR", "XXQ"))
    path = write_user_zones(tmp_path / "mine.geojson", [bad])
    code, _out, err = run(["zones", "validate", str(path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    lines = err.strip().splitlines()
    assert lines[-1] == f"{len(lines) - 1} problems found"
    body = "\n".join(lines[:-1])
    assert f"{path}: zone bad-one: kind: unknown kind 'adz'" in body
    assert (
        f"{path}: zone bad-one: claimants: 'XXQ' is not a known ISO 3166-1 alpha-3 code"
        in body
    )
    assert (
        f"{path}: zone bad-one, version 1: geometry: outer ring is not closed" in body
    )
    assert all(line.startswith("airmap: error: ") for line in lines[:-1])


def test_validate_good_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_user_zones(
        tmp_path / "mine.geojson", [zone_feature("my-zone", [SQUARE])]
    )
    code, out, err = run(["zones", "validate", str(path)], capsys)
    assert (code, err) == (ExitStatus.OK, "")
    assert out == "1 file valid\n"


def test_user_zones_join_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_user_zones(
        tmp_path / "mine.geojson",
        [zone_feature("my-zone", [SQUARE], claimants=("JPN",), holder="JPN")],
    )
    code, out, err = run(
        ["check", "37.5,130.5", "--zones", str(path), "--format", "json"], capsys
    )
    assert code == ExitStatus.OK, err
    mine = [m for m in json.loads(out)["memberships"] if m["id"] == "my-zone"]
    assert mine
    assert mine[0]["status"] == "inside"
    assert mine[0]["claimants"] == ["JPN"]


def test_broken_user_zones_stop_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_user_zones(
        tmp_path / "mine.geojson", [zone_feature("my-zone", [SQUARE[:-1]], kind="adz")]
    )
    code, out, err = run(["check", "37.5,130.5", "--zones", str(path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err.startswith(
        f"airmap: error: {path}: zone my-zone: kind: unknown kind 'adz'"
    )
    assert "`airmap zones validate FILE` lists them all" in err
