"""``airmap check``: answers, CSV output, and every error path (acceptance 7)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from airmap.maps.cli import ExitStatus
from tests.common import run_cli as run

A50_PASS_1 = "37.2416,132.0019"  # incidents.md T1 (lat,lon)


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def only_input_left(directory: Path, *inputs: Path) -> None:
    """Nothing was written next to the input: no output, no temporary file."""
    assert sorted(p.name for p in directory.iterdir()) == sorted(p.name for p in inputs)


# ------------------------------------------------------------- one position
def test_point_answer_names_zones_and_claims(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["check", A50_PASS_1, "--when", "2019-07-23T00:09Z"], capsys)
    assert code == ExitStatus.OK, err
    assert "Sovereign airspace: KOR" in out
    assert "also claimed by JPN (disputed)" in out
    assert "ta-dokdo" in out
    assert "kadiz@2013" in out
    assert "kadiz@1951" in out  # listed as not in force then


def test_point_answer_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["check", A50_PASS_1, "--when", "2019-07-23T09:09+09:00", "--format", "json"],
        capsys,
    )
    assert code == ExitStatus.OK
    doc = json.loads(out)
    assert doc["when"] == "2019-07-23T00:09:00Z"
    by_id = {m["id"]: m for m in doc["memberships"]}
    assert by_id["ta-dokdo"]["status"] == "inside"
    assert by_id["ta-dokdo"]["claimants"] == ["KOR", "JPN"]
    assert by_id["ta-dokdo"]["distance_to_edge_m"] < 0
    assert "kadiz@1951" in doc["not_in_force"]


def test_printed_position_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["check", "37°14′26.8″N 131°52′10.4″E", "--format", "json"], capsys
    )
    assert code == ExitStatus.OK
    doc = json.loads(out)
    assert doc["position"]["lat"] == pytest.approx(37 + 14 / 60 + 26.8 / 3600)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "37.2,132.0", "--when", "2019-07-23T00:09"], "has no time zone"),
        (["check", "37.2,132.0", "--when", "yesterday"], "not an ISO 8601 date-time"),
        (["check", "97.2,132.0"], "latitude 97.2 is outside -90..90 (give LAT,LON)"),
        (
            ["check", "132.0,37.2"],
            "latitude 132 is outside -90..90; did you mean 37.2,132?",
        ),
        (["check", "somewhere"], "is neither a file nor a position"),
        (["check", "37.2,132.0", "--uncertainty", "-3"], "--uncertainty"),
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(argv, capsys)
    assert code == ExitStatus.USAGE
    assert out == ""
    assert err.startswith("airmap: error: ")
    assert message in err
    assert err.count("\n") == 1


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", A50_PASS_1, "--bogus"], capsys)
    assert code == ExitStatus.USAGE
    assert "unrecognized arguments: --bogus" in err


# ---------------------------------------------------------------- CSV files
GOOD = (
    "id,time,lon,lat,uncertainty_m\n"
    "a50-1,2019-07-23T00:09:00Z,132.0019,37.2416,3000\n"
    "far,2019-07-23T00:09:00Z,140.5,20.5,0\n"
    "ieodo,2013-12-01T00:00:00+09:00,125.182447,32.122953,0\n"
)


def test_csv_one_row_per_input_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "positions.csv", GOOD)
    out_path = tmp_path / "memberships.csv"
    code, _, err = run(["check", str(src), "--distances", "-o", str(out_path)], capsys)
    assert code == ExitStatus.OK, err
    rows = list(csv.DictReader(out_path.read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in rows] == ["a50-1", "far", "ieodo"]
    a50, far, ieodo = rows
    assert "ta-dokdo@" in a50["zones"] or "ta-dokdo@" in a50["possibly_inside"]
    assert a50["sovereign_holder"] in ("KOR", "")
    assert far["zones"] == ""
    # Ieodo on 2013-12-01: the 1951 KADIZ is in force and does not contain it
    assert ieodo["status:kadiz@1951"] == "outside"
    assert ieodo["status:kadiz@2013"] == "not_in_force"
    assert "cn-ecs-adiz@2013" in ieodo["zones"]
    assert float(ieodo["distance_m:cn-ecs-adiz@2013"]) < 0
    only_input_left(tmp_path, src, out_path)


BAD_ROWS = [
    ("lon,lat\n132.0,37.2\n132.0,91.2\n", 3, "lat: 91.2 is outside -90..90"),
    ("lon,lat\n132.0,37.2\n181.5,37.2\n", 3, "lon: 181.5 is outside -180..180"),
    ("lon,lat\n132.0,abc\n", 2, "lat: 'abc' is not a number"),
    ("lon,lat\n132.0,\n", 2, "lat: is empty"),
    (
        "lon,lat,time\n132.0,37.2,2019-07-23T00:09Z\n132.0,37.2,2019-07-23T00:09\n",
        3,
        "time: '2019-07-23T00:09' has no time zone; add Z for UTC or an offset like +09:00",
    ),
    (
        "lon,lat,time\n132.0,37.2,not-a-timeZ\n",
        2,
        "time: 'not-a-timeZ' is not an ISO 8601 date-time",
    ),
    (
        "lon,lat,uncertainty_m\n132.0,37.2,-5\n",
        2,
        "uncertainty_m: -5 is outside 0 m and up (it is a radius)",
    ),
    (
        "lon,latt\n132.0,37.2\n",
        1,
        "lat: missing column: expected one of lat, latitude (the header has: lon, latt)",
    ),
    ("lon,lat\n132.0,37.2,9\n", 2, "row has 3 fields but the header has 2"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_ROWS)
def test_bad_rows_stop_the_run(
    tmp_path: Path,
    text: str,
    line: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    src = write_csv(tmp_path / "positions.csv", text)
    out_path = tmp_path / "memberships.csv"
    code, _out, err = run(["check", str(src), "-o", str(out_path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {src}:{line}: {message}\n"
    only_input_left(tmp_path, src)


def test_bad_row_after_the_first_chunk_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from airmap.maps.cli import _check

    monkeypatch.setattr(_check, "CHUNK_ROWS", 2)
    src = write_csv(
        tmp_path / "positions.csv", "lon,lat\n" + "132.0,37.2\n" * 5 + "132.0,91.2\n"
    )
    out_path = tmp_path / "memberships.csv"
    code, _, err = run(["check", str(src), "-o", str(out_path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {src}:7: lat: 91.2 is outside -90..90\n"
    only_input_left(tmp_path, src)


def test_existing_output_survives_a_failed_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "positions.csv", "lon,lat\n132.0,91.2\n")
    out_path = tmp_path / "memberships.csv"
    out_path.write_text("previous results\n", encoding="utf-8")
    code, _, _ = run(["check", str(src), "-o", str(out_path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out_path.read_text(encoding="utf-8") == "previous results\n"
    only_input_left(tmp_path, src, out_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "file is empty"), ("lon,lat\n", "no data rows after the header")],
)
def test_empty_files(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "positions.csv", text)
    code, _, err = run(["check", str(src), "-o", str(tmp_path / "out.csv")], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert (
        err
        == f"airmap: error: {src}: {message}"
        + (" (expected a header line with lon,lat)" if not text else "")
        + "\n"
    )
    only_input_left(tmp_path, src)


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "positions.csv"
    code, _, err = run(["check", str(missing), "-o", str(tmp_path / "out.csv")], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {missing}: no such file\n"
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_csv(tmp_path / "positions.csv", GOOD)
    target = tmp_path / "no-such-dir" / "memberships.csv"
    code, _, err = run(["check", str(src), "-o", str(target)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert (
        err
        == f"airmap: error: {target}: cannot write: directory {target.parent} does not exist\n"
    )
    only_input_left(tmp_path, src)


def test_output_where_writing_is_denied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /sys refuses new files even to root, so this holds on CI too
    src = write_csv(tmp_path / "positions.csv", GOOD)
    code, _, err = run(["check", str(src), "-o", "/sys/memberships.csv"], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert (
        err
        == "airmap: error: /sys/memberships.csv: cannot write: permission denied in /sys\n"
    )
    assert not Path("/sys/memberships.csv").exists()
    only_input_left(tmp_path, src)


def test_output_is_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "positions.csv", GOOD)
    target = tmp_path / "outdir"
    target.mkdir()
    code, _, err = run(["check", str(src), "-o", str(target)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert err == f"airmap: error: {target}: cannot write: is a directory\n"
    assert list(target.iterdir()) == []
    only_input_left(tmp_path, src, target)


def test_epoch_seconds_time_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # OpenSky state vectors give Unix seconds: 1563840540 = 2019-07-23T00:09:00Z
    src = write_csv(
        tmp_path / "p.csv",
        "time,lon,lat\n1563840540,125.182447,32.122953\n1386000000,125.182447,32.122953\n",
    )
    out_path = tmp_path / "o.csv"
    code, _, err = run(["check", str(src), "-o", str(out_path)], capsys)
    assert code == ExitStatus.OK, err
    rows = list(csv.DictReader(out_path.read_text(encoding="utf-8").splitlines()))
    assert rows[0]["status:kadiz@2013"] == "inside"  # 2019
    assert rows[1]["status:kadiz@2013"] == "not_in_force"  # 2013-12-02T16:00Z
