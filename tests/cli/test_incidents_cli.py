"""``airmap incidents``: list, show (UTC and local times, verdicts, totals), validate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airmap.maps.cli import ExitStatus
from tests.common import run_cli as run

from ..incidents.test_load import BAD_CASES, base_doc


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    doc = base_doc()
    doc["incident"][0]["event"].append(
        {
            "at_local": "2019-07-23T09:12",
            "actors": ["ru-a50"],
            "kind": "violation_end",
            "zone": "ta-dokdo",
            "says": "first violation ends",
            "by": "KOR",
            "sources": ["rep"],
        }
    )
    doc["incident"][0]["claim"].append(
        {
            "id": "kor-3min",
            "by": "KOR",
            "says": "three minutes in Korean airspace",
            "sources": ["rep"],
            "confidence": "medium",
            "check": [
                {
                    "actors": ["ru-a50"],
                    "zone": "ta-dokdo",
                    "minutes": 3,
                    "kind": "violation",
                }
            ],
        }
    )
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_validate_good_file(
    user_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["incidents", "validate", str(user_file)], capsys)
    assert code == ExitStatus.OK, err
    assert out.strip() == "1 file valid (1 incident)"


def test_validate_reports_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = base_doc()
    doc["incident"][0]["position"][0].pop("tag")
    doc["incident"][0]["claim"][0]["sources"] = ["nope"]
    doc["incident"][0]["event"][0]["at_local"] = "2019-07-23 25:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = run(["incidents", "validate", str(path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    lines = err.strip().splitlines()
    assert lines[-1] == "3 problems found"
    assert (
        f"airmap: error: {path}: incident 2019-07-23-test, position pass-1: tag: missing"
        in err
    )
    assert (
        f"{path}: incident 2019-07-23-test, claim kor-1: sources: unknown source id 'nope'"
        in err
    )
    assert (
        f"{path}: incident 2019-07-23-test, event #1: at_local: '2019-07-23 25:00' is not a "
        "local date-time" in err
    )


def test_show_prints_utc_and_local_times_verdicts_and_totals(
    user_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        [
            "incidents",
            "show",
            "2019-07-23-test",
            "--no-seeds",
            "--incidents",
            str(user_file),
        ],
        capsys,
    )
    assert code == ExitStatus.OK, err
    # 09:09 KST is 00:09 UTC (T6), both printed on the timeline line
    out = " ".join(out.split())  # undo the wrapping of long lines
    assert (
        "2019-07-23 00:09:00 | 2019-07-23 09:09:00 KST violation_start ta-dokdo" in out
    )
    assert "2019-07-22 21:44:00 UTC" in out  # window start, the day before in UTC
    assert "VERDICT: SUPPORTED" in out
    assert "ta-dokdo@1978 (inside" in out
    assert "claimed by KOR,JPN; held by KOR DISPUTED" in out
    assert "ru-a50 violating ta-dokdo: 3 min = 3 min" in out


def test_show_json(user_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "incidents",
            "show",
            "2019-07-23-test",
            "--no-seeds",
            "--incidents",
            str(user_file),
            "--format",
            "json",
        ],
        capsys,
    )
    assert code == ExitStatus.OK
    data = json.loads(out)
    claims = {c["id"]: c for c in data["claims"]}
    assert claims["kor-1"]["verdict"] == "supported"
    assert claims["kor-3min"]["checks"][0]["value"] == 3
    assert data["events"][0]["at_utc"] == "2019-07-23T00:09:00+00:00"
    assert data["events"][0]["at_local"] == "2019-07-23T09:09:00+09:00"


def test_unknown_incident_suggests(
    user_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        [
            "incidents",
            "show",
            "2019-07-23-tset",
            "--no-seeds",
            "--incidents",
            str(user_file),
        ],
        capsys,
    )
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err.strip() == (
        "airmap: error: no incident with id '2019-07-23-tset'; did you mean '2019-07-23-test'?"
    )


def test_list_with_a_bad_user_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[[incident]]\nid = 'x'\n", encoding="utf-8")
    code, out, err = run(["incidents", "--no-seeds", "--incidents", str(path)], capsys)
    assert code == ExitStatus.DATA_ERROR
    assert out == ""
    assert err.startswith(f"airmap: error: {path}: incident x: title: missing")


# ------------------------------------------------ airmap check --incident / --incidents


def test_check_seeded_incident_positions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["check", "--incident", "2019-07-23-dokdo", "--format", "json"], capsys
    )
    assert code == ExitStatus.OK, err
    rows = {r["subject"]: r for r in json.loads(out)["subjects"]}
    zones = {z["zone"]: z for z in rows["a50-pass-1-km"]["zones"]}
    assert zones["ta-dokdo@1978"]["status"] == "inside"
    assert zones["ta-dokdo@1978"]["claimants"] == ["KOR", "JPN"]
    track = {z["zone"]: z for z in rows["a50-pass-1-hypothesis"]["zones"]}
    assert track["ta-dokdo@1978"]["inside_s"] == pytest.approx(180, abs=0.5)


def test_check_user_incidents_file(
    user_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", "--incidents", str(user_file)], capsys)
    assert code == ExitStatus.OK, err
    assert out.startswith("2019-07-23-test / pass-1 (position (derived); zones as of")
    assert "ta-dokdo@1978" in out
    assert "2019-07-23-dokdo" not in out  # only the user's incidents


def test_check_position_and_incident_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        ["check", "37.2416,132.0019", "--incident", "2019-07-23-dokdo"], capsys
    )
    assert code == ExitStatus.USAGE
    assert out == ""
    assert "not both" in err


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_every_bad_record_kind_exits_1_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """Acceptance 6: message, exit code, and no file written, for each bad-record kind."""
    mutate, expected = BAD_CASES[case]
    doc = base_doc()
    mutate(doc)
    for ev in doc["incident"][0]["event"]:
        for k in [k for k, v in ev.items() if v is None]:
            del ev[k]
    path = tmp_path / "inc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for argv in (
        ["incidents", "validate", str(path)],
        [
            "incidents",
            "show",
            "2019-07-23-test",
            "--no-seeds",
            "--incidents",
            str(path),
        ],
        ["check", "--incidents", str(path)],
    ):
        code, out, err = run(argv, capsys)
        assert code == ExitStatus.DATA_ERROR, argv
        assert out == ""
        assert expected.replace("inc.json", str(path)) in err
        assert [p.name for p in tmp_path.iterdir()] == ["inc.json"]
